"""The oracle under ``--profile modern``: abstraction, restart counting, model-derived traces, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.oracle import check_trace
from kubelife.oracle.search import LocalModel, Target
from kubelife.profiles.modern.oracle import ModernAbstraction
from kubelife.profiles.modern.render import modern_node_object, modern_pod_object
from kubelife.profiles.modern.shape import ModernShape

TRACES = Path(__file__).parent / "data" / "traces" / "modern"
MODERN = ModernAbstraction()
CONFORMANT = sorted(p for p in TRACES.glob("*.json*") if "wrong-policy" not in p.name)
NODE_SHOWN = TRACES / "mutants" / "remove-without-terminal-phase.jsonl"
MUTANTS = sorted(p for p in (TRACES / "mutants").glob("*.jsonl") if p != NODE_SHOWN)


def _reachable(lm: LocalModel) -> list[int]:
    seen, order = {lm.initial}, [lm.initial]
    for s in order:
        for _, t in lm.succ(s):
            if t not in seen:
                seen.add(t)
                order.append(t)
    return order


@pytest.mark.parametrize(("policy", "inits", "sidecars"), [(Policy.ALWAYS, 0, 1), (Policy.ON_FAILURE, 1, 0),
                                                         (Policy.NEVER, 1, 1)])
def test_restart_detection_agrees_with_the_models_counter(policy: Policy, inits: int, sidecars: int) -> None:
    """A step counts as a restart exactly when the modern model's own restart counter grows."""
    spec = SlotSpec(policy=policy, containers=1, controlled=False, initial=True, inits=inits, sidecars=sidecars)
    lm = LocalModel(Config(1, (spec,), replicas=0, restart_cap=2, profile="modern"), MODERN)
    shape = lm.shape
    assert isinstance(shape, ModernShape)
    pod = shape.pods[0]
    checked = grew = 0
    for s in _reachable(lm):
        for i, t in lm.succ(s):
            for k, c in enumerate(pod.all):
                if lm.field(s, c.restarts) >= 2:
                    continue
                r = lm.restarts.get(i)
                counted = r is not None and r[0] == k and ((((s >> r[1]) & r[2]) != 0) == r[3])
                up = lm.field(t, c.restarts) == lm.field(s, c.restarts) + 1 and lm.field(t, pod.exists)
                assert counted == bool(up), (lm.action(i), k)
                checked += 1
                grew += counted
    assert checked > 1000 and grew > (2 if policy is Policy.NEVER else 10)


def test_abstraction_inverts_the_renderer() -> None:
    """Every reachable state, rendered as today's Pod and Node objects, reads back as a match of itself."""
    spec = SlotSpec(policy=Policy.NEVER, containers=1, controlled=False, initial=True, inits=1, sidecars=1,
                    user_deletes=True, image_pull_errors=True, unknown_exits=True)
    obs0 = None
    lm = LocalModel(Config(1, (spec,), replicas=0, restart_cap=1, profile="modern"), MODERN)
    states = _reachable(lm)
    assert len(states) > 1000
    shape = lm.shape
    assert isinstance(shape, ModernShape)
    for s in states:
        st = shape.decode(lm.layout.unpack(s))
        p, n = st.pods[0], st.nodes[0]
        if p.exists:
            obj = modern_pod_object("web", p, Policy.NEVER, node="node-a" if p.node is not None else None)
            obs0 = MODERN.pod(obj, False)
            assert not obs0.missing
            fields = MODERN.pod_fields(lm.shape, obs0, True)
            assert Target(fields).distance(lm, s) == 0, (str(p), obj)
        if n.obj.label != "Pending":
            nobs = MODERN.node(modern_node_object("node-a", n), n.obj.label == "Deleted", True)
            assert Target(MODERN.node_fields(lm.shape, nobs)).distance(lm, s) == 0, str(n)
    assert obs0 is not None and (obs0.inits, obs0.sidecars) == (1, 1)


@pytest.mark.parametrize("path", CONFORMANT, ids=lambda p: p.name)
def test_modern_traces_conform(path: Path) -> None:
    r = check_trace(path, profile_name="modern")
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    assert r.exit_code == 0


def test_lost_node_terminating_is_modern_not_seed() -> None:
    """A lost node's pod goes Terminating after the toleration, phase still Running: today, not 2015."""
    path = TRACES / "S7-lost-node-terminating.jsonl"
    modern = check_trace(path, profile_name="modern")
    assert modern.verdict == "conformant"
    assert modern.kinds["E1"] == 1 and modern.kinds["N4"] >= 1
    seed = check_trace(path)
    pod = next(o for o in seed.objects if o.kind == "Pod")
    assert seed.verdict == "violation" and pod.divergence is not None
    assert "Running" in pod.divergence.observed


def test_crashloop_explained_by_backoff() -> None:
    r = check_trace(TRACES / "crashloop-backoff.jsonl", profile_name="modern")
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert pod.status == "conformant" and r.kinds["P4"] == 2 and r.kinds["P2"] >= 2
    assert check_trace(TRACES / "crashloop-backoff.kubectl.json", profile_name="modern").verdict == "conformant"


@pytest.mark.parametrize("path", sorted(TRACES.glob("*.wrong-policy.jsonl")), ids=lambda p: p.name)
def test_wrong_policy_is_a_violation(path: Path) -> None:
    r = check_trace(path, profile_name="modern")
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert pod.status == "violation" and pod.divergence is not None
    assert any(d.startswith("phase:") for d in pod.divergence.differs)


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.name)
def test_modern_mutant_traces_are_flagged(path: Path) -> None:
    r = check_trace(path, profile_name="modern")
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert r.verdict == "violation" and r.exit_code == 1
    assert pod.divergence is not None and pod.divergence.allowed


def test_removal_without_terminal_phase_names_the_rule() -> None:
    r = check_trace(TRACES / "mutants" / "remove-without-terminal-phase.pods-only.jsonl", profile_name="modern")
    d = next(o for o in r.objects if o.kind == "Pod").divergence
    assert d is not None and "terminal" in d.reason and d.observed.startswith("deleted as Running")


def test_removal_with_a_ready_node_shown_is_explained_by_a_force_delete() -> None:
    """Known limit: a node seen Ready may have lost its kubelet unseen, and a force delete then removes the pod."""
    r = check_trace(NODE_SHOWN, profile_name="modern")
    assert r.verdict == "conformant" and r.kinds["D2"] == 1


def test_too_many_init_containers_is_incomplete() -> None:
    pod = {"kind": "Pod", "metadata": {"name": "p", "namespace": "d", "uid": "u", "resourceVersion": "1"},
           "spec": {"restartPolicy": "Always", "containers": [{"name": "c"}],
                    "initContainers": [{"name": f"i{k}"} for k in range(4)]},
           "status": {"phase": "Pending"}}
    r = check_trace([{"type": "ADDED", "object": pod}], profile_name="modern")
    assert r.objects[0].status == "incomplete" and "init containers" in " ".join(r.objects[0].notes)


def test_cli_modern_json_and_exit_codes() -> None:
    ok = subprocess.run([sys.executable, "-m", "kubelife", "oracle", "--profile", "modern", "--json",
                         str(TRACES / "init-sidecar-Never.jsonl")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["profile"] == "modern" and doc["verdict"] == "conformant"
    bad = subprocess.run([sys.executable, "-m", "kubelife", "oracle", "--profile", "modern",
                          str(TRACES / "mutants" / "eviction-fails-pod.jsonl")], capture_output=True, text=True)
    assert bad.returncode == 1 and "phase: model Running, observed Failed" in bad.stdout


def test_assert_conforms_takes_the_profile() -> None:
    from kubelife.oracle.testing import OracleAssertionError, assert_conforms

    path = TRACES / "S7-lost-node-terminating.jsonl"
    assert assert_conforms(path, profile="modern").verdict == "conformant"
    with pytest.raises(OracleAssertionError, match="seed"):
        assert_conforms(path)
