"""``kubelife diff``: what changes between two semantics on the observable projection they share."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from kubelife.cli import config_from_args, emit_json, usage_error

NAME = "diff"
ORDER = 6
HELP = ("what changes between two semantics (profiles, Kubernetes versions, feature gates, mutants): phase "
        "function, observable steps with shortest witnesses, verdicts")


def setup(p: argparse.ArgumentParser) -> None:
    from kubelife.model.k8s.types import Policy

    p.add_argument("--from", dest="spec_from", required=True, metavar="SPEC",
                   help="one semantics: PROFILE, kubernetes=1.N, gates=NAME=true|false,..., mutant=NAME, or "
                        "PROFILE:setting,... (a spec without a profile takes the other side's)")
    p.add_argument("--to", dest="spec_to", required=True, metavar="SPEC", help="the other semantics, as --from")
    g = p.add_argument_group("a single configuration (default: one node, one pod of one container, each policy)")
    g.add_argument("--preset", help="a named configuration of the --from profile")
    for flag, what in (("--nodes", "number of nodes (1-8; default 1)"), ("--slots", "pod slots (default 2)"),
                       ("--replicas", "replicas (default 1)"), ("--containers", "containers per pod (default 1)"),
                       ("--restart-cap", "restart counts saturate here (default 1)"),
                       ("--inits", "init containers per pod (profiles that have them)"),
                       ("--sidecars", "sidecars per pod (profiles that have them)")):
        g.add_argument(flag, type=int, help=what)
    g.add_argument("--policy", choices=[x.label for x in Policy], help="restart policy (default Always)")
    g.add_argument("--slot-flags", metavar="NAME,...", default="",
                   help="environment events every pod slot allows, as the profile names its boolean slot options "
                        "(e.g. user_deletes,sandbox_restarts); applied to the default configurations too")
    p.add_argument("--no-liveness", action="store_true", help="do not compare liveness verdicts")
    p.add_argument("--max-states", type=int, default=None, help="stop with an error past this many states a side")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object on stdout")
    out.add_argument("--markdown", action="store_true", help="Markdown, for release notes")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from kubelife.compare import comparison_markdown
    from kubelife.diff import DEFAULT_SUITE, diff, resolve_pair, with_slot_flags
    from kubelife.diff.render import markdown, print_diff
    from kubelife.model.engine.explore import SEARCH_LIMITS
    from kubelife.model.k8s.config import SlotSpec

    a, b = resolve_pair(args.spec_from, args.spec_to)
    if args.max_states is not None and args.max_states < 1:
        usage_error(f"--max-states {args.max_states} is out of range; give a whole number from 1 up.")
    args.profile = a.profile.name  # presets and configuration flags are read as the --from profile's
    cfg: Any = config_from_args(args)
    configs = [cfg] if cfg is not None else list(DEFAULT_SUITE)
    flags = tuple(f.strip() for f in args.slot_flags.split(",") if f.strip())
    known = {f.name for f in dataclasses.fields(SlotSpec) if f.type in ("bool", bool)} - {"controlled", "initial"}
    for f in flags:
        if f not in known:
            usage_error(f"--slot-flags {f!r} is not a slot option; use some of: {', '.join(sorted(known))}.")
    configs = [with_slot_flags(c, flags) for c in configs]
    try:
        r = diff(a, b, configs, liveness=not args.no_liveness, max_states=args.max_states)
    except SEARCH_LIMITS as e:
        usage_error(str(e)[0].upper() + str(e)[1:] + ".")
    if args.json:
        emit_json(r.to_json())
    elif args.markdown:
        rows = comparison_markdown(b.profile) if b.profile.refines == a.profile.name else ""
        sys.stdout.write(markdown(r, rows))
    else:
        print_diff(Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 150), r)
    return 1 if r.differ else 0
