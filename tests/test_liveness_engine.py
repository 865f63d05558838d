"""The generic liveness engine on a toy system: weak vs strong fairness, finitely-often, lassos, SCC backends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kubelife.model.engine.compile import compile_successors
from kubelife.model.engine.explore import explore
from kubelife.model.engine.graph import explore_graph
from kubelife.model.engine.liveness import Assumptions, check_lasso, eventually_always, leads_to, scc_labels
from kubelife.model.engine.system import Action, Field, Layout, Transition, TransitionSystem

D, R, A = 0, 1, 2  # break, repair, act


def toy() -> TransitionSystem:
    """y is a resource that breaks (D) and is repaired (R); A sets x once, only while y is up."""
    layout = Layout([Field("x", 2), Field("y", 2)])

    def brk(v: Any, o: Any) -> Any:
        return o.eq(v[1], 1), {1: 0}

    def rep(v: Any, o: Any) -> Any:
        return o.eq(v[1], 0), {1: 1}

    def act(v: Any, o: Any) -> Any:
        return o.and_(o.eq(v[1], 1), o.eq(v[0], 0)), {0: 1}

    return TransitionSystem(layout, (0, 1), (
        Transition(Action("D", "break", "env"), brk), Transition(Action("R", "repair", "env"), rep),
        Transition(Action("A", "act", "sys"), act)))


def _x(g: Any) -> Any:
    return np.array([s & 1 for s in g.packed]) == 1


G = {frozenset({A}): "A", frozenset({R}): "R"}
CASES = [
    (Assumptions(), False),
    (Assumptions(weak=(frozenset({A}),)), False),
    (Assumptions(weak=(frozenset({A}), frozenset({R}))), False),
    (Assumptions(strong=(frozenset({A}),)), False),
    (Assumptions(weak=(frozenset({R}),), strong=(frozenset({A}),)), True),
    (Assumptions(weak=(frozenset({A}), frozenset({R})), finite=frozenset({D})), True),
]


@pytest.mark.parametrize("method", ["networkx", "scipy"])
@pytest.mark.parametrize("a,holds", CASES)
def test_leads_to_under_fairness(a: Assumptions, holds: bool, method: Any) -> None:
    sysm = toy()
    g = explore_graph(sysm)
    x = _x(g)
    res = leads_to(g, ~x, x, a, method=method)
    assert res.holds is holds
    if holds:
        return
    # The lasso is genuine: re-check it state by state, independently of the search.
    ids = res.prefix + [s for _, s in res.cycle]
    via = res.prefix_via + [t for t, _ in res.cycle]
    states = [g.packed[i] for i in ids]
    assert res.target is not None
    problems = check_lasso(compile_successors(sysm), states, via, len(res.prefix) - 1, ids.index(res.target),
                           lambda s: s & 1 == 0, lambda s: s & 1 == 1, a)
    assert problems == []


def test_weak_fairness_lasso_is_the_break_repair_cycle() -> None:
    g = explore_graph(toy())
    x = _x(g)
    res = leads_to(g, ~x, x, Assumptions(weak=(frozenset({A}), frozenset({R}))))
    assert sorted(t for t, _ in res.cycle) == [D, R]


def test_check_lasso_rejects_an_unfair_cycle() -> None:
    sysm = toy()
    layout = sysm.layout
    up, down = layout.pack((0, 1)), layout.pack((0, 0))
    # Stuttering while A is enabled violates weak fairness of A.
    bad = check_lasso(compile_successors(sysm), [up], [], 0, 0, lambda s: True, lambda s: False,
                      Assumptions(weak=(frozenset({A}),)))
    assert bad and "weak fairness" in bad[0]
    # A cycle through a finitely-often transition is not allowed either.
    bad = check_lasso(compile_successors(sysm), [up, down, up], [D, R], 0, 0, lambda s: True, lambda s: False,
                      Assumptions(finite=frozenset({D})))
    assert any("finitely" in b for b in bad)


def test_eventually_always() -> None:
    g = explore_graph(toy())
    x = _x(g)
    assert eventually_always(g, x, Assumptions(weak=(frozenset({R}),), strong=(frozenset({A}),))).holds
    res = eventually_always(g, x, Assumptions(weak=(frozenset({A}), frozenset({R}))))
    assert not res.holds and res.cycle


def test_visits_hypothesis_restricts_the_cycle() -> None:
    g = explore_graph(toy())
    x = _x(g)
    up = np.array([(s >> 1) & 1 for s in g.packed]) == 1
    # Under no fairness a behaviour may stutter where y is down; requiring []<> y-up forces a cycle
    # through an up state, which WF(A) alone then leaves unfair only if A is disabled somewhere on it.
    a = Assumptions(weak=(frozenset({A}),))
    assert not leads_to(g, ~x, x, a, visits=[up]).holds
    assert leads_to(g, ~x, x, a, visits=[up], ).cycle  # a D/R cycle, not stuttering
    assert leads_to(g, ~x, x, Assumptions(strong=(frozenset({A}),)), visits=[up]).holds


def test_scc_backends_agree_on_a_random_graph() -> None:
    rng = np.random.default_rng(7)
    n = 400
    src, dst = rng.integers(0, n, 900), rng.integers(0, n, 900)
    ka, la = scc_labels(n, src, dst, "networkx")
    kb, lb = scc_labels(n, src, dst, "scipy")
    assert ka == kb == len(set(zip(la.tolist(), lb.tolist())))
    assert ka < n  # some components are not singletons: the comparison is not trivial


def test_graph_keeps_every_real_edge() -> None:
    sysm = toy()
    g = explore_graph(sysm)
    ex = explore(sysm)
    assert g.n_states == ex.states == 4
    succ = compile_successors(sysm)
    real = sum(1 for s in g.packed for _, t in succ(s) if t != s)
    assert g.n_edges == real
    for s, t, i in zip(g.src, g.dst, g.tr):
        assert (int(i), g.packed[int(t)]) in succ(g.packed[int(s)])


# -- the fixpoint against a brute-force oracle on small random graphs ---------------------------------


def _random_graph(rng: np.random.Generator, n: int, n_tr: int) -> Any:
    """A random labelled graph, renumbered breadth-first from state 0 (as the explorer numbers states)."""
    from collections import deque

    from kubelife.model.engine.graph import Graph

    edges = {(int(a), int(b), int(t)) for a, b, t in zip(rng.integers(0, n, 3 * n), rng.integers(0, n, 3 * n),
                                                        rng.integers(0, n_tr, 3 * n)) if a != b}
    order, parent, via, seen = [0], {0: -1}, {0: -1}, {0}
    q = deque([0])
    while q:
        u = q.popleft()
        for a, b, t in sorted(edges):
            if a == u and b not in seen:
                seen.add(b)
                order.append(b)
                parent[b], via[b] = u, t
                q.append(b)
    new = {old: k for k, old in enumerate(order)}
    kept = sorted((new[a], new[b], t) for a, b, t in edges if a in new and b in new)
    layout = Layout([Field("s", n)])
    system = TransitionSystem(layout, (0,), tuple(Transition(Action(f"T{i}", "t", "toy"), lambda v, o: (False, {}))
                                                  for i in range(n_tr)))

    def arr(xs: list[int]) -> Any:
        return np.array(xs, dtype=np.int64)
    return Graph(system, list(range(len(order))), arr([e[0] for e in kept]), arr([e[1] for e in kept]),
                 arr([e[2] for e in kept]), arr([new[parent[o]] if parent[o] >= 0 else -1 for o in order]),
                 arr([via[o] for o in order]))


def _oracle(g: Any, p: Any, q: Any, a: Assumptions, visits: Any) -> bool:
    """``P ~> Q`` holds iff no P-and-not-Q state reaches, inside not-Q, a state set S that is strongly
    connected (all its non-finite edges; a single state stutters) and fair: each weak group taken in S
    or disabled somewhere in S, each strong group taken in S or enabled nowhere in S, each visit set met."""
    import itertools

    import networkx as nx

    n = g.n_states
    edges = list(zip(g.src.tolist(), g.dst.tolist(), g.tr.tolist()))
    enabled = [{t for s, _, t in edges if s == x} for x in range(n)]
    allowed = [x for x in range(n) if not q[x]]
    fair_sets = []
    for r in range(1, len(allowed) + 1):
        for sub in itertools.combinations(allowed, r):
            ss = set(sub)
            inner = [(s, d, t) for s, d, t in edges if s in ss and d in ss and t not in a.finite]
            dg = nx.DiGraph()
            dg.add_nodes_from(ss)
            dg.add_edges_from((s, d) for s, d, _ in inner)
            if len(ss) > 1 and not nx.is_strongly_connected(dg):
                continue
            taken = {t for _, _, t in inner}
            ok = all(taken & grp or any(not enabled[x] & grp for x in ss) for grp in a.weak)
            ok = ok and all(taken & grp or not any(enabled[x] & grp for x in ss) for grp in a.strong)
            ok = ok and all(any(v[x] for x in ss) for v in visits)
            if ok:
                fair_sets.append(ss)
    inside = nx.DiGraph()
    inside.add_nodes_from(allowed)
    inside.add_edges_from((s, d) for s, d, _ in edges if s in allowed and d in allowed)
    for x in allowed:
        if p[x]:
            reach = nx.descendants(inside, x) | {x}
            if any(reach & ss for ss in fair_sets):
                return False
    return True


def test_fixpoint_matches_brute_force_on_random_graphs() -> None:
    rng = np.random.default_rng(2026)
    groups = [frozenset({0}), frozenset({1}), frozenset({2, 3})]
    checked = violated = 0
    for _ in range(150):
        g = _random_graph(rng, int(rng.integers(3, 7)), 4)
        n = g.n_states
        p, q, v = rng.random(n) < 0.5, rng.random(n) < 0.3, rng.random(n) < 0.6
        weak = tuple(grp for grp in groups if rng.random() < 0.5)
        strong = tuple(grp for grp in groups if rng.random() < 0.3)
        finite = frozenset(t for t in range(4) if rng.random() < 0.2)
        a = Assumptions(weak, strong, finite)
        visits = [v] if rng.random() < 0.4 else []
        res = leads_to(g, p, q, a, visits)
        assert res.holds == _oracle(g, p, q, a, visits)
        # <>[] Q: no reachable fair cycle that meets not-Q.
        everywhere, nowhere = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
        assert eventually_always(g, q, a, visits).holds == _oracle(g, everywhere, nowhere, a, [*visits, ~q])
        checked += 1
        if not res.holds:
            violated += 1
            ids = res.prefix + [s for _, s in res.cycle]
            via = res.prefix_via + [t for t, _ in res.cycle]
            succ = {s: [(t, d) for s2, d, t in zip(g.src.tolist(), g.dst.tolist(), g.tr.tolist()) if s2 == s]
                    for s in range(n)}
            assert res.target is not None
            assert check_lasso(succ.__getitem__, ids, via, len(res.prefix) - 1, ids.index(res.target),
                               lambda s, p=p: bool(p[s]), lambda s, q=q: bool(q[s]), a,
                               [lambda s, v=v: bool(v[s])] if visits else []) == []
    assert checked == 150 and 20 < violated < 140  # both outcomes are exercised


@pytest.mark.parametrize("nodes,slots", [(1, 2), (2, 1), (2, 2)])
def test_the_compiled_graph_is_the_python_graph(nodes: int, slots: int) -> None:
    from kubelife.model.engine import fast
    from kubelife.model.engine.explore import StateLimitExceeded
    from kubelife.model.k8s.config import Config
    from kubelife.profiles import build
    from kubelife.symmetry import canonicalizer, symmetry_spec

    if not fast.available():
        pytest.fail("the compiled graph needs a C compiler, which .ci/run installs")
    m = build(Config.uniform(nodes=nodes, slots=slots))
    for level in (None, False, True):  # full graph, nodes only, nodes and slots
        spec = symmetry_spec(m, slots=level) if level is not None else None
        canon = canonicalizer(m, slots=level) if level is not None and not spec.trivial else None  # type: ignore[union-attr]
        py = explore_graph(m.system, canon=canon)
        c = fast.fast_graph(m.system, symmetry=spec if canon is not None else None)
        assert c.packed == py.packed and c.reduced == py.reduced
        for a in ("src", "dst", "tr", "parent", "via"):
            assert np.array_equal(getattr(c, a), getattr(py, a)), a
    with pytest.raises(StateLimitExceeded):
        fast.fast_graph(m.system, max_states=100)


def test_the_compiled_graph_drops_no_op_steps_as_the_python_graph_does() -> None:
    from kubelife.model.engine import fast

    if not fast.available():
        pytest.fail("the compiled graph needs a C compiler, which .ci/run installs")
    # The toy plus a step that sets y to 1: a no-op wherever y is already up (stuttering, not an edge).
    base = toy()
    up = Transition(Action("U", "up", "env"), lambda v, o: (True, {1: 1}))
    system = TransitionSystem(base.layout, base.initial, (*base.transitions, up))
    py, c = explore_graph(system), fast.fast_graph(system)
    assert 3 in py.tr.tolist() and py.n_edges < sum(1 for s in py.packed for _ in compile_successors(system)(s))
    assert c.packed == py.packed
    for a in ("src", "dst", "tr", "parent", "via"):
        assert np.array_equal(getattr(c, a), getattr(py, a)), a
