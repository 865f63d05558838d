"""``kubelife vectors --out DIR``: export conformance test vectors as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from kubelife.cli import add_profile_arg, profile_from_args, usage_error

NAME = "vectors"
ORDER = 41
HELP = "write JSON conformance vectors (phase function, allowed and forbidden steps)"


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="directory to write phase.json, pod-steps.json, node-steps.json")
    add_profile_arg(p)


def run(args: argparse.Namespace) -> int:
    from kubelife.oracle.vectors import write_vectors
    from kubelife.profiles import require

    prof = profile_from_args(args)
    try:
        require(prof, "conformance vectors")
    except ValueError as e:
        usage_error(str(e))
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        usage_error(f"--out {args.out!r} is a file; give a directory (it is created if missing).")
    try:
        counts = write_vectors(out, prof)
    except OSError as e:
        usage_error(f"cannot write to --out {args.out!r} ({e.strerror}); give a writable directory.")
    for name, n in counts.items():
        print(f"{out / name}: {n:,} vectors")
    return 0
