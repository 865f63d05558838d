"""``kubelife report``: state diagrams, scenario matrix, properties and coverage as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from kubelife.cli import add_profile_arg, profile_from_args, usage_error

NAME = "report"
ORDER = 50
HELP = "write state diagrams and the checkers' verdicts to reports/ (Markdown, HTML, DOT, SVG)"


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None,
                   help="directory to write (default: the profile's own, e.g. reports/)")
    add_profile_arg(p)
    p.add_argument("--checkers", default="exhaustive,z3,hypothesis,oracle",
                   help="comma-separated checkers to run: exhaustive, z3, hypothesis, oracle, or none "
                        "(default: all; the others are reported as not run)")
    p.add_argument("--timings", action="store_true",
                   help="include wall-clock times (the output is then no longer reproducible)")


def run(args: argparse.Namespace) -> int:
    from kubelife.profiles import require
    from kubelife.report import write_report
    from kubelife.report.gather import CHECKERS
    from kubelife.report.render import SVG_HINT

    names = [] if args.checkers.strip() == "none" else [c.strip() for c in args.checkers.split(",") if c.strip()]
    bad = [c for c in names if c not in CHECKERS]
    if bad:
        usage_error(f"--checkers {bad[0]!r} is not a checker; use a comma-separated list of "
                    f"{', '.join(CHECKERS)}, or none.")
    prof = profile_from_args(args)
    try:
        spec = require(prof, "reports")
    except ValueError as e:
        usage_error(str(e))
    out = Path(args.out if args.out is not None else spec.out)
    if out.exists() and not out.is_dir():
        usage_error(f"--out {str(out)!r} is a file; give a directory.")
    try:  # before the checkers run for minutes: a directory that cannot be made is refused at once
        out.mkdir(parents=True, exist_ok=True)
        from kubelife.prove_interrupt import run_interruptible

        # The checkers run in a worker so that Ctrl-C stops Z3 (and the rest) at once, exit 130.
        res = run_interruptible(lambda: write_report(out, checkers=names, timings=args.timings, profile=prof.name))
    except OSError as e:
        usage_error(f"--out {str(out)!r} cannot be written ({e.strerror or e}); give a writable directory.")
    print(f"kubelife report: wrote {len(res.files)} files to {out}/ "
          f"({'with' if res.svg else 'without'} SVG); open {out / 'index.html'}")
    if not res.svg:
        print(SVG_HINT)
    return 0
