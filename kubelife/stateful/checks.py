"""What the machine checks on every step, compiled once per model.

Properties and rows come from the model's profile
(:func:`kubelife.profiles.properties_for_profile`, :func:`kubelife.profiles.rows_for`),
compiled with the engine's code generator over
packed states (rows through :class:`kubelife.check.RowObserver`, the same
observer the exhaustive checker uses), so the machine asserts exactly what
``kubelife check`` asserts, at sizes ``kubelife check`` cannot reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kubelife.adapter import ActionRefused, Adapter, differences, drive, start
from kubelife.check import RowObserver
from kubelife.model.engine.compile import compile_state_checks, compile_step_checks, compile_successors
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles import properties_for_profile, rows_for

__all__ = ["Violation", "RowHit", "ModelChecks", "checks_for", "replay_violation"]


@dataclass(frozen=True)
class Violation:
    """One failed check. ``what`` is ``property``, ``row``, ``divergence`` or ``refused``."""

    what: str
    name: str
    detail: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.what, self.name

    def __str__(self) -> str:
        head = {"property": "property", "row": "scenario row", "divergence": "the implementation diverges",
                "refused": "the implementation refused an action"}[self.what]
        if self.what in ("property", "row"):
            head += f" {self.name!r} fails"
        return head + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class RowHit:
    row: str
    ok: bool
    focus: str


class ModelChecks:
    """Compiled successors, properties and row observers of one model."""

    def __init__(self, m: ClusterModel) -> None:
        self.m = m
        layout = m.shape.layout
        self.successors = compile_successors(m.system)
        props = properties_for_profile(m)
        self.invariants = [p for p in props if p.kind == "invariant"]
        self.steps = [p for p in props if p.kind == "step"]
        self.known = [p for p in props if p.kind == "expected-violation"]
        self.state_check = compile_state_checks(layout, [p.pred for p in self.invariants])
        self.step_check = compile_step_checks(layout, [p.pred for p in self.steps])
        self.known_check = compile_state_checks(layout, [p.pred for p in self.known])
        self.rows: dict[int, list[tuple[str, Any, list[str]]]] = {}
        for row in rows_for(m.config.profile):
            ob = RowObserver(m, row)
            for i, (fn, names) in ob.checks.items():
                self.rows.setdefault(i, []).append((row.id, fn, names))
        self.kind_of = tuple(a.kind for a in m.system.actions)

    def state(self, s: int) -> list[Violation]:
        return [Violation("property", self.invariants[k].name) for k in self.state_check(s)]

    def step(self, s: int, i: int, t: int) -> tuple[list[Violation], list[RowHit]]:
        """Step properties and the rows whose event is transition ``i`` and whose precondition held in ``s``."""
        bad = [Violation("property", self.steps[k].name) for k in self.step_check(s, t)]
        bad += self.state(t)
        hits = []
        for rid, fn, names in self.rows.get(i, ()):
            for k, ok in fn(s, t):
                hits.append(RowHit(rid, bool(ok), names[k]))
                if not ok:
                    bad.append(Violation("row", rid, f"outcome does not hold for {names[k]}"))
        return bad, hits

    def known_violated(self, s: int) -> list[str]:
        return [self.known[k].name for k in self.known_check(s)]


@lru_cache(maxsize=32)
def checks_for(m: ClusterModel) -> ModelChecks:
    """Compiling takes a moment at large sizes; models are values, so share the result."""
    return ModelChecks(m)


def compare(checks: ModelChecks, adapter: Adapter, s: int) -> list[Violation]:
    m = checks.m
    diff = differences(m.decode(s), adapter.observe(), m.config)
    return [Violation("divergence", "observation", "; ".join(diff))] if diff else []


def replay_violation(checks: ModelChecks, path: Sequence[int], adapter: Adapter | None = None
                     ) -> tuple[int, Violation] | None:
    """Replay transition indices from the initial state; the first violation and its step (0 = initial).

    Returns ``None`` if no check fails, and also if a step is not enabled, so that a
    candidate shortening of a counterexample that is not a real run is rejected.
    """
    m = checks.m
    s = m.shape.layout.pack(m.system.initial)
    if adapter is not None:
        start(adapter, m.config, m.decode(s))
    bad = checks.state(s) + (compare(checks, adapter, s) if adapter is not None else [])
    if bad:
        return 0, bad[0]
    for k, i in enumerate(path, 1):
        t = dict(checks.successors(s)).get(i)
        if t is None:
            return None
        bad, _ = checks.step(s, i, t)
        if not bad and adapter is not None:
            try:
                drive(adapter, m.system.transitions[i].action, m.decode(t))
            except ActionRefused as e:
                bad = [Violation("refused", "apply", f"{m.system.transitions[i].action}: {e}")]
            else:
                bad = compare(checks, adapter, t)
        if bad:
            return k, bad[0]
        s = t
    return None
