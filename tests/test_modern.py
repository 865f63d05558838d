"""The modern profile: seed untouched, the default modern suite passes, every modern mutant is caught."""

from __future__ import annotations

from typing import Any

import pytest

from kubelife.check import check_model
from kubelife.compare import row_comparison
from kubelife.model.engine.ops import PY
from kubelife.model.k8s.config import Config, ConfigError, SlotSpec
from kubelife.model.k8s.trace import replay
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build, get, properties_for_profile, rows_for
from kubelife.profiles.modern.mutants import MODERN_MUTANTS
from kubelife.profiles.modern.presets import MODERN_PRESETS, MODERN_SUITE
from kubelife.profiles.modern.properties import EXPECTED_VIOLATION, SIDECAR_VIOLATION, modern_properties
from kubelife.profiles.modern.rows import MODERN_ROW_IDS
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.types import MExit, MState
from kubelife.profiles.seed.rows import ROW_IDS, SCENARIO_IDS
from kubelife.profiles.seed.semantics import SeedSemantics

COMPARISON = row_comparison(get("modern"))


def test_seed_state_counts_do_not_move() -> None:
    from kubelife.model.engine.explore import explore

    assert explore(build(Config.uniform(nodes=1)).system).states == 3389
    assert build(Config.uniform()).semantics is SeedSemantics


def test_profile_picks_shape_and_semantics() -> None:
    m = build(Config.uniform(profile="modern"))
    assert m.semantics is ModernSemantics and get("modern").semantics is ModernSemantics
    assert "p0.c0.backoff" in [f.name for f in m.shape.layout.fields]
    with pytest.raises(ConfigError, match="profile"):
        build(Config.uniform(profile="modern"), SeedSemantics)
    with pytest.raises(ConfigError, match="--inits are not part of the seed profile; profiles that have them: modern"):
        build(Config(1, (SlotSpec(inits=1),), 1))


def test_every_seed_scenario_row_is_restated() -> None:
    assert set(SCENARIO_IDS) <= set(MODERN_ROW_IDS)
    assert [r.id for r in rows_for("modern")] == list(MODERN_ROW_IDS)
    assert [row for row, *_ in COMPARISON if not row.startswith("M-")] == [r for r in ROW_IDS]
    changed = {row for row, _, _, what in COMPARISON if what}
    assert {"S7", "S7-controlled", "S6", "N-dead-pods"} <= changed and "S1-Never" not in changed


def _small(name: str) -> Any:
    return check_model(build(MODERN_PRESETS[name]))


@pytest.fixture(scope="module")
def small_suite() -> list[Any]:
    # Every configuration but the two-node one (its rows are checked in the mutant test and under -m slow).
    return [check_model(build(c)) for c in MODERN_SUITE if c.nodes == 1]


def test_small_modern_suite_holds(small_suite: list[Any]) -> None:
    from kubelife.suite import merge

    s = merge(small_suite)
    assert all(r.ok for r in small_suite)
    status = {p.name: p.status for p in s.properties}
    assert status[SIDECAR_VIOLATION] == "violated as expected"
    assert all(v == "holds" for k, v in status.items() if k not in (SIDECAR_VIOLATION, EXPECTED_VIOLATION))
    rows = {r.id: r.status for r in s.rows}
    two_nodes = ("S6-controlled", "S7-controlled", "M-drain-replaced")  # a replacement on another node
    assert all(rows[r] == "pass" for r in MODERN_ROW_IDS if r not in two_nodes)


@pytest.mark.slow
def test_full_modern_suite() -> None:
    from kubelife.suite import merge

    s = merge([check_model(build(c)) for c in MODERN_SUITE])
    assert s.ok and all(r.status == "pass" for r in s.rows)
    assert {p.name: p.status for p in s.properties}[EXPECTED_VIOLATION] == "violated as expected"


def test_lost_node_pod_is_not_failed_but_evicted() -> None:
    """S7 under modern, step by step: Ready Unknown, unreachable taint, Terminating with phase Running."""
    m = build(MODERN_PRESETS["modern-Always-1c"])
    t = replay(m, [("N1", {"node": 0}), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0}), ("K1", {"pod": 0}),
                   ("P2", {"pod": 0, "container": "c0"}), ("N2", {"node": 0}), ("N4", {"node": 0}),
                   ("E1", {"pod": 0})])
    pod, node = (s := m.decode(m.shape.layout.pack(t.final))).pods[0], s.nodes[0]
    assert (pod.phase.label, pod.deleting, pod.disruption, pod.ready) == ("Running", True, True, False)
    assert node.ready.label == "Unknown" and node.taint.label == "node.kubernetes.io/unreachable:NoExecute"
    assert pod.conditions["DisruptionTarget"] and not pod.conditions["Ready"]


def test_backoff_and_reasons() -> None:
    """The first restart is immediate; the next waits in CrashLoopBackOff; a clean run resets it."""
    m = build(MODERN_PRESETS["modern-Always-1c"])
    start = [("N1", {"node": 0}), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0}), ("K1", {"pod": 0}),
             ("P2", {"pod": 0, "container": "c0"})]
    crash = ("P3", {"pod": 0, "container": "c0", "code": "Error"})
    restart = ("P4", {"pod": 0, "container": "c0"})
    t = replay(m, [*start, crash, restart])
    c = m.decode(m.shape.layout.pack(t.final)).pods[0].containers[0]
    assert (c.state, c.last, c.restarts, c.backoff) == (MState.RUNNING, MExit.ERROR, 1, True)
    t = replay(m, [*start, crash, restart, crash, restart])
    c = m.decode(m.shape.layout.pack(t.final)).pods[0].containers[0]
    assert (c.state, c.reason) == (MState.WAITING, "CrashLoopBackOff")
    t = replay(m, [*start, crash, restart, ("C3", {"pod": 0, "container": "c0"}), crash, restart])
    assert m.decode(m.shape.layout.pack(t.final)).pods[0].containers[0].state is MState.RUNNING


def test_properties_dispatch_and_are_not_vacuous(small_suite: list[Any]) -> None:
    m = build(MODERN_PRESETS["modern-Never-1c"])
    assert [p.name for p in properties_for_profile(m)] == [p.name for p in modern_properties(m)]
    seen = {p.name for r in small_suite for p in r.properties if p.witness is not None or p.counterexample}
    assert {p.name for p in modern_properties(m)} - seen <= {EXPECTED_VIOLATION}


@pytest.mark.parametrize("name", sorted(MODERN_MUTANTS))
def test_modern_mutant_is_caught(name: str) -> None:
    cls = MODERN_MUTANTS[name]
    cfg = MODERN_PRESETS[cls.caught_in]  # type: ignore[attr-defined]
    bad = check_model(build(cfg, cls))
    assert check_model(build(cfg)).ok, "the correct model passes where the mutant is caught"
    caught = {p.name: p.counterexample for p in bad.properties if not p.ok}
    caught |= {r.id: r.counterexample for r in bad.rows if r.status == "fail"}
    for what in cls.caught_by:  # type: ignore[attr-defined]
        assert what in caught, f"{name} escaped {what}"
        trace = caught[what]
        assert trace is not None
        replay(bad.model, [(s.action.kind, dict(s.action.args)) for s in trace.steps])  # re-checks every step


def test_phase_hook_matches_reference_on_reachable_states() -> None:
    """The semantics' phase hook and the property's reference function agree where the model goes."""
    from kubelife.model.engine.explore import explore
    from kubelife.profiles.modern.phase import modern_phase

    m = build(MODERN_PRESETS["modern-Never-init-sidecar"])
    ex = explore(m.system)
    p = m.shape.pods[0]
    for packed in ex.packed[:: max(1, len(ex.packed) // 500)]:
        v = m.shape.layout.unpack(packed)

        def st(cs: Any, v: Any = v) -> list[Any]:
            return [(v[c.state], v[c.last], v[c.state] == int(MState.RUNNING)) for c in cs]

        ref = modern_phase(PY, st(p.inits), st(p.sidecars), st(p.containers), Policy.NEVER, [None],
                           restart_rules=False)
        assert m.rules.phase(PY, v, p) == ref


def test_z3_encoding_agrees_with_generated_successors() -> None:
    """The modern builders encode in Z3 (kubelife.model.engine.symbolic) exactly as the code generator compiles them."""
    from kubelife.model.engine.compile import compile_successors
    from kubelife.model.engine.explore import explore
    from kubelife.model.engine.symbolic import evaluate_successors

    m = build(MODERN_PRESETS["modern-Never-init-sidecar"])
    z3_succ, py_succ = evaluate_successors(m.system), compile_successors(m.system)
    states = explore(m.system).packed
    assert len(states) == 3626
    for s in states:
        assert z3_succ(m.shape.layout.unpack(s)) == py_succ(s)
