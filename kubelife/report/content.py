"""What the report says, assembled once and then written as Markdown and HTML.

Everything here is plain data in a fixed order (spec order for rows and
properties, the default suite's order for configurations), so both writers
produce the same bytes on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kubelife.model.k8s.trace import Trace
from kubelife.profiles import ReportSpec, get, require, rows_for
from kubelife.properties.core import Row
from kubelife.report.coverage import coverage_tables, oracle_trace_table
from kubelife.report.diagram import Diagram
from kubelife.report.extract import step_diagram, trace_diagram
from kubelife.report.gather import CHECKERS, Results
from kubelife.report.table import (
    CHECKER_TITLES,
    MATRIX_CHECKERS,
    MATRIX_WORD,
    Cell,
    TableRow,
    describe,
    status_class,
)

__all__ = ["TraceEntry", "Report", "assemble", "matrix_intro", "LIFECYCLE_NOTE"]

LIFECYCLE_NOTE = ("Lifecycle diagrams are drawn for the seed profile only: their projections are written for the "
                  "seed's state shape, so the modern report omits them (the step pictures below are generic).")

@dataclass(frozen=True)
class TraceEntry:
    anchor: str
    title: str
    caption: str
    diagram: Diagram
    text: str


@dataclass
class Report:
    lifecycles: list[Diagram]
    matrix_head: tuple[str, ...]
    matrix: list[TableRow]
    node_rows: list[TableRow]
    prop_head: tuple[str, ...]
    properties: list[TableRow]
    config_head: tuple[str, ...]
    configs: list[TableRow]
    coverage_head: tuple[str, ...]
    coverage: list[TableRow]
    coverage_totals: list[TableRow]
    oracle_traces: list[TableRow]
    reading: list[TableRow]
    checkers_head: tuple[str, ...]
    checkers: list[TableRow]
    traces: list[TraceEntry]
    details: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # checker -> [(anchor, text)]
    profile: str = ""

    @property
    def diagrams(self) -> list[Diagram]:
        return [*self.lifecycles, *(t.diagram for t in self.traces)]


def matrix_intro(rep: Report, *, html: bool) -> str:
    """The sentence above the scenario matrix (the profile's own wording, when it has one)."""
    own = _spec(rep.profile).matrix_intro
    if own is not None:
        head = own
    else:
        head = (f"The {len(rep.matrix)} scenario rows of the {rep.profile} profile "
                "(kubelife.profiles.rows_for), by checker. A pass links to the shortest witness, "
                "a failure to its counterexample")
    return head + ("; hover a cell for the checker's own words." if html else ".")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _row_anchor(rid: str) -> str:
    return f"trace-row-{rid}"


def _cell(checker: str, rid: str, res: Results, details: dict[str, list[tuple[str, str]]],
          z3_pictures: dict[str, TraceEntry]) -> Cell:
    run = res.runs[checker]
    if not run.ran:
        return Cell("not run", "none", title=run.note)
    v = run.rows.get(rid)
    if v is None:
        return Cell("not run", "none", title=f"{CHECKER_TITLES[checker]} reported nothing for {rid}")
    status = str(v.get("status", "?"))
    word = MATRIX_WORD.get(status, status)
    link = ""
    if checker == "exhaustive":
        link = _row_anchor(rid) if status in ("pass", "fail") else ""
        title = f"{status} in {v.get('where')}, {v.get('hits', 0):,} matching steps" if v.get("where") else status
    else:
        extra = {k: x for k, x in v.items() if k != "status"}
        title = f"{status}" + (f", {extra.get('hits'):,} hits" if isinstance(extra.get("hits"), int) else "")
        if checker == "z3" and rid in z3_pictures:
            link = z3_pictures[rid].anchor
        elif any(k not in ("hits",) for k in extra):
            link = f"{checker}-{rid}"
            details.setdefault(checker, []).append((link, describe(rid, v)))
    return Cell(word, status_class(status), link, title)


def _trace_entry(anchor: str, title: str, caption: str, tr: Trace, *, bad: bool) -> TraceEntry:
    d = trace_diagram(anchor, title, caption, tr, bad=bad)
    return TraceEntry(anchor, title, caption, d, tr.render(indent=""))


def _traces(res: Results) -> list[TraceEntry]:
    out: list[TraceEntry] = []
    if res.suite is None:
        return out
    for p in res.suite.properties:
        v = p.trace
        if v is None or v.counterexample is None:
            continue
        expected = p.kind == "expected-violation"
        what = "expected violation" if expected else "VIOLATION"
        out.append(_trace_entry(
            f"trace-prop-{slug(p.name)}", f"{what.capitalize()}: {p.name}",
            f"Shortest counterexample in {p.where}, {len(v.counterexample)} steps; the last state breaks the "
            "property.", v.counterexample, bad=True))
    for r in res.suite.rows:
        rv = r.verdict
        if rv is None:
            continue
        row = _row(r.id, res.profile)
        if rv.counterexample is not None:
            out.append(_trace_entry(
                _row_anchor(r.id), f"Row {r.id} FAILS ({rv.focus})",
                f"In {r.where}: {row.title}; expected: {row.expect}. The last step is the row's event.",
                rv.counterexample, bad=True))
        elif rv.witness is not None:
            out.append(_trace_entry(
                _row_anchor(r.id), f"Row {r.id}: witness",
                f"In {r.where}: {row.title}; expected and checked: {row.expect}. Shortest path to the first "
                "matching step; the last step is the row's event.", rv.witness, bad=False))
    return out


def _row(rid: str, profile: str) -> Row:
    return next(x for x in rows_for(profile) if x.id == rid)


def _spec(profile: str) -> ReportSpec:
    spec: ReportSpec = require(get(profile), "reports")
    return spec


def _config_named(name: str) -> Any:
    from kubelife.stateful.configs import named_configs

    return named_configs().get(name)


def _z3_traces(res: Results) -> dict[str, TraceEntry]:
    """Z3's counterexamples as pictures, keyed by row id or property name.

    A BMC trace is replayed action by action against the model (which also checks it);
    a refuted row's one-step counterexample is drawn from its readable states.
    """
    from kubelife.model.k8s.trace import ReplayError, replay
    from kubelife.profiles import build

    z3 = res.runs["z3"]
    out: dict[str, TraceEntry] = {}
    if not z3.ran:
        return out
    for name, v in z3.properties.items():
        steps, cfg = v.get("trace"), _config_named(str(v.get("config", "")))
        if not isinstance(steps, list) or not steps or cfg is None:
            continue
        try:
            tr = replay(build(cfg), [(str(st["kind"]), dict(st["args"])) for st in steps])
        except (ReplayError, KeyError, TypeError):
            continue
        expected = str(v.get("status", "")).endswith("as expected")
        out[name] = _trace_entry(
            f"z3-trace-{slug(name)}", f"Z3 (bounded model checking): {name}",
            f"Counterexample found by Z3 in {v.get('config')}, {len(tr)} steps, replayed against the model"
            + ("; Kubernetes is known to break this property." if expected else "."), tr, bad=True)
    for rid, v in z3.rows.items():
        cex = v.get("counterexample")
        if str(v.get("status")) != "refuted" or not isinstance(cex, dict) or "before" not in cex:
            continue
        d = step_diagram(f"z3-cex-{rid}", f"Row {rid} refuted by Z3", f"In {cex.get('config', '?')}: a state "
                         "satisfying the row's precondition where its event breaks the expected outcome.",
                         str(cex["before"]), str(cex.get("action", "?")), str(cex.get("after", "?")))
        out[rid] = TraceEntry(d.name, d.title, d.caption, d, describe(rid, v))
    return out


def _matrix(res: Results, ids: tuple[str, ...], details: dict[str, list[tuple[str, str]]],
            z3_pictures: dict[str, TraceEntry]) -> list[TableRow]:
    out = []
    for rid in ids:
        row = _row(rid, res.profile)
        cells = [Cell(rid), Cell(row.title), Cell(row.expect)]
        cells += [_cell(c, rid, res, details, z3_pictures) for c in MATRIX_CHECKERS]
        out.append(TableRow(tuple(cells)))
    return out


def _properties(res: Results, traces: list[TraceEntry], details: dict[str, list[tuple[str, str]]],
                z3_pictures: dict[str, TraceEntry]) -> list[TableRow]:
    out: list[TableRow] = []
    names = _property_specs(res.profile)
    anchors = {t.anchor for t in traces}
    z3 = res.runs["z3"]
    for name, kind, spec in names:
        ex = res.runs["exhaustive"].properties.get(name)
        if ex is None:
            exc = Cell("not run", "none", title=res.runs["exhaustive"].note)
        else:
            a = f"trace-prop-{slug(name)}"
            exc = Cell(ex["status"], status_class(ex["status"]), a if a in anchors else "",
                       f"shown in {ex['where']}" if ex.get("where") else "")
        if not z3.ran:
            zc = Cell("not run", "none", title=z3.note)
        elif name in z3.properties:
            zv = z3.properties[name]
            st = str(zv.get("status", "?"))
            link = ""
            if name in z3_pictures:
                link = z3_pictures[name].anchor
            elif any(k != "status" for k in zv):
                link = f"z3-prop-{slug(name)}"
                details.setdefault("z3", []).append((link, describe(name, zv)))
            zc = Cell(st, status_class(st), link)
        else:
            zc = Cell("not run", "none", title="Z3 reported nothing for this property")
        out.append(TableRow((Cell(name), Cell(spec), Cell(kind), exc, zc)))
    return out


def _property_specs(profile: str) -> list[tuple[str, str, str]]:
    """Name, kind and spec section of every property, in the profile's order (default: first seen over
    its suite)."""
    from kubelife.profiles import build

    own = _spec(profile).property_specs
    if own is not None:
        return own()
    from kubelife.profiles import properties_for_profile
    from kubelife.report.gather import suite_for

    seen: dict[str, tuple[str, str, str]] = {}
    for c in suite_for(profile):
        for p in properties_for_profile(build(c)):
            seen.setdefault(p.name, (p.name, p.kind, p.spec))
    return list(seen.values())


def _configs(res: Results) -> list[TableRow]:
    out: list[TableRow] = []
    if res.suite is None:
        return out
    for r in res.suite.results:
        ex = r.exploration
        cells = [Cell(r.model.name), Cell(f"{ex.states:,}"), Cell(f"{ex.transitions:,}"), Cell(str(ex.depth)),
                 Cell(f"{ex.deadlocks:,}"), Cell(f"{sum(p.ok for p in r.properties)}/{len(r.properties)}"),
                 Cell(f"{sum(x.status == 'pass' for x in r.rows)} pass"
                      + (f", {sum(x.status == 'fail' for x in r.rows)} fail" if any(x.status == 'fail' for x in r.rows)
                         else ""))]
        if res.timings:
            cells.append(Cell(f"{ex.seconds:.2f} s"))
        out.append(TableRow(tuple(cells)))
    return out


def _checkers(res: Results) -> list[TableRow]:
    out = []
    for c in CHECKERS:
        r = res.runs[c]
        cells = [Cell(CHECKER_TITLES[c]), Cell("ran" if r.ran else "not run", "ok" if r.ran else "none"),
                 Cell(r.note)]
        if res.timings:
            cells.append(Cell(f"{r.seconds:.1f} s"))
        out.append(TableRow(tuple(cells)))
    return out


def assemble(res: Results) -> Report:
    details: dict[str, list[tuple[str, str]]] = {}
    z3_pictures = _z3_traces(res)
    traces = _traces(res)
    cov_rows, cov_totals = coverage_tables(res)
    time_col = ("time",) if res.timings else ()
    spec = _spec(res.profile)
    ids = tuple(r.id for r in rows_for(res.profile))
    scenario = spec.scenario_ids if spec.scenario_ids is not None else tuple(i for i in ids if not i.startswith("N-"))
    return Report(
        lifecycles=list(spec.lifecycles()) if spec.lifecycles is not None else [],
        matrix_head=("row", "situation", "expected", *(CHECKER_TITLES[c] for c in MATRIX_CHECKERS)),
        matrix=_matrix(res, scenario, details, z3_pictures),
        node_rows=_matrix(res, tuple(i for i in ids if i not in scenario), details, z3_pictures),
        prop_head=("property", "spec", "kind", "Exhaustive", "Z3"),
        properties=_properties(res, traces, details, z3_pictures),
        config_head=("configuration", "states", "transitions", "depth", "deadlock states", "properties ok",
                     "rows reached", *time_col),
        configs=_configs(res),
        coverage_head=("kind", "action", "actor", "Exhaustive firings", "Hypothesis firings", "Oracle traces"),
        coverage=cov_rows,
        coverage_totals=cov_totals,
        oracle_traces=oracle_trace_table(res),
        reading=spec.reading() if spec.reading is not None else [],
        checkers_head=("checker", "ran", "what", *time_col),
        checkers=_checkers(res),
        traces=[*traces, *z3_pictures.values()],
        details=details,
        profile=res.profile,
    )
