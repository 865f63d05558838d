"""``prove_all`` on the default suite: every row, invariant and step property proved."""

from __future__ import annotations

import pytest

from kubelife.check import check_model
from kubelife.model.engine.ops import PY
from kubelife.model.k8s.trace import replay
from kubelife.profiles import build
from kubelife.profiles.seed.presets import PRESETS
from kubelife.profiles.seed.properties import EXPECTED_VIOLATION, PROPERTY_NAMES, properties_for
from kubelife.profiles.seed.rows import ROW_IDS, SCENARIO_IDS
from kubelife.profiles.seed.strengthening import AUXILIARY_NAMES, LIVE_PHASE
from kubelife.prove import ProveResult, prove_all


@pytest.fixture(scope="module")
def result() -> ProveResult:
    return prove_all()


def test_everything_is_proved(result: ProveResult) -> None:
    assert result.ok
    assert len(SCENARIO_IDS) == 19
    assert list(result.rows) == list(ROW_IDS)
    assert {rid: v.status for rid, v in result.rows.items()} == dict.fromkeys(ROW_IDS, "proved")
    for name, v in result.properties.items():
        assert v.status == ("refuted-as-expected" if name == EXPECTED_VIOLATION else "proved"), name
    assert {n: v.status for n, v in result.auxiliary.items()} == dict.fromkeys(AUXILIARY_NAMES, "proved")
    assert all(v.status == "proved" for v in result.any_containers.values())


def test_rows_have_witnesses(result: ProveResult) -> None:
    for rid, v in result.rows.items():
        assert v.witness and "-->" in v.witness, rid


def test_strengthening_found_where_needed(result: ProveResult) -> None:
    consistent = result.properties["the phase is what the kubelet's phase function gives"]
    assert LIVE_PHASE in consistent.strengthening
    # The replacement rows need the replica bound: a second active pod would block the controller.
    assert "the controller never has more than R active pods" in result.rows["S6-controlled"].strengthening


def test_json_contract(result: ProveResult) -> None:
    j = result.to_json()
    assert j["ok"] is True
    assert set(j["rows"]) == set(ROW_IDS)
    assert set(j["properties"]) == set(PROPERTY_NAMES)
    for v in j["rows"].values():
        assert v["status"] in ("proved", "refuted", "unknown", "vacuous")
        assert isinstance(v["seconds"], float) and isinstance(v["config"], str) and "counterexample" in v
    for v in j["properties"].values():
        assert {"status", "seconds", "strengthening"} <= set(v)
    assert j["bmc"]["length"] == 10 and j["bmc"]["property"] == EXPECTED_VIOLATION
    assert set(j["any_containers"])


def test_bmc_counterexample_is_shortest_and_replays(result: ProveResult) -> None:
    trace = result.bmc.trace
    assert trace is not None
    m = trace.model
    again = replay(m, [(s.action.kind, dict(s.action.args)) for s in trace.steps])
    assert again.final == trace.final
    ev = next(p for p in properties_for(m) if p.name == EXPECTED_VIOLATION)
    assert not ev.pred(trace.final, PY)
    assert all(ev.pred(s, PY) for s in trace.states()[:-1])
    # Same length as the explicit checker's breadth-first counterexample on nodes 2 slots 2.
    explicit = check_model(build(PRESETS["R2"]), props=[ev], rows=())
    assert explicit.properties[0].counterexample is not None
    assert len(trace) == len(explicit.properties[0].counterexample) == 10


@pytest.mark.slow
def test_bmc_beyond_enumeration() -> None:
    """nodes 3 slots 3 replicas 2: 3,159,436 states explicitly, 13-step shortest counterexample."""
    from kubelife.model.engine.symbolic import bmc
    from kubelife.model.k8s.config import Config

    m = build(Config.uniform(nodes=3, slots=3, replicas=2))
    ev = next(p for p in properties_for(m) if p.name == EXPECTED_VIOLATION)
    r = bmc(m.system, lambda v, o: o.not_(ev.pred(v, o)), depth=13)
    assert r.found and r.depth == 13 and r.path is not None
    again = replay(m, [(m.system.transitions[a].action.kind, dict(m.system.transitions[a].action.args))
                       for a, _ in r.path[1:] if a is not None])
    assert not ev.pred(again.final, PY)


def _timeless(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _timeless(v) for k, v in obj.items() if k != "seconds"}
    if isinstance(obj, list):
        return [_timeless(v) for v in obj]
    return obj


def test_answers_do_not_depend_on_earlier_runs(result: ProveResult) -> None:
    """Each session has its own Z3 context, so witnesses and traces are reproducible (reports rely on it)."""
    from kubelife.model.k8s.config import Config

    cfg = [Config.uniform(nodes=2, slots=2, replicas=1)]
    first = prove_all(cfg, any_containers=False, depth=10).to_json()
    again = prove_all(cfg, any_containers=False, depth=10).to_json()
    assert _timeless(first) == _timeless(again)
    assert first["bmc"]["trace"] == result.to_json()["bmc"]["trace"]  # same config, same shortest trace
