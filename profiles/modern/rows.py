"""Scenario rows S1-S7 restated for the ``modern`` profile, new modern rows, and the comparison table.

Rows keep the seed's ids where the row still applies, so reports line the two
profiles up.  S1-S5 apply to plain pods (no init containers or sidecars).
"Restart" is today's: the restart step is enabled after the exit, the pod stays
Running, and the container runs again with ``restarts`` grown, either at once
(first restart after a clean run) or after waiting in CrashLoopBackOff.
S7 is where today's Kubernetes differs most: the lost node's pod is not marked
Failed; it goes Ready=False, is evicted after its toleration (Terminating, phase
still Running) and is replaced at once.

:data:`ROW_NOTES` says what changed in each row from the profile this one refines (docs/modern.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, apply
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import Policy
from kubelife.profiles.modern.access import all_pods as _pods
from kubelife.profiles.modern.access import node_of as _node_of
from kubelife.profiles.modern.access import pod_of as _pod_of
from kubelife.profiles.modern.access import rules as _r
from kubelife.profiles.modern.access import shape as _sh
from kubelife.profiles.modern.client_rows import CLIENT_ROWS
from kubelife.profiles.modern.kubelet_events import fresh
from kubelife.profiles.modern.semantics import (
    C_RUNNING,
    C_TERMINATED,
    ERROR,
    FAILED,
    N_PENDING,
    N_REGISTERED,
    OK,
    PENDING,
    R_TRUE,
    R_UNKNOWN,
    RUNNING,
    SUCCEEDED,
    T_UNREACHABLE,
    WAITING,
)
from kubelife.profiles.modern.shape import MNodeIx, MPodIx
from kubelife.profiles.modern.types import Kind, MExit
from kubelife.profiles.modern.versions import disruption_condition
from kubelife.properties.core import Row
from kubelife.properties.patterns import replacement

__all__ = ["MODERN_ROWS", "MODERN_ROW_IDS", "ROW_NOTES"]

V = Sequence[Any]







def _cname(c: Any) -> str:
    return f"{ {Kind.INIT: 'i', Kind.SIDECAR: 's', Kind.MAIN: 'c'}[c.kind] }{c.k}"


def _container(p: MPodIx, name: str) -> Any:
    return next(c for c in p.all if _cname(c) == name)


def _plain(m: ClusterModel, p: MPodIx) -> bool:
    return not p.inits and not p.sidecars and not m.config.slots[p.p].container_policies


def _live_on_kubelet(m: ClusterModel, v: V, o: Ops, p: MPodIx) -> Any:
    return o.and_(_r(m).live(v, o, p), _r(m).on_healthy_node(v, o, p))


def restart_outcome(m: ClusterModel, after: V, o: Ops, p: MPodIx, c: Any) -> Any:
    """Restart enabled; the pod stays Running; the container runs again, at once or after back-off."""
    name = _cname(c)
    g4, v4 = apply(m.transition("P4", pod=p.p, container=name), after, o)
    g2, v2 = apply(m.transition("P2", pod=p.p, container=name), v4, o)
    grown = o.min_(o.add(after[c.restarts], 1), m.config.restart_cap)
    at_once = o.and_(o.eq(v4[c.state], C_RUNNING), o.eq(v4[c.restarts], grown))
    backoff = o.and_(o.eq(v4[c.state], WAITING), g2, o.eq(v2[p.phase], RUNNING), o.eq(v2[c.restarts], grown))
    return o.and_(g4, o.eq(v4[p.phase], RUNNING), o.or_(at_once, backoff))


def _restart_enabled(m: ClusterModel, v: V, o: Ops, p: MPodIx, c: Any) -> Any:
    return apply(m.transition("P4", pod=p.p, container=_cname(c)), v, o)[0]


# -- S1-S5 --------------------------------------------------------------------------------------


def _exit_row(row: str, title: str, codes: tuple[MExit, ...], containers: int, policy: Policy, expect: str,
              text: str, other_failed: bool = False, both_running: bool = False) -> Row:
    labels = {c.label for c in codes}

    def event(a: Action) -> bool:
        return a.kind == "P3" and a.arg("code") in labels and str(a.arg("container")).startswith("c")

    def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if not (row_obj.applies(m, cast(Any, p)) and _plain(m, p)):
            return False
        c = _container(p, a.arg("container"))
        parts = [_live_on_kubelet(m, v, o, p), o.eq(v[p.phase], RUNNING), o.eq(v[c.state], C_RUNNING)]
        others = [x for x in p.containers if x is not c]
        if both_running:
            parts += [o.eq(v[x.state], C_RUNNING) for x in others]
        if other_failed:
            parts += [o.and_(o.eq(v[x.state], C_TERMINATED), o.eq(v[x.last], ERROR)) for x in others]
        return o.and_(*parts)

    def outcome(m: ClusterModel, before: V, after: V, o: Ops, p: MPodIx, a: Action) -> Any:
        c = _container(p, a.arg("container"))
        if expect == "restart":
            return restart_outcome(m, after, o, p, c)
        if expect == "stays":
            return o.and_(o.eq(after[p.phase], RUNNING), *(o.not_(_restart_enabled(m, after, o, p, x))
                                                          for x in p.containers))
        if expect == "failed-restart":
            parts = [o.eq(after[p.phase], RUNNING)]
            for x in p.containers:
                failed = o.and_(o.eq(after[x.state], C_TERMINATED), o.ne(after[x.last], OK))
                ok = o.and_(o.eq(after[x.state], C_TERMINATED), o.eq(after[x.last], OK))
                parts.append(o.implies(failed, restart_outcome(m, after, o, p, x)))
                parts.append(o.implies(ok, o.not_(_restart_enabled(m, after, o, p, x))))
            return o.and_(*parts)
        return o.eq(after[p.phase], SUCCEEDED if expect == "Succeeded" else FAILED)

    row_obj = Row(f"{row}-{policy.label}", title, frozenset({"P3"}), event, _pod_of, pre, outcome, text,
                  policy=policy, containers=containers)
    return row_obj


_TEXT = {
    "restart": "restart (first at once, later after CrashLoopBackOff), pod stays Running",
    "Succeeded": "pod Succeeded",
    "Failed": "pod Failed",
    "stays": "pod stays Running, no restart",
    "failed-restart": "the failed container(s) restart (with back-off), pod stays Running",
}


def _exit_rows() -> list[Row]:
    A, F, N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER
    t1 = "1 container, Running; it exits 0 (Completed)"
    t2 = "1 container, Running; it exits non-zero (Error)"
    t3 = "2 containers, both Running; one exits non-zero"
    t4 = "2 containers, one exited non-zero and not yet restarted; the other exits 0 or non-zero"
    t5 = "1 container, Running; it is OOM-killed (OOMKilled)"
    ok, err, oom = (MExit.OK,), (MExit.ERROR,), (MExit.OOM,)
    both = (MExit.OK, MExit.ERROR)
    spec = [
        ("S1", t1, ok, 1, ("restart", "Succeeded", "Succeeded"), {}),
        ("S2", t2, err, 1, ("restart", "restart", "Failed"), {}),
        ("S3", t3, err, 2, ("restart", "restart", "stays"), {"both_running": True}),
        ("S4", t4, both, 2, ("restart", "failed-restart", "Failed"), {"other_failed": True}),
        ("S5", t5, oom, 1, ("restart", "restart", "Failed"), {}),
    ]
    return [_exit_row(rid, title, codes, n, pol, exp, _TEXT[exp], **kw)  # type: ignore[arg-type]
            for rid, title, codes, n, exps, kw in spec for pol, exp in zip((A, F, N), exps)]


# -- S6, S7 -------------------------------------------------------------------------------------


def _room(m: ClusterModel, v: V, o: Ops, p: MPodIx) -> Any:
    """Within the slot bound a replacement fits: every other controlled slot is empty or terminal."""
    return o.and_(*(o.or_(o.not_(o.truth(v[q.exists])), _r(m).terminal(o, v[q.phase]))
                    for q in _sh(m).pods if q is not p and m.config.slots[q.p].controlled))


def _other_ready(m: ClusterModel, v: V, o: Ops, lost: MNodeIx) -> Any:
    return o.or_(*(_r(m).healthy(v, o, n) for n in _sh(m).nodes if n.n != lost.n))


def _fault_row(rid: str, kind: str, controlled: bool) -> Row:
    def event(a: Action) -> bool:
        return a.kind == kind

    def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if controlled and not m.config.slots[p.p].controlled:
            return False
        n = _sh(m).nodes[a.arg("node")]
        parts = [_r(m).live(v, o, p), o.eq(v[p.phase], RUNNING), _r(m).bound_to(v, o, p, n)]
        if kind == "N5":
            parts.append(_r(m).kubelet_up(v, o, n))
        else:  # heartbeats stopped, grace period not yet expired
            parts += [o.eq(v[n.obj], N_REGISTERED), o.eq(v[n.heartbeat], 0), o.ne(v[n.ready], R_UNKNOWN)]
        if controlled:
            parts += [_other_ready(m, v, o, n), _room(m, v, o, p)]
        return o.and_(*parts)

    def outcome(m: ClusterModel, before: V, after: V, o: Ops, p: MPodIx, a: Action) -> Any:
        n = _sh(m).nodes[a.arg("node")]
        if kind == "N5":
            parts = [o.eq(after[p.phase], FAILED), _disrupted(m, o, after[p.disruption])]
            parts += [o.ne(after[c.state], C_RUNNING) for c in p.all]
            if controlled:
                parts.append(replacement(m, after, o, n))  # type: ignore[arg-type]
            return o.and_(*parts)
        # Grace expiry: Ready Unknown, unreachable taint, pod Ready False, phase unchanged;
        # after the toleration the taint manager evicts: Terminating, phase still Running.
        ge, ev = apply(m.transition("E1", pod=p.p), after, o)
        parts = [o.eq(after[p.phase], RUNNING), o.eq(after[n.ready], R_UNKNOWN),
                 o.eq(_r(m).taint(after, o, n), T_UNREACHABLE), o.not_(_r(m).pod_ready(after, o, p)),
                 ge, o.truth(ev[p.deleting]), _disrupted(m, o, ev[p.disruption]), o.eq(ev[p.phase], RUNNING)]
        if controlled:
            parts.append(replacement(m, ev, o, n))  # type: ignore[arg-type]
        return o.and_(*parts)

    if kind == "N5":
        title = "a Running pod's node comes under DiskPressure"
        expect = "the kubelet evicts it: containers killed, pod Failed (Evicted), DisruptionTarget"
    else:
        title = "a Running pod's node stops heartbeating past the grace period"
        expect = ("node Ready Unknown and tainted unreachable, pod Ready False, phase stays Running; after the "
                  "toleration the pod is evicted: Terminating, phase still Running")
    if controlled:
        title += " (controlled pod, another node ready)"
        expect += "; a replacement is created at once and can be scheduled on another node"
    return Row(rid, title, frozenset({kind}), event, _pods, pre, outcome, expect, controlled=controlled)


# -- node rows ----------------------------------------------------------------------------------


def _node_rows() -> list[Row]:
    def is_(kind: str) -> Callable[[Action], bool]:
        return lambda a: a.kind == kind

    def reg_pre(m: ClusterModel, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        return o.eq(v[n.obj], N_PENDING)

    def reg_out(m: ClusterModel, b: V, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        return o.and_(o.eq(v[n.obj], N_REGISTERED), o.eq(v[n.ready], R_TRUE))

    def gone_pre(m: ClusterModel, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        return True

    def gone_out(m: ClusterModel, b: V, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        return o.and_(*(o.not_(apply(m.transition("P1", pod=p.p, node=n.n), v, o)[0]) for p in _sh(m).pods))

    def orphan_pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        n = _sh(m).nodes[a.arg("node")]
        return o.and_(o.truth(v[p.exists]), _r(m).bound_to(v, o, p, n), o.not_(_r(m).terminal(o, v[p.phase])))

    def orphan_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        g, w = apply(m.transition("G1", pod=p.p), v, o)
        g5 = apply(m.transition("P5", pod=p.p), w, o)[0]
        return o.and_(o.truth(v[p.exists]), o.eq(v[p.phase], b[p.phase]), g, o.eq(w[p.phase], FAILED),
                      _disrupted(m, o, w[p.disruption]), g5)

    return [
        Row("N-register", "a node registers and its kubelet posts Ready", frozenset({"N1"}), is_("N1"), _node_of,
            reg_pre, reg_out, "node registered, Ready True"),
        Row("N-terminated", "a Node object is deleted", frozenset({"N6"}), is_("N6"), _node_of, gone_pre, gone_out,
            "no pod can be scheduled to it"),
        Row("N-dead-pods", "the Node of a live pod is deleted", frozenset({"N6"}), is_("N6"), _pods, orphan_pre,
            orphan_out,
            "the pod stays (orphan) with its phase; PodGC marks it Failed (DisruptionTarget) and deletes it"),
    ]


def _disrupted(m: ClusterModel, o: Ops, value: Any) -> Any:
    """The DisruptionTarget an eviction leaves: set only with PodDisruptionConditions (docs/fidelity.md B3)."""
    return o.eq(value, int(disruption_condition(m.config)))


# -- rows only the modern profile has -----------------------------------------------------------


def _modern_rows() -> list[Row]:
    def init_exit(a: Action) -> bool:
        return a.kind == "P3" and str(a.arg("container")).startswith("i") and a.arg("code") == "Error"

    def init_pre(policy_never: bool) -> Callable[..., Any]:
        def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
            if (m.config.slots[p.p].policy is Policy.NEVER) != policy_never or m.config.slots[p.p].container_policies:
                return False
            c = _container(p, a.arg("container"))
            # A first initialization (a recreated sandbox's re-run has the old mains Terminated).
            return o.and_(_live_on_kubelet(m, v, o, p), o.eq(v[c.state], C_RUNNING), o.not_(fresh(v, o, p)))
        return pre

    def init_fail_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        c = _container(p, a.arg("container"))
        return o.and_(o.eq(v[p.phase], FAILED), o.not_(_restart_enabled(m, v, o, p, c)))

    def init_retry_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        c = _container(p, a.arg("container"))
        return o.and_(o.eq(v[p.phase], PENDING), _restart_enabled(m, v, o, p, c),
                      *(o.eq(v[x.state], WAITING) for x in p.containers))

    def sidecar_exit(a: Action) -> bool:
        return a.kind == "P3" and str(a.arg("container")).startswith("s")

    def sidecar_pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        return o.and_(_live_on_kubelet(m, v, o, p), o.eq(v[p.phase], RUNNING),
                      o.or_(*(o.eq(v[x.state], C_RUNNING) for x in p.containers)))

    def sidecar_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        c = _container(p, a.arg("container"))
        return o.and_(o.eq(v[p.phase], RUNNING), _restart_enabled(m, v, o, p, c))

    def kill_pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        return o.truth(v[p.exists])

    def kill_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        return o.and_(_r(m).terminal(o, v[p.phase]), *(o.ne(v[c.state], C_RUNNING) for c in p.all),
                      apply(m.transition("K5", pod=p.p), v, o)[0])

    def backoff_event(a: Action) -> bool:
        return a.kind == "P4" and str(a.arg("container")).startswith("c")

    def backoff_pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if not _plain(m, p):
            return False
        c = _container(p, a.arg("container"))
        return o.and_(o.eq(v[p.phase], RUNNING), o.truth(v[c.backoff]))

    def backoff_out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        c = _container(p, a.arg("container"))
        return o.and_(o.eq(v[c.state], WAITING), o.ne(v[c.last], 0), o.eq(v[p.phase], RUNNING),
                      o.eq(v[c.restarts], b[c.restarts]))

    return [
        Row("M-init-fails-Never", "a regular init container exits non-zero, pod policy Never", frozenset({"P3"}),
            init_exit, _pod_of, init_pre(True), init_fail_out, "pod Failed, no retry"),
        Row("M-init-retried", "a regular init container exits non-zero, pod policy Always or OnFailure",
            frozenset({"P3"}), init_exit, _pod_of, init_pre(False), init_retry_out,
            "pod stays Pending, the init container is retried, main containers wait"),
        Row("M-sidecar-crash", "a sidecar exits while a main container runs", frozenset({"P3"}), sidecar_exit,
            _pod_of, sidecar_pre, sidecar_out, "pod stays Running, the sidecar restarts"),
        Row("M-graceful-delete", "the kubelet kills a Terminating pod", frozenset({"K4"}), lambda a: a.kind == "K4",
            _pod_of, kill_pre, kill_out, "no container runs, terminal phase written, then the pod is removed"),
        Row("M-backoff", "a container exits again before its back-off reset", frozenset({"P4"}), backoff_event,
            _pod_of, backoff_pre, backoff_out, "Waiting (CrashLoopBackOff), pod stays Running, restart count kept"),
    ]


MODERN_ROWS: tuple[Row, ...] = (
    *_exit_rows(),
    _fault_row("S6", "N5", False),
    _fault_row("S6-controlled", "N5", True),
    _fault_row("S7", "N4", False),
    _fault_row("S7-controlled", "N4", True),
    *_node_rows(),
    *_modern_rows(),
    *CLIENT_ROWS,  # issue 21: cordon, drain, budget, preemption, shutdown, pressure, force delete
)
MODERN_ROW_IDS: tuple[str, ...] = tuple(r.id for r in MODERN_ROWS)


# What each row says differently from the earlier documents' table (the profile this one refines);
# rows not listed have the same outcome.
ROW_NOTES: dict[str, str] = {
    "S1-Always": "first restart at once, later ones wait in CrashLoopBackOff (phase stays Running)",
    "S2-Always": "back-off as S1-Always", "S2-OnFailure": "back-off as S1-Always",
    "S3-Always": "back-off", "S3-OnFailure": "back-off", "S4-Always": "back-off", "S4-OnFailure": "back-off",
    "S5-Always": "back-off; reason OOMKilled", "S5-OnFailure": "back-off; reason OOMKilled",
    "S6": "no disk-failure rule today: DiskPressure node-pressure eviction by the kubelet (Evicted, "
          "DisruptionTarget); the node is not NotReady",
    "S6-controlled": "as S6; the replacement cannot go to the pressured node (NoSchedule)",
    "S7": "not Failed: Ready=False, unreachable taint, evicted after tolerationSeconds (300 s) and left "
          "Terminating with phase Running until the kubelet returns, PodGC or a force delete",
    "S7-controlled": "the replacement is created once the old pod is Terminating (not when Failed)",
    "N-register": "node phase is gone; the Node object registers and the kubelet posts Ready",
    "N-terminated": "a deleted Node gets no pods (it is not in the scheduler's cache)",
    "N-dead-pods": "pods of a deleted Node are not deleted with it: PodGC marks them Failed, then deletes them",
}
