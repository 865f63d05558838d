"""Every mutant is caught, by the row or property that guards it, with a replayable counterexample."""

from __future__ import annotations

import pytest

from kubelife.check import check_model
from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import ReplayError, Trace, replay
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.properties import properties_for
from kubelife.profiles.seed.rows import row_by_id

# The smallest configuration that can show each mutant's bug.
CONFIG = {
    "onfailure-restarts-success": Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.ON_FAILURE),
    "never-restarts": Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.NEVER),
    "crashloop-pending": Config.uniform(nodes=1, slots=1, containers=1, policy=Policy.ALWAYS),
    "disk-failure-keeps-running": Config.uniform(nodes=1, slots=1, containers=1, policy=Policy.ALWAYS),
    "lost-node-keeps-pods": Config.uniform(nodes=1, slots=1, containers=1, policy=Policy.ALWAYS),
    "no-replacement": Config.uniform(nodes=2, slots=2, containers=1, policy=Policy.NEVER),
    "terminal-restart": Config.uniform(nodes=1, slots=1, containers=1, policy=Policy.ALWAYS),
}


def test_every_mutant_has_a_config() -> None:
    assert set(CONFIG) == set(MUTANTS)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_caught(name: str) -> None:
    cls = MUTANTS[name]
    cfg = CONFIG[name]
    bad = check_model(build(cfg, cls))
    good = check_model(build(cfg))
    assert good.ok, "the correct model must pass where the mutant is caught"
    caught = {p.name: p.counterexample for p in bad.properties if not p.ok}
    caught |= {r.id: r.counterexample for r in bad.rows if r.status == "fail"}
    for guard in cls.caught_by:  # type: ignore[attr-defined]
        assert guard in caught, f"{name} not caught by {guard}; caught by {sorted(caught)}"
        trace = caught[guard]
        assert trace is not None and len(trace) > 0
        actions = [(s.action.kind, dict(s.action.args)) for s in trace.steps]
        # The counterexample replays step by step on the mutant ...
        assert replay(build(cfg, cls), actions).final == trace.final
        # ... and on the correct model the same steps either diverge or satisfy the guard.
        try:
            ok = replay(build(cfg), actions)
        except ReplayError:
            continue
        assert guard_holds_at_end(build(cfg), guard, ok)


def guard_holds_at_end(m: ClusterModel, guard: str, trace: Trace) -> bool:
    states = trace.states()
    before, after = states[-2], states[-1]
    for p in properties_for(m):
        if p.name == guard:
            return bool(p.pred(before, after, PY) if p.is_step else p.pred(after, PY))
    row = row_by_id(guard)
    action = trace.steps[-1].action
    return all(row.outcome(m, before, after, PY, f, action)
               for f in row.focus(m, action) if row.pre(m, before, PY, f, action))
