"""Step differences: observable steps one semantics can take and the other cannot, with shortest witnesses.

Each side's whole state graph is explored and every state seen through the shared projection
(the observation kinds both profiles fill).  An observable step is a pair (observation before,
observation after) of an edge that changes what is seen.  Steps only one side takes are grouped
by the change they make (the fields that differ, from what to what); each group keeps the
shortest trace that ends in one of its steps (breadth-first ids: the smallest source is the
shallowest) and what the other side does with the same actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kubelife.diff.variant import Variant
from kubelife.model.engine.explore import StateLimitExceeded
from kubelife.model.engine.graph import Graph, explore_graph
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import Trace, trace_from_path

__all__ = ["Projection", "Space", "StepClass", "explore_space", "step_classes", "Change"]

Change = tuple[tuple[str, str, str], ...]  # (field, before, after), fields in order
Obs = tuple[tuple[tuple[str, str], str], ...]
_PY_GRAPH = 20_000  # below this a graph is built in Python, sooner than a first C compile
_SHIFT = np.int64(1 << 31)


class Projection:
    """Observations through the shared kinds, interned to small ids shared by both sides."""

    def __init__(self, kinds: frozenset[str]) -> None:
        self.kinds = kinds
        self.ids: dict[Obs, int] = {}
        self.obs: list[Obs] = []
        self._changes: dict[int, Change] = {}
        # Per model (its configuration and semantics): packed state -> observation id, and field masks.
        self._memo: dict[tuple[Config, type], dict[int, int]] = {}
        self._fields: dict[tuple[Config, type], list[tuple[int, int]]] = {}

    def of(self, m: ClusterModel, spec: Any, packed: int) -> int:
        memo = self._memo.setdefault((m.config, m.semantics), {})
        got = memo.get(int(packed))
        if got is None:
            got = memo[int(packed)] = self._intern(spec.observe(m, self._unpack(m, int(packed))))
        return got

    def _unpack(self, m: ClusterModel, packed: int) -> tuple[int, ...]:
        fields = self._fields.get((m.config, m.semantics))
        if fields is None:  # Layout.unpack recomputes each mask; a diff unpacks every state of two graphs
            layout = m.shape.layout
            fields = [(sh, layout.mask(i)) for i, sh in enumerate(layout.shifts)]
            self._fields[(m.config, m.semantics)] = fields
        return tuple((packed >> sh) & mask for sh, mask in fields)

    def _intern(self, seen: Mapping[tuple[str, str], str]) -> int:
        key = tuple(sorted((k, v) for k, v in seen.items() if k[1] in self.kinds))
        oid = self.ids.get(key)
        if oid is None:
            oid = self.ids[key] = len(self.obs)
            self.obs.append(key)
        return oid

    def change(self, code: int) -> Change:
        """The fields an observable step (``before << 31 | after``) changes."""
        got = self._changes.get(code)
        if got is None:
            a, b = dict(self.obs[code >> 31]), dict(self.obs[code & ((1 << 31) - 1)])
            # A pod created or removed is one change (its exists field), not one per field it gains or loses.
            got = self._changes[code] = tuple((label(k), a.get(k, "-"), b.get(k, "-"))
                                              for k in sorted(set(a) | set(b))
                                              if a.get(k) != b.get(k) and (k in a and k in b or k[1] == "pod.exists"))
        return got

    def text(self, oid: int) -> str:
        return " ".join(f"{label(k)}={v}" for k, v in self.obs[oid])


def label(key: tuple[str, str]) -> str:
    where, kind = key
    return f"{where}.{kind.split('.', 1)[1]}"


@dataclass
class Space:
    """One side's graph of one configuration, seen through the projection."""

    variant: Variant
    model: ClusterModel
    graph: Graph
    oid: np.ndarray  # observation id per state
    codes: np.ndarray  # distinct observable steps, sorted
    first: np.ndarray  # per code, the edge with the shallowest source
    seconds: float = 0.0

    @property
    def reached(self) -> set[int]:
        return set(np.unique(self.oid).tolist())


def _graph(m: ClusterModel, max_states: int | None) -> Graph:
    from kubelife.model.engine import fast

    if not fast.available():
        return explore_graph(m.system, max_states=max_states)
    try:
        return explore_graph(m.system, max_states=min(max_states or _PY_GRAPH, _PY_GRAPH))
    except StateLimitExceeded:
        if max_states is not None and max_states <= _PY_GRAPH:
            raise
    return fast.fast_graph(m.system, max_states=max_states)


def explore_space(v: Variant, config: Config, proj: Projection, max_states: int | None = None) -> Space:
    import time

    start = time.perf_counter()
    m = v.build(config)
    g = _graph(m, max_states)
    spec = v.observation
    oid = np.fromiter((proj.of(m, spec, s) for s in g.packed), dtype=np.int64, count=g.n_states)
    order = np.argsort(g.src, kind="stable")  # by source id, so the first edge of a step is the shallowest
    a, b = oid[g.src[order]], oid[g.dst[order]]
    moving = np.nonzero(a != b)[0]
    codes, first = np.unique(a[moving] * _SHIFT + b[moving], return_index=True)
    return Space(v, m, g, oid, codes, order[moving[first]], time.perf_counter() - start)


@dataclass
class StepClass:
    """Observable steps making one change that only one side takes.

    ``shared``: some of them start from an observation the other side also reaches (it is there and
    cannot make this step); otherwise each starts where only this side gets, a consequence of an
    earlier difference.  The witness is the shortest of the shared ones when there are any.
    """

    change: Change
    side: int  # 0: only the --from semantics takes them, 1: only --to
    steps: int = 0
    shared: bool = False
    other_makes_change: bool = False  # the other side makes the same change, from other observations
    witness: Trace | None = None
    config: str = ""
    configs: list[str] = field(default_factory=list)
    other: str = ""  # what the witness's actions do in the other semantics
    other_before: Trace | None = None  # shared: the other side's shortest trace to the observation before the step

    @property
    def other_text(self) -> str:
        """What the other side does: the same actions where they mean something there, else where it stands."""
        t = self.other_before
        if t is None or ("not an action" not in self.other and not self.other.startswith("refused")):
            return self.other
        return (f"{self.other}; it reaches the observation before the step in {_steps(len(t))} "
                f"({' → '.join(str(s.action) for s in t.steps)}) and cannot make this change from it")

    @property
    def title(self) -> str:
        return ", ".join(f"{f}: {b} -> {a}" for f, b, a in self.change)

    @property
    def other_short(self) -> str:
        """:attr:`other_text` in a few words (for tables)."""
        t = self.other_before
        if t is not None and ("not an action" in self.other or self.other.startswith("refused")):
            head = "refused; " if self.other.startswith("refused") else ""
            return f"{head}reaches the observation before in {_steps(len(t))}, cannot make this change there"
        return self.other

    def to_json(self) -> dict[str, Any]:
        w = self.witness
        return {"change": [{"field": f, "before": b, "after": a} for f, b, a in self.change], "only_in": self.side,
                "steps": self.steps, "from_shared_observation": self.shared,
                "other_makes_change": self.other_makes_change, "configurations": self.configs,
                "witness": {"configuration": self.config, "length": len(w), "steps": w.to_json()["steps"],
                            "replay": w.as_code(), "in_other": self.other} if w is not None else None,
                "other_reaches_before": {"length": len(self.other_before), "replay": self.other_before.as_code()}
                if self.other_before is not None else None}


def _steps(n: int) -> str:
    return "1 step" if n == 1 else f"{n} steps"


def _depth(g: Graph) -> np.ndarray:
    d = np.zeros(g.n_states, dtype=np.int64)
    parent = np.asarray(g.parent)
    for sid in range(1, g.n_states):  # parents come before children (breadth-first ids)
        d[sid] = d[int(parent[sid])] + 1
    return d


def _witness(s: Space, edge: int) -> Trace:
    g = s.graph
    src, dst, tr = int(g.src[edge]), int(g.dst[edge]), int(g.tr[edge])
    return trace_from_path(s.model, [*g.path(src), (tr, int(g.packed[dst]))])


def replay_in(other: Space, proj: Projection, trace: Trace, own: Space) -> str:
    """What the trace's actions do in the other semantics: refused, or where what is seen parts."""
    m = other.model
    cur = m.system.initial
    layout_own, layout_other = own.model.shape.layout, m.shape.layout
    spec_own, spec_other = own.variant.observation, other.variant.observation
    for k, st in enumerate(trace.steps, 1):
        a = st.action
        i = m.transition_index(a.kind, **dict(a.args))
        if i is None:
            return f"step {k} ({a}) is not an action of {other.variant.label}"
        nxt = m.system.step(cur, i)
        if nxt is None:
            return f"refused: step {k} ({a}) is not enabled there"
        mine = proj.of(own.model, spec_own, layout_own.pack(st.values))
        theirs = proj.of(m, spec_other, layout_other.pack(nxt))
        if mine != theirs:
            seen = "; ".join(f"{f} {b} instead of {a2}" for f, b, a2 in proj.change(theirs * (1 << 31) + mine))
            return f"after step {k} ({a}) it shows {seen}"
        cur = nxt
    return "takes the same observable steps"  # cannot happen for a step only one side has


def step_classes(spaces: tuple[Space, Space], proj: Projection, config_name: str) -> list[StepClass]:
    """The step classes of one configuration (both directions)."""
    out: list[StepClass] = []
    for side in (0, 1):
        own, other = spaces[side], spaces[1 - side]
        only = np.setdiff1d(own.codes, other.codes, assume_unique=True)
        if not len(only):
            continue
        other_changes = {proj.change(int(c)) for c in other.codes}
        other_reached = other.reached
        depth = _depth(own.graph)
        groups: dict[Change, list[tuple[int, int, int]]] = {}
        idx = np.searchsorted(own.codes, only)
        for code, k in zip(only.tolist(), idx.tolist()):
            edge = int(own.first[k])
            groups.setdefault(proj.change(code), []).append((int(depth[int(own.graph.src[edge])]), edge, code))
        for change, members in groups.items():
            shared = [x for x in members if (x[2] >> 31) in other_reached]
            _, edge, code = min(shared or members)
            w = _witness(own, edge)
            cls = StepClass(change, side, len(members), bool(shared), change in other_changes, w, config_name,
                            [config_name])
            cls.other = replay_in(other, proj, w, own)
            if shared:
                sid = int(np.argmax(other.oid == (code >> 31)))  # the shallowest state showing it
                cls.other_before = trace_from_path(other.model, other.graph.path(sid))
            out.append(cls)
    return out


def merge_classes(per_config: list[list[StepClass]]) -> list[StepClass]:
    """One class per (side, change) over every configuration: steps summed, the shortest witness kept."""
    merged: dict[tuple[int, Change], StepClass] = {}
    for classes in per_config:
        for c in classes:
            key = (c.side, c.change)
            have = merged.get(key)
            if have is None:
                merged[key] = c
                continue
            have.steps += c.steps
            have.configs.append(c.config)
            have.other_makes_change = have.other_makes_change or c.other_makes_change
            better = (not c.shared, len(c.witness or ())) < (not have.shared, len(have.witness or ()))
            if better:
                have.witness, have.config, have.other, have.shared = c.witness, c.config, c.other, c.shared
                have.other_before = c.other_before
    return sorted(merged.values(), key=lambda c: (c.side, not c.shared, len(c.witness or ()), c.title))


def initial_difference(spaces: tuple[Space, Space], proj: Projection) -> Mapping[str, str] | None:
    a, b = int(spaces[0].oid[0]), int(spaces[1].oid[0])
    if a == b:
        return None
    return {"from": proj.text(a), "to": proj.text(b)}
