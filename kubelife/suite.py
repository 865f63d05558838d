"""Running several configurations and merging their verdicts.

A property holds for the suite when it holds in every configuration, and is
not vacuous when at least one configuration reaches its witness.  A row
passes when no configuration refutes it and at least one reaches it.  The
expected violation must be found in at least one configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubelife.check import CheckResult, PropertyVerdict, RowVerdict
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["SuiteResult", "merge"]


@dataclass
class SuiteProperty:
    name: str
    kind: str
    status: str  # holds | violated | violated as expected | not reached | vacuous
    where: str = ""
    trace: PropertyVerdict | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("holds", "violated as expected")


@dataclass
class SuiteRow:
    id: str
    status: str  # pass | fail | vacuous
    hits: int
    where: str = ""
    verdict: RowVerdict | None = None

    @property
    def ok(self) -> bool:
        return self.status == "pass"


@dataclass
class SuiteResult:
    results: list[CheckResult]
    properties: list[SuiteProperty]
    rows: list[SuiteRow]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.properties) and all(r.ok for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        def trace(v: PropertyVerdict | None) -> Any:
            if v is None:
                return None
            t = v.counterexample or v.witness
            return t.to_json()["steps"] if t else None

        return {
            "ok": self.ok,
            "states": sum(r.exploration.states for r in self.results),
            "transitions": sum(r.exploration.transitions for r in self.results),
            "depth": max(r.exploration.depth for r in self.results),
            "configurations": [r.to_json() for r in self.results],
            "properties": {
                p.name: {"kind": p.kind, "status": p.status, "ok": p.ok,
                         "holds": p.status in ("holds", "vacuous", "not reached"),
                         "expected": p.kind != "expected-violation",
                         "where": p.where, "counterexample": trace(p.trace) if not p.ok or
                         p.kind == "expected-violation" else None}
                for p in self.properties
            },
            "rows": {
                r.id: {"status": r.status, "hits": r.hits, "where": r.where,
                       "witness": r.verdict.witness.to_json()["steps"] if r.verdict and r.verdict.witness else None,
                       "counterexample": (r.verdict.counterexample.to_json()["steps"]
                                          if r.verdict and r.verdict.counterexample else None)}
                for r in self.rows
            },
        }


def merge(results: Sequence[CheckResult]) -> SuiteResult:
    props: list[SuiteProperty] = []
    for k, first in enumerate(results[0].properties):
        per = [(r.model, r.properties[k]) for r in results]
        bad = [(m, v) for m, v in per if v.status == "violated"]
        if bad:
            m, v = bad[0]
            props.append(SuiteProperty(first.name, first.kind, "violated", m.name, v))
            continue
        if first.kind == "expected-violation":
            found = [(m, v) for m, v in per if v.status == "violated as expected"]
            if found:
                m, v = min(found, key=lambda mv: len(mv[1].counterexample or ()))
                props.append(SuiteProperty(first.name, first.kind, "violated as expected", m.name, v))
            else:
                props.append(SuiteProperty(first.name, first.kind, "not reached"))
            continue
        wit = [(m, v) for m, v in per if v.witness is not None]
        if wit:
            props.append(SuiteProperty(first.name, first.kind, "holds", wit[0][0].name, wit[0][1]))
        else:
            props.append(SuiteProperty(first.name, first.kind, "vacuous"))
    rows: list[SuiteRow] = []
    for k, first_row in enumerate(results[0].rows):
        per_rows: list[tuple[ClusterModel, RowVerdict]] = [(r.model, r.rows[k]) for r in results]
        hits = sum(v.hits for _, v in per_rows)
        fails = [(m, v) for m, v in per_rows if v.status == "fail"]
        passes = [(m, v) for m, v in per_rows if v.status == "pass"]
        if fails:
            rows.append(SuiteRow(first_row.id, "fail", hits, fails[0][0].name, fails[0][1]))
        elif passes:
            best = min(passes, key=lambda mv: len(mv[1].witness or ()))
            rows.append(SuiteRow(first_row.id, "pass", hits, best[0].name, best[1]))
        else:
            rows.append(SuiteRow(first_row.id, "vacuous", 0))
    return SuiteResult(list(results), props, rows)

