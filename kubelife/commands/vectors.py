"""``kubelife vectors --out DIR``: export conformance test vectors as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from kubelife.cli import add_profile_arg, add_version_args, profile_from_args, usage_error, version_from_args

NAME = "vectors"
ORDER = 41
HELP = "write JSON conformance vectors (phase function, allowed and forbidden steps)"


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="directory to write phase.json, pod-steps.json, node-steps.json")
    add_profile_arg(p)
    add_version_args(p)


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
    from kubelife.profiles import ProfileError

    kubernetes, gates = version_from_args(args)
    try:
        counts = write_vectors(out, prof, kubernetes, gates)
    except ProfileError as e:
        usage_error(str(e))
    except OSError as e:
        usage_error(f"cannot write to --out {args.out!r} ({e.strerror}); give a writable directory.")
    for name, n in counts.items():
        print(f"{out / name}: {n:,} vectors")
    return 0
