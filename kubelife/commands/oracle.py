"""``kubelife oracle TRACE``: does a recorded trace conform to the lifecycle semantics?

Verdicts stream: each object's verdict is printed as soon as it is decided (a violation at the
line that causes it, a conformant object when it is deleted or the trace ends), so a live
``kubectl get pods -w -o json | kubelife oracle -`` reports as it goes, and Ctrl-C prints the
summary so far (exit 130).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from kubelife.cli import add_profile_arg, add_version_args, emit_json, usage_error, version_from_args, version_text

NAME = "oracle"
ORDER = 40
HELP = "check a trace of another implementation (watch stream, kubectl -w, lists, kubelife JSONL)"


def setup(p: argparse.ArgumentParser) -> None:
    from kubelife.oracle import FORMATS

    p.add_argument("trace", help="trace file, or - for standard input")
    p.add_argument("--format", choices=FORMATS, help="input format (default: detected)")
    add_profile_arg(p)
    add_version_args(p)
    p.add_argument("--unseen-nodes", choices=("healthy", "unknown"), default="healthy",
                   help="nodes the trace never shows: healthy (default) or unknown")
    p.add_argument("--max-hidden-steps", type=int, default=12,
                   help="hidden steps searched between two observations, plus 3 per observed restart (default 12)")
    p.add_argument("--strict", action="store_true", help="stop at the first bad line (exit 2)")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first violation or gap (exit 1)")
    p.add_argument("--follow", "-f", action="store_true",
                   help="keep reading a file that is still being written, like tail -f; stop with Ctrl-C")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object on stdout at the end")
    out.add_argument("--json-lines", action="store_true",
                     help="JSON Lines on stdout: each object's verdict as it is decided, then a summary")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.add_argument("--verbose", "-v", action="store_true", help="show conformant objects too")


class _Printer:
    """Writes verdicts and first problems as they come, in text or JSON Lines."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.lines = args.json_lines
        self.quiet = args.json
        self.verbose = args.verbose
        # Reading a live stream, a problem is worth saying at once; for a file, the summary says it.
        self.live = args.trace == "-" or args.follow

    def out(self, text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()  # a pipe is block-buffered: a live watch must see each verdict at once

    def header(self, fmt: str, profile: str, source: str) -> None:
        from kubelife.oracle.output import render_header

        if not (self.quiet or self.lines):
            self.out(render_header(fmt, profile, source))

    def decided(self, o: Any) -> None:
        from kubelife.oracle.output import explain

        if self.lines:
            self.out(json.dumps({"type": "object", **o.to_json()}))
        elif not self.quiet and (o.status != "conformant" or self.verbose):
            self.out(explain(o))

    def problem(self, d: Any) -> None:
        if self.lines:
            self.out(json.dumps({"type": "problem", "kind": d.group, "line": d.line, "message": d.message}))
        elif not self.quiet and self.live:
            self.out(f"input line {d.line}: {d.message} (the summary counts the rest like it)")


def _open(args: argparse.Namespace) -> IO[bytes]:
    if args.trace == "-":
        if args.follow:
            usage_error("--follow reads a file that grows; standard input is read to its end anyway, so drop one.")
        return sys.stdin.buffer
    try:
        return open(args.trace, "rb")
    except OSError as e:
        usage_error(f"cannot read trace {args.trace!r} ({e.strerror}); give a readable file or - for stdin.")


def run(args: argparse.Namespace) -> int:
    from kubelife.model.k8s.config import ConfigError
    from kubelife.oracle import BadInput, Oracle
    from kubelife.oracle.output import render_summary, write_junit
    from kubelife.oracle.readers import follow, read_records

    if not 0 <= args.max_hidden_steps <= 1000:
        usage_error(f"--max-hidden-steps {args.max_hidden_steps} is out of range; give a whole number from 0 to 1000.")
    try:
        named = {"profile_name": args.profile} if args.profile else {}  # unset: the oracle's default profile
        kubernetes, gates = version_from_args(args)
        oracle = Oracle(**named, unseen_nodes=args.unseen_nodes, max_hidden=args.max_hidden_steps,
                        strict=args.strict, kubernetes=kubernetes, gates=gates)
    except (ConfigError, KeyError, ValueError) as e:
        usage_error(str(e).strip("'\""))
    from kubelife.check import version_json

    versions = version_json(oracle.profile.node_config())  # the effective version and gates, if modelled
    printer = _Printer(args)
    oracle.on_decided, oracle.on_problem = printer.decided, printer.problem
    # Only --json and --junit list every object at the end; otherwise finished objects are dropped once printed.
    oracle.keep_finished = bool(args.json or args.junit)
    stream = _open(args)
    fmt, interrupted, stopped = args.format or "?", False, False
    try:
        with stream:
            fmt, items = read_records(follow(stream) if args.follow else stream, args.format)
            named_as = oracle.profile.name + (f" ({version_text(versions['kubernetes'], versions['gates'].items())})"
                                              if versions else "")
            printer.header(fmt, named_as, "standard input" if args.trace == "-" else args.trace)
            stopped = oracle.run(items, fail_fast=args.fail_fast)
            if not stopped:
                oracle.finish()
    except KeyboardInterrupt:
        interrupted = True
    except BadInput as e:
        usage_error(f"{args.trace}: {str(e).removesuffix('; skipped')} (--strict stops at the first bad line).")
    r = oracle.result(fmt, interrupted=interrupted)
    if r.records == 0 and not interrupted:
        first = f" (line {r.problems[0][0].line}: {r.problems[0][0].message.removesuffix('; skipped')})" \
            if r.problems else ""
        usage_error(f"{args.trace}: no Pod, Node or Event could be read{first}; "
                    "give a watch stream, kubectl -o json output or a kubelife trace.")
    if args.junit:
        try:
            write_junit(r, args.junit)
        except OSError as e:
            usage_error(f"cannot write --junit {args.junit!r} ({e.strerror}); give a writable path.")
    if args.json:
        emit_json({**r.to_json(), **versions, "stopped_at_first_failure": stopped})
    elif args.json_lines:
        printer.out(json.dumps({"type": "summary", **r.summary_json(), **versions,
                                "stopped_at_first_failure": stopped}))
    else:
        if stopped:
            printer.out(f"stopped at line {r.lines:,}: the first violation or gap (--fail-fast); the rest was not read")
        printer.out(render_summary(r))
    return 130 if interrupted else r.exit_code
