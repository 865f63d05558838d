"""Profiles are plug-ins: every registered profile validates, and a third one (``tests/profiles/toy``),
registered the way a user registers theirs, runs through every command it declares with no edit
outside its folder."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from kubelife import profiles
from kubelife.cli import main
from kubelife.oracle import check_trace
from kubelife.stateful import large_for, machine_for
from tests.profiles import toy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def toy_profile() -> Iterator[profiles.Profile]:
    profiles.register(toy.PROFILE)
    yield toy.PROFILE
    profiles.unregister(toy.PROFILE.name)


@pytest.mark.parametrize("name", profiles.names())
def test_every_registered_profile_is_valid(name: str) -> None:
    assert profiles.validate(profiles.get(name)) == []


def test_the_toy_profile_is_valid() -> None:
    assert profiles.validate(toy.PROFILE) == []


def test_validation_lists_what_is_wrong() -> None:
    class NoShape:
        profile = "broken"

    bad = dataclasses.replace(toy.PROFILE, name="broken", semantics=NoShape, check_suite=(),
                              rows=toy.PROFILE.rows * 2)
    problems = profiles.validate(bad)
    assert "semantics has no transitions() builder" in problems
    assert "semantics has no shape_class" in problems
    assert "check_suite is empty" in problems
    assert "scenario row ids repeat" in problems
    with pytest.raises(profiles.ProfileError, match="profile 'broken' is not valid: semantics has no"):
        profiles.register(bad)
    assert "broken" not in profiles.names()


def test_options_a_profile_does_not_read_are_refused(toy_profile: profiles.Profile) -> None:
    from kubelife.model.k8s.config import Config, SlotSpec

    with pytest.raises(profiles.ProfileError, match="--sidecars are not part of the toy profile"):
        toy_profile.build(Config(1, (SlotSpec(sidecars=1),), 1))


def test_check_runs_the_toy(toy_profile: profiles.Profile, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--profile", "toy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"]["T-exit-ok"]["status"] == "pass"
    assert out["properties"]["a Running pod is bound"]["status"] == "holds"
    assert "liveness" not in out  # the toy declares none, so check adds none


def test_commands_say_what_a_profile_lacks(toy_profile: profiles.Profile,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    for argv, what in ((["prove"], "Z3 proofs"), (["liveness"], "liveness"), (["report", "--out", "x"], "reports")):
        assert main([*argv, "--profile", "toy"]) == 2
        err = capsys.readouterr().err
        assert f"the toy profile does not offer {what}; profiles that do: " in err, err


_RV = iter(range(100, 10_000))


def _pod(phase: str, state: str, node: str | None = "node-a") -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "job", "namespace": "default", "uid": "u-1", "resourceVersion": str(next(_RV)),
                         "creationTimestamp": "2026-01-01T00:00:00Z", "labels": {"app": "toy"}},
            "spec": {"nodeName": node, "restartPolicy": "Never", "containers": [{"name": "main", "image": "x"}]},
            "status": {"phase": phase, "startTime": "2026-01-01T00:00:01Z",
                       "containerStatuses": [{"name": "main", "ready": False, "restartCount": 0,
                                              "state": {state: {}}, "image": "x", "imageID": ""}]}}


def test_the_oracle_judges_toy_traces(toy_profile: profiles.Profile) -> None:
    good = [{"type": "ADDED", "object": _pod("Pending", "waiting", None)},
            {"type": "MODIFIED", "object": _pod("Pending", "waiting")},
            {"type": "MODIFIED", "object": _pod("Running", "running")},
            {"type": "MODIFIED", "object": _pod("Succeeded", "terminated")}]
    ok = check_trace(good, profile_name="toy")
    assert ok.verdict == "conformant" and ok.objects[0].observations == 4
    # Back from Succeeded to Running: no toy transition explains it.
    bad = [*good, {"type": "MODIFIED", "object": _pod("Running", "running")}]
    assert check_trace(bad, profile_name="toy").verdict == "violation"


def test_the_hypothesis_machine_drives_the_toy(toy_profile: profiles.Profile) -> None:
    run_state_machine_as_test(machine_for(large_for("toy")), settings=settings(
        max_examples=20, stateful_step_count=20, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck)))


def test_vectors_of_the_toy(toy_profile: profiles.Profile, tmp_path: Path) -> None:
    assert main(["vectors", "--profile", "toy", "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "pod-steps.json").read_text())
    assert doc["profile"] == "toy" and doc["models"][0]["allowed"]


def test_a_profile_is_registered_from_the_environment() -> None:
    env = {**os.environ, "KUBELIFE_PROFILES": "tests.profiles.toy:PROFILE"}
    r = subprocess.run([sys.executable, "-m", "kubelife", "check", "--profile", "toy", "--preset", "toy-1n"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "T-exit-ok" in r.stdout
    env["KUBELIFE_PROFILES"] = "no.such.module:PROFILE"
    r = subprocess.run([sys.executable, "-m", "kubelife", "check"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "KUBELIFE_PROFILES names 'no.such.module:PROFILE', which cannot be loaded" in r.stderr
