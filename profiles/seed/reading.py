"""Reading the scenario rows off the pod diagrams.

For every row: the pod diagram of its policy and container count, and what
the row's event does *in the row's situation*, found by exploring a small
configuration and keeping the steps whose state satisfies the row's
precondition.  Each such step is an edge leaving Running on the diagram, so a
reader can check the row's expected outcome against the picture (a test
checks it too).
"""

from __future__ import annotations

import functools

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import PodPhase, Policy
from kubelife.profiles import build
from kubelife.profiles.seed.rows import ROWS, SCENARIO_IDS
from kubelife.report.extract import event_label, explore_edges
from kubelife.report.table import Cell, TableRow

__all__ = ["row_steps", "reading_table"]


@functools.cache
def row_steps(rid: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``((diagram name, ((event label, phase after), ...)), ...)``, one entry per policy the row covers."""
    row = next(r for r in ROWS if r.id == rid)
    out = []
    for pol in [row.policy] if row.policy is not None else list(Policy):
        c = row.containers or 1
        # A controlled row needs a second, ready node for the replacement; the pod diagram has one node.
        m = build(Config(2 if row.controlled else 1, (SlotSpec(pol, c, controlled=True),), replicas=1))
        seen: set[tuple[str, str]] = set()
        for a, act, b in explore_edges(m).edges:
            if act.kind not in row.kinds or not row.event(act):
                continue
            for f in row.focus(m, act):
                if row.pre(m, a, PY, f, act):
                    seen.add((event_label(act), PodPhase(b[f.phase]).label))  # type: ignore[union-attr]
        out.append((f"pod-{pol.label}-{c}c", tuple(sorted(seen))))
    return tuple(out)


def reading_table() -> list[TableRow]:
    rows = []
    for rid in SCENARIO_IDS:
        row = next(r for r in ROWS if r.id == rid)
        for name, steps in row_steps(rid):
            text = "; ".join(f"{ev} → {dst}" for ev, dst in steps) or "not reached"
            rows.append(TableRow((Cell(rid), Cell(row.expect), Cell(name, link=f"diagram-{name}"), Cell(text))))
    return rows
