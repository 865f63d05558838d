"""``kubelife liveness``: "eventually" properties under named fairness assumptions."""

from __future__ import annotations

import argparse
from typing import Any

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

NAME = "liveness"
ORDER = 5
HELP = "check liveness (leads-to, eventually-always) under fairness; counterexamples are lassos"


def setup(p: argparse.ArgumentParser) -> None:
    add_config_args(p)
    p.add_argument("--fairness", help="check every property under exactly these assumptions (comma-separated "
                                      "names or bundles; see --list-fairness); default: each property's cases")
    p.add_argument("--no-symmetry", action="store_true", help="always use the full graph")
    p.add_argument("--method", choices=("auto", "networkx", "scipy"), default="auto",
                   help="strongly connected components by networkx or scipy (auto: by graph size)")
    p.add_argument("--lassos", action="store_true", help="in the suite, print the lassos of expected violations too")
    p.add_argument("--max-states", type=int, default=None, help="stop with an error past this many states")
    add_memory_budget_arg(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--dot", metavar="DIR", help="also write every lasso as a Graphviz DOT drawing into DIR")
    p.add_argument("--list-fairness", action="store_true", help="list the fairness assumptions and exit")


def _semantics(args: argparse.Namespace) -> Any:
    """The semantics (or mutant, liveness-only ones included) of a profile that offers liveness."""
    from kubelife.liveness import liveness_spec
    from kubelife.profiles import ProfileError

    try:
        liveness_spec(profile_from_args(args))
    except ProfileError as e:
        usage_error(str(e))
    return semantics_from_args(args)


def run(args: argparse.Namespace) -> int:
    from kubelife.liveness import check_liveness, liveness_spec, render_liveness
    from kubelife.model.engine.explore import SEARCH_LIMITS
    from kubelife.profiles import build

    semantics = _semantics(args)  # validates --profile and --mutant first
    spec = liveness_spec(profile_from_args(args))
    if args.list_fairness:
        for f in spec.fairness.values():
            print(f"{f.name:20} {f.kind:9} {f.doc}")
        for b, names in spec.bundles.items():
            print(f"{b:20} {'bundle':9} {', '.join(names)}")
        return 0
    if args.max_states is not None and args.max_states < 1:
        usage_error(f"--max-states {args.max_states} is out of range; give a whole number from 1 up.")
    apply_memory_budget(args)
    fairness = fairness_from_args(args)
    cfg = config_from_args(args)
    configs = [cfg] if cfg is not None else tune_suite(args, spec.suite)
    results = []
    try:
        for c in configs:
            results.append(check_liveness(build(c, semantics), fairness, symmetry=not args.no_symmetry,
                                          method=args.method, max_states=args.max_states))
    except SEARCH_LIMITS as e:
        usage_error(str(e)[0].upper() + str(e)[1:] + ".")
    ok = all(r.ok for r in results)
    if args.dot:
        _draw(results, args.dot)
    if args.json:
        emit_json(results[0].to_json() if cfg is not None else {"ok": ok, "configs": [r.to_json() for r in results]})
    else:
        for r in results:
            print(render_liveness(r, lassos=cfg is not None or args.lassos))
            print()
        print("all liveness verdicts as expected" if ok else "LIVENESS FAILED")
    return 0 if ok else 1


def _draw(results: list[Any], where: str) -> None:
    import re
    from pathlib import Path

    from kubelife.liveness import lasso_diagram
    from kubelife.report.render import to_dot

    out = Path(where)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        usage_error(f"--dot {where!r} cannot be created ({e.strerror}); give a writable directory.")
    for r in results:
        for v in r.verdicts:
            if v.lasso is not None:
                name = re.sub(r"[^a-z0-9]+", "-", f"{r.model.name} {v.key}".lower()).strip("-")[:120]
                (out / f"{name}.dot").write_text(to_dot(lasso_diagram(v, name)))


def fairness_from_args(args: argparse.Namespace) -> list[str] | None:
    """``--fairness a,b`` expanded through the profile's table; None means each property's own cases."""
    from kubelife.liveness import liveness_spec
    from kubelife.properties.liveness import expand_fairness

    if args.fairness is None:
        return None
    spec = liveness_spec(profile_from_args(args))
    try:
        return list(expand_fairness(args.fairness.split(","), spec.fairness, spec.bundles))
    except ValueError as e:
        usage_error(f"--fairness: {e}.")
