"""``kubelife prove``: Z3 proofs of every row and invariant, and BMC for the expected violation."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kubelife.cli import (
    add_config_args,
    config_from_args,
    emit_json,
    profile_from_args,
    semantics_from_args,
    tune_suite,
    usage_error,
)

NAME = "prove"
ORDER = 10
HELP = "prove rows and invariants with Z3 for all states; bounded model checking for the expected violation"

_STYLE = {"proved": "green", "refuted-as-expected": "green", "refuted": "bold red", "unknown": "bold red",
          "vacuous": "yellow", "not found": "yellow"}


def setup(p: argparse.ArgumentParser) -> None:
    add_config_args(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--depth", type=int, default=None,
                   help="bounded model checking depth for counterexamples (1-60; default 12)")
    p.add_argument("--no-counts", action="store_true", help="skip the any-number-of-containers proofs")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds per solver query before it counts as unknown (0.1-3600; default 20)")


def run(args: argparse.Namespace) -> int:
    from kubelife.prove import DEFAULT_DEPTH, DEFAULT_TIMEOUT_MS, prove_all, prove_suite

    depth = DEFAULT_DEPTH if args.depth is None else args.depth
    if not 1 <= depth <= 60:
        usage_error(f"--depth {depth} is out of range; give a whole number from 1 to 60.")
    if args.timeout is not None and not 0.1 <= args.timeout <= 3600:  # nan compares false: refused too
        usage_error(f"--timeout {args.timeout:g} is out of range; give seconds from 0.1 to 3600.")
    timeout_ms = DEFAULT_TIMEOUT_MS if args.timeout is None else round(args.timeout * 1000)
    from kubelife.profiles import ProfileError, require

    try:
        require(profile_from_args(args), "Z3 proofs")
    except ProfileError as e:
        usage_error(str(e))
    semantics = semantics_from_args(args)
    cfg = config_from_args(args)
    tuned = None if cfg is not None else tune_suite(args, prove_suite(profile_from_args(args).name))
    if tuned is not None and tuned == list(prove_suite(profile_from_args(args).name)):
        tuned = None  # the profile's own suite, untouched: strict verdicts (every row must apply)
    from kubelife.prove_interrupt import run_interruptible

    # Z3 runs in a worker thread so that Ctrl-C stops it at once (exit 130), never as a verdict.
    r = run_interruptible(lambda: prove_all(tuned if cfg is None else [cfg], semantics, strict=cfg is None,
                                            depth=depth, any_containers=not args.no_counts, timeout_ms=timeout_ms))
    if args.json:
        emit_json(r.to_json())
        return 0 if r.ok else 1
    out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
    _print(out, r)
    return 0 if r.ok else 1


def _status(s: str) -> str:
    return f"[{_STYLE.get(s, 'white')}]{s}[/]"


def _print(con: Console, r: object) -> None:
    from kubelife.profiles import row_by_id_for
    from kubelife.prove import ProveResult

    assert isinstance(r, ProveResult)
    profile = r.configs[0].model.config.profile
    names = ", ".join(c.model.name for c in r.configs)
    con.print(f"[bold]kubelife prove[/]  {escape(names)}  ({r.seconds:.1f} s)")
    rt = Table(title="Scenario rows (every state satisfying the proved invariants)", title_justify="left",
               show_edge=False)
    for col in ("row", "expected outcome", "Z3", "seconds", "assumes", "proved in"):
        rt.add_column(col, justify="right" if col == "seconds" else "left")
    for rid, v in r.rows.items():
        rt.add_row(rid, row_by_id_for(rid, profile).expect, _status(v.status), f"{v.seconds:.3f}",
                   ", ".join(v.strengthening) or "-", v.config)
    con.print(rt)
    for title, group in (("Properties (inductive invariants and steps)", r.properties),
                         ("Strengthening (auxiliary invariants, proved inductive with them)", r.auxiliary)):
        pt = Table(title=title, title_justify="left", show_edge=False)
        for col in ("property", "Z3", "seconds", "needs"):
            pt.add_column(col, justify="right" if col == "seconds" else "left")
        for name, v in group.items():
            needs = ", ".join(v.strengthening) or ("BMC" if v.trace is not None and v.ok else "-")
            pt.add_row(name, _status(v.status), f"{v.seconds:.3f}", needs)
        con.print(pt)
    if r.any_containers:
        ct = Table(title="Any number of containers (counting abstraction)", title_justify="left", show_edge=False)
        for col in ("property", "Z3", "seconds"):
            ct.add_column(col, justify="right" if col == "seconds" else "left")
        for name, v in r.any_containers.items():
            ct.add_row(name, _status(v.status), f"{v.seconds:.3f}")
        con.print(ct)
    from kubelife.profiles import get

    if get(profile).prove is not None and get(profile).prove.counts is None:  # type: ignore[union-attr]
        con.print(f"\nAny number of containers: the {profile} profile declares no counting proofs.")
    b = r.bmc
    if b.trace is not None:
        con.print(f"\nexpected violation (BMC, depth {r.depth}): found in {b.config}, "
                  f"shortest counterexample {len(b.trace)} steps, {b.seconds:.2f} s")
        con.print(b.trace.render(), markup=False, highlight=False)
    else:
        con.print(f"\nexpected violation (BMC, depth {r.depth}): {_status(b.status)} within the depth")
    for name, v in r.properties.items():
        # Profiles may declare more known violations than the one BMC hunts by default.
        if v.trace is not None and v.status == "refuted-as-expected" and v is not r.bmc:
            con.print(f"\nknown violation {name!r} (BMC, depth {r.depth}): found in {v.config}, "
                      f"shortest counterexample {len(v.trace)} steps, {v.seconds:.2f} s")
            con.print(v.trace.render(), markup=False, highlight=False)
    for group in (r.rows, r.properties, r.auxiliary, r.any_containers):
        for name, v in group.items():
            if v.status != "refuted":
                continue
            con.print(f"\n[bold red]REFUTED[/]: {name}")
            for k, val in (v.counterexample or {}).items():
                con.print(f"  {k}: {val}", markup=False, highlight=False)
            if v.trace is not None:
                con.print(f"  a run reaching it ({len(v.trace)} steps):", markup=False)
                con.print(v.trace.render("    "), markup=False, highlight=False)
