"""Conformance vectors under ``--profile modern``."""

from __future__ import annotations

import json
import subprocess
import sys
from math import comb
from pathlib import Path

import pytest

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.oracle.vectors import step_vectors
from kubelife.profiles import build
from kubelife.profiles.modern.oracle import ModernAbstraction
from kubelife.profiles.modern.vectors import FORMS, SIDECAR_FORMS, modern_phase_vectors, modern_state_json

PROFILES = {"modern": ModernAbstraction()}


def multisets(kinds: int, lo: int, hi: int) -> int:
    return sum(comb(kinds + n - 1, n) for n in range(lo, hi + 1))


def test_phase_vectors_count_every_multiset_once() -> None:
    doc = modern_phase_vectors(max_inits=1, max_sidecars=1, max_mains=2)
    assert (doc["format"], doc["kind"], doc["profile"], doc["multisets"]) == ("kubelife-vectors", "phase", "modern",
                                                                            True)
    want = 3 * multisets(len(FORMS), 0, 1) * multisets(len(SIDECAR_FORMS), 0, 1) * multisets(len(FORMS), 1, 2)
    assert doc["count"] == len(doc["vectors"]) == want
    keys = {(v["policy"], tuple(v["initContainers"]), tuple(v["sidecars"]), tuple(v["containers"]))
            for v in doc["vectors"]}
    assert len(keys) == want


def test_phase_vectors_known_answers() -> None:
    got = {(v["policy"], tuple(v["initContainers"]), tuple(v["sidecars"]), tuple(v["containers"])): v["phase"]
           for v in modern_phase_vectors(max_inits=1, max_sidecars=1, max_mains=1)["vectors"]}
    assert got[("Never", (), (), ("Completed",))] == "Succeeded"
    assert got[("Never", (), (), ("Error",))] == "Failed"
    assert got[("Always", (), (), ("CrashLoopBackOff(Error)",))] == "Running"  # crash-looping counts as stopped
    assert got[("OnFailure", (), (), ("Completed",))] == "Succeeded"
    assert got[("Never", ("Error",), (), ("NoStatus",))] == "Failed"  # an init failure fails the pod under Never
    assert got[("OnFailure", ("Error",), (), ("NoStatus",))] == "Pending"  # ... and is retried otherwise
    assert got[("Always", ("Completed",), ("Running",), ("NoStatus",))] == "Pending"  # no status keeps it Pending
    assert got[("Always", (), ("Running",), ("Running",))] == "Running"


def test_legend_reads_back_through_the_oracle_abstraction() -> None:
    """Each form's containerStatus, read by the modern oracle, is the form's own state and termination."""
    legend = modern_phase_vectors(max_inits=0, max_sidecars=0, max_mains=1)["forms"]
    prof = PROFILES["modern"]
    for name, (state, last, _) in SIDECAR_FORMS.items():
        status = legend[name]["containerStatus"]
        obs = prof.container(status, "x", [])
        assert obs.state == {int(state)} and obs.exit == {int(last)}, name


def test_step_vectors_of_a_modern_model_are_consistent() -> None:
    spec = SlotSpec(policy=Policy.NEVER, containers=1, controlled=False, initial=True, inits=1)
    m = build(Config(1, (spec,), replicas=0, restart_cap=1, profile="modern"))
    doc = step_vectors(m, True, modern_state_json)
    allowed = {(a["from"], a["to"]) for a in doc["allowed"]}
    assert len(doc["states"]) > 100 and doc["forbidden"]
    assert not any((f["from"], f["to"]) in allowed for f in doc["forbidden"])
    kinds = {a["step"] for a in doc["allowed"]}
    assert {"N1", "P1", "K1", "P2", "P3", "E1", "K4", "K5"} <= kinds
    first = doc["states"][0]["pod"]
    assert [c["kind"] for c in first["containers"]] == ["init", "main"]
    assert first["containers"][0]["state"] == "NoStatus"


@pytest.mark.slow
def test_cli_writes_modern_vectors(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "kubelife", "vectors", "--profile", "modern", "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    phase = json.loads((tmp_path / "phase.json").read_text())
    assert phase["profile"] == "modern"
    assert phase["count"] == 3 * multisets(7, 0, 2) * multisets(8, 0, 1) * multisets(7, 1, 3) == 115_668
    pods = json.loads((tmp_path / "pod-steps.json").read_text())
    assert len(pods["models"]) == 9
