"""The oracle's pieces: restart counting agrees with the model, normalisation, abstraction vs rendering."""

from __future__ import annotations

import itertools

import pytest

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import ContainerState, CState, Exit, PodPhase, PodState, Policy
from kubelife.oracle.abstract import Abstraction as Profile
from kubelife.oracle.normalise import is_snake, normalise, to_camel_key
from kubelife.oracle.readers import detect_format
from kubelife.oracle.search import ANY_COUNT, LocalModel, Target, search
from kubelife.profiles.seed.oracle import SeedAbstraction
from kubelife.profiles.seed.render import container_status, pod_object
from kubelife.profiles.seed.vectors import CONTAINER_FORMS

PROFILES = {"seed": SeedAbstraction()}


@pytest.mark.parametrize("policy", list(Policy))
def test_restart_detection_agrees_with_the_models_counter(policy: Policy) -> None:
    """The search counts a start as a restart exactly when the model's own restart counter grows."""
    cfg = Config(1, (SlotSpec(policy=policy, containers=2, controlled=False, initial=True),), replicas=0,
                 restart_cap=3)
    lm = LocalModel(cfg, PROFILES["seed"])
    seen, order, checked = {lm.initial}, [lm.initial], 0
    for s in order:
        for i, t in lm.succ(s):
            r = lm.restarts.get(i)
            if r is not None:
                c = r[0]
                f = lm.shape.pods[0].containers[c].restarts
                if lm.field(s, f) < 3:
                    counted = ((s >> r[1]) & r[2]) != Exit.NONE
                    assert counted == (lm.field(t, f) == lm.field(s, f) + 1)
                    checked += 1
            if t not in seen:
                seen.add(t)
                order.append(t)
    assert checked > 100 if policy is not Policy.NEVER else checked > 0


def test_search_counts_restarts_exactly() -> None:
    prof = PROFILES["seed"]
    lm = LocalModel(prof.local_config(Policy.ALWAYS, 1, False), prof)
    p = lm.shape.pods[0]
    c = p.containers[0]
    running = Target(((p.exists, frozenset({1})), (c.state, frozenset({int(CState.RUNNING)}))))
    first = search(lm, frozenset({lm.initial}), running, (0,), 10)
    assert first.matches and len(first.path) == 3  # register, schedule, start
    again = Target(running.fields + ((c.last_exit, frozenset({int(Exit.ERROR)})),))
    two = search(lm, first.matches, again, (2,), 12)
    assert [lm.action(i).kind for i in two.path] == ["P3", "P4", "P2"] * 2
    assert not search(lm, first.matches, again, (-1,), 12).matches  # counts never go down
    assert search(lm, first.matches, again, (ANY_COUNT,), 12).matches


def test_search_reports_a_gap_when_the_bound_is_too_small() -> None:
    lm = LocalModel(PROFILES["seed"].local_config(Policy.ALWAYS, 1, False), PROFILES["seed"])
    c = lm.shape.pods[0].containers[0]
    running = Target(((c.state, frozenset({int(CState.RUNNING)})),))
    short = search(lm, frozenset({lm.initial}), running, (0,), 2)
    assert not short.matches and not short.exhausted and short.closest is not None


@pytest.mark.parametrize("key, camel", [
    ("restart_count", "restartCount"), ("host_i_ps", "hostIPs"), ("pod_ips", "podIPs"), ("host_ip", "hostIP"),
    ("container_id", "containerID"), ("image_id", "imageID"), ("uid", "uid"), ("last_state", "lastState"),
])
def test_snake_to_camel(key: str, camel: str) -> None:
    assert to_camel_key(key) == camel


def test_normalise_keeps_data_maps_and_drops_none() -> None:
    obj = {"api_version": "v1", "metadata": {"labels": {"app_name": "x"}, "deletion_timestamp": None},
           "status": {"container_statuses": [{"restart_count": 2, "state": {"waiting": None, "running": {},
                                                                          "terminated": None}}]}}
    assert is_snake(obj)
    n = normalise(obj)
    assert n["apiVersion"] == "v1" and n["metadata"] == {"labels": {"app_name": "x"}}
    assert n["status"]["containerStatuses"][0] == {"restartCount": 2, "state": {"running": {}}}
    assert not is_snake(n)


@pytest.mark.parametrize("head, fmt", [
    (b'{"format": "kubelife-trace", "version": 1}\n', "kubelife"),
    (b'{"type": "ADDED", "object": {"kind": "Pod"}}\n', "watch"),
    (b'{\n    "apiVersion": "v1",\n', "objects"),
    (b'{"apiVersion": "v1", "kind": "List", "items": []}\n', "objects"),
])
def test_detect_format(head: bytes, fmt: str) -> None:
    assert detect_format(head) == fmt


def test_abstraction_inverts_rendering() -> None:
    """Every container form the model holds, rendered as a kubelet would, reads back as itself."""
    prof: Profile = PROFILES["seed"]
    for (s, e), k in itertools.product(CONTAINER_FORMS, (0, 2)):
        if k and e is Exit.NONE and s is not CState.TERMINATED:
            continue  # a container that restarted has some last exit
        obs = prof.container(container_status("c", s, e, k), "c", [])
        assert obs.state == frozenset({int(s)}) and obs.exit == frozenset({int(e)}) and obs.restarts == k


def test_pod_abstraction_reads_policy_owner_and_node() -> None:
    pod = PodState(True, PodPhase.RUNNING, 0, (ContainerState(CState.RUNNING, Exit.NONE, 0),))
    obj = pod_object("web-1", pod, Policy.ON_FAILURE, node="n-a", controlled=True)
    obs = PROFILES["seed"].pod(obj, deleted=False)
    assert (obs.policy, obs.controlled, obs.node_name, obs.phase) == (
        Policy.ON_FAILURE, True, "n-a", frozenset({int(PodPhase.RUNNING)}))
    assert obs.missing == ()
