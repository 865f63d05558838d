"""Check the Kubernetes liveness properties of one configuration under named fairness.

``check_liveness(m)`` runs every property of :mod:`kubelife.properties.liveness` under
each of its declared fairness cases (or, with ``fairness=[...]``, under
exactly those assumptions) and returns a :class:`LivenessResult` whose
``to_json()`` is self-contained: ``{"ok", "seconds", "graphs", "properties":
{key: verdict}}`` with each verdict shaped like a safety property verdict
(``kind``, ``status``, ``holds``, ``expected``, ``ok``, ``vacuous``,
``counterexample`` ...) plus the fairness, the lasso's ``loop_at`` and the graph used.

Symmetry: a property is checked on a reduced graph only where the property
and every fairness group are unchanged by the permutations the canonicaliser
applies (node renaming for per-pod properties, node and slot renaming for
counts over the whole cluster); otherwise on the full graph.  Lassos found on
a reduced graph are replayed concretely and re-checked, step by step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kubelife.model.engine.compile import compile_state_checks, compile_successors
from kubelife.model.engine.explore import StateLimitExceeded
from kubelife.model.engine.graph import Graph, Path, concretize_lasso, explore_graph
from kubelife.model.engine.liveness import (
    Assumptions,
    LeadsTo,
    Method,
    check_lasso,
    eventually_always,
    leads_to,
    state_masks,
)
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import Trace, trace_from_path
from kubelife.profiles import LivenessSpec, Profile, get, require, resolve
from kubelife.properties.liveness import SYMMETRIES, Fairness, Instance, LivenessProperty, expand_fairness

__all__ = ["LivenessVerdict", "LivenessResult", "check_liveness", "render_liveness", "lasso_diagram",
           "liveness_suite", "liveness_spec", "fairness_table"]

_PY_GRAPH = 20_000  # graphs up to this many states are built in Python: sooner than a first C compile


def liveness_spec(profile: Profile | str | None) -> LivenessSpec:
    """The profile's liveness declaration; one sentence when it has none."""
    spec: LivenessSpec = require(resolve(profile), "liveness")
    return spec


def liveness_suite(profile: Profile | str | None) -> tuple[Config, ...]:
    """The configurations ``kubelife liveness`` checks by default for a profile."""
    return liveness_spec(profile).suite


def fairness_table(m: ClusterModel) -> dict[str, Fairness]:
    return dict(liveness_spec(get(m.config.profile)).fairness)


@dataclass
class LivenessVerdict:
    name: str
    kind: str
    fairness: tuple[str, ...]
    expected: bool | None
    holds: bool
    vacuous: bool = False
    instance: str = ""
    lasso: Trace | None = None
    lasso_problems: list[str] = field(default_factory=list)
    respects: list[str] = field(default_factory=list)  # how the cycle meets each assumption
    witness_length: int | None = None
    graph: str = "full"
    hypothesis: str = ""
    why: str = ""

    @property
    def key(self) -> str:
        return f"{self.name} [{', '.join(self.fairness) or 'no fairness'}]"

    @property
    def status(self) -> str:
        if self.expected is False:
            return "not reached" if self.holds else "violated as expected"
        if self.expected is None:
            return "holds" if self.holds else "counterexample"
        return "holds" if self.holds else "violated"

    @property
    def ok(self) -> bool:
        return self.status != "violated" and not self.lasso_problems

    def to_json(self) -> dict[str, Any]:
        lasso = self.lasso
        return {
            "kind": self.kind, "status": self.status, "holds": self.holds, "expected": self.expected,
            "ok": self.ok, "vacuous": self.vacuous,
            "counterexample": lasso.to_json()["steps"] if lasso else None,
            "counterexample_length": len(lasso) if lasso else None,
            "witness_length": self.witness_length,
            "fairness": list(self.fairness), "hypothesis": self.hypothesis or None,
            "instance": self.instance or None, "loop_at": lasso.loop_at if lasso else None,
            "graph": self.graph, "lasso_problems": self.lasso_problems, "why": self.why or None,
            "cycle_respects": self.respects or None,
        }


@dataclass
class LivenessResult:
    model: ClusterModel
    verdicts: list[LivenessVerdict]
    graphs: dict[str, dict[str, Any]]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        return {
            "config": self.model.name, "ok": self.ok, "seconds": round(self.seconds, 3), "graphs": self.graphs,
            "properties": {v.key: v.to_json() for v in self.verdicts},
        }


def _canonicalizer(m: ClusterModel, level: str) -> Callable[[int], int] | None:
    """E's canonicaliser for ``nodes`` or ``nodes+slots``; ``None`` where unavailable or trivial."""
    try:
        from kubelife.symmetry import canonicalizer, symmetry_group_size
    except ImportError:  # symmetry reduction not available: every check uses the full graph
        return None
    slots = level == "nodes+slots"
    if symmetry_group_size(m, slots=slots) == 1:
        return None
    return canonicalizer(m, slots=slots)


def _level(prop: LivenessProperty, fairness: Sequence[str]) -> str:
    inv = set(prop.invariant_under)
    for f in fairness:
        inv &= prop.tables[0][f].invariant_under
    if SYMMETRIES <= inv:
        return "nodes+slots"
    return "nodes" if "nodes" in inv else "full"


class _Graphs:
    def __init__(self, m: ClusterModel, symmetry: bool, max_states: int | None) -> None:
        self.m, self.symmetry, self.max_states = m, symmetry, max_states
        self.cache: dict[str, tuple[Graph, Callable[[int], int] | None]] = {}
        self.mask_cache: dict[tuple[str, str], Any] = {}

    def get(self, level: str) -> tuple[str, Graph, Callable[[int], int] | None]:
        canon = _canonicalizer(self.m, level) if self.symmetry and level != "full" else None
        if canon is None:
            level = "full"
        if level not in self.cache:
            self.cache[level] = (self._explore(level, canon), canon)
        g, c = self.cache[level]
        return level, g, c

    def _explore(self, level: str, canon: Callable[[int], int] | None) -> Graph:
        """The graph in C when a compiler is there (same ids and edges, states of any width),
        else in Python; small graphs stay in Python, where a first C compile would cost more."""
        from kubelife.model.engine import fast
        from kubelife.symmetry import symmetry_spec

        m = self.m
        if fast.available():  # any state width
            fast.check_size(m.system)  # before Python compiles the successors of a model past the C limit
            try:
                return explore_graph(m.system, canon=canon, max_states=min(self.max_states or _PY_GRAPH,
                                                                           _PY_GRAPH))
            except StateLimitExceeded:
                if self.max_states is not None and self.max_states <= _PY_GRAPH:
                    raise
            spec = symmetry_spec(m, slots=level == "nodes+slots") if canon is not None else None
            return fast.fast_graph(m.system, symmetry=spec, max_states=self.max_states)
        return explore_graph(m.system, canon=canon, max_states=self.max_states)

    def masks(self, level: str, g: Graph, name: str, insts: Sequence[Instance]) -> Any:
        """Predicate values per state, computed once per graph and property (cases share them)."""
        key = (level, name)
        if key not in self.mask_cache:
            preds: list[Callable[..., Any]] = []
            for inst in insts:
                preds += [inst.p, inst.q, *inst.visits]
            self.mask_cache[key] = state_masks(g, preds)
        return self.mask_cache[key]

    def info(self) -> dict[str, dict[str, Any]]:
        return {k: {"states": g.n_states, "edges": g.n_edges, "seconds": round(g.seconds, 3)}
                for k, (g, _) in self.cache.items()}


def _assumptions(m: ClusterModel, fairness: Sequence[str]) -> Assumptions:
    acts = m.system.actions
    weak: list[frozenset[int]] = []
    strong: list[frozenset[int]] = []
    finite: set[int] = set()
    table = fairness_table(m)
    for name in fairness:
        f = table[name]
        gs = f.groups(acts)
        if f.kind == "weak":
            weak += gs
        elif f.kind == "strong":
            strong += gs
        else:
            for grp in gs:
                finite |= grp
    return Assumptions(tuple(weak), tuple(strong), frozenset(finite))


def _prefer(m: ClusterModel) -> Callable[[int, int], int]:
    acts = m.system.actions

    def rest(i: int) -> tuple[Any, ...]:
        return tuple(kv for kv in acts[i].args if kv[0] != "node")

    def prefer(i: int, j: int) -> int:
        if acts[i].kind != acts[j].kind:
            return 0
        return 2 if rest(i) == rest(j) else 1
    return prefer


def _concrete(m: ClusterModel, pred: Callable[..., Any]) -> Callable[[int], bool]:
    chk = compile_state_checks(m.shape.layout, [pred])
    return lambda s: not chk(s)


def _lasso(m: ClusterModel, g: Graph, canon: Callable[[int], int] | None, res: LeadsTo) -> tuple[Path, int, int]:
    ids, via = res.prefix, res.prefix_via
    prefix: Path = [(None, g.packed[ids[0]])] + [(via[k], g.packed[ids[k + 1]]) for k in range(len(via))]
    cycle = [(t, g.packed[s]) for t, s in res.cycle]
    target = ids.index(res.target) if res.target is not None else 0
    if canon is not None:
        path, loop_at = concretize_lasso(m.system, prefix, cycle, canon, _prefer(m))
        return path, loop_at, target
    return prefix + [(t, s) for t, s in cycle], len(prefix) - 1, target


def _check_one(m: ClusterModel, prop: LivenessProperty, fairness: tuple[str, ...], graphs: _Graphs,
               method: Method, why: str = "") -> LivenessVerdict:
    expected = prop.expected(fairness, m.config)
    v = LivenessVerdict(prop.name, prop.kind, fairness, expected, True, hypothesis=prop.hypothesis, why=why)
    insts = prop.instances(m)
    if not insts:
        v.vacuous = True
        return v
    level, g, canon = graphs.get(_level(prop, fairness))
    v.graph = level
    a = _assumptions(m, fairness)
    masks = graphs.masks(level, g, prop.name, insts)
    k = 0
    witnesses: list[int] = []
    for inst in insts:
        p, q, vis = masks[k], masks[k + 1], list(masks[k + 2:k + 2 + len(inst.visits)])
        k += 2 + len(inst.visits)
        if prop.kind == "eventually-always":
            res = eventually_always(g, q, a, vis, method)
        elif prop.kind == "always-eventually":
            res = leads_to(g, np.ones_like(q), q, a, vis, method)
        else:
            res = leads_to(g, p, q, a, vis, method)
        if res.witness is not None:
            witnesses.append(res.witness)
        if res.holds:
            continue
        v.holds, v.instance = False, inst.label
        path, loop_at, target = _lasso(m, g, canon, res)
        v.lasso = trace_from_path(m, path, loop_at)
        states = [s for _, s in path]
        steps = [int(i) for i, _ in path[1:] if i is not None]
        if prop.kind == "eventually-always":
            q_holds = _concrete(m, inst.q)
            pf, qf = (lambda s: True), (lambda s: False)
            vf = [_concrete(m, x) for x in inst.visits] + [lambda s, qh=q_holds: not qh(s)]
        else:
            pf = (lambda s: True) if prop.kind == "always-eventually" else _concrete(m, inst.p)
            qf, vf = _concrete(m, inst.q), [_concrete(m, x) for x in inst.visits]
        succ = compile_successors(m.system)
        v.lasso_problems = check_lasso(succ, states, steps, loop_at, target, pf, qf, a, vf)
        v.respects = _how_fair(m, fairness, succ, states, steps, loop_at)
        break
    v.vacuous = not witnesses
    if witnesses:
        v.witness_length = len(g.path(min(witnesses))) - 1
    return v


def check_liveness(m: ClusterModel, fairness: Sequence[str] | None = None, symmetry: bool = True, *,
                   props: Sequence[LivenessProperty] | None = None, method: Method = "auto",
                   max_states: int | None = None) -> LivenessResult:
    """Every liveness property under its declared cases, or under exactly ``fairness`` when given.

    ``fairness`` names come from the model's profile table (``Profile.liveness.fairness``) or its
    bundles (``fair``, ``disruptions-stop``); an unknown name raises ``ValueError``.
    Properties default to the profile's (``Profile.liveness.properties``).
    """
    start = time.perf_counter()
    spec = liveness_spec(m.config.profile)
    tables = (spec.fairness, spec.bundles)
    chosen = expand_fairness(fairness, *tables) if fairness is not None else None
    graphs = _Graphs(m, symmetry, max_states)
    verdicts = []
    for prop in props if props is not None else spec.properties:
        if chosen is not None:
            verdicts.append(_check_one(m, prop, chosen, graphs, method))
            continue
        for case in prop.cases_for(m.config):
            verdicts.append(_check_one(m, prop, expand_fairness(case.fairness, *tables), graphs, method, case.why))
    return LivenessResult(m, verdicts, graphs.info(), time.perf_counter() - start)


def _how_fair(m: ClusterModel, fairness: Sequence[str], succ: Callable[[int], list[tuple[int, int]]],
              states: Sequence[int], steps: Sequence[int], loop_at: int) -> list[str]:
    """Per assumption, how the cycle meets it: which groups it takes, where the others are disabled."""
    acts = m.system.actions
    cyc = list(range(loop_at, len(states) - 1)) or [len(states) - 1]
    taken = {steps[k]: k + 1 for k in range(loop_at, len(steps))}  # transition -> step number
    enabled = [{i for i, t in succ(states[k]) if t != states[k]} for k in cyc]
    out = []
    table = fairness_table(m)
    for name in fairness:
        f = table[name]
        notes = []
        for grp in f.groups(acts):
            a0 = acts[min(grp)]
            label = " ".join([a0.kind if "kind" in f.per or len({acts[i].kind for i in grp}) == 1 else
                              "/".join(sorted({acts[i].kind for i in grp})),
                              *(f"{k}={v}" for k, v in a0.args if k in f.per)])
            hit = sorted(taken[i] for i in grp if i in taken)
            if f.kind == "finitely":
                notes.append(f"{label} never on the cycle" if not hit else f"{label} TAKEN at step {hit[0]}")
            elif hit:
                notes.append(f"{label} taken at step {hit[0]}")
            elif f.kind == "weak":
                off = next((k for k, e in zip(cyc, enabled) if not e & grp), None)
                notes.append(f"{label} disabled after step {off}" if off is not None else f"{label} NEVER DISABLED")
            else:
                on = any(e & grp for e in enabled)
                notes.append(f"{label} never enabled" if not on else f"{label} ENABLED, NOT TAKEN")
        out.append(f"{name}: " + "; ".join(notes))
    return out


def render_liveness(r: LivenessResult, *, lassos: bool = True) -> str:
    """Plain text: one line per verdict, then each lasso with the assumptions its cycle respects."""
    lines = [f"kubelife liveness  {r.model.name}  ({r.seconds:.2f} s; graphs: "
             + ", ".join(f"{k} {x['states']:,} states {x['edges']:,} edges" for k, x in r.graphs.items()) + ")"]
    width = max((len(v.status) for v in r.verdicts), default=0)
    for v in r.verdicts:
        extra = f"  lasso {len(v.lasso)} steps" if v.lasso else ""
        vac = "  (vacuous here)" if v.vacuous else ""
        lines.append(f"  {v.status:<{width}}  {v.key}  [{v.graph} graph]{extra}{vac}")
    for v in r.verdicts:
        if v.lasso is None or not (lassos or not v.ok):
            continue
        t = v.lasso
        cyc = len(t) - (t.loop_at or 0)
        who = f" for {v.instance}" if v.instance else ""
        lines.append("")
        lines.append(f"{v.status.upper()}: {v.name}{who} under [{', '.join(v.fairness) or 'no fairness'}]")
        if v.hypothesis:
            lines.append(f"  hypothesis kept on the cycle: {v.hypothesis}")
        if v.respects:
            lines.append("  the cycle respects:")
            lines += [f"    {x}" for x in v.respects]
        else:
            lines.append("  no fairness assumed: any state may stutter forever")
        if v.why:
            lines.append(f"  {'expected to hold' if v.status == 'violated' else 'why'}: {v.why}")
        if cyc == 0:
            lines.append(f"  a {len(t)}-step path, then the last state stutters forever (nothing fair is enabled)")
        else:
            lines.append(f"  a {t.loop_at}-step prefix, then a {cyc}-step cycle repeated forever")
        lines.append(t.render("    "))
        for p in v.lasso_problems:
            lines.append(f"  LASSO CHECK FAILED: {p}")
    return "\n".join(lines)


def lasso_diagram(v: LivenessVerdict, name: str) -> Any:
    """A report :class:`~kubelife.report.diagram.Diagram` of a verdict's lasso: the prefix, then the cycle
    (highlighted) whose last step points back to the state it repeats; a stuttering end loops on itself."""
    from kubelife.report.diagram import DEdge, Diagram, DNode

    t = v.lasso
    if t is None or t.loop_at is None:
        raise ValueError(f"{v.key} has no lasso")
    sh = t.model.shape
    states = t.states()
    last = len(states) - 1
    stutter = last == t.loop_at
    ids = [f"s{k}" for k in range(last + (1 if stutter else 0))]
    nodes = {}
    for k, sid in enumerate(ids):
        st = sh.decode(states[k])
        label = "\n".join([*(f"n{i}: {n}" for i, n in enumerate(st.nodes)),
                           *(f"p{i}: {p}" for i, p in enumerate(st.pods))])
        style = "initial" if k == 0 else "focus" if k >= t.loop_at else ""
        nodes[sid] = DNode(sid, f"{k}. {label}", style)
    edges = []
    for k, step in enumerate(t.steps, 1):
        dst = ids[k] if k < len(ids) else f"s{t.loop_at}"
        events = ", ".join(step.action.reasons) or "no event"
        edges.append(DEdge(f"s{k - 1}", dst, f"{step.action}\n{events} by {step.action.actor}", 0,
                           "focus" if k > t.loop_at else ""))
    if stutter:
        edges.append(DEdge(ids[-1], ids[-1], "stutters forever", 0, "bad"))
    title = f"{v.name}{f' ({v.instance})' if v.instance else ''} under [{', '.join(v.fairness) or 'no fairness'}]"
    caption = (f"{v.status}: a {t.loop_at}-step prefix, then the highlighted cycle forever"
               + (f"; hypothesis: {v.hypothesis}" if v.hypothesis else ""))
    return Diagram.make(name, title, caption, nodes, edges, ("s0",), chain=True)
