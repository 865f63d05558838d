"""The generic engine on toy systems that know nothing of Kubernetes."""

from __future__ import annotations

from typing import Any

import pytest

from kubelife.model.engine.compile import compile_state_checks, compile_successors
from kubelife.model.engine.explore import StateLimitExceeded, explore
from kubelife.model.engine.ops import PY
from kubelife.model.engine.system import Action, Field, Layout, Transition, TransitionSystem, apply


def counter(n: int, stop_at: int | None = None) -> TransitionSystem:
    """x counts up modulo n; y toggles; a dead end at x == stop_at."""
    layout = Layout([Field("x", n), Field("y", 2)])

    def inc(v: Any, o: Any) -> Any:
        guard = True if stop_at is None else o.ne(v[0], stop_at)
        return guard, {0: o.ite(o.eq(v[0], n - 1), 0, o.add(v[0], 1))}

    def flip(v: Any, o: Any) -> Any:
        guard = True if stop_at is None else o.ne(v[0], stop_at)
        return guard, {1: o.ite(o.eq(v[1], 1), 0, 1)}

    return TransitionSystem(layout, (0, 0), (
        Transition(Action("I", "inc", "toy"), inc), Transition(Action("F", "flip", "toy"), flip)))


def test_layout_roundtrip() -> None:
    lay = Layout([Field("a", 3), Field("b", 2), Field("c", 5)])
    assert lay.bits == 2 + 1 + 3
    for v in [(0, 0, 0), (2, 1, 4), (1, 0, 3)]:
        assert lay.unpack(lay.pack(v)) == v
    assert lay.in_domain((2, 1, 4)) and not lay.in_domain((3, 0, 0))


def test_pyops_folds_constants_and_emits_code() -> None:
    assert PY.and_(True, 1 == 1) is True
    assert PY.and_("a", False) is False
    assert PY.or_(False, "a") == "a"
    assert PY.ite(True, 3, "x") == 3
    assert PY.add(1, 2, "z") == "(z + 3)"
    assert PY.count([True, False, "c"]) == "(c + 1)"
    assert eval(PY.ite(PY.eq("v", 2), 7, 9), {"v": 2}) == 7


def test_compiled_successors_agree_with_interpreter() -> None:
    sys_ = counter(4)
    succ = compile_successors(sys_)
    for x in range(4):
        for y in range(2):
            packed = sys_.layout.pack((x, y))
            got = [(i, sys_.layout.unpack(t)) for i, t in succ(packed)]
            assert got == sys_.successors((x, y))


def test_explore_counts_depth_and_shortest_violation() -> None:
    sys_ = counter(5)
    res = explore(sys_, invariants=[lambda v, o: o.ne(v[0], 3)], sometimes=[lambda v, o: o.eq(v[1], 1)])
    assert (res.states, res.transitions, res.depth) == (10, 20, 5)
    bad = res.state_violations[0]
    path = res.path(bad)
    assert [i for i, _ in path[1:]] == [0, 0, 0]  # three increments, nothing else: shortest
    assert res.deadlocks == 0 and res.never_fired == []
    assert len(res.path(res.state_witnesses[0])) == 2


def test_deadlock_detection() -> None:
    res = explore(counter(5, stop_at=2))
    assert res.deadlocks == 2  # (2, 0) and (2, 1)
    assert res.first_deadlock is not None
    assert res.path(res.first_deadlock)[-1][1] in {res.system.layout.pack((2, 0)), res.system.layout.pack((2, 1))}


def test_state_limit() -> None:
    with pytest.raises(StateLimitExceeded):
        explore(counter(50), max_states=10)


def test_apply_and_state_checks() -> None:
    sys_ = counter(3)
    g, v = apply(sys_.transitions[0], (2, 1), PY)
    assert g is True and v == [0, 1]
    check = compile_state_checks(sys_.layout, [lambda v, o: o.eq(v[1], 0), lambda v, o: True])
    assert check(sys_.layout.pack((0, 1))) == [0]
