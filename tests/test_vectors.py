"""``kubelife vectors``: the exported vectors agree with the model they come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelife.cli import main
from kubelife.model.k8s.types import (
    ClusterState,
    ContainerState,
    CState,
    Exit,
    NodePhase,
    NodeState,
    PodPhase,
    PodState,
    Policy,
    Ready,
)
from kubelife.profiles import build
from kubelife.profiles.seed.oracle import SeedAbstraction
from kubelife.profiles.seed.phase import phase_of_values

PROFILES = {"seed": SeedAbstraction()}


def _state(x: dict) -> ClusterState:
    n, p = x["node"], x["pod"]
    exits = {e.label: e for e in Exit}
    node = NodeState(NodePhase[n["phase"].upper()], n["reachable"], Ready[n["ready"].upper()], n["disk_ok"])
    cs = tuple(ContainerState(CState[c["state"].upper()], exits[c["last_exit"]], c["restarts"])
               for c in p["containers"])
    return ClusterState((node,), (PodState(p["exists"], PodPhase[p["phase"].upper()], 0 if p["bound"] else None, cs),))


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vectors")
    assert main(["vectors", "--out", str(out)]) == 0
    return out


def _load(p: Path) -> dict:
    return json.loads(p.read_text())


def test_files_and_headers(vectors: Path) -> None:
    for name, kind in (("phase.json", "phase"), ("pod-steps.json", "pod-steps"), ("node-steps.json", "node-steps")):
        doc = _load(vectors / name)
        assert (doc["format"], doc["version"], doc["kind"], doc["profile"]) == ("kubelife-vectors", 1, kind, "seed")


def test_phase_vectors_cover_every_combination(vectors: Path) -> None:
    doc = _load(vectors / "phase.json")
    assert doc["count"] == len(doc["vectors"]) == 3 * (11 + 11**2 + 11**3)
    by_label = {e.label: e for e in Exit}
    for v in doc["vectors"][::37]:
        combo = [(CState[c["state"].upper()], by_label[c["last_exit"]]) for c in v["containers"]]
        assert v["phase"] == phase_of_values(combo, Policy.parse(v["policy"])).label
        prof = PROFILES["seed"]
        back = [prof.container(cs, cs["name"], []) for cs in v["containerStatuses"]]
        assert [(int(s), int(e)) for s, e in combo] == [(min(b.state), min(b.exit)) for b in back]


def test_step_vectors_replay_in_the_model(vectors: Path) -> None:
    doc = _load(vectors / "pod-steps.json")
    assert len(doc["models"]) == 6
    prof = PROFILES["seed"]
    m = doc["models"][2]  # OnFailure, 1 container
    assert (m["policy"], m["containers"]) == ("OnFailure", 1)
    model = build(prof.local_config(Policy.ON_FAILURE, 1, False))
    assert m["allowed"] and m["forbidden"]
    allowed = {(a["from"], a["to"]) for a in m["allowed"]}
    assert not allowed & {(f["from"], f["to"]) for f in m["forbidden"]}
    # Every allowed step is the model's own: replay it from the state it starts in.
    states = [model.shape.encode(_state(x)) for x in m["states"]]
    for a in m["allowed"][::7]:
        args = {"pod": 0, **a["args"]} if a["step"].startswith("P") else a["args"]
        i = model.transition_index(a["step"], **args)
        assert i is not None
        assert model.system.step(states[a["from"]], i) == states[a["to"]]
    for f in m["forbidden"][::7]:
        assert states[f["to"]] not in {t for _, t in model.system.successors(states[f["from"]])}
    node = _load(vectors / "node-steps.json")
    assert {a["step"] for a in node["allowed"]} == {"N1", "N2", "N3", "N4", "N5", "N6"}


def test_vectors_bad_out(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["vectors", "--out", str(f)]) == 2
