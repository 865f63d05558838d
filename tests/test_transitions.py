"""Each transition's guard and effect (spec section 3), on hand-built states."""

from __future__ import annotations

from k8s_states import PENDING_NODE, UP, empty_pod, model, pod, replace, state, step

from kubelife.model.k8s.types import CState, Exit, NodePhase, NodeState, PodPhase, Policy, Ready

W, R, T = CState.WAITING, CState.RUNNING, CState.TERMINATED
NONE, OK, ERR, OOM = Exit.NONE, Exit.OK, Exit.ERROR, Exit.OOM


def test_n1_register_only_pending_nodes() -> None:
    m = model()
    s = state(m, nodes=[PENDING_NODE, UP])
    t = step(m, s, "N1", node=0)
    assert t is not None and t.nodes[0] == UP
    assert step(m, s, "N1", node=1) is None


def test_n2_partition_and_n3_heal() -> None:
    m = model()
    s = state(m)
    t = step(m, s, "N2", node=0)
    assert t is not None and not t.nodes[0].reachable and t.nodes[0].ready is Ready.TRUE
    assert step(m, t, "N2", node=0) is None
    healed = step(m, t, "N3", node=0)
    assert healed is not None and healed.nodes[0] == UP
    assert step(m, s, "N3", node=0) is None
    # Healing a node whose disk failed makes it reachable but not ready.
    broken = state(m, nodes=[NodeState(NodePhase.RUNNING, False, Ready.UNKNOWN, False), UP])
    h = step(m, broken, "N3", node=0)
    assert h is not None and h.nodes[0].reachable and h.nodes[0].ready is Ready.FALSE


def test_n4_grace_expiry_fails_record_but_not_containers() -> None:
    m = model()
    lost = NodeState(NodePhase.RUNNING, False, Ready.TRUE, True)
    s = state(m, nodes=[lost, UP], pods=[pod(PodPhase.RUNNING, 0, (R, NONE)), pod(PodPhase.SUCCEEDED, 0, (T, OK))])
    t = step(m, s, "N4", node=0)
    assert t is not None
    assert t.nodes[0].ready is Ready.UNKNOWN
    assert t.pods[0].phase is PodPhase.FAILED and t.pods[0].containers[0].state is R  # still running
    assert t.pods[1].phase is PodPhase.SUCCEEDED  # terminal pods keep their phase
    assert step(m, t, "N4", node=0) is None  # once Unknown, no second expiry
    assert step(m, s, "N4", node=1) is None  # reachable nodes do not expire


def test_n5_disk_failure_kills_containers() -> None:
    m = model(containers=2)
    s = state(m, pods=[pod(PodPhase.RUNNING, 0, (R, NONE), (T, OK)), pod(PodPhase.RUNNING, 1, (R, NONE), (R, NONE))])
    t = step(m, s, "N5", node=0)
    assert t is not None
    assert not t.nodes[0].disk_ok and t.nodes[0].ready is Ready.FALSE
    p = t.pods[0]
    assert p.phase is PodPhase.FAILED
    assert [(c.state, c.last_exit) for c in p.containers] == [(T, ERR), (T, OK)]
    assert t.pods[1] == s.pods[1]  # other node untouched
    assert step(m, t, "N5", node=0) is None


def test_n6_terminate_deletes_bound_pods() -> None:
    m = model()
    s = state(m, pods=[pod(PodPhase.FAILED, 0, (T, ERR)), pod(PodPhase.PENDING, None, (W, NONE))])
    t = step(m, s, "N6", node=0)
    assert t is not None
    assert t.nodes[0] == NodeState(NodePhase.TERMINATED, False, Ready.UNKNOWN, False)
    assert t.pods[0] == empty_pod()
    assert t.pods[1] == s.pods[1]  # unbound pod stays
    assert step(m, t, "N6", node=0) is None
    assert step(m, state(m, nodes=[PENDING_NODE, UP]), "N6", node=0) is not None  # a Pending node can go too


def test_p1_schedule_needs_healthy_ready_node() -> None:
    m = model()
    s = state(m, nodes=[UP, PENDING_NODE], pods=[pod(PodPhase.PENDING, None, (W, NONE))])
    t = step(m, s, "P1", pod=0, node=0)
    assert t is not None and t.pods[0].node == 0
    assert step(m, s, "P1", pod=0, node=1) is None  # not Running
    assert step(m, t, "P1", pod=0, node=0) is None  # bound once
    unreachable = replace(UP, reachable=False)
    assert step(m, state(m, nodes=[unreachable, UP], pods=[s.pods[0]]), "P1", pod=0, node=0) is None
    assert step(m, state(m), "P1", pod=0, node=0) is None  # no pod in the slot


def test_p2_start_counts_restarts_and_saturates() -> None:
    m = model(cap=1)
    s = state(m, pods=[pod(PodPhase.PENDING, 0, (W, NONE))])
    t = step(m, s, "P2", pod=0, container=0)
    assert t is not None and t.pods[0].phase is PodPhase.RUNNING and t.pods[0].containers[0].restarts == 0
    again = state(m, pods=[pod(PodPhase.RUNNING, 0, (W, ERR, 0))])
    t2 = step(m, again, "P2", pod=0, container=0)
    assert t2 is not None and t2.pods[0].containers[0].restarts == 1
    capped = state(m, pods=[pod(PodPhase.RUNNING, 0, (W, ERR, 1))])
    t3 = step(m, capped, "P2", pod=0, container=0)
    assert t3 is not None and t3.pods[0].containers[0].restarts == 1
    assert step(m, state(m, pods=[pod(PodPhase.FAILED, 0, (W, NONE))]), "P2", pod=0, container=0) is None
    lost = state(m, nodes=[replace(UP, reachable=False), UP], pods=[s.pods[0]])
    assert step(m, lost, "P2", pod=0, container=0) is None


def test_p3_exit_recomputes_phase_but_terminal_is_sticky() -> None:
    m = model(policy=Policy.NEVER)
    s = state(m, pods=[pod(PodPhase.RUNNING, 0, (R, NONE))])
    for code, phase in ((OK, PodPhase.SUCCEEDED), (ERR, PodPhase.FAILED), (OOM, PodPhase.FAILED)):
        t = step(m, s, "P3", pod=0, container=0, code=code.label)
        assert t is not None and t.pods[0].phase is phase and t.pods[0].containers[0].last_exit is code
    # A Failed pod whose containers kept running after a partition: exits keep it Failed.
    zombie = state(m, pods=[pod(PodPhase.FAILED, 0, (R, NONE))])
    z = step(m, zombie, "P3", pod=0, container=0, code="ok")
    assert z is not None and z.pods[0].phase is PodPhase.FAILED


def test_p4_restart_follows_policy() -> None:
    for policy, code, allowed in [
        (Policy.ALWAYS, OK, True), (Policy.ALWAYS, ERR, True), (Policy.ON_FAILURE, OK, False),
        (Policy.ON_FAILURE, OOM, True), (Policy.NEVER, ERR, False),
    ]:
        m = model(policy=policy, containers=2)
        s = state(m, pods=[pod(PodPhase.RUNNING, 0, (T, code), (R, NONE))])
        t = step(m, s, "P4", pod=0, container=0)
        assert (t is not None) == allowed, (policy, code)
        if t is not None:
            c = t.pods[0].containers[0]
            assert (c.state, c.last_exit) == (W, code) and t.pods[0].phase is PodPhase.RUNNING
    m = model()
    assert step(m, state(m, pods=[pod(PodPhase.FAILED, 0, (T, ERR))]), "P4", pod=0, container=0) is None


def test_p5_delete_only_terminal_pods() -> None:
    m = model()
    t = step(m, state(m, pods=[pod(PodPhase.SUCCEEDED, 0, (T, OK))]), "P5", pod=0)
    assert t is not None and t.pods[0] == empty_pod()
    assert step(m, state(m, pods=[pod(PodPhase.RUNNING, 0, (R, NONE))]), "P5", pod=0) is None


def test_r1_fills_lowest_free_slot_up_to_replicas() -> None:
    m = model(slots=3, replicas=2)
    s = state(m, pods=[pod(PodPhase.RUNNING, 0, (R, NONE))])
    assert step(m, s, "R1", slot=2) is None  # not the lowest free slot
    t = step(m, s, "R1", slot=1)
    assert t is not None and t.pods[1] == replace(empty_pod(), exists=True)
    assert all(step(m, t, "R1", slot=k) is None for k in range(3))  # two active: enough
    failed = state(m, pods=[pod(PodPhase.FAILED, 0, (T, ERR)), pod(PodPhase.RUNNING, 1, (R, NONE))])
    assert step(m, failed, "R1", slot=2) is not None  # a failed pod does not count


def test_uncontrolled_slots_are_never_filled() -> None:
    m = model(controlled=False)
    assert m.transition_index("R1", slot=0) is None
