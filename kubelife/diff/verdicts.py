"""Verdict differences: properties, scenario rows and liveness verdicts (by shared name or id) that differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubelife.check import check_model
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.trace import Trace

__all__ = ["VerdictDiff", "verdict_diffs", "merge_verdicts"]

_PYTHON_STATES = 20_000


@dataclass
class VerdictDiff:
    kind: str  # property | row | liveness
    name: str
    status: tuple[str, str]  # --from, --to
    traces: tuple[Trace | None, Trace | None]  # each side's counterexample (or lasso), else its witness
    config: str = ""
    configs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def trace(t: Trace | None) -> Any:
            if t is None:
                return None
            return {"length": len(t), "steps": t.to_json()["steps"], "loop_at": t.loop_at, "replay": t.as_code()}

        return {"kind": self.kind, "name": self.name, "from": self.status[0], "to": self.status[1],
                "configurations": self.configs, "configuration": self.config,
                "traces": {"from": trace(self.traces[0]), "to": trace(self.traces[1])}}


def _liveness(m: ClusterModel) -> dict[str, tuple[str, Trace | None]]:
    from kubelife.liveness import check_liveness

    return {v.key: (v.status, v.lasso) for v in check_liveness(m).verdicts}


def verdict_diffs(ma: ClusterModel, mb: ClusterModel, config: str, liveness: bool = True,
                  sizes: tuple[int, int] = (0, 0)) -> list[VerdictDiff]:
    """Differences of one configuration: every shared property, row and liveness verdict whose status differs.

    ``sizes``: the two state counts, when known (small graphs are checked by the Python explorer)."""
    na, nb = sizes
    # Small graphs are done in Python before a C compiler would have started.
    ra, rb = (check_model(m, engine="python" if n <= _PYTHON_STATES else "auto") for m, n in ((ma, na), (mb, nb)))
    out: list[VerdictDiff] = []
    pa = {p.name: (p.status, p.counterexample or p.witness) for p in ra.properties}
    pb = {p.name: (p.status, p.counterexample or p.witness) for p in rb.properties}
    out += _compare("property", pa, pb, config)
    rows_a = {r.id: (r.status, r.counterexample or r.witness) for r in ra.rows}
    rows_b = {r.id: (r.status, r.counterexample or r.witness) for r in rb.rows}
    out += _compare("row", rows_a, rows_b, config)
    pro_a, pro_b = (m.config.profile for m in (ma, mb))
    if liveness and _has_liveness(pro_a) and _has_liveness(pro_b):
        out += _compare("liveness", _liveness(ma), _liveness(mb), config)
    return out


def _has_liveness(name: str) -> bool:
    from kubelife.profiles import get

    return get(name).liveness is not None


def _compare(kind: str, a: dict[str, tuple[str, Trace | None]], b: dict[str, tuple[str, Trace | None]],
             config: str) -> list[VerdictDiff]:
    return [VerdictDiff(kind, name, (sa, b[name][0]), (ta, b[name][1]), config, [config])
            for name, (sa, ta) in a.items() if name in b and b[name][0] != sa]


def merge_verdicts(per_config: list[list[VerdictDiff]]) -> list[VerdictDiff]:
    """One entry per (kind, name, the two statuses) over every configuration, with the shortest traces."""
    merged: dict[tuple[str, str, tuple[str, str]], VerdictDiff] = {}
    for diffs in per_config:
        for d in diffs:
            key = (d.kind, d.name, d.status)
            have = merged.get(key)
            if have is None:
                merged[key] = d
                continue
            have.configs.append(d.config)
            size = sum(len(t) for t in d.traces if t is not None)
            if size < sum(len(t) for t in have.traces if t is not None):
                have.traces, have.config = d.traces, d.config
    order = {"property": 0, "row": 1, "liveness": 2}
    return sorted(merged.values(), key=lambda d: order[d.kind])
