"""``kubelife vectors --out DIR``: export conformance test vectors as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from kubelife.cli import usage_error

NAME = "vectors"
ORDER = 41
HELP = "write JSON conformance vectors (phase function, allowed and forbidden steps)"


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="directory to write phase.json, pod-steps.json, node-steps.json")
    p.add_argument("--profile", default="seed", help="semantics profile: seed (default) or modern")


def run(args: argparse.Namespace) -> int:
    from kubelife.oracle import PROFILES
    from kubelife.oracle.vectors import write_vectors

    if args.profile not in PROFILES:
        usage_error(f"--profile {args.profile!r} is not known; use one of: {', '.join(PROFILES)}.")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        usage_error(f"--out {args.out!r} is a file; give a directory (it is created if missing).")
    try:
        counts = write_vectors(out, args.profile)
    except OSError as e:
        usage_error(f"cannot write to --out {args.out!r} ({e.strerror}); give a writable directory.")
    for name, n in counts.items():
        print(f"{out / name}: {n:,} vectors")
    return 0
