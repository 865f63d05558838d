"""``kubelife diff`` output: text (rich), Markdown for release notes.  JSON is ``DiffResult.to_json``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kubelife.diff import DiffResult, config_code
from kubelife.diff.steps import StepClass
from kubelife.model.k8s.trace import Trace

__all__ = ["print_diff", "markdown", "replay_code"]

_KIND = {"property": "property", "row": "scenario row", "liveness": "liveness"}


def replay_code(r: DiffResult, c: StepClass | None = None, trace: Trace | None = None, side: int = 0) -> str:
    """Python that replays a witness as printed: the model of its configuration, then ``replay``."""
    t = trace if trace is not None else c.witness if c is not None else None
    assert t is not None
    variant = (r.a, r.b)[c.side if c is not None else side]
    config = next((x for x in r.configs if variant.configure(x) == t.model.config), t.model.config)
    return ("from kubelife.diff import variant_model\nfrom kubelife.model.k8s.trace import replay\n"
            f"model = variant_model({variant.label!r}, {config_code(config)})\n{t.as_code()}")


def _names(r: DiffResult) -> tuple[str, str]:
    return r.a.label, r.b.label


def _chain(t: Trace) -> str:
    return " → ".join(str(s.action) for s in t.steps)


def print_diff(con: Console, r: DiffResult) -> None:
    a, b = _names(r)
    con.print(f"[bold]kubelife diff[/]  {escape(a)} -> {escape(b)}  ({len(r.configs)} configuration(s))")
    con.print(f"compared on: {', '.join(sorted(r.kinds))}")
    for side, name in (("from", a), ("to", b)):
        if r.unshared[side]:
            con.print(f"not compared (only {escape(name)} observes them): {', '.join(r.unshared[side])}")
    for name, x, y in r.sizes:
        con.print(f"  {escape(name)}: {x:,} / {y:,} states")
    for name, d in r.initial:
        con.print(f"[bold red]initial states differ[/] in {escape(name)}: {escape(d['from'])} / {escape(d['to'])}")
    _print_phases(con, r)
    _print_steps(con, r)
    _print_verdicts(con, r)
    con.print("\n" + (f"[bold]{escape(a)} and {escape(b)} differ[/]" if r.differ else
                      f"[green]{escape(a)} and {escape(b)} agree on the observable projection[/]"))


def _print_phases(con: Console, r: DiffResult) -> None:
    a, b = _names(r)
    p = r.phases
    differing = sum(c.count for c in p.classes)
    con.print(f"\n[bold]Phase function[/]: {differing:,} of {p.combinations:,} container-status combinations get "
              f"a different pod phase ({len(p.classes)} classes)")
    if not p.classes:
        return
    t = Table(show_edge=False)
    for col in ("policy", "roles", a, b, "combinations", "every one has", "example"):
        t.add_column(escape(col))
    for c in p.classes:
        t.add_row(c.policy, c.shape, c.phase_from, c.phase_to, f"{c.count:,}", escape(c.common_text),
                  escape(c.example_text))
    con.print(t)


def _print_steps(con: Console, r: DiffResult) -> None:
    a, b = _names(r)
    shared = [c for c in r.steps if c.shared]
    rest = len(r.steps) - len(shared)
    con.print(f"\n[bold]Steps only one side takes[/]: {len(shared)} change(s) from observations both reach"
              + (f"; {rest} more only from observations the other side never reaches (consequences; see --json)"
                 if rest else ""))
    if not shared:
        return
    t = Table(show_edge=False)
    for col in ("#", "only in", "change", "steps", "shortest", "the same actions in the other"):
        t.add_column(col)
    for k, c in enumerate(shared, 1):
        t.add_row(str(k), escape((a, b)[c.side]), escape(c.title), f"{c.steps:,}",
                  f"{len(c.witness or ())} steps", escape(c.other_text))
    con.print(t)
    for k, c in enumerate(shared, 1):
        assert c.witness is not None
        con.print(f"\n{k}. only {escape((a, b)[c.side])}: {escape(c.title)}  ({escape(c.config)}; "
                  f"{len(c.witness)} steps)")
        con.print(c.witness.render("  "), markup=False, highlight=False)
        con.print(f"  in {(b, a)[c.side]}: {c.other_text}", markup=False, highlight=False)
        con.print("  " + replay_code(r, c).replace("\n", "\n  "), markup=False, highlight=False)


def _print_verdicts(con: Console, r: DiffResult) -> None:
    a, b = _names(r)
    con.print(f"\n[bold]Verdicts[/]: {len(r.verdicts)} shared propert(ies), row(s) or liveness verdict(s) differ"
              + ("" if r.liveness else " (liveness not compared)"))
    if not r.verdicts:
        return
    t = Table(show_edge=False)
    for col in ("kind", "name", a, b, "configurations"):
        t.add_column(escape(col))
    for v in r.verdicts:
        t.add_row(_KIND[v.kind], escape(v.name), v.status[0], v.status[1], str(len(v.configs)))
    con.print(t)
    for v in r.verdicts:
        for side, trace in enumerate(v.traces):
            if trace is None:
                continue
            what = "lasso" if trace.loop_at is not None else "trace"
            con.print(f"\n{_KIND[v.kind]} {escape(v.name)}: {escape((a, b)[side])} {v.status[side]}, {what} in "
                      f"{escape(v.config)} ({len(trace)} steps)")
            con.print(trace.render("  "), markup=False, highlight=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(r: DiffResult, rows_table: str = "") -> str:
    """The diff as Markdown (deterministic: no timings), for release notes and the docs."""
    a, b = _names(r)
    out = [f"Compared on {', '.join(f'`{k}`' for k in sorted(r.kinds))}, in "
           + "; ".join(f"{n} ({x:,} / {y:,} states)" for n, x, y in r.sizes) + "."]
    for side, name in (("from", a), ("to", b)):
        if r.unshared[side]:
            out[0] += f" Only {name} observes {', '.join(f'`{k}`' for k in r.unshared[side])}."
    for name, d in r.initial:
        out += ["", f"The initial states differ in {name}: `{d['from']}` / `{d['to']}`."]
    p = r.phases
    out += ["", "**Phase function.** " + (
        f"{sum(c.count for c in p.classes):,} of {p.combinations:,} container-status combinations get a "
        f"different pod phase:" if p.classes else f"the same pod phase for all {p.combinations:,} "
        "container-status combinations both read.")]
    if p.classes:
        out += ["", f"| policy | roles | {a} | {b} | combinations | every one has | example |",
                "|---|---|---|---|---|---|---|"]
        out += [f"| {c.policy} | {c.shape} | {c.phase_from} | {c.phase_to} | {c.count:,} | "
                f"{_cell(c.common_text)} | {_cell(c.example_text)} |" for c in p.classes]
    shared = [c for c in r.steps if c.shared]
    rest = len(r.steps) - len(shared)
    out += ["", f"**Steps only one side takes** (from observations both reach; shortest witness, then what the "
            f"same actions do in the other): {len(shared) or 'none'}."
            + (f" {rest} more start only from observations the other side never reaches." if rest else "")]
    if shared:
        out += ["", "| only in | change | steps | shortest witness | in the other |", "|---|---|---|---|---|"]
        out += [f"| {(a, b)[c.side]} | {_cell(c.title)} | {c.steps:,} | {_cell(_chain(c.witness))} "
                f"({len(c.witness)} steps, {c.config}) | {_cell(c.other_short)} |" for c in shared if c.witness]
    out += ["", "**Verdicts** of shared properties, rows and liveness properties: "
            + (f"{len(r.verdicts)} differ." if r.verdicts else "the same.")]
    if r.verdicts:
        out += ["", f"| kind | name | {a} | {b} | configurations |", "|---|---|---|---|---|"]
        out += [f"| {_KIND[v.kind]} | {_cell(v.name)} | {v.status[0]} | {v.status[1]} | {len(v.configs)} |"
                for v in r.verdicts]
    if rows_table:
        out += ["", f"**Scenario rows as each states them** ({b} restates {a}'s rows):", "", rows_table]
    return "\n".join(out) + "\n"
