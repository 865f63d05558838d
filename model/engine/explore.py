"""Breadth-first exhaustive exploration with parent links.

States are packed integers; the visited set maps each to a dense id, and
two flat arrays (``parent``, ``via``) rebuild the shortest path to any state.
Because the search is breadth-first, the first violation of a property that
it meets has a shortest trace.

The explorer knows nothing of Kubernetes: it takes compiled predicates
(state invariants, step properties, ``sometimes`` witnesses) and optional
*observers* that want to see the edges of particular transitions.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kubelife.model.engine.compile import (
    StatePred,
    StepPred,
    compile_state_checks,
    compile_step_checks,
    compile_successors,
)
from kubelife.model.engine.system import TransitionSystem

__all__ = ["Observer", "Exploration", "explore", "Progress", "StateLimitExceeded", "MemoryBudgetExceeded",
           "ModelTooLarge", "SEARCH_LIMITS"]


class Observer(Protocol):
    """Sees every explored edge of the transitions it names."""

    transitions: frozenset[int]

    def visit(self, src: int, s: int, i: int, t: int, dst: int) -> None: ...


Progress = Callable[[int, int, int, float], None]  # states, transitions, queue, seconds


@dataclass
class Exploration:
    """What a run found; ``path(id)`` rebuilds the shortest trace to a state."""

    system: TransitionSystem
    states: int = 0
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    fired: list[int] = field(default_factory=list)
    deadlocks: int = 0
    first_deadlock: int | None = None
    state_violations: dict[int, int] = field(default_factory=dict)  # pred index -> state id
    step_violations: dict[int, tuple[int, int]] = field(default_factory=dict)  # pred -> (src id, dst id)
    state_witnesses: dict[int, int] = field(default_factory=dict)
    step_witnesses: dict[int, tuple[int, int]] = field(default_factory=dict)
    packed: list[int] = field(default_factory=list)
    parent: array = field(default_factory=lambda: array("q"))
    via: array = field(default_factory=lambda: array("q"))
    canon: Callable[[int], int] | None = None  # set when states are stored as canonical representatives
    peak_bytes: int | None = None  # the compiled engine's peak allocation (visited table, states, parents)
    compact_table: bool = False  # the compiled engine rebuilt its visited table as ids to stay in budget

    @property
    def memory(self) -> dict[str, float | str] | None:
        """``{peak_bytes, bytes_per_state, visited_table}`` where the engine measured it (the compiled
        engine); ``visited_table`` is ``keys``, or ``ids`` once the table was rebuilt to fit the budget."""
        if self.peak_bytes is None:
            return None
        return {"peak_bytes": self.peak_bytes, "bytes_per_state": round(self.peak_bytes / max(1, self.states), 1),
                "visited_table": "ids" if self.compact_table else "keys"}

    def path(self, sid: int) -> list[tuple[int | None, int]]:
        """``[(None, initial), (transition, state), ...]`` ending in state ``sid``.

        Under symmetry reduction the stored path is mapped back to concrete, replayable steps
        ending in a state of the same orbit as ``sid``.
        """
        return self._concrete(self._raw(sid))

    def edge_path(self, src: int, dst_packed: int, i: int,
                  accept: Callable[[int, int, int], bool] | None = None) -> list[tuple[int | None, int]]:
        """The path to ``src`` plus the edge ``i`` to ``dst_packed``; ``accept(s, i, t)`` picks, under
        symmetry, which concrete edge of the same orbit stands for it."""
        if self.canon is None:
            return [*self.path(src), (i, dst_packed)]
        from kubelife.model.engine.symmetry import concretize

        return concretize(self.system, self.canon, [*self._raw(src), (i, dst_packed)], accept)

    def _raw(self, sid: int) -> list[tuple[int | None, int]]:
        out: list[tuple[int | None, int]] = []
        while sid > 0:
            out.append((int(self.via[sid]), int(self.packed[sid])))
            sid = int(self.parent[sid])
        out.append((None, int(self.packed[0])))
        out.reverse()
        return out

    def _concrete(self, path: list[tuple[int | None, int]]) -> list[tuple[int | None, int]]:
        if self.canon is None:
            return path
        from kubelife.model.engine.symmetry import concretize

        return concretize(self.system, self.canon, path)

    @property
    def never_fired(self) -> list[int]:
        return [i for i, n in enumerate(self.fired) if n == 0]


def explore(
    system: TransitionSystem,
    *,
    invariants: Sequence[StatePred] = (),
    steps: Sequence[StepPred] = (),
    sometimes: Sequence[StatePred] = (),
    sometimes_steps: Sequence[StepPred] = (),
    observers: Sequence[Observer] = (),
    progress: Progress | None = None,
    progress_every: int = 50_000,
    max_states: int | None = None,
    canon: Callable[[int], int] | None = None,
) -> Exploration:
    """Explore every reachable state of ``system`` breadth-first.

    ``invariants`` and ``steps`` must hold everywhere (the first violation of
    each is recorded); ``sometimes`` and ``sometimes_steps`` must hold
    somewhere (the first witness of each is recorded).  With ``canon``, each state is stored as
    ``canon(state)`` (symmetry reduction); checks still see the concrete edge.
    """
    layout = system.layout
    succ = compile_successors(system)
    check_inv = compile_state_checks(layout, invariants) if invariants else None
    check_step = compile_step_checks(layout, steps) if steps else None
    # A witness predicate w is "found" where the check of w reports it false... so negate it.
    wit = compile_state_checks(layout, [_negate(p) for p in sometimes]) if sometimes else None
    wit_step = compile_step_checks(layout, [_negate_step(p) for p in sometimes_steps]) if sometimes_steps else None
    by_transition: dict[int, list[Observer]] = {}
    for ob in observers:
        for i in ob.transitions:
            by_transition.setdefault(i, []).append(ob)

    res = Exploration(system, canon=canon)
    res.fired = [0] * len(system.transitions)
    fired = res.fired
    init = layout.pack(system.initial)
    if canon is not None:
        init = canon(init)
    index: dict[int, int] = {init: 0}
    packed = res.packed
    packed.append(init)
    parent, via = res.parent, res.via
    parent.append(-1)
    via.append(-1)

    def on_new_state(sid: int, t: int) -> None:
        if check_inv is not None:
            for k in check_inv(t):
                res.state_violations.setdefault(k, sid)
        if wit is not None and len(res.state_witnesses) < len(sometimes):
            for k in wit(t):
                res.state_witnesses.setdefault(k, sid)

    on_new_state(0, init)
    start = time.perf_counter()
    head, level_end, depth, n_edges = 0, 1, 0, 0
    need_wit_steps = wit_step is not None
    while head < len(packed):
        if head == level_end:
            depth += 1
            level_end = len(packed)
        sid, s = head, packed[head]
        head += 1
        out = succ(s)
        if not out:
            res.deadlocks += 1
            if res.first_deadlock is None:
                res.first_deadlock = sid
        for i, t in out:
            fired[i] += 1
            c = t if canon is None else canon(t)
            tid = index.get(c)
            if tid is None:
                tid = len(packed)
                index[c] = tid
                packed.append(c)
                parent.append(sid)
                via.append(i)
                on_new_state(tid, c)
            if check_step is not None:
                for k in check_step(s, t):
                    res.step_violations.setdefault(k, (sid, tid))
            if need_wit_steps:
                for k in wit_step(s, t):  # type: ignore[misc]
                    res.step_witnesses.setdefault(k, (sid, tid))
                need_wit_steps = len(res.step_witnesses) < len(sometimes_steps)
            obs = by_transition.get(i)
            if obs:
                for ob in obs:
                    ob.visit(sid, s, i, t, tid)
        n_edges += len(out)
        if progress is not None and head % progress_every == 0:
            progress(len(packed), n_edges, len(packed) - head, time.perf_counter() - start)
        if max_states is not None and len(packed) > max_states:
            raise StateLimitExceeded(max_states)
    res.states, res.transitions, res.depth = len(packed), n_edges, depth
    res.seconds = time.perf_counter() - start
    if progress is not None:
        progress(res.states, res.transitions, 0, res.seconds)
    return res


class StateLimitExceeded(RuntimeError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the exploration passed --max-states {limit}; raise the limit or shrink the configuration")
        self.limit = limit


class ModelTooLarge(RuntimeError):
    """The compiled engine's C for a configuration passes what a C compiler handles in minutes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"this configuration compiles to more than {format_bytes(limit)} of C, which gcc would take "
                         "hours over (and whose states would pass any memory budget); use fewer nodes, slots or "
                         "containers")
        self.limit = limit


class MemoryBudgetExceeded(MemoryError):
    """The compiled engine stopped before allocating past its memory budget."""

    def __init__(self, budget: int, states: int | None = None) -> None:
        stored = f" with {states:,} states stored" if states else ""
        super().__init__(f"the search stopped at its memory budget of {format_bytes(budget)}{stored}; raise it with "
                         f"--memory-budget (sizes like 16G or 512M) or shrink the configuration")
        self.budget, self.states = budget, states


# Every way a search stops short of an answer by a limit of the run, each with a one-sentence message.
SEARCH_LIMITS = (StateLimitExceeded, MemoryBudgetExceeded, ModelTooLarge)


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def _negate(p: StatePred) -> StatePred:
    return lambda v, o: o.not_(p(v, o))


def _negate_step(p: StepPred) -> StepPred:
    return lambda a, b, o: o.not_(p(a, b, o))
