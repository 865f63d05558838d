"""Liveness under fairness on an explicit graph (generic: knows nothing of Kubernetes).

A behaviour is an infinite path; every state may *stutter* (repeat itself),
so a state where nothing fair is enabled can end a behaviour.  A
counterexample to ``P ~> Q`` (leads-to) is a *fair lasso*: a path from the
initial state to a state with ``P and not Q``, then a cycle that repeats
forever, never touching ``Q``, that respects every assumption:

``weak`` groups (WF)
    if some transition of the group is enabled in every state of the cycle,
    the cycle takes one;
``strong`` groups (SF)
    if one is enabled in some state of the cycle, the cycle takes one;
``finite`` transitions (environment: "disruptions eventually stop")
    never taken on the cycle; they may appear in the prefix;
``visits`` state sets (hypotheses ``[]<> H``)
    the cycle passes through each.

Algorithm (the classical one of TLC and Lichtenstein-Pnueli): restrict to
the allowed states, drop the ``finite`` edges, compute strongly connected
components; a component whose covering cycle is fair is kept; a component
that fails a weak or ``visits`` condition can hold no fair cycle and is
dropped; one that fails a strong condition loses the states where that
group is enabled and is split again.  Repeat to a fixpoint: every remaining
state lies on a fair cycle.  Leads-to then takes the backward closure of
those states within ``not Q``.  Components come from networkx on small
graphs and from ``scipy.sparse.csgraph`` on large ones (networkx stores
Python objects per edge; the arrays do not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, shortest_path

from kubelife.model.engine.compile import StatePred
from kubelife.model.engine.graph import Graph
from kubelife.model.engine.ops import PY

__all__ = [
    "Assumptions", "LeadsTo", "scc_labels", "state_masks", "fair_states", "leads_to", "eventually_always",
    "check_lasso", "NETWORKX_MAX_EDGES",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.integer[Any]]
NETWORKX_MAX_EDGES = 5_000  # states or edges; networkx is the reference, past this the arrays win
Method = Literal["auto", "networkx", "scipy"]


@dataclass(frozen=True)
class Assumptions:
    """Fairness and environment assumptions over transition indices."""

    weak: tuple[frozenset[int], ...] = ()
    strong: tuple[frozenset[int], ...] = ()
    finite: frozenset[int] = frozenset()


@dataclass
class LeadsTo:
    """Verdict of one ``P ~> Q``; a violation carries a lasso of state ids."""

    holds: bool
    witness: int | None = None  # first (shortest) reachable P state: not vacuous
    prefix: list[int] = field(default_factory=list)  # state ids, initial .. cycle start
    prefix_via: list[int] = field(default_factory=list)  # transitions between them
    cycle: list[tuple[int, int]] = field(default_factory=list)  # (transition, state id) back to cycle start
    target: int | None = None  # the P and not Q state the violation starts from


def state_masks(g: Graph, preds: Sequence[StatePred]) -> BoolArray:
    """``masks[k, s]``: predicate ``k`` holds in state ``s``.

    The predicates are compiled (over ``PyOps``, like every checker) into one
    generated loop over all states that unpacks only the fields they read.
    """
    n = g.n_states
    rows = [bytearray(b"\x01") * n for _ in preds]
    layout = g.system.layout
    view = [f"f{i}" for i in range(len(layout))]
    tests = []
    for k, p in enumerate(preds):
        expr = p(view, PY)
        if expr is not True:
            tests.append(f"        if not {expr}:\n            out{k}[sid] = 0")
    body = "\n".join(tests)
    used = [i for i in range(len(layout)) if re.search(rf"\bf{i}\b", body)]
    lines = [f"def fill(packed, {', '.join(f'out{k}' for k in range(len(preds)))}):" if preds else "def fill(packed):",
             "    for sid, s in enumerate(packed):"]
    lines += [f"        f{i} = (s >> {layout.shifts[i]}) & {layout.mask(i)}" for i in used]
    lines += tests or ["        pass"]
    env: dict[str, object] = {}
    exec(compile("\n".join(lines), "<kubelife:state_masks>", "exec"), env)  # noqa: S102 - generated from our model
    env["fill"](g.packed, *rows)  # type: ignore[operator]
    out = np.ones((len(preds), n), dtype=bool)
    for k, r in enumerate(rows):
        out[k] = np.frombuffer(bytes(r), dtype=np.uint8).astype(bool)
    return out


def scc_labels(n: int, src: IntArray, dst: IntArray, method: Method = "auto") -> tuple[int, IntArray]:
    """Strongly connected components: ``(count, label per state)``."""
    if method == "networkx" or (method == "auto" and max(n, src.shape[0]) <= NETWORKX_MAX_EDGES):
        import networkx as nx

        dg = nx.DiGraph()
        dg.add_nodes_from(range(n))
        dg.add_edges_from(zip(src.tolist(), dst.tolist()))
        labels = np.empty(n, dtype=np.int64)
        k = 0
        for k, comp in enumerate(nx.strongly_connected_components(dg)):
            labels[list(comp)] = k
        return (k + 1 if n else 0), labels
    mat = csr_matrix((np.ones(src.shape[0], dtype=np.int32), (src, dst)), shape=(n, n))
    count, labels = connected_components(mat, directed=True, connection="strong")
    return int(count), labels.astype(np.int64)


_MATRIX_CELLS = 1 << 28  # (states or components) x transitions booleans worth keeping at once: 256 MiB


class _Groups:
    """Per group: in which states it is enabled, and (on demand) which edges belong to it.

    Enabledness comes from one states x transitions table built per graph (one pass over the edges)
    rather than a pass over every edge per group; very large graphs fall back to the passes."""

    def __init__(self, g: Graph, groups: Sequence[frozenset[int]]) -> None:
        self.g, self.groups = g, [sorted(grp) for grp in groups]
        table = _enabled_table(g)
        self.enabled: list[BoolArray] = []
        for grp in self.groups:
            if table is not None:
                self.enabled.append(np.asarray(table[:, grp].any(axis=1), dtype=bool))
            else:
                en = np.zeros(g.n_states, dtype=bool)
                en[g.src[_edge_mask(g, frozenset(grp))]] = True
                self.enabled.append(en)
        self._edges: list[BoolArray] | None = None

    @property
    def edges(self) -> list[BoolArray]:
        if self._edges is None:
            self._edges = [_edge_mask(self.g, frozenset(grp)) for grp in self.groups]
        return self._edges


def _enabled_table(g: Graph) -> BoolArray | None:
    """``table[s, t]``: transition ``t`` has an edge from ``s``; kept with the graph (every property
    and fairness case on it asks again).  ``None`` for graphs too large for the table."""
    if "enabled" not in g.cache:
        n_tr = len(g.system.transitions)
        table = None
        if g.n_states * n_tr <= _MATRIX_CELLS:
            table = np.zeros((g.n_states, n_tr), dtype=bool)
            table[g.src, g.tr] = True
        g.cache["enabled"] = table
    return g.cache["enabled"]  # type: ignore[no-any-return]


def _taken(g: Graph, internal: BoolArray, lab: IntArray, ncomp: int) -> Callable[[Sequence[int]], BoolArray]:
    """Per component: does an edge inside it belong to a group (given as sorted transitions)?"""
    n_tr = len(g.system.transitions)
    if ncomp * n_tr <= _MATRIX_CELLS:
        table = np.zeros((ncomp, n_tr), dtype=bool)
        table[lab[g.src[internal]], g.tr[internal]] = True

        def from_table(grp: Sequence[int]) -> BoolArray:
            return np.asarray(table[:, list(grp)].any(axis=1), dtype=bool)

        return from_table
    return lambda grp: _flag(ncomp, lab[g.src[internal & _edge_mask(g, frozenset(grp))]])


def _edge_mask(g: Graph, trs: frozenset[int]) -> BoolArray:
    member = np.zeros(len(g.system.transitions), dtype=bool)
    member[list(trs)] = True
    return member[g.tr]


def _flag(ncomp: int, labels: IntArray) -> BoolArray:
    out = np.zeros(ncomp, dtype=bool)
    out[labels] = True
    return out


@dataclass
class _Fair:
    active: BoolArray
    labels: IntArray
    internal: BoolArray  # edges inside a kept component
    weak: _Groups
    strong: _Groups


def fair_states(g: Graph, allowed: BoolArray, a: Assumptions, visits: Sequence[BoolArray] = (),
                method: Method = "auto") -> _Fair:
    """The states within ``allowed`` that lie on a fair cycle inside ``allowed``."""
    weak, strong = _Groups(g, a.weak), _Groups(g, a.strong)
    cyc_edge = ~_edge_mask(g, a.finite)
    active = allowed.copy()
    n = g.n_states
    while True:
        em = active[g.src] & active[g.dst] & cyc_edge
        ncomp, lab = scc_labels(n, g.src[em], g.dst[em], method)
        internal = em & (lab[g.src] == lab[g.dst])
        taken_in = _taken(g, internal, lab, ncomp)
        bad = np.zeros(ncomp, dtype=bool)
        for vm in visits:
            bad |= ~_flag(ncomp, lab[active & vm])
        for grp, en in zip(weak.groups, weak.enabled):
            taken = taken_in(grp)
            disabled = _flag(ncomp, lab[active & ~en])
            bad |= ~(taken | disabled)
        drop = active & bad[lab]
        for grp, en in zip(strong.groups, strong.enabled):
            taken = taken_in(grp)
            enabled = _flag(ncomp, lab[active & en])
            drop |= active & en & (enabled & ~taken)[lab]
        if not drop.any():
            return _Fair(active, lab, internal, weak, strong)
        active &= ~drop


def _bfs(n: int, src: IntArray, dst: IntArray, start: int | Sequence[int]) -> tuple[IntArray, IntArray]:
    """Breadth-first ``(order, predecessors)`` from ``start`` (one state or several) over the given edges.

    Predecessors are ``n`` for a start and negative for a state not reached.
    """
    starts = [start] if isinstance(start, int) else list(start)
    # A virtual source n links to every start, so several starts cost one search.
    s2 = np.concatenate([src, np.full(len(starts), n, dtype=np.int64)])
    d2 = np.concatenate([dst, np.asarray(starts, dtype=np.int64)])
    mat = csr_matrix((np.ones(s2.shape[0], dtype=np.int32), (s2, d2)), shape=(n + 1, n + 1))
    order, pred = breadth_first_order(mat, n, directed=True, return_predecessors=True)
    return order[1:].astype(np.int64), pred[:n].astype(np.int64)


def _bfs_pred(n: int, src: IntArray, dst: IntArray, start: int | Sequence[int]) -> IntArray:
    return _bfs(n, src, dst, start)[1]


def _walk(pred: IntArray, to: int, n: int) -> list[int]:
    path = [to]
    while pred[path[-1]] != n:
        path.append(int(pred[path[-1]]))
    path.reverse()
    return path


class _EdgeLookup:
    """Transition label of an edge ``u -> v`` within an edge mask (for rebuilding paths)."""

    def __init__(self, g: Graph, mask: BoolArray) -> None:
        idx = np.nonzero(mask)[0]
        self.g, self.idx = g, idx[np.argsort(g.src[idx], kind="stable")]
        self.starts = np.searchsorted(g.src[self.idx], np.arange(g.n_states + 1))

    def edge(self, u: int, v: int) -> int:
        es = self.idx[self.starts[u]:self.starts[u + 1]]
        return int(es[self.g.dst[es] == v][0])

    def label(self, u: int, v: int) -> int:
        return int(self.g.tr[self.edge(u, v)])


def _cycle(g: Graph, f: _Fair, visits: Sequence[BoolArray], start: int) -> list[tuple[int, int]]:
    """A fair cycle through ``start`` inside its component.

    Each condition needs an edge (a weak or strong group taken) or a state (a
    weak group disabled, a hypothesis state); greedily go to the nearest thing
    that meets a pending condition, crediting everything passed on the way,
    then return to ``start``.
    """
    comp = f.labels[start]
    inside = f.active & (f.labels == comp)
    emask = f.internal & inside[g.src]
    n = g.n_states
    look = _EdgeLookup(g, emask)
    mat = csr_matrix((np.ones(int(emask.sum()), dtype=np.int32), (g.src[emask], g.dst[emask])), shape=(n, n))
    need: list[tuple[str, BoolArray]] = []  # ("edge", mask over all edges) or ("state", mask over states)
    for e, en in zip(f.weak.edges, f.weak.enabled):
        need.append(("edge", emask & e) if (emask & e).any() else ("state", inside & ~en))
    for e, _ in zip(f.strong.edges, f.strong.enabled):
        if (emask & e).any():
            need.append(("edge", emask & e))
    need += [("state", inside & vm) for vm in visits]
    out: list[tuple[int, int]] = []

    def credit_state(x: int) -> None:
        need[:] = [r for r in need if not (r[0] == "state" and r[1][x])]

    def step(k: int) -> int:
        need[:] = [r for r in need if not (r[0] == "edge" and r[1][k])]
        v = int(g.dst[k])
        out.append((int(g.tr[k]), v))
        credit_state(v)
        return v

    def walk(cur: int, pred: IntArray, to: int) -> int:
        path = [to]
        while path[-1] != cur:
            path.append(int(pred[path[-1]]))
        path.reverse()
        for x, y in zip(path, path[1:]):
            cur = step(look.edge(x, y))
        return cur

    cur = start
    credit_state(cur)
    while need:
        dist, pred = shortest_path(mat, unweighted=True, indices=cur, return_predecessors=True)
        best: tuple[float, str, int] | None = None
        for kind, mask in need:
            if kind == "state":
                xs = np.nonzero(mask)[0]
                x = int(xs[np.argmin(dist[xs])])
                cand = (float(dist[x]), "state", x)
            else:
                ks = np.nonzero(mask)[0]
                k = int(ks[np.argmin(dist[g.src[ks]])])
                cand = (float(dist[g.src[k]]) + 1, "edge", k)
            if best is None or cand[0] < best[0]:
                best = cand
        assert best is not None
        _, kind, x = best
        if kind == "state":
            cur = walk(cur, pred, x)
        else:
            cur = walk(cur, pred, int(g.src[x]))
            cur = step(x)
    if cur != start:
        _, pred = shortest_path(mat, unweighted=True, indices=cur, return_predecessors=True)
        walk(cur, pred, start)
    return out


def _lasso(g: Graph, f: _Fair, a: Assumptions, visits: Sequence[BoolArray], allowed: BoolArray,
           targets: BoolArray) -> LeadsTo | None:
    """The shortest-prefix fair lasso from a ``targets`` state that stays in ``allowed``, if any."""
    n = g.n_states
    inner = allowed[g.src] & allowed[g.dst]
    # Backward closure: the allowed states from which a fair state is reachable inside allowed.
    fair_ids = np.nonzero(f.active)[0]
    if fair_ids.size == 0:
        return None
    back = _bfs_pred(n, g.dst[inner], g.src[inner], fair_ids.tolist())
    can = (back >= 0) | f.active
    hits = np.nonzero(targets & allowed & can)[0]
    if hits.size == 0:
        return None
    t = int(hits[0])  # ids are in breadth-first order: the lowest has the shortest prefix
    prefix = g.path(t)
    ids = _path_ids(g, t)
    # From the target forward inside allowed to the nearest fair state.
    order, fwd = _bfs(n, g.src[inner], g.dst[inner], t)
    start = int(order[f.active[order]][0])  # breadth-first order: the nearest fair state
    look = _EdgeLookup(g, inner)
    leg = _walk(fwd, start, n) if start != t else [t]
    via = [int(i) for i, _ in prefix[1:] if i is not None]
    for x, y in zip(leg, leg[1:]):
        via.append(look.label(x, y))
        ids.append(y)
    return LeadsTo(False, prefix=ids, prefix_via=via, cycle=_cycle(g, f, visits, start), target=t)


def _path_ids(g: Graph, sid: int) -> list[int]:
    out = [sid]
    while out[-1] > 0:
        out.append(int(g.parent[out[-1]]))
    out.reverse()
    return out


def leads_to(g: Graph, p: BoolArray, q: BoolArray, a: Assumptions, visits: Sequence[BoolArray] = (),
             method: Method = "auto") -> LeadsTo:
    """``P ~> Q`` under the assumptions (and the cycle hypotheses ``[]<> visits``)."""
    wit = np.nonzero(p)[0]
    witness = int(wit[0]) if wit.size else None
    allowed = ~q
    f = fair_states(g, allowed, a, visits, method)
    res = _lasso(g, f, a, visits, allowed, p)
    if res is None:
        return LeadsTo(True, witness=witness)
    res.witness = witness
    return res


def eventually_always(g: Graph, q: BoolArray, a: Assumptions, visits: Sequence[BoolArray] = (),
                      method: Method = "auto") -> LeadsTo:
    """``<>[] Q``: violated by a reachable fair cycle that passes through ``not Q`` forever."""
    everything = np.ones(g.n_states, dtype=bool)
    vs = [*visits, ~q]
    f = fair_states(g, everything, a, vs, method)
    res = _lasso(g, f, a, vs, everything, everything)
    if res is None:
        return LeadsTo(True, witness=0)
    res.witness = 0
    return res


def check_lasso(succ: Callable[[int], list[tuple[int, int]]], states: Sequence[int], via: Sequence[int],
                loop_at: int, target: int, p: Callable[[int], bool], q: Callable[[int], bool],
                a: Assumptions, visits: Sequence[Callable[[int], bool]] = ()) -> list[str]:
    """Independent re-check of a concrete lasso; returns what is wrong with it (empty: a genuine one).

    ``states[k]`` is reached by ``via[k-1]``; the last state equals ``states[loop_at]``
    (or, with no cycle steps, the lasso stutters in its last state).
    """
    bad: list[str] = []
    for k in range(1, len(states)):
        if (via[k - 1], states[k]) not in succ(states[k - 1]):
            bad.append(f"step {k} is not a transition of the system")
    if len(states) - 1 > loop_at and states[-1] != states[loop_at]:
        bad.append("the cycle does not close")
    if not p(states[target]) or any(q(s) for s in states[target:]):
        bad.append("the lasso does not go from P to a never-Q suffix")
    cyc = list(states[loop_at:-1]) if len(states) - 1 > loop_at else [states[-1]]
    taken = set(via[loop_at:])
    en = [{i for i, t in succ(s) if t != s} for s in cyc]
    if taken & a.finite:
        bad.append("the cycle takes a transition assumed to happen finitely often")
    for grp in a.weak:
        if not taken & grp and all(e & grp for e in en):
            bad.append(f"weak fairness of {sorted(grp)} is violated on the cycle")
    for grp in a.strong:
        if not taken & grp and any(e & grp for e in en):
            bad.append(f"strong fairness of {sorted(grp)} is violated on the cycle")
    for v in visits:
        if not any(v(s) for s in cyc):
            bad.append("the cycle misses a state the hypothesis requires")
    return bad
