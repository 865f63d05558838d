"""The documented scenario table (spec section 4) and the node-lifecycle rows.

A :class:`Row` is data: which transitions are its event, which pod (or
node) it is about, a precondition on the state before the event, and the
expected outcome on the state after it.  Predicates are written over
``Ops``, so the exhaustive checker, Z3 and Hypothesis check the same rows.

"Restart" in the table is made precise as the spec says: the restart step
(P4) is enabled after the event, the pod is still Running after it, and once
the container is started again (P2) the pod is Running with ``restarts``
grown (unless already at the cap).  "Recreated elsewhere" means: the
replication controller (after deleting the failed pod if no slot is free)
creates a pod in the lowest free slot, and the scheduler can bind it to a
node other than the lost one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, apply
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import Exit, Policy
from kubelife.profiles.seed.semantics import (
    C_RUNNING,
    C_TERMINATED,
    ERROR,
    FAILED,
    OK,
    PENDING_N,
    R_TRUE,
    R_UNKNOWN,
    RUNNING,
    RUNNING_N,
    SUCCEEDED,
)
from kubelife.profiles.seed.shape import NodeIx, PodIx
from kubelife.properties.core import Row
from kubelife.properties.patterns import replacement

__all__ = ["Row", "ROWS", "row_by_id", "ROW_IDS"]  # Row is re-exported from properties.core

V = Sequence[Any]
Focus = PodIx | NodeIx


# -- building blocks ------------------------------------------------------------------


def _pod_of(m: ClusterModel, a: Action) -> list[Focus]:
    return [m.shape.pods[a.arg("pod")]]


def _pods_on(m: ClusterModel, a: Action) -> list[Focus]:
    return list(m.shape.pods)


def _node_of(m: ClusterModel, a: Action) -> list[Focus]:
    return [m.shape.nodes[a.arg("node")]]


def _running_on_healthy(m: ClusterModel, v: V, o: Ops, p: PodIx) -> Any:
    return o.and_(o.truth(v[p.exists]), o.eq(v[p.phase], RUNNING), m.rules.on_healthy_node(v, o, p))


def restart_outcome(m: ClusterModel, after: V, o: Ops, p: PodIx, ci: int) -> Any:
    """Restart enabled; the pod stays Running through it and after the start, restarts grown."""
    c = p.containers[ci]
    g4, v4 = apply(m.transition("P4", pod=p.p, container=ci), after, o)
    g2, v2 = apply(m.transition("P2", pod=p.p, container=ci), v4, o)
    grown = o.min_(o.add(after[c.restarts], 1), m.config.restart_cap)
    return o.and_(g4, o.eq(v4[p.phase], RUNNING), g2, o.eq(v2[p.phase], RUNNING), o.eq(v2[c.restarts], grown))


def no_restart(m: ClusterModel, after: V, o: Ops, p: PodIx) -> Any:
    return o.and_(*(o.not_(apply(m.transition("P4", pod=p.p, container=ci), after, o)[0])
                    for ci in range(len(p.containers))))


def _other_node_ready(m: ClusterModel, v: V, o: Ops, lost: NodeIx) -> Any:
    return o.or_(*(o.and_(m.rules.healthy(v, o, n), o.eq(v[n.ready], R_TRUE))
                   for n in m.shape.nodes if n.n != lost.n))


def _node_of_pod(m: ClusterModel, a: Action) -> NodeIx:
    return m.shape.nodes[a.arg("node")]


# -- S1-S5: container exits -----------------------------------------------------------

_OUTCOME_TEXT = {
    "restart": "restart, pod stays Running",
    "Succeeded": "pod Succeeded",
    "Failed": "pod Failed",
    "stays": "pod stays Running, no restart",
    "failed-restart": "the failed container(s) restart, pod stays Running",
}


def _exit_row(row: str, title: str, codes: tuple[Exit, ...], containers: int, policy: Policy, expect: str,
              other_failed: bool = False, both_running: bool = False) -> Row:
    code_labels = {c.label for c in codes}

    def event(a: Action) -> bool:
        return a.kind == "P3" and a.arg("code") in code_labels

    def pre(m: ClusterModel, v: V, o: Ops, p: PodIx, a: Action) -> Any:
        if not (row_obj.applies(m, p)):
            return False
        ci = a.arg("container")
        c = p.containers[ci]
        parts = [_running_on_healthy(m, v, o, p), o.eq(v[c.state], C_RUNNING)]
        others = [x for k, x in enumerate(p.containers) if k != ci]
        if both_running:
            parts += [o.eq(v[x.state], C_RUNNING) for x in others]
        if other_failed:
            parts += [o.and_(o.eq(v[x.state], C_TERMINATED), o.eq(v[x.last_exit], ERROR)) for x in others]
        return o.and_(*parts)

    def outcome(m: ClusterModel, before: V, after: V, o: Ops, p: PodIx, a: Action) -> Any:
        ci = a.arg("container")
        if expect == "restart":
            return o.and_(o.eq(after[p.phase], RUNNING), restart_outcome(m, after, o, p, ci))
        if expect == "stays":
            return o.and_(o.eq(after[p.phase], RUNNING), no_restart(m, after, o, p))
        if expect == "failed-restart":
            parts = [o.eq(after[p.phase], RUNNING)]
            for k, x in enumerate(p.containers):
                failed = o.and_(o.eq(after[x.state], C_TERMINATED), o.ne(after[x.last_exit], OK))
                ok = o.and_(o.eq(after[x.state], C_TERMINATED), o.eq(after[x.last_exit], OK))
                parts.append(o.implies(failed, restart_outcome(m, after, o, p, k)))
                parts.append(o.implies(ok, o.not_(apply(m.transition("P4", pod=p.p, container=k), after, o)[0])))
            return o.and_(*parts)
        return o.eq(after[p.phase], SUCCEEDED if expect == "Succeeded" else FAILED)

    row_obj = Row(f"{row}-{policy.label}", title, frozenset({"P3"}), event, _pod_of, pre, outcome,
                  _OUTCOME_TEXT[expect], policy=policy, containers=containers)
    return row_obj


def _exit_rows() -> list[Row]:
    A, F, N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER
    t1 = "1 container, Running; it exits ok (completion event)"
    t2 = "1 container, Running; it exits with an error (failure event)"
    t3 = "2 containers, both Running; one exits with an error (failure event)"
    t4 = "2 containers, one exited with an error and not yet restarted; the other exits ok or error"
    t5 = "1 container, Running; it is OOM-killed (OOM event)"
    ok, err, oom = (Exit.OK,), (Exit.ERROR,), (Exit.OOM,)
    both = (Exit.OK, Exit.ERROR)
    return [
        _exit_row("S1", t1, ok, 1, A, "restart"),
        _exit_row("S1", t1, ok, 1, F, "Succeeded"),
        _exit_row("S1", t1, ok, 1, N, "Succeeded"),
        _exit_row("S2", t2, err, 1, A, "restart"),
        _exit_row("S2", t2, err, 1, F, "restart"),
        _exit_row("S2", t2, err, 1, N, "Failed"),
        _exit_row("S3", t3, err, 2, A, "restart", both_running=True),
        _exit_row("S3", t3, err, 2, F, "restart", both_running=True),
        _exit_row("S3", t3, err, 2, N, "stays", both_running=True),
        _exit_row("S4", t4, both, 2, A, "restart", other_failed=True),
        _exit_row("S4", t4, both, 2, F, "failed-restart", other_failed=True),
        _exit_row("S4", t4, both, 2, N, "Failed", other_failed=True),
        _exit_row("S5", t5, oom, 1, A, "restart"),
        _exit_row("S5", t5, oom, 1, F, "restart"),
        _exit_row("S5", t5, oom, 1, N, "Failed"),
    ]


# -- S6, S7: node faults --------------------------------------------------------------


def _fault_row(rid: str, kind: str, controlled: bool) -> Row:
    def event(a: Action) -> bool:
        return a.kind == kind

    def pre(m: ClusterModel, v: V, o: Ops, p: PodIx, a: Action) -> Any:
        if controlled and not m.config.slots[p.p].controlled:
            return False
        n = _node_of_pod(m, a)
        on_n = o.and_(o.truth(v[p.exists]), o.eq(v[p.phase], RUNNING), m.rules.bound_to(v, o, p, n))
        if kind == "N5":
            parts = [on_n, m.rules.healthy(v, o, n)]
        else:  # partitioned, grace period not yet expired
            parts = [on_n, o.eq(v[n.phase], RUNNING_N), o.not_(o.truth(v[n.reachable])), o.ne(v[n.ready], R_UNKNOWN)]
        if controlled:
            parts.append(_other_node_ready(m, v, o, n))
        return o.and_(*parts)

    def outcome(m: ClusterModel, before: V, after: V, o: Ops, p: PodIx, a: Action) -> Any:
        n = _node_of_pod(m, a)
        parts = [o.eq(after[p.phase], FAILED)]
        if kind == "N5":
            for c in p.containers:
                parts.append(o.eq(after[c.state], C_TERMINATED))
                parts.append(o.implies(o.ne(before[c.state], C_TERMINATED), o.eq(after[c.last_exit], ERROR)))
        if controlled:
            parts.append(replacement(m, after, o, n))
        return o.and_(*parts)

    if kind == "N5":
        title = "a Running pod's node loses its disk"
        expect = "all containers killed, pod Failed"
    else:
        title = "a Running pod's node is partitioned past the grace period"
        expect = "the node controller marks the pod Failed"
    if controlled:
        title += " (controlled pod, another node ready)"
        expect += "; a replacement is created and can be scheduled on another node"
    return Row(rid, title, frozenset({kind}), event, _pods_on, pre, outcome, expect, controlled=controlled)


# -- node lifecycle -------------------------------------------------------------------


def _node_rows() -> list[Row]:
    def is_(kind: str) -> Callable[[Action], bool]:
        return lambda a: a.kind == kind

    def reg_pre(m: ClusterModel, v: V, o: Ops, n: NodeIx, a: Action) -> Any:
        return o.eq(v[n.phase], PENDING_N)

    def reg_out(m: ClusterModel, b: V, v: V, o: Ops, n: NodeIx, a: Action) -> Any:
        return o.and_(o.eq(v[n.phase], RUNNING_N), o.eq(v[n.ready], R_TRUE))

    def term_pre(m: ClusterModel, v: V, o: Ops, n: NodeIx, a: Action) -> Any:
        return True

    def term_out(m: ClusterModel, b: V, v: V, o: Ops, n: NodeIx, a: Action) -> Any:
        parts = []
        for p in m.shape.pods:
            parts.append(o.not_(o.and_(o.truth(v[p.exists]), m.rules.bound_to(v, o, p, n))))
            parts.append(o.not_(apply(m.transition("P1", pod=p.p, node=n.n), v, o)[0]))
        return o.and_(*parts)

    def dead_pre(m: ClusterModel, v: V, o: Ops, p: PodIx, a: Action) -> Any:
        return o.and_(o.truth(v[p.exists]), m.rules.bound_to(v, o, p, _node_of_pod(m, a)))

    def dead_out(m: ClusterModel, b: V, v: V, o: Ops, p: PodIx, a: Action) -> Any:
        parts = [o.eq(v[k], val) for k, val in m.shape.empty_pod(p).items()]
        if m.config.slots[p.p].controlled:
            r1 = [apply(m.system.transitions[i], v, o)[0]
                  for q in m.shape.pods if (i := m.transition_index("R1", slot=q.p)) is not None]
            parts.append(o.implies(m.rules.active(b, o, p), o.or_(*r1)))
        return o.and_(*parts)

    return [
        Row("N-register", "a Pending node is found and checked in", frozenset({"N1"}), is_("N1"), _node_of,
            reg_pre, reg_out, "node Running, Ready True"),
        Row("N-terminated", "a node is terminated", frozenset({"N6"}), is_("N6"), _node_of, term_pre, term_out,
            "no pod bound to it, and none can be scheduled to it"),
        Row("N-dead-pods", "a node with a pod bound to it is terminated", frozenset({"N6"}), is_("N6"), _pods_on,
            dead_pre, dead_out, "the pod is deleted, not rescheduled; the controller may create a new one"),
    ]


ROWS: tuple[Row, ...] = (
    *_exit_rows(),
    _fault_row("S6", "N5", False),
    _fault_row("S6-controlled", "N5", True),
    _fault_row("S7", "N4", False),
    _fault_row("S7-controlled", "N4", True),
    *_node_rows(),
)
ROW_IDS: tuple[str, ...] = tuple(r.id for r in ROWS)
SCENARIO_IDS: tuple[str, ...] = tuple(r.id for r in ROWS if r.id.startswith("S"))


def row_by_id(rid: str) -> Row:
    for r in ROWS:
        if r.id == rid:
            return r
    raise KeyError(f"unknown row {rid!r}; known rows: {', '.join(ROW_IDS)}")
