"""The Z3 encoding agrees with the explicit model, state by state and action by action.

Z3 terms come from the same builders through :class:`Z3Ops`; here they are
evaluated on every reachable state of small configurations (compiled from
the Z3 terms with ``z3_to_python``, and spot-checked with ``z3.simplify``
and with the solver itself) and compared with the explicit successor
function, the property predicates and the row predicates under ``PyOps``.
"""

from __future__ import annotations

import pytest
import z3

from kubelife.model.engine.compile import compile_successors
from kubelife.model.engine.explore import explore
from kubelife.model.engine.ops import PY
from kubelife.model.engine.symbolic import Z3, Session, evaluate_successors, state_vars, z3_to_python
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.properties import properties_for
from kubelife.profiles.seed.rows import ROWS
from kubelife.profiles.seed.strengthening import auxiliary_for

CONFIGS = [
    Config.uniform(nodes=1, slots=2, containers=1, policy=Policy.ALWAYS),
    *(Config.uniform(nodes=2, slots=1, containers=2, policy=p) for p in Policy),
]


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: c.describe())
def reached(request: pytest.FixtureRequest) -> tuple[ClusterModel, list[int]]:
    m = build(request.param)
    return m, explore(m.system).packed


def test_successors_agree_on_every_reachable_state(reached: tuple[ClusterModel, list[int]]) -> None:
    m, states = reached
    explicit = compile_successors(m.system)
    symbolic = evaluate_successors(m.system)
    lay = m.shape.layout
    assert len(states) > 1000
    for s in states:
        assert symbolic(lay.unpack(s)) == explicit(s), m.shape.decode(lay.unpack(s))


def test_z3_simplify_agrees_on_a_sample(reached: tuple[ClusterModel, list[int]]) -> None:
    """Pins the term compiler to Z3's own evaluation."""
    m, states = reached
    explicit = compile_successors(m.system)
    slow = evaluate_successors(m.system, simplify=True)
    for s in states[:: max(1, len(states) // 40)]:
        assert slow(m.shape.layout.unpack(s)) == explicit(s)


@pytest.mark.parametrize("bitvectors", [False, True], ids=["int", "bv"])
def test_solver_enables_exactly_the_explicit_actions(reached: tuple[ClusterModel, list[int]], bitvectors: bool) -> None:
    """The relation a Session proves over: with the state fixed, the sat actions and successors."""
    m, states = reached
    sess = Session(m.system, bitvectors=bitvectors)
    explicit = compile_successors(m.system)
    lay = m.shape.layout
    for s in states[:: max(1, len(states) // 12)]:
        values = lay.unpack(s)
        at = z3.And(*(x == c for x, c in zip(sess.v, values)))
        expected = dict(explicit(s))
        for i in range(len(m.system.transitions)):
            q = sess.query(z3.And(at, sess.a == i))
            if i in expected:
                assert q.status == "sat" and q.after is not None and lay.pack(q.after) == expected[i]
            else:
                assert q.status == "unsat"


def test_bitvector_predicates_agree(reached: tuple[ClusterModel, list[int]]) -> None:
    """The bit-vector encoding ``kubelife prove`` uses: each predicate decided by the solver."""
    m, states = reached
    preds = [p for p in [*properties_for(m), *auxiliary_for(m)] if not p.is_step]
    sess = Session(m.system, [(p.name, p.pred) for p in preds], bitvectors=True)
    lay = m.shape.layout
    for s in states[:: max(1, len(states) // 10)]:
        values = lay.unpack(s)
        at = z3.And(*(x == c for x, c in zip(sess.v, values)))
        for p in preds:
            holds = sess.query(z3.And(at, z3.Not(sess.ops.b(p.pred(sess.v, sess.ops))))).status == "unsat"
            assert holds == bool(p.pred(values, PY)), p.name


def test_properties_and_rows_agree(reached: tuple[ClusterModel, list[int]]) -> None:
    m, states = reached
    v = state_vars(m.shape.layout, "q")
    preds = [p for p in [*properties_for(m), *auxiliary_for(m)] if not p.is_step]
    terms = [_bool(p.pred(v, Z3)) for p in preds]
    row_checks = []
    for row in ROWS:
        for t in m.system.transitions:
            if t.action.kind in row.kinds and row.event(t.action):
                for f in row.focus(m, t.action):
                    row_checks.append((row, t, f))
    terms += [_bool(row.pre(m, v, Z3, f, t.action)) for row, t, f in row_checks]
    fn = z3_to_python(terms, v)
    lay = m.shape.layout
    for s in states[:: 11]:
        values = lay.unpack(s)
        got = fn(values)
        want = [bool(p.pred(values, PY)) for p in preds]
        want += [bool(row.pre(m, values, PY, f, t.action)) for row, t, f in row_checks]
        assert got == want


def _bool(x: object) -> object:
    return x if isinstance(x, z3.ExprRef) else z3.BoolVal(bool(x))
