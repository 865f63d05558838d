"""Coverage: which transition kinds, states and edges each checker exercised."""

from __future__ import annotations

import re
from typing import Any

from kubelife.report.gather import Results
from kubelife.report.table import Cell, TableRow, describe, kind_order

__all__ = ["coverage_tables", "oracle_trace_table"]


def coverage_tables(res: Results) -> tuple[list[TableRow], list[TableRow]]:
    from kubelife.profiles import build, get, require

    spec = require(get(res.profile), "reports")
    acts: dict[str, Any] = {}
    # Kinds may differ by configuration (init containers, faults): the first action of each kind.
    for cfg in [spec.kinds_config] if spec.kinds_config is not None else spec.suite:
        for a in build(cfg).system.actions:
            acts.setdefault(a.kind, a)
    ex, hy, orc = res.runs["exhaustive"], res.runs["hypothesis"], res.runs["oracle"]
    traces = orc.coverage.get("traces", {}) if orc.ran else {}
    rows = []
    for k in sorted(acts, key=kind_order):
        a = acts[k]
        if ex.ran:
            inst = ex.coverage["instances"].get(k, {"fired": 0, "of": 0})
            n = ex.coverage["kinds"].get(k, 0)
            ec = Cell(f"{n:,} ({inst['fired']}/{inst['of']} actions)", "ok" if inst["fired"] == inst["of"] else "warn")
        else:
            ec = Cell("not run", "none")
        if hy.ran and isinstance(hy.coverage.get("kinds"), dict):
            n = int(hy.coverage["kinds"].get(k, 0))
            hc = Cell(f"{n:,}", "ok" if n else "warn")
        else:
            hc = Cell("not run", "none")
        if orc.ran:
            seen = sorted(name for name, cov in traces.items() if k in _kinds_of(cov.get("kinds")))
            n = int(orc.coverage.get("kinds", {}).get(k, 0))
            oc = Cell(f"{n:,} in {len(seen)}/{len(traces)} traces", "ok" if seen else "warn")
        else:
            oc = Cell("not run", "none")
        rows.append(TableRow((Cell(k), Cell(a.name), Cell(a.actor), ec, hc, oc)))
    totals = []
    if ex.ran:
        totals.append(TableRow((Cell("Exhaustive"), Cell(
            f"{ex.coverage['states']:,} states (all reachable) and {ex.coverage['transitions']:,} edges (all) over "
            f"{ex.coverage['configurations']} configurations"))))
    else:
        totals.append(TableRow((Cell("Exhaustive"), Cell("not run", "none"))))
    if hy.ran:
        c = hy.coverage
        txt = (f"{c.get('distinct_states', '?'):,} distinct states, {c.get('steps', '?'):,} steps in "
               f"{c.get('examples', '?'):,} runs of {c.get('config', '?')}; {c.get('transitions_fired', '?')}/"
               f"{c.get('transitions', '?')} actions fired; {c.get('rows_hit', '?')}/{c.get('rows', '?')} rows hit"
               if "distinct_states" in c else describe("coverage", c))
        totals.append(TableRow((Cell("Hypothesis"), Cell(txt))))
    else:
        totals.append(TableRow((Cell("Hypothesis"), Cell("not run", "none", title=hy.note))))
    if orc.ran:
        verdicts: dict[str, int] = {}
        for cov in traces.values():
            verdicts[str(cov.get("verdict"))] = verdicts.get(str(cov.get("verdict")), 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
        totals.append(TableRow((Cell("Oracle"), Cell(
            f"{len(orc.coverage.get('states', [])):,} distinct abstract pod states over {len(traces)} traces "
            f"({summary})"))))
    else:
        totals.append(TableRow((Cell("Oracle"), Cell("not run", "none", title=orc.note))))
    return rows, totals


def oracle_trace_table(res: Results) -> list[TableRow]:
    orc = res.runs["oracle"]
    if not orc.ran:
        return []
    out = []
    for name, cov in sorted(orc.coverage.get("traces", {}).items()):
        verdict = str(cov.get("verdict"))
        used = sorted((cov.get("kinds") or {}).items(), key=lambda kv: kind_order(kv[0]))
        kinds = " ".join(f"{k}×{n}" for k, n in used)
        # Many traces are built to be rejected (wrong policy, mutants): a violation is not a red flag here.
        cls = "ok" if verdict == "conformant" else "" if verdict == "violation" else "warn"
        out.append(TableRow((Cell(name), Cell(verdict, cls), Cell(kinds),
                             Cell(str(len(cov.get("states") or ()))))))
    return out


def _kinds_of(cov: Any) -> set[str]:
    """Transition kinds named anywhere in an oracle coverage summary (its shape is the oracle's to choose)."""
    found: set[str] = set()
    if isinstance(cov, dict):
        for k, v in cov.items():
            if isinstance(k, str) and re.fullmatch(r"[A-Z]\d", k):
                found.add(k)
            found |= _kinds_of(v)
    elif isinstance(cov, (list, tuple, set)):
        for v in cov:
            found |= _kinds_of(v)
    elif isinstance(cov, str):
        m = re.match(r"([A-Z]\d)\b", cov)
        if m:
            found.add(m.group(1))
    return found
