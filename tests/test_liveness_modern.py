"""Liveness on the ``modern`` profile: its own fairness table and properties, verdicts as declared."""

from __future__ import annotations

import json
from functools import cache

import pytest

from kubelife.cli import main
from kubelife.liveness import LivenessResult, check_liveness, liveness_suite, render_liveness
from kubelife.model.k8s.trace import replay
from kubelife.profiles import build, get
from kubelife.profiles.modern.liveness import MODERN_BUNDLES, MODERN_FAIRNESS, MODERN_LIVENESS_PROPERTIES
from kubelife.profiles.modern.presets import MODERN_LIVENESS_SUITE
from kubelife.profiles.seed.liveness import BUNDLES, FAIRNESS
from kubelife.properties.liveness import expand_fairness as _expand

_MODERN = (MODERN_FAIRNESS, MODERN_BUNDLES)

PENDING = "a Pending pod is eventually bound or deleted"
REPLICAS = "the ReplicaSet eventually has R active pods again"
TERMINATING = "a Terminating pod eventually disappears"
SUITE = {c.name: c for c in MODERN_LIVENESS_SUITE}


@cache
def suite_result(name: str) -> LivenessResult:
    return check_liveness(build(SUITE[name]))


@pytest.mark.parametrize("name", list(SUITE))
def test_modern_cases_come_out_as_declared(name: str) -> None:
    r = suite_result(name)
    assert r.ok, render_liveness(r)
    assert {v.name for v in r.verdicts} == {p.name for p in MODERN_LIVENESS_PROPERTIES}
    for v in r.verdicts:
        assert v.lasso_problems == [] and v.expected is not None and not v.vacuous, v.key
        assert v.status in ("holds", "violated as expected"), v.key
    for prop in (PENDING, REPLICAS, TERMINATING):  # each is shown to hold and to fail somewhere
        assert {v.status for v in r.verdicts if v.name == prop} == {"holds", "violated as expected"}


def _lasso(r: LivenessResult, name: str, fairness: list[str]) -> tuple[list[str], list[str], tuple[int, ...]]:
    """The lasso's prefix and cycle action kinds, and its final state (replayed to check it is a real run)."""
    key = f"{name} [{', '.join(_expand(fairness, *_MODERN))}]"
    v = next(x for x in r.verdicts if x.key == key)
    assert v.status == "violated as expected" and v.lasso is not None and v.lasso.loop_at is not None
    t = v.lasso
    replay(build(r.model.config), [(s.action.kind, dict(s.action.args)) for s in t.steps])
    kinds = [s.action.kind for s in t.steps]
    return kinds[:t.loop_at], kinds[t.loop_at:], t.final


def test_a_silent_kubelet_keeps_a_terminating_pod() -> None:
    r = suite_result("live-modern-Never")
    prefix, cycle, final = _lasso(r, TERMINATING, ["wf-kubelet", "wf-podgc"])
    lay = r.model.shape.layout
    assert "E1" in prefix  # evicted
    # ... and the kubelet loses its node again and again (or for good), so killing it is never continuous.
    assert "N2" in cycle or final[lay.index("n0.heartbeat")] == 0
    assert "K4" not in cycle or "N2" in cycle


def test_bounded_slots_fill_with_terminating_copies() -> None:
    r = suite_result("live-modern-Never")
    prefix, cycle, final = _lasso(r, REPLICAS, ["fair", "disruptions-stop"])
    lay = r.model.shape.layout
    assert cycle == []  # the last state stutters: nothing fair is enabled
    assert all(final[lay.index(f"p{k}.terminating")] == 1 for k in (0, 1))
    assert final[lay.index("n0.heartbeat")] == 0


def test_profiles_have_their_own_fairness() -> None:
    assert liveness_suite("modern") == MODERN_LIVENESS_SUITE
    spec = get("modern").liveness
    assert spec is not None and spec.properties == MODERN_LIVENESS_PROPERTIES
    assert "wf-node-recovery" in _expand(["wf-node-recovery"], *_MODERN)
    with pytest.raises(ValueError, match="wf-node-recovery"):
        _expand(["wf-node-recovery"], FAIRNESS, BUNDLES)  # the seed has no such assumption


def test_modern_cli(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["liveness", "--profile", "modern", "--nodes", "1", "--slots", "2", "--policy", "Never"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["properties"][f"{TERMINATING} [no fairness]"]["status"] == "violated as expected"
    assert main([*args, "--fairness", "fair,disruptions-stop,wf-node-recovery", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {v["status"] for v in out["properties"].values()} == {"holds"}
    assert main([*args, "--fairness", "wf-gc"]) == 2  # a seed name
    err = capsys.readouterr().err
    assert "'wf-gc' is not known" in err and "wf-podgc" in err and "Traceback" not in err
