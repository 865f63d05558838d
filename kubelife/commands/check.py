"""``kubelife check``: exhaustive exploration of one configuration or the default suite."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from kubelife.check import check_model
from kubelife.cli import (
    add_config_args,
    add_memory_budget_arg,
    apply_memory_budget,
    config_from_args,
    emit_json,
    profile_from_args,
    semantics_from_args,
    tune_suite,
    usage_error,
)
from kubelife.model.engine.explore import SEARCH_LIMITS
from kubelife.profiles import build
from kubelife.progress import exploration_progress
from kubelife.ray_engine import add_ray_args, check_for_args
from kubelife.suite import merge
from kubelife.textout import liveness_json, print_check, print_liveness, print_suite

NAME = "check"
ORDER = 0
HELP = "explore every reachable state; check properties and scenario rows"
# Liveness keeps the whole edge list and runs SCC rounds per property and fairness case: minutes and
# gigabytes past a few million states, where the safety search takes seconds.  Past this bound `check`
# says so and points at `kubelife liveness`, instead of silently running ten times longer.
LIVENESS_MAX_STATES = 1_000_000
MAX_WORKERS = 1024  # Ray actors, one partition each


def setup(p: argparse.ArgumentParser) -> None:
    add_config_args(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--witnesses", action="store_true", help="print the witness path of every row")
    p.add_argument("--show-deadlock", action="store_true", help="print a shortest path to a deadlock state")
    p.add_argument("--max-states", type=int, default=None, help="stop with an error past this many states")
    add_memory_budget_arg(p)
    p.add_argument("--list-mutants", action="store_true", help="list the mutants and exit")
    p.add_argument("--engine", choices=["auto", "fast", "python", "ray"], default="auto",
                   help="fast = compiled C, python = the reference explorer, auto = fast unless tiny (default), "
                   "ray = partitioned over Ray workers")
    add_ray_args(p)
    sym = p.add_mutually_exclusive_group()
    sym.add_argument("--symmetry", dest="symmetry", action="store_true", default=False,
                     help="store one state per orbit of interchangeable nodes and slots (counts shrink; "
                     "verdicts and shortest traces do not change)")
    sym.add_argument("--no-symmetry", dest="symmetry", action="store_false",
                     help="store every state, so counts are the distinct reachable states (the default)")
    p.add_argument("--no-liveness", action="store_true", help="skip the liveness properties")
    p.add_argument("--liveness-max-states", type=int, default=LIVENESS_MAX_STATES, metavar="N",
                   help="check liveness of a single configuration only when its graph has at most N states "
                   f"(under --symmetry: orbits x group size; default {LIVENESS_MAX_STATES:,}); larger ones are "
                   "reported as not checked")
    p.add_argument("--fairness", help="check liveness under exactly these assumptions (comma-separated names "
                                      "or bundles; see kubelife liveness --list-fairness)")


def run(args: argparse.Namespace) -> int:
    prof = profile_from_args(args)
    if args.list_mutants:
        for name, cls in prof.mutants.items():
            print(f"{name:30} {cls.doc}; caught by {', '.join(cls.caught_by)}")  # type: ignore[attr-defined]
        return 0
    if args.max_states is not None and args.max_states < 1:
        usage_error(f"--max-states {args.max_states} is out of range; give a whole number from 1 up.")
    if args.liveness_max_states < 1:
        usage_error(f"--liveness-max-states {args.liveness_max_states} is out of range; give a whole number from 1 up.")
    if args.engine == "ray" and not 1 <= args.workers <= MAX_WORKERS:  # Ray refuses absurd counts with a traceback
        usage_error(f"--workers {args.workers} is out of range; give a whole number from 1 to {MAX_WORKERS}.")
    apply_memory_budget(args)
    semantics = semantics_from_args(args)
    cfg = config_from_args(args)
    configs = [cfg] if cfg is not None else tune_suite(args, prof.check_suite)
    out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 150)
    results = []
    try:
        for c in configs:
            m = build(c, semantics)
            with exploration_progress(m.name, enabled=not args.json) as progress:
                if args.engine == "ray":
                    results.append(check_for_args(m, args, progress))
                    continue
                results.append(check_model(m, progress=progress, max_states=args.max_states,
                                           engine=_engine(args), symmetry=args.symmetry))
        skipped = _liveness_skipped(args, results[0]) if cfg is not None and not args.no_liveness else None
        live = [] if args.no_liveness or skipped else _liveness(args, [cfg] if cfg is not None else None, semantics)
    except SEARCH_LIMITS as e:
        usage_error(str(e)[0].upper() + str(e)[1:] + ".")
    live_ok = all(x.ok for x in live)
    if cfg is not None:
        r = results[0]
        if args.json:
            emit_json({**r.to_json(), **({"liveness": live[0].to_json()["properties"]} if live else {}),
                       **({"liveness_not_checked": skipped} if skipped else {})})
        else:
            print_check(out, r, witnesses=args.witnesses, deadlock=args.show_deadlock)
            print_liveness(out, live)
            if skipped:
                out.print(f"[yellow]liveness not checked[/]: {skipped}")
        return 0 if r.ok and live_ok else 1
    s = merge(results)
    if args.json:
        emit_json({**s.to_json(), **({"liveness": liveness_json(live)} if live else {})})
    else:
        print_suite(out, s, witnesses=args.witnesses)
        print_liveness(out, live)
    return 0 if s.ok and live_ok else 1


def _liveness(args: argparse.Namespace, configs: list[Any] | None, semantics: Any) -> list[Any]:
    """Liveness verdicts: on the given configuration, or on the profile's liveness suite."""
    from kubelife.commands.liveness import fairness_from_args
    from kubelife.liveness import check_liveness, liveness_suite

    if profile_from_args(args).liveness is None:  # the profile declares no liveness: nothing to add
        return []
    fairness = fairness_from_args(args)
    suite = configs if configs is not None else tune_suite(args, liveness_suite(profile_from_args(args)))
    return [check_liveness(build(c, semantics), fairness, symmetry=args.symmetry, max_states=args.max_states)
            for c in suite]


def _liveness_skipped(args: argparse.Namespace, r: Any) -> str | None:
    """Why liveness is not checked on this configuration, or ``None`` when it is."""
    n = r.exploration.states
    group = int(r.meta.get("symmetry", {}).get("group_size", 1))
    # Some liveness properties need the unreduced graph; under --symmetry it has at most n x |group| states.
    bound = n * group
    if bound <= args.liveness_max_states:
        return None
    size = f"{n:,} states" if group == 1 else f"up to {bound:,} states ({n:,} orbits of up to {group})"
    return (f"{size} is over --liveness-max-states {args.liveness_max_states:,}; raise it, or run "
            "`kubelife liveness` with the same configuration flags")


def _engine(args: argparse.Namespace) -> str:
    from kubelife.model.engine.fast import available

    if args.engine == "fast" and not available():
        usage_error("--engine fast needs a C compiler (gcc or cc, or $CC); install one or use --engine python.")
    return str(args.engine)
