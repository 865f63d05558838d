"""Exhaustive checking of one configuration: properties, rows, statistics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelife.model.engine.compile import StatePred, StepPred, compile_edge_checks
from kubelife.model.engine.explore import Exploration, Progress, StateLimitExceeded, explore
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import Trace, trace_from_path
from kubelife.profiles import properties_for_profile, rows_for
from kubelife.properties.core import Property, Row

__all__ = ["PropertyVerdict", "RowVerdict", "CheckResult", "check_model", "RowObserver"]


@dataclass
class PropertyVerdict:
    name: str
    kind: str
    holds: bool
    expected: bool
    counterexample: Trace | None = None
    witness: Trace | None = None

    @property
    def status(self) -> str:
        if self.expected:
            return "holds" if self.holds else "violated"
        # A known Kubernetes violation: finding it is the pass; a configuration too small
        # to show it (one slot, say) is reported, not failed. Suites require it somewhere.
        return "not reached" if self.holds else "violated as expected"

    @property
    def ok(self) -> bool:
        return self.status != "violated"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "status": self.status, "holds": self.holds, "expected": self.expected,
            "ok": self.ok, "vacuous": self.witness is None,
            "counterexample": self.counterexample.to_json()["steps"] if self.counterexample else None,
            "counterexample_length": len(self.counterexample) if self.counterexample else None,
            "witness_length": len(self.witness) if self.witness else None,
        }


@dataclass
class RowVerdict:
    id: str
    status: str  # pass | fail | vacuous
    hits: int = 0
    witness: Trace | None = None
    counterexample: Trace | None = None
    focus: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status, "hits": self.hits,
            "witness": self.witness.to_json()["steps"] if self.witness else None,
            "counterexample": self.counterexample.to_json()["steps"] if self.counterexample else None,
        }


class RowObserver:
    """Checks one row on every explored step of its event.

    Precondition and outcome are compiled per transition and focus, so the
    configuration's constants fold away before the search starts.
    """

    def __init__(self, m: ClusterModel, row: Row) -> None:
        self.m, self.row = m, row
        self.checks: dict[int, tuple[Any, list[str]]] = {}
        self.specs: dict[int, list[tuple[StatePred, StepPred]]] = {}  # for the fast engine
        layout = m.shape.layout
        for i, t in enumerate(m.system.transitions):
            a = t.action
            if a.kind not in row.kinds or not row.event(a):
                continue
            foci = row.focus(m, a)
            specs = [_row_check(m, row, f, a) for f in foci]
            fn = compile_edge_checks(layout, specs)
            if fn is not None:
                self.checks[i] = (fn, [_focus_name(f) for f in foci])
                self.specs[i] = specs
        self.transitions = frozenset(self.checks)
        self.hits = 0
        self.witness: tuple[int, int, int] | None = None
        self.failure: tuple[int, int, int, str] | None = None

    def visit(self, src: int, s: int, i: int, t: int, dst: int) -> None:
        fn, names = self.checks[i]
        for k, ok in fn(s, t):
            self.hits += 1
            if self.witness is None:
                self.witness = (src, i, t)
            if not ok and self.failure is None:
                self.failure = (src, i, t, names[k])

    def absorb(self, r: Any) -> None:
        """Take the fast engine's :class:`~kubelife.model.engine.fast.ObserverResult` for this row."""
        self.hits = r.hits
        self.witness = r.witness
        if r.failure is not None:
            src, i, t, k = r.failure
            self.failure = (src, i, t, self.checks[i][1][k])

    def hit(self, s: int, i: int, t: int) -> bool:
        return i in self.checks and bool(self.checks[i][0](s, t))

    def fails(self, s: int, i: int, t: int) -> bool:
        return self.failing_focus(s, i, t) is not None

    def failing_focus(self, s: int, i: int, t: int) -> str | None:
        if i not in self.checks:
            return None
        fn, names = self.checks[i]
        return next((names[k] for k, ok in fn(s, t) if not ok), None)


def _row_check(m: ClusterModel, row: Row, f: Any, a: Any) -> tuple[StatePred, StepPred]:
    """The row's precondition and outcome with the model, focus and action fixed."""
    def pre(v: Any, o: Any) -> Any:
        return row.pre(m, v, o, f, a)

    def outcome(x: Any, y: Any, o: Any) -> Any:
        return row.outcome(m, x, y, o, f, a)

    return pre, outcome


def _focus_name(f: Any) -> str:
    return f"p{f.p}" if hasattr(f, "p") else f"n{f.n}"


@dataclass
class CheckResult:
    model: ClusterModel
    exploration: Exploration
    properties: list[PropertyVerdict]
    rows: list[RowVerdict]
    deadlock: Trace | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.properties) and not any(r.status == "fail" for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        ex = self.exploration
        acts = self.model.system.actions
        return {
            "config": self.model.name,
            "profile": self.model.config.profile,
            **version_json(self.model.config),
            "states": ex.states,
            # What "states" counts: under --symmetry one representative per orbit, else every state.
            "states_counted": ("orbits (one state per class of states equal up to interchangeable nodes and "
                               "slots); run without --symmetry for the distinct reachable states")
            if ex.canon is not None else "distinct reachable states",
            "transitions": ex.transitions,
            "depth": ex.depth,
            "seconds": round(ex.seconds, 3),
            "deadlocks": ex.deadlocks,
            "memory": ex.memory,  # {peak_bytes, bytes_per_state} of the compiled engine; null in Python
            "deadlock_example": self.deadlock.to_json()["steps"] if self.deadlock else None,
            "fired": {str(a): n for a, n in zip(acts, ex.fired)},
            "never_fired": [str(acts[i]) for i in ex.never_fired],
            "properties": {p.name: p.to_json() for p in self.properties},
            "rows": {r.id: r.to_json() for r in self.rows},
            "ok": self.ok,
            **self.meta,
        }


ENGINES = ("auto", "fast", "python")
AUTO_PYTHON_STATES = 5_000  # "auto" finishes smaller runs in Python rather than pay for a C compile


def version_json(config: Config) -> dict[str, Any]:
    """``kubernetes`` and ``gates`` for profiles that model versions (the effective version: the
    profile's default when the configuration names none); nothing for profiles without them."""
    from kubelife.profiles import get

    prof = get(config.profile)
    if not prof.versions:
        return {}
    return {"kubernetes": config.kubernetes or prof.default_version, "gates": dict(config.gates)}


def check_model(m: ClusterModel, *, props: Sequence[Property] | None = None, rows: Sequence[Row] | None = None,
                progress: Progress | None = None, max_states: int | None = None,
                engine: str = "auto", symmetry: bool = False,
                explorer: Callable[..., Exploration] | None = None) -> CheckResult:
    """Explore ``m`` and judge every property and row.

    ``engine``: ``fast`` (compiled C), ``python``, or ``auto`` (fast when a C compiler is there and the
    run is not tiny).  ``symmetry`` stores one state per orbit of interchangeable nodes and slots
    (the profile's ``symmetry``); verdicts and shortest trace lengths are unchanged, counts shrink.
    """
    from kubelife.model.engine import fast
    from kubelife.symmetry import canonicalizer, symmetry_spec

    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not known; use one of: {', '.join(ENGINES)}")
    # Defaults follow the model's profile (its properties and its rows).
    props = list(props if props is not None else properties_for_profile(m))
    rows = rows if rows is not None else rows_for(m.config.profile)
    inv = [p for p in props if not p.is_step]
    stp = [p for p in props if p.is_step]
    spec = symmetry_spec(m) if symmetry else None
    canon = canonicalizer(m) if symmetry else None
    kw: dict[str, Any] = dict(
        invariants=[p.pred for p in inv], steps=[p.pred for p in stp],
        sometimes=[p.witness for p in inv], sometimes_steps=[p.witness for p in stp],
        progress=progress, max_states=max_states, canon=canon,
    )
    use_fast = engine == "fast" or (engine == "auto" and fast.available())  # any state width
    if use_fast:
        fast.check_size(m.system)  # before the row observers, which take as long to build as the C
    observers = [RowObserver(m, r) for r in rows]
    ex: Exploration | None = None
    if explorer is not None:  # another engine with explore's signature (kubelife.ray_engine)
        ex, use_fast = explorer(m.system, observers=[o for o in observers if o.transitions], **kw), False
    got: Any = None
    if use_fast and engine == "auto":  # compiled before: no compile cost, so take it
        got = fast.fast_explore(m.system, observers=[o.specs for o in observers], symmetry=spec,
                                only_if_cached=True, **kw)
    if got is None and use_fast and engine == "auto" and (max_states is None or max_states > AUTO_PYTHON_STATES):
        try:  # small runs: Python is done before gcc would be
            ex = explore(m.system, observers=[o for o in observers if o.transitions],
                         **{**kw, "max_states": AUTO_PYTHON_STATES, "progress": None})
            use_fast = False
        except StateLimitExceeded:
            observers = [RowObserver(m, r) for r in rows]
    if ex is None and use_fast:
        got = got or fast.fast_explore(m.system, observers=[o.specs for o in observers], symmetry=spec, **kw)
        ex, seen = got
        for o, r in zip(observers, seen):
            o.absorb(r)
    elif ex is None:
        ex = explore(m.system, observers=[o for o in observers if o.transitions], **kw)
    verdicts = []
    for k, p in enumerate(inv):
        bad = ex.state_violations.get(k)
        wit = ex.state_witnesses.get(k)
        verdicts.append(PropertyVerdict(
            p.name, p.kind, bad is None, p.expected_to_hold,
            trace_from_path(m, ex.path(bad)) if bad is not None else None,
            trace_from_path(m, ex.path(wit)) if wit is not None else None,
        ))
    for k, p in enumerate(stp):
        bad_e = ex.step_violations.get(k)
        wit_e = ex.step_witnesses.get(k)
        verdicts.append(PropertyVerdict(
            p.name, p.kind, bad_e is None, True,
            trace_from_path(m, ex.path(bad_e[1])) if bad_e else None,
            trace_from_path(m, ex.path(wit_e[1])) if wit_e else None,
        ))
    order = {p.name: i for i, p in enumerate(props)}
    verdicts.sort(key=lambda v: order[v.name])
    row_verdicts = []
    for ob in observers:
        rv = RowVerdict(ob.row.id, "vacuous", ob.hits)
        if ob.witness is not None:
            src, i, t = ob.witness
            rv.witness = trace_from_path(m, ex.edge_path(src, t, i, accept=ob.hit))
            rv.status = "pass"
        if ob.failure is not None:
            src, i, t, focus = ob.failure
            path = ex.edge_path(src, t, i, accept=ob.fails)
            rv.counterexample = trace_from_path(m, path)
            # Under symmetry the concrete edge may be about another (interchangeable) pod or node.
            (_, s_last), (j_last, t_last) = path[-2], path[-1]
            rv.status, rv.focus = "fail", ob.failing_focus(s_last, j_last or 0, t_last) or focus
        row_verdicts.append(rv)
    dead = trace_from_path(m, ex.path(ex.first_deadlock)) if ex.first_deadlock is not None else None
    meta = {"engine": "fast" if use_fast else "python",
            "symmetry": {"on": symmetry, **(spec.to_json() if spec is not None else {"group_size": 1})}}
    return CheckResult(m, ex, verdicts, row_verdicts, dead, meta)
