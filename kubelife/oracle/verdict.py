"""Verdicts per object and per trace, as data with a JSON form."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kubelife.oracle.readers import Diagnostic

__all__ = ["Divergence", "ObjectVerdict", "OracleResult", "RANK", "EXIT"]

# Worst first decides the trace verdict.
RANK = {"conformant": 0, "incomplete": 1, "gap": 2, "violation": 3}
EXIT = {"conformant": 0, "incomplete": 0, "gap": 1, "violation": 1}


@dataclass
class Divergence:
    """The first observation of an object the model cannot explain."""

    line: int
    time: str | None
    observed: str
    before: str  # the model state before it
    allowed: list[str]  # what the model allows from there (one step)
    closest: str | None  # the closest observation the model allows
    closest_path: list[str]  # the hidden steps that lead there
    reason: str
    differs: list[str] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ObjectVerdict:
    kind: str
    name: str
    uid: str | None
    first_line: int
    status: str = "conformant"
    observations: int = 0
    last_line: int = 0
    divergence: Divergence | None = None
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ended: str | None = None
    hidden_steps: int = 0
    corroborated: int = 0
    events: Counter[str] = field(default_factory=Counter)

    def worsen(self, status: str) -> None:
        if RANK[status] > RANK[self.status]:
            self.status = status

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < 20:
            self.notes.append(text)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "uid": self.uid, "status": self.status,
            "observations": self.observations, "lines": [self.first_line, self.last_line],
            "hidden_steps": self.hidden_steps, "events": dict(self.events), "corroborated_steps": self.corroborated,
            "missing": self.missing, "notes": self.notes, "ended": self.ended,
            "divergence": self.divergence.to_json() if self.divergence else None,
        }


@dataclass
class OracleResult:
    format: str
    profile: str
    objects: list[ObjectVerdict]
    diagnostics: list[Diagnostic]
    lines: int
    records: int
    stats: Counter[str]
    kinds: Counter[str]
    actions: Counter[str]
    states: set[str]
    # Streaming keeps only live objects: the verdicts of finished ones it dropped, by status.
    dropped: Counter[str] = field(default_factory=Counter)
    # Each kind of input problem: its first diagnostic and how many lines or objects had it.
    problems: list[tuple[Diagnostic, int]] = field(default_factory=list)
    interrupted: bool = False  # Ctrl-C: the result so far, the end-of-trace checks not run

    @property
    def verdict(self) -> str:
        c = self.counts()
        worst = max((RANK[k] for k, n in c.items() if n), default=0)
        return next(k for k, v in RANK.items() if v == worst)

    @property
    def ok(self) -> bool:
        return EXIT[self.verdict] == 0

    @property
    def exit_code(self) -> int:
        return EXIT[self.verdict]

    def counts(self) -> dict[str, int]:
        c = Counter(o.status for o in self.objects) + self.dropped
        return {k: c.get(k, 0) for k in RANK}

    @property
    def total(self) -> int:
        """Objects judged, listed or not."""
        return len(self.objects) + sum(self.dropped.values())

    def summary_json(self) -> dict[str, Any]:
        """Everything but the per-object results."""
        return {
            "verdict": self.verdict, "format": self.format, "profile": self.profile,
            "lines": self.lines, "records": self.records, "objects": self.counts(),
            "interrupted": self.interrupted, "stats": dict(self.stats),
            "problems": [{"kind": d.group, "first_line": d.line, "count": n, "message": d.message}
                         for d, n in self.problems],
            "diagnostics": [{"line": d.line, "message": d.message, "kind": d.group} for d in self.diagnostics],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.summary_json(), "results": [o.to_json() for o in self.objects]}
