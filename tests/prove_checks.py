"""Re-checking a Z3 refutation against the explicit model, shared by the seed and modern mutant tests."""

from __future__ import annotations

from typing import Any

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.trace import replay


def assert_refutation_is_genuine(m: ClusterModel, v: Any, row: Any | None) -> None:
    """A refuted row must be a real step breaking the row; a refuted property must have a replayable BMC run."""
    assert v.counterexample is not None and "nodes[" in v.counterexample["before"]
    q = v.query
    assert q is not None and q.before is not None and q.action is not None
    t = m.system.transitions[q.action]
    if row is not None:
        after = m.system.step(q.before, q.action)
        assert after is not None and tuple(q.after or ()) == after
        foci = [f for f in row.focus(m, t.action) if f"p{getattr(f, 'p', -1)}" == v.counterexample["focus"]
                or f"n{getattr(f, 'n', -1)}" == v.counterexample["focus"]]
        assert any(row.pre(m, q.before, PY, f, t.action) and not row.outcome(m, q.before, after, PY, f, t.action)
                   for f in foci)
    else:
        assert v.trace is not None, f"{v}: BMC found no run"
        again = replay(m, [(s.action.kind, dict(s.action.args)) for s in v.trace.steps])
        assert again.final == v.trace.final
