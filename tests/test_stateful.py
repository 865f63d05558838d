"""The Hypothesis machine derived from the model: rows hit and asserted, mutants caught, replay code works."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from stateful_replay import replays

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.trace import replay
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.presets import LARGE, preset
from kubelife.profiles.seed.rows import ROW_IDS, SCENARIO_IDS
from kubelife.stateful import (
    ModelViolation,
    StatefulRun,
    check_trace,
    checks_for,
    machine_for,
    minimize,
    replay_code,
    run_rows,
    run_stateful,
)
from kubelife.stateful.configs import config_code


@pytest.fixture(scope="module")
def seed_run() -> StatefulRun:
    # The loaded profile (ci by default, deep with --hypothesis-profile deep), strict: a failing row stops it.
    return run_stateful(LARGE, settings_=settings(), strict=True)


# The idiomatic form: a TestCase; `pytest --hypothesis-show-statistics` lists the rows it hit as events.
TestLargeCluster = machine_for(LARGE).TestCase
TestLargeCluster.settings = settings(settings(), max_examples=25)


def test_large_config_is_beyond_exhaustive_reach() -> None:
    m = build(LARGE)
    assert (LARGE.nodes, len(LARGE.slots), LARGE.replicas) == (4, 8, 4)
    assert {s.containers for s in LARGE.slots} == {1, 2, 3} and set(s.policy for s in LARGE.slots) == set(Policy)
    assert m.shape.layout.bits > 128  # far past what BFS enumerates (88727 states already at 2 nodes, 2 slots)


def test_every_scenario_row_is_hit_and_holds(seed_run: StatefulRun) -> None:
    assert seed_run.error is None
    rows = seed_run.rows
    assert len(SCENARIO_IDS) == 19
    not_hit = [r for r in SCENARIO_IDS if rows[r]["status"] == "not hit"]
    assert not_hit == [], f"rows never hit by the machine: {not_hit}"
    assert all(rows[r] == {"status": "pass", "hits": rows[r]["hits"]} and rows[r]["hits"] > 0 for r in ROW_IDS)


def test_every_transition_kind_fires_and_the_known_violation_shows(seed_run: StatefulRun) -> None:
    cov = seed_run.coverage
    assert all(n > 0 for n in cov["kinds"].values()), cov["kinds"]
    assert set(cov["kinds"]) == {"N1", "N2", "N3", "N4", "N5", "N6", "P1", "P2", "P3", "P4", "P5", "R1"}
    assert cov["distinct_states"] > 1000
    # Restarts of policy-Never pods are the transitions whose guard can never hold.
    never = [a for a in cov["never_fired"] if a.startswith("P4")]
    assert never and all(LARGE.slots[int(a.split("pod=")[1].split(",")[0])].policy is Policy.NEVER for a in never)
    assert cov["known_violations_seen"] == ["at most R copies of a controlled pod run at once"]


def test_run_rows_contract_is_deterministic() -> None:
    a = run_stateful(LARGE, "ci", max_examples=8)
    b = run_stateful(LARGE, "ci", max_examples=8)
    assert a.rows == b.rows and a.coverage == b.coverage
    rows = run_rows(preset("R1"))  # the report's call, on a small configuration to keep the suite fast
    assert set(rows) == set(ROW_IDS)
    assert rows["S1-Always"]["status"] == "pass" and rows["S1-Never"]["status"] == "not hit"
    assert all(set(v) == {"status", "hits"} and v["status"] in ("pass", "fail", "not hit") for v in rows.values())


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_each_mutant_is_caught_with_a_short_replayable_trace(name: str) -> None:
    m = build(LARGE, MUTANTS[name])
    # Hypothesis shrinking is off for the sweep (speed); the reported path is still shortened.
    with pytest.raises(ModelViolation) as info:
        run_state_machine_as_test(machine_for(m), settings=settings(settings(), phases=[Phase.generate]))
    e = info.value
    assert 1 <= len(e.trace) <= 20, e
    again = replays(e.code)
    assert again.violation.key == e.violation.key and len(again.trace) == len(e.trace)


def test_shrinking_on_a_mutant_gives_the_shortest_path() -> None:
    m = build(LARGE, MUTANTS["crashloop-pending"])
    with pytest.raises(ModelViolation) as info:
        run_state_machine_as_test(machine_for(m), settings=settings())
    e = info.value
    # Create, register, schedule, start, exit ok: the restart then leaves the pod Pending.
    assert [s.action.kind for s in e.trace.steps] == ["R1", "N1", "P1", "P2", "P3"]
    assert e.violation.key == ("row", "S1-Always")
    assert "replay(model, [" in e.code and "get('seed').mutant('crashloop-pending')" in e.code
    assert "state = ClusterMachine()" in "\n".join(getattr(e, "__notes__", []))
    assert replays(e.code).violation == e.violation
    # The same steps pass on the real model.
    check_trace(build(LARGE), [(s.action.kind, dict(s.action.args)) for s in e.trace.steps])


def test_check_trace_accepts_a_good_trace_and_rejects_a_bad_one() -> None:
    steps = [("R1", {"slot": 0}), ("N1", {"node": 0}), ("P1", {"pod": 0, "node": 0}),
             ("P2", {"pod": 0, "container": 0})]
    assert len(check_trace(build(LARGE), steps)) == 4
    with pytest.raises(ModelViolation) as info:
        oom = ("P3", {"pod": 0, "container": 0, "code": "oom"})
        check_trace(build(LARGE, MUTANTS["crashloop-pending"]), [*steps, oom])
    assert info.value.violation.key == ("row", "S5-Always")


def test_minimize_keeps_only_what_the_failure_needs() -> None:
    def fails(seq: list[int]) -> bool:
        return 3 in seq and 7 in seq and seq.index(3) < seq.index(7)

    assert minimize([1, 3, 5, 2, 7, 9, 3], fails) == [3, 7]
    assert minimize([4, 5], lambda s: True) == []


def test_printed_config_code_rebuilds_a_custom_config() -> None:
    cfg = Config(nodes=2, slots=(SlotSpec(Policy.NEVER, 2, controlled=False, initial=True),), replicas=0)
    imports, expr = config_code(cfg)
    ns: dict[str, Any] = {}
    exec(imports, ns)  # noqa: S102
    assert eval(expr, ns) == cfg
    code = replay_code(build(cfg), [("N1", {"node": 1})])
    assert "Config(nodes=2" in code and "check_trace(model, trace)" in code
    exec(code, {})  # noqa: S102 - replays and passes


def test_row_checks_are_the_exhaustive_checkers_observers() -> None:
    # Same compiled observers as `kubelife check`: one definition of each row.
    checks = checks_for(build(LARGE))
    ids = {rid for per in checks.rows.values() for rid, _, _ in per}
    assert ids == set(ROW_IDS)
    assert replay(build(LARGE), []).final == build(LARGE).system.initial


# -- deep runs (opt-in: pytest -m slow [--hypothesis-profile deep]) -------------------------------


@pytest.mark.slow
def test_deep_profile_run_holds_everywhere() -> None:
    run = run_stateful(LARGE, "deep", strict=True)
    assert run.error is None
    assert all(v["status"] == "pass" for v in run.rows.values()), run.rows


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_each_mutant_shrinks_to_a_short_trace(name: str) -> None:
    with pytest.raises(ModelViolation) as info:
        run_state_machine_as_test(machine_for(build(LARGE, MUTANTS[name])), settings=settings())
    assert len(info.value.trace) <= 12, info.value
