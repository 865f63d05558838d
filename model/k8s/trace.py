"""Readable, replayable traces of cluster runs.

A trace is the initial state plus steps; each step names the action, its
actor and Kubernetes event reasons, and the fields it changed.  ``replay``
re-runs the actions by name against a model and checks every state, so a
counterexample printed by one engine can be re-checked by any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["Step", "Trace", "trace_from_path", "replay", "ReplayError"]


@dataclass(frozen=True)
class Step:
    action: Action
    values: tuple[int, ...]
    changes: tuple[tuple[str, str, str], ...]  # field, before, after

    def to_json(self) -> dict[str, Any]:
        a = self.action
        return {
            "action": str(a), "kind": a.kind, "name": a.name, "actor": a.actor,
            "events": list(a.reasons), "args": dict(a.args),
            "changes": {f: [b, c] for f, b, c in self.changes},
        }


@dataclass(frozen=True)
class Trace:
    model: ClusterModel
    initial: tuple[int, ...]
    steps: tuple[Step, ...]
    loop_at: int | None = None  # for lassos: the step index the cycle returns to

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def final(self) -> tuple[int, ...]:
        return self.steps[-1].values if self.steps else self.initial

    def states(self) -> list[tuple[int, ...]]:
        return [self.initial, *(s.values for s in self.steps)]

    def render(self, indent: str = "  ") -> str:
        sh = self.model.shape
        lines = [f"{indent}0. initial  {sh.decode(self.initial)}"]
        for k, st in enumerate(self.steps, 1):
            a = st.action
            ev = ", ".join(a.reasons) if a.reasons else "-"
            mark = "  <- cycle starts here" if self.loop_at is not None and k == self.loop_at + 1 else ""
            lines.append(f"{indent}{k}. {a}  by {a.actor}  event {ev}{mark}")
            for f, b, c in st.changes:
                lines.append(f"{indent}     {f}: {b} -> {c}")
        if self.loop_at is not None:
            lines.append(f"{indent}   ... then back to step {self.loop_at} forever")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "initial": str(self.model.shape.decode(self.initial)),
            "steps": [s.to_json() for s in self.steps],
            "final": str(self.model.shape.decode(self.final)),
        }
        if self.loop_at is not None:
            out["loop_at"] = self.loop_at
        return out

    def as_code(self) -> str:
        """The trace as Python that replays it against the model."""
        acts = ", ".join(f"({s.action.kind!r}, {dict(s.action.args)!r})" for s in self.steps)
        return f"replay(model, [{acts}])"


def _changes(m: ClusterModel, a: Sequence[int], b: Sequence[int]) -> tuple[tuple[str, str, str], ...]:
    sh = m.shape
    return tuple(
        (sh.field_label(i), sh.value_label(i, x), sh.value_label(i, y))
        for i, (x, y) in enumerate(zip(a, b)) if x != y
    )


def trace_from_path(m: ClusterModel, path: Sequence[tuple[int | None, int]], loop_at: int | None = None) -> Trace:
    """From the explorer's ``[(None, init), (transition, packed), ...]``."""
    layout = m.shape.layout
    values = [layout.unpack(p) for _, p in path]
    steps = []
    for k in range(1, len(path)):
        i = path[k][0]
        assert i is not None
        steps.append(Step(m.system.transitions[i].action, values[k], _changes(m, values[k - 1], values[k])))
    return Trace(m, values[0], tuple(steps), loop_at)


class ReplayError(ValueError):
    pass


def replay(m: ClusterModel, actions: Sequence[tuple[str, dict[str, Any]]],
           start: Sequence[int] | None = None) -> Trace:
    """Apply named actions in order from the initial state; each must be enabled."""
    cur = tuple(start) if start is not None else m.system.initial
    init = cur
    steps = []
    for k, (kind, args) in enumerate(actions, 1):
        i = m.transition_index(kind, **args)
        if i is None:
            raise ReplayError(f"step {k}: {kind}({args}) is not an action of this configuration")
        nxt = m.system.step(cur, i)
        if nxt is None:
            raise ReplayError(f"step {k}: {m.system.transitions[i].action} is not enabled in {m.shape.decode(cur)}")
        steps.append(Step(m.system.transitions[i].action, nxt, _changes(m, cur, nxt)))
        cur = nxt
    return Trace(m, init, tuple(steps))
