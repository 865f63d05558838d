"""``kubelife oracle TRACE``: does a recorded trace conform to the lifecycle semantics?"""

from __future__ import annotations

import argparse
import sys

from kubelife.cli import emit_json, usage_error

NAME = "oracle"
ORDER = 40
HELP = "check a trace of another implementation (watch stream, kubectl -w, lists, kubelife JSONL)"


def setup(p: argparse.ArgumentParser) -> None:
    from kubelife.oracle import FORMATS

    p.add_argument("trace", help="trace file, or - for standard input")
    p.add_argument("--format", choices=FORMATS, help="input format (default: detected)")
    p.add_argument("--profile", default="seed", help="semantics profile: seed (default) or modern")
    p.add_argument("--unseen-nodes", choices=("healthy", "unknown"), default="healthy",
                   help="nodes the trace never shows: healthy (default) or unknown")
    p.add_argument("--max-hidden-steps", type=int, default=12,
                   help="hidden steps searched between two observations, plus 3 per observed restart (default 12)")
    p.add_argument("--strict", action="store_true", help="stop at the first bad line (exit 2)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.add_argument("--verbose", "-v", action="store_true", help="list conformant objects too")


def run(args: argparse.Namespace) -> int:
    from kubelife.oracle import PROFILES, BadInput, check_stream
    from kubelife.oracle.output import render_text, write_junit

    if args.profile not in PROFILES:
        usage_error(f"--profile {args.profile!r} is not known; use one of: {', '.join(PROFILES)}.")
    if not 0 <= args.max_hidden_steps <= 1000:
        usage_error(f"--max-hidden-steps {args.max_hidden_steps} is out of range; give a whole number from 0 to 1000.")
    try:
        stream = sys.stdin.buffer if args.trace == "-" else open(args.trace, "rb")
    except OSError as e:
        usage_error(f"cannot read trace {args.trace!r} ({e.strerror}); give a readable file or - for stdin.")
    try:
        with stream:
            r = check_stream(stream, fmt=args.format,
                             profile_name=args.profile, unseen_nodes=args.unseen_nodes,
                             max_hidden=args.max_hidden_steps, strict=args.strict)
    except BadInput as e:
        usage_error(f"{args.trace}: {str(e).removesuffix('; skipped')} (--strict stops at the first bad line).")
    if r.records == 0:
        usage_error(f"{args.trace}: no Pod, Node or Event could be read ({len(r.diagnostics)} bad lines); "
                    "give a watch stream, kubectl -o json output or a kubelife trace.")
    if args.junit:
        try:
            write_junit(r, args.junit)
        except OSError as e:
            usage_error(f"cannot write --junit {args.junit!r} ({e.strerror}); give a writable path.")
    if args.json:
        emit_json(r.to_json())
    else:
        print(render_text(r, verbose=args.verbose))
    return r.exit_code
