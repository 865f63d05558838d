"""Each property of spec section 5 on a satisfying and a violating hand-built state (or step)."""

from __future__ import annotations

import pytest
from k8s_states import UP, model, pod, replace, state

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import ClusterState, CState, Exit, NodePhase, NodeState, PodPhase, Policy, Ready
from kubelife.profiles.seed.properties import EXPECTED_VIOLATION, properties_for
from kubelife.properties.core import Property

W, R, T = CState.WAITING, CState.RUNNING, CState.TERMINATED
NONE, OK, ERR = Exit.NONE, Exit.OK, Exit.ERROR
DEAD = NodeState(NodePhase.TERMINATED, False, Ready.UNKNOWN, False)


def prop(m: ClusterModel, name: str) -> Property:
    return next(p for p in properties_for(m) if p.name == name)


def holds(m: ClusterModel, name: str, s: ClusterState, t: ClusterState | None = None) -> bool:
    p = prop(m, name)
    if p.is_step:
        assert t is not None
        return bool(p.pred(m.shape.encode(s), m.shape.encode(t), PY))
    return bool(p.pred(m.shape.encode(s), PY))


def witnessed(m: ClusterModel, name: str, s: ClusterState, t: ClusterState | None = None) -> bool:
    p = prop(m, name)
    args = (m.shape.encode(s), m.shape.encode(t)) if p.is_step and t is not None else (m.shape.encode(s),)
    return bool(p.witness(*args, PY))


RUN = pod(PodPhase.RUNNING, 0, (R, NONE))

STATE_CASES = [
    # name, model kwargs, a satisfying state's pods/nodes, a violating one
    ("states are well formed", {}, {"pods": [pod(PodPhase.PENDING, None, (W, NONE))]},
     {"pods": [pod(PodPhase.PENDING, None, (R, NONE))]}),
    ("Succeeded means every container exited ok and the policy is not Always", {"policy": Policy.NEVER},
     {"pods": [pod(PodPhase.SUCCEEDED, 0, (T, OK))]}, {"pods": [pod(PodPhase.SUCCEEDED, 0, (T, ERR))]}),
    ("policy Never never restarts a container", {"policy": Policy.NEVER},
     {"pods": [pod(PodPhase.FAILED, 0, (T, ERR))]}, {"pods": [pod(PodPhase.RUNNING, 0, (W, ERR))]}),
    ("OnFailure never restarts a container that exited ok", {"policy": Policy.ON_FAILURE, "containers": 2},
     {"pods": [pod(PodPhase.RUNNING, 0, (T, OK), (R, NONE))]},
     {"pods": [pod(PodPhase.RUNNING, 0, (W, OK), (R, NONE))]}),
    ("a Running pod is bound", {}, {"pods": [RUN]}, {"pods": [pod(PodPhase.RUNNING, None, (R, NONE))]}),
    ("no existing pod is bound to a Terminated node", {},
     {"nodes": [DEAD, UP], "pods": [pod(PodPhase.RUNNING, 1, (R, NONE))]}, {"nodes": [DEAD, UP], "pods": [RUN]}),
    ("the phase is what the kubelet's phase function gives", {}, {"pods": [RUN]},
     {"pods": [pod(PodPhase.PENDING, 0, (W, ERR))]}),
    ("the controller never has more than R active pods", {"replicas": 1}, {"pods": [RUN]},
     {"pods": [RUN, pod(PodPhase.PENDING, None, (W, NONE))]}),
    (EXPECTED_VIOLATION, {"replicas": 1}, {"pods": [RUN, pod(PodPhase.PENDING, None, (W, NONE))]},
     {"pods": [replace(RUN, phase=PodPhase.FAILED), pod(PodPhase.RUNNING, 1, (R, NONE))]}),
]


@pytest.mark.parametrize(("name", "kw", "good", "bad"), STATE_CASES, ids=[c[0] for c in STATE_CASES])
def test_state_property(name: str, kw: dict, good: dict, bad: dict) -> None:
    m = model(**kw)
    assert holds(m, name, state(m, **good))
    assert not holds(m, name, state(m, **bad))


def test_phase_consistency_ignores_faulted_and_unhealthy_pods() -> None:
    m = model()
    name = "the phase is what the kubelet's phase function gives"
    # Failed by the node controller while its container runs: a fault may override the phase.
    assert holds(m, name, state(m, pods=[pod(PodPhase.FAILED, 0, (R, NONE))]))
    # On an unreachable node the record is stale: not constrained.
    lost = replace(UP, reachable=False)
    assert holds(m, name, state(m, nodes=[lost, UP], pods=[pod(PodPhase.RUNNING, 0, (T, ERR))]))


S_RUN = [RUN]
STEP_CASES = [
    ("terminal phases are absorbing", [pod(PodPhase.FAILED, 0, (T, ERR))], [pod(PodPhase.FAILED, 0, (W, ERR))],
     [pod(PodPhase.RUNNING, 0, (W, ERR))]),
    ("a pod's binding is set at most once", S_RUN, S_RUN, [pod(PodPhase.RUNNING, 1, (R, NONE))]),
    ("restart counts never decrease", [pod(PodPhase.RUNNING, 0, (R, NONE, 1))],
     [pod(PodPhase.RUNNING, 0, (T, ERR, 1))], [pod(PodPhase.RUNNING, 0, (R, NONE, 0))]),
    ("pods are scheduled only to healthy, ready nodes", [pod(PodPhase.PENDING, None, (W, NONE))],
     [pod(PodPhase.PENDING, 0, (W, NONE))], [pod(PodPhase.PENDING, 1, (W, NONE))]),
]


@pytest.mark.parametrize(("name", "before", "good", "bad"), STEP_CASES, ids=[c[0] for c in STEP_CASES])
def test_step_property(name: str, before: list, good: list, bad: list) -> None:
    m = model()
    nodes = [UP, replace(UP, ready=Ready.FALSE, disk_ok=False)]  # node 1 is not healthy
    s = state(m, nodes=nodes, pods=before)
    assert holds(m, name, s, state(m, nodes=nodes, pods=good))
    assert not holds(m, name, s, state(m, nodes=nodes, pods=bad))


def test_witnesses_describe_the_constrained_situation() -> None:
    m = model(policy=Policy.NEVER)
    assert witnessed(m, "Succeeded means every container exited ok and the policy is not Always",
                     state(m, pods=[pod(PodPhase.SUCCEEDED, 0, (T, OK))]))
    assert not witnessed(m, "Succeeded means every container exited ok and the policy is not Always", state(m))
    a = model()
    grows = (state(a, pods=[pod(PodPhase.RUNNING, 0, (W, ERR, 0))]),
             state(a, pods=[pod(PodPhase.RUNNING, 0, (R, ERR, 1))]))
    assert witnessed(a, "restart counts never decrease", *grows)
    assert not witnessed(a, "restart counts never decrease", grows[1], grows[1])
    failed = state(a, pods=[pod(PodPhase.FAILED, 0, (T, ERR))])
    assert witnessed(a, "terminal phases are absorbing", failed, failed)


def test_a_deleted_and_refilled_slot_is_a_new_pod() -> None:
    m = model()
    s = state(m, pods=[pod(PodPhase.FAILED, 0, (T, ERR, 1))])
    t = state(m)  # deleted: the slot is empty again
    assert holds(m, "restart counts never decrease", s, t)
    assert holds(m, "terminal phases are absorbing", s, t)


def test_every_property_has_a_witness_and_a_section() -> None:
    m = model()
    names = [p.name for p in properties_for(m)]
    assert len(names) == len(set(names))
    assert all(p.spec.startswith("§") for p in properties_for(m))
    assert sum(p.kind == "expected-violation" for p in properties_for(m)) == 1
