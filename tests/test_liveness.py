"""Kubernetes liveness: expected verdicts, genuine lassos, symmetry soundness, the liveness-only mutant, CLI."""

from __future__ import annotations

import json
from functools import cache

import pytest

from kubelife.check import check_model
from kubelife.cli import main
from kubelife.liveness import LivenessResult, check_liveness, render_liveness
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import replay
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.liveness import BUNDLES, FAIRNESS, LIVENESS_PROPERTIES, liveness_property
from kubelife.profiles.seed.liveness_mutants import StuckAfterSiblingExit
from kubelife.profiles.seed.presets import LIVENESS_SUITE
from kubelife.properties.liveness import expand_fairness as _expand


def expand_fairness(names: list[str]) -> tuple[str, ...]:
    return _expand(names, FAIRNESS, BUNDLES)

PENDING = "a Pending pod is eventually bound or deleted"
REPLICAS = "the controller eventually has R pods Running again"
SUITE = {c.name: c for c in LIVENESS_SUITE}


@cache
def suite_result(name: str) -> LivenessResult:
    return check_liveness(build(SUITE[name]))


def verdicts(r: LivenessResult) -> dict[str, str]:
    return {v.key: v.status for v in r.verdicts}


@pytest.mark.parametrize("name", list(SUITE))
def test_default_cases_come_out_as_declared(name: str) -> None:
    r = suite_result(name)
    assert r.ok, render_liveness(r)
    for v in r.verdicts:
        assert v.lasso_problems == []
        assert v.status in ("holds", "violated as expected"), v.key
        assert v.expected is not None
        # Every declared expectation is exercised for real: the property's P is reachable.
        if v.name != "a Never pod whose containers all exited reaches a terminal phase" or "Never" in name:
            assert not v.vacuous, v.key


def test_weak_scheduler_fairness_loses_to_a_flapping_node() -> None:
    r = suite_result("live-Always-1c")
    v = next(x for x in r.verdicts if x.name == PENDING and x.fairness == ("wf-scheduler",))
    assert v.status == "violated as expected" and v.lasso is not None
    t = v.lasso
    assert t.loop_at is not None
    cycle = [s.action.kind for s in t.steps[t.loop_at:]]
    assert sorted(cycle) == ["N2", "N3"]  # partition, heal, forever
    # The lasso is replayable step by step and really closes.
    replay(build(SUITE["live-Always-1c"]), [(s.action.kind, dict(s.action.args)) for s in t.steps])
    assert t.final == t.states()[t.loop_at]
    # Strong fairness, or weak fairness once disruptions stop, makes it hold.
    st = verdicts(r)
    assert st[f"{PENDING} [sf-scheduler]"] == "holds"
    assert st[f"{PENDING} [{', '.join(expand_fairness(['wf-scheduler', 'disruptions-stop']))}]"] == "holds"


def test_replicas_without_the_environment_assumption_show_the_adversary() -> None:
    r = suite_result("live-Always-1c")
    bad = [v for v in r.verdicts if v.name == REPLICAS and v.expected is False]
    assert len(bad) == 1 and bad[0].lasso is not None
    kinds = {s.action.kind for s in bad[0].lasso.steps[bad[0].lasso.loop_at or 0:]}
    assert kinds & {"N2", "N5"}  # the cycle needs a recurring disruption
    good = [v for v in r.verdicts if v.name == REPLICAS and v.expected is True]
    assert [v.status for v in good] == ["holds"]


def test_terminal_pods_are_kept_unless_the_collector_is_fair() -> None:
    st = verdicts(suite_result("live-Never-1c"))
    assert st["a terminal pod is eventually deleted [no fairness]"] == "violated as expected"
    assert st["a terminal pod is eventually deleted [wf-gc]"] == "holds"


def test_expectation_follows_monotonicity() -> None:
    p = liveness_property(PENDING)
    assert p.expected(["sf-scheduler", "wf-gc"]) is True  # more assumptions: still holds
    assert p.expected(["wf-scheduler"]) is False
    assert p.expected([]) is False  # fewer assumptions: still violated
    assert p.expected(["wf-gc"]) is None  # not implied by any declared case
    assert liveness_property(REPLICAS).expected(["wf-gc"]) is False


# -- symmetry: reduced and unreduced graphs give the same verdicts -------------------------------------

SYM_CONFIGS = [
    Config.uniform(nodes=2, slots=1, replicas=1, containers=1, policy=Policy.ALWAYS),
    Config.uniform(nodes=3, slots=1, replicas=1, containers=1, policy=Policy.NEVER),
    Config.uniform(nodes=2, slots=1, replicas=1, containers=2, policy=Policy.ON_FAILURE),
    pytest.param(Config.uniform(nodes=2, slots=2, replicas=1, containers=1, policy=Policy.NEVER),
                 marks=pytest.mark.slow),
    pytest.param(Config.uniform(nodes=2, slots=2, replicas=2, containers=1, policy=Policy.ALWAYS),
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("cfg", SYM_CONFIGS, ids=lambda c: c.describe().replace(" ", "-"))
def test_reduced_and_unreduced_verdicts_agree(cfg: Config) -> None:
    m = build(cfg)
    red, full = check_liveness(m, symmetry=True), check_liveness(m, symmetry=False)
    assert {v.key: v.holds for v in red.verdicts} == {v.key: v.holds for v in full.verdicts}
    assert {v.name for v in red.verdicts} == {p.name for p in LIVENESS_PROPERTIES}
    assert any(v.graph == "nodes" for v in red.verdicts)  # the reduction was really used
    assert all(v.graph == "full" for v in full.verdicts)
    assert red.graphs["nodes"]["states"] < full.graphs["full"]["states"]
    for v in red.verdicts:
        assert v.lasso_problems == [], v.key  # lassos from the quotient replay concretely and are fair


def test_slot_symmetry_is_used_only_for_slot_blind_fairness() -> None:
    m = build(Config.uniform(nodes=1, slots=2, replicas=1))
    whole = ["wf-controller", "partitions-stop"]  # no group keyed by pod: slot renaming keeps it
    red = check_liveness(m, whole, props=[liveness_property(REPLICAS)])
    full = check_liveness(m, whole, symmetry=False, props=[liveness_property(REPLICAS)])
    assert red.verdicts[0].graph == "nodes+slots"
    assert red.verdicts[0].holds == full.verdicts[0].holds
    assert red.verdicts[0].lasso_problems == []
    per_pod = check_liveness(m, ["wf-scheduler"], props=[liveness_property(REPLICAS)])
    assert per_pod.verdicts[0].graph == "full"  # one node, per-pod fairness: nothing to reduce


# -- the liveness-only mutant ---------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [Policy.NEVER, Policy.ON_FAILURE])
def test_liveness_mutant_is_caught_with_a_lasso_and_nothing_else(policy: Policy) -> None:
    cfg = Config.uniform(nodes=1, slots=1, replicas=1, containers=2, policy=policy)
    m = build(cfg, StuckAfterSiblingExit)
    safety = check_model(m)
    assert safety.ok
    seed_vacuous = {r.id for r in check_model(build(cfg)).rows if r.status == "vacuous"}
    assert {r.id for r in safety.rows if r.status == "vacuous"} == seed_vacuous
    r = check_liveness(m)
    assert not r.ok
    failed = [v for v in r.verdicts if not v.ok]
    assert REPLICAS in {v.name for v in failed}
    for v in failed:
        assert v.lasso is not None and v.lasso_problems == []
    assert check_liveness(build(cfg)).ok  # the seed passes the same checks


# -- CLI ------------------------------------------------------------------------------------------------


def test_cli_json_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["liveness", "--nodes", "1", "--slots", "1", "--policy", "Never", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    v = out["properties"]["a terminal pod is eventually deleted [no fairness]"]
    assert v["status"] == "violated as expected" and v["counterexample"] and v["loop_at"] is not None
    args = ["liveness", "--nodes", "1", "--slots", "1", "--containers", "2", "--policy", "Never",
            "--mutant", "stuck-after-sibling-exit"]
    assert main(args) == 1
    assert "VIOLATED: the controller eventually has R pods Running again" in capsys.readouterr().out


def test_cli_fairness_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["liveness", "--nodes", "1", "--slots", "1", "--fairness", "sf-scheduler", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["properties"][f"{PENDING} [sf-scheduler]"]["status"] == "holds"
    assert main(["liveness", "--nodes", "1", "--fairness", "wf-bogus"]) == 2
    err = capsys.readouterr().err
    assert "wf-bogus" in err and "Traceback" not in err and err.count("\n") == 1


def test_lasso_is_drawn_with_its_back_edge(tmp_path: object) -> None:
    from kubelife.liveness import lasso_diagram

    r = suite_result("live-Always-1c")
    v = next(x for x in r.verdicts if x.name == PENDING and x.fairness == ("wf-scheduler",))
    d = lasso_diagram(v, "pending")
    assert v.lasso is not None and v.lasso.loop_at is not None
    assert len(d.nodes) == len(v.lasso)  # the state the cycle returns to is drawn once
    back = d.edges[-1]
    assert back.dst == f"s{v.lasso.loop_at}" and back.style == "focus"
    stutter = next(x for x in r.verdicts if x.name == "a terminal pod is eventually deleted" and not x.fairness)
    assert lasso_diagram(stutter, "kept").edges[-1].label == "stutters forever"


def test_cli_writes_lasso_drawings(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "lassos"
    assert main(["liveness", "--nodes", "1", "--slots", "1", "--dot", str(out)]) == 0
    files = sorted(out.glob("*.dot"))
    assert len(files) == 3  # pending pod, replicas without the environment assumption, terminal pod kept
    assert all(f.read_text().startswith("digraph") for f in files)


def test_always_eventually_is_leads_to_from_not_q() -> None:
    from dataclasses import replace

    m = build(SUITE["live-Never-1c"])
    rep = liveness_property(REPLICAS)
    ae = replace(rep, name="[]<> R pods Running", kind="always-eventually")
    a, b = check_liveness(m, props=[rep]), check_liveness(m, props=[ae])
    assert [v.holds for v in a.verdicts] == [v.holds for v in b.verdicts] == [False, True]
    assert all(v.lasso_problems == [] for v in b.verdicts)


def test_eventually_always_depends_on_the_policy_without_exits_stop() -> None:
    key = ("eventually the controller always has R pods Running [" +
           ", ".join(expand_fairness(["fair", "disruptions-stop"])) + "]")
    assert verdicts(suite_result("live-Always-1c"))[key] == "holds"
    assert verdicts(suite_result("live-Never-1c"))[key] == "violated as expected"


def test_lasso_says_how_its_cycle_is_fair() -> None:
    r = suite_result("live-Always-1c")
    v = next(x for x in r.verdicts if x.name == PENDING and x.fairness == ("wf-scheduler",))
    # The pod's scheduling is disabled while the node is partitioned: that is what weak fairness allows.
    assert v.respects == ["wf-scheduler: P1 pod=0 disabled after step 3; P1 pod=1 disabled after step 2"]
    text = render_liveness(r)
    assert "the cycle respects:" in text and "NOT TAKEN" not in text and "NEVER DISABLED" not in text
