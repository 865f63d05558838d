"""Human-readable output of ``kubelife check``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kubelife.check import CheckResult
from kubelife.profiles import row_by_id_for
from kubelife.suite import SuiteResult

__all__ = ["print_check", "print_suite", "print_liveness", "liveness_json"]

_STYLE = {
    "counterexample": "yellow",
    "holds": "green", "pass": "green", "violated as expected": "green",
    "violated": "bold red", "fail": "bold red", "vacuous": "yellow", "not reached": "yellow",
}


def _rate(states: int, seconds: float) -> str:
    return f"{states / seconds:,.0f} states/s" if seconds > 0 else "-"


def print_check(con: Console, r: CheckResult, *, witnesses: bool = False, deadlock: bool = False) -> None:
    ex = r.exploration
    con.print(f"[bold]kubelife check[/]  {escape(r.model.name)}  (profile {r.model.config.profile})")
    con.print(f"{ex.states:,} states  {ex.transitions:,} transitions  depth {ex.depth}  "
              f"{ex.seconds:.2f} s  {_rate(ex.states, ex.seconds)}")
    acts = r.model.system.actions
    by_kind: dict[str, int] = {}
    for a, n in zip(acts, ex.fired):
        by_kind[f"{a.kind} {a.name}"] = by_kind.get(f"{a.kind} {a.name}", 0) + n
    con.print("fired: " + "  ".join(f"{k} {n:,}" for k, n in by_kind.items()))
    if ex.never_fired:
        con.print(f"[yellow]actions that never fire:[/] {', '.join(str(acts[i]) for i in ex.never_fired)}")
    if r.deadlock is not None:
        con.print(f"{ex.deadlocks} deadlock state(s): no step is enabled (shortest reached in {len(r.deadlock)} "
                  "steps); reported, not an error" + ("" if deadlock else "; --show-deadlock prints it"))
        if deadlock:
            con.print(r.deadlock.render(), markup=False, highlight=False)
    t = Table(title="Properties", title_justify="left", show_edge=False)
    t.add_column("property")
    t.add_column("verdict")
    t.add_column("witness / trace", justify="right")
    for p in r.properties:
        trace = p.counterexample or p.witness
        t.add_row(p.name, f"[{_STYLE[p.status]}]{p.status}[/]", f"{len(trace)} steps" if trace else "vacuous here")
    con.print(t)
    rt = Table(title="Scenario rows", title_justify="left", show_edge=False)
    rt.add_column("row")
    rt.add_column("expected outcome")
    rt.add_column("verdict")
    rt.add_column("matched steps", justify="right")
    for row in r.rows:
        expect = row_by_id_for(row.id, r.model.config.profile).expect
        rt.add_row(row.id, expect, f"[{_STYLE[row.status]}]{row.status}[/]", str(row.hits))
    con.print(rt)
    for p in r.properties:
        if p.counterexample is not None:
            label = "expected violation" if not p.expected else "[bold red]VIOLATION[/]"
            con.print(f"\n{label}: {p.name}: shortest counterexample, {len(p.counterexample)} steps")
            con.print(p.counterexample.render(), markup=False, highlight=False)
    for row in r.rows:
        if row.counterexample is not None:
            expect = row_by_id_for(row.id, r.model.config.profile).expect
            con.print(f"\n[bold red]ROW FAILS[/]: {row.id} ({expect}) for {row.focus}: "
                      f"{len(row.counterexample)} steps, the last is the row's event")
            con.print(row.counterexample.render(), markup=False, highlight=False)
        elif witnesses and row.witness is not None:
            con.print(f"\nwitness for {row.id}: {len(row.witness)} steps, the last is the row's event")
            con.print(row.witness.render(), markup=False, highlight=False)


def print_suite(con: Console, s: SuiteResult, *, witnesses: bool = False) -> None:
    t = Table(title="kubelife check: default suite", title_justify="left", show_edge=False)
    for col in ("configuration", "states", "transitions", "depth", "seconds", "properties", "rows"):
        t.add_column(col, justify="left" if col == "configuration" else "right")
    for r in s.results:
        ex = r.exploration
        props_ok = sum(p.ok for p in r.properties)
        passed = sum(x.status == "pass" for x in r.rows)
        failed = sum(x.status == "fail" for x in r.rows)
        t.add_row(escape(r.model.name), f"{ex.states:,}", f"{ex.transitions:,}", str(ex.depth), f"{ex.seconds:.2f}",
                  f"{props_ok}/{len(r.properties)} ok",
                  f"{passed} pass" + (f", [red]{failed} fail[/]" if failed else ""))
    con.print(t)
    pt = Table(title="Properties (all configurations)", title_justify="left", show_edge=False)
    pt.add_column("property")
    pt.add_column("verdict")
    pt.add_column("shown in")
    for p in s.properties:
        pt.add_row(p.name, f"[{_STYLE[p.status]}]{p.status}[/]", p.where)
    con.print(pt)
    rt = Table(title="Scenario rows (all configurations)", title_justify="left", show_edge=False)
    for col in ("row", "expected outcome", "verdict", "matched steps", "witness in"):
        rt.add_column(col)
    for row in s.rows:
        expect = row_by_id_for(row.id, s.results[0].model.config.profile).expect
        rt.add_row(row.id, expect, f"[{_STYLE[row.status]}]{row.status}[/]", f"{row.hits:,}",
                   row.where)
    con.print(rt)
    for p in s.properties:
        v = p.trace
        if v is not None and v.counterexample is not None and (p.kind == "expected-violation" or not p.ok):
            label = "expected violation" if p.kind == "expected-violation" else "[bold red]VIOLATION[/]"
            con.print(f"\n{label}: {p.name} in {p.where}: shortest counterexample, {len(v.counterexample)} steps")
            con.print(v.counterexample.render(), markup=False, highlight=False)
    for row in s.rows:
        rv = row.verdict
        if rv is not None and rv.counterexample is not None:
            con.print(f"\n[bold red]ROW FAILS[/]: {row.id} in {row.where} for {rv.focus}:")
            con.print(rv.counterexample.render(), markup=False, highlight=False)
        elif witnesses and rv is not None and rv.witness is not None:
            con.print(f"\nwitness for {row.id} in {row.where}: {len(rv.witness)} steps")
            con.print(rv.witness.render(), markup=False, highlight=False)
    verdict = "[green]all properties and rows hold as expected[/]" if s.ok else "[bold red]FAILED[/]"
    con.print(f"\n{verdict}")


def liveness_json(results: list[Any]) -> dict[str, Any]:
    """Liveness verdicts merged over configurations: ok only if ok in every one."""
    merged: dict[str, dict[str, Any]] = {}
    for r in results:
        for key, v in r.to_json()["properties"].items():
            entry = merged.setdefault(key, {"ok": True, "configurations": {}})
            entry["ok"] = entry["ok"] and v["ok"]
            entry["configurations"][r.model.name] = v
    return merged


def print_liveness(con: Console, results: list[Any]) -> None:
    if not results:
        return
    t = Table(title="Liveness (under the named fairness assumptions)", title_justify="left", show_edge=False)
    for col in (escape("property [fairness]"), "configuration", "verdict", "lasso"):
        t.add_column(col)
    for r in results:
        for v in r.verdicts:
            lasso = f"{len(v.lasso)} steps, loops at {v.lasso.loop_at}" if v.lasso is not None else ""
            t.add_row(escape(v.key), escape(r.model.name), f"[{_STYLE.get(v.status, 'yellow')}]{v.status}[/]", lasso)
    con.print(t)
    con.print("kubelife liveness --lassos prints every lasso; docs/liveness.md explains each result")
