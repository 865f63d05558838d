"""Properties of the ``modern`` profile as named data with witnesses.

The seed's section-5 properties restated for today's Kubernetes (the
ReplicaSet's active pods exclude Terminating ones; phase consistency is
checked against the kubelet's ``getPhase``), plus what today's semantics
promises: init containers and sidecars gate the main containers, graceful
deletion keeps the phase until the kubelet writes a terminal one, and the
kubelet writes it before removing the pod.

Phase consistency uses the *reference* function
(:func:`kubelife.profiles.modern.phase.modern_phase`), never the semantics' hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import Policy
from kubelife.profiles.modern.client_rows import client_properties
from kubelife.profiles.modern.kubelet_events import fresh
from kubelife.profiles.modern.phase import modern_phase
from kubelife.profiles.modern.semantics import (
    ABSENT,
    C_RUNNING,
    C_TERMINATED,
    FAILED,
    N_DELETED,
    N_REGISTERED,
    NONE,
    OK,
    PENDING,
    R_TRUE,
    RUNNING,
    SUCCEEDED,
    ModernSemantics,
)
from kubelife.profiles.modern.shape import ModernShape
from kubelife.properties.core import Property

__all__ = ["modern_properties", "EXPECTED_VIOLATION", "SIDECAR_VIOLATION"]

V = Sequence[Any]

EXPECTED_VIOLATION = "at most R copies of a controlled pod run at once"
SIDECAR_VIOLATION = "a sidecar is running whenever a main container is"


def modern_properties(m: ClusterModel) -> list[Property]:
    sh, rules, cfg = cast(ModernShape, m.shape), cast(ModernSemantics, m.rules), m.config
    pods, nodes = sh.pods, sh.nodes

    def exists(v: V, o: Ops, p: Any) -> Any:
        return o.truth(v[p.exists])

    def same_pod(a: V, b: V, o: Ops, p: Any) -> Any:
        return o.and_(exists(a, o, p), exists(b, o, p))

    def terminal(o: Ops, ph: Any) -> Any:
        return o.or_(o.eq(ph, SUCCEEDED), o.eq(ph, FAILED))

    def started(v: V, o: Ops, c: Any) -> Any:
        return o.or_(o.eq(v[c.state], C_RUNNING), o.eq(v[c.state], C_TERMINATED), o.ne(v[c.last], NONE))

    def any_main_started(v: V, o: Ops, p: Any) -> Any:
        return o.or_(*(started(v, o, c) for c in p.containers))

    def effective(p: Any, c: Any) -> Policy:
        return c.policy if c.policy is not None else cfg.slots[p.p].policy

    def any_(f: Any) -> Any:
        return lambda *a: a[-1].or_(*f(*a))

    def all_(f: Any) -> Any:
        return lambda *a: a[-1].and_(*f(*a))

    # -- section 5, restated -------------------------------------------------------------------

    @all_
    def well_formed(v: V, o: Ops) -> list[Any]:
        out = []
        for p in pods:
            empty = sh.empty_pod(p)
            out.append(o.implies(o.not_(exists(v, o, p)),
                                 o.and_(*(o.eq(v[k], x) for k, x in empty.items() if k != p.exists))))
            fresh = o.and_(o.eq(v[p.phase], PENDING), o.eq(v[p.deleting], 0),
                           *(o.eq(v[c.state], ABSENT) for c in p.all))
            out.append(o.implies(o.and_(exists(v, o, p), o.eq(v[p.node], 0)), fresh))
        return out

    @any_
    def unbound_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.eq(v[p.node], 0)) for p in pods]

    @all_
    def absorbing(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), terminal(o, a[p.phase])), o.eq(b[p.phase], a[p.phase]))
                for p in pods]

    @any_
    def absorbing_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), terminal(o, a[p.phase])) for p in pods]

    @all_
    def bound_once(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), o.ne(a[p.node], 0)), o.eq(b[p.node], a[p.node])) for p in pods]

    @any_
    def bound_once_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.ne(a[p.node], 0)) for p in pods]

    @all_
    def succeeded_clean(v: V, o: Ops) -> list[Any]:
        out = []
        for p in pods:
            ok = o.and_(*(o.and_(o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last], OK)) for c in p.containers))
            if any(effective(p, c) is Policy.ALWAYS for c in p.containers):
                ok = o.and_(ok, o.truth(v[p.deleting]))
            out.append(o.implies(o.and_(exists(v, o, p), o.eq(v[p.phase], SUCCEEDED)), ok))
        return out

    @any_
    def succeeded_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.eq(v[p.phase], SUCCEEDED)) for p in pods]

    def restarted(v: V, o: Ops, c: Any) -> Any:
        return o.or_(o.ne(v[c.restarts], 0), o.and_(o.ne(v[c.state], C_TERMINATED), o.ne(v[c.last], NONE)))

    def never_containers() -> list[tuple[Any, Any]]:
        out = [(p, c) for p in pods for c in p.containers if effective(p, c) is Policy.NEVER]
        return out + [(p, c) for p in pods if cfg.slots[p.p].policy is Policy.NEVER for c in p.inits]

    @all_
    def never_restarts(v: V, o: Ops) -> list[Any]:
        return [o.not_(restarted(v, o, c)) for _, c in never_containers()]

    @any_
    def never_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.eq(v[c.state], C_TERMINATED)) for p, c in never_containers()]

    def onfailure_containers() -> list[tuple[Any, Any]]:
        return [(p, c) for p in pods for c in p.containers if effective(p, c) is Policy.ON_FAILURE]

    @all_
    def onfailure_keeps_ok(v: V, o: Ops) -> list[Any]:
        return [o.not_(o.and_(o.ne(v[c.state], C_TERMINATED), o.eq(v[c.last], OK))) for _, c in onfailure_containers()]

    @any_
    def onfailure_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last], OK), o.eq(v[p.phase], RUNNING))
                for p, c in onfailure_containers()]

    @all_
    def running_bound(v: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(exists(v, o, p), o.eq(v[p.phase], RUNNING)), o.ne(v[p.node], 0)) for p in pods]

    @any_
    def running_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.eq(v[p.phase], RUNNING)) for p in pods]

    @all_
    def schedule_ready(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), rules.bound_to(b, o, p, n)),
                          o.and_(o.eq(a[n.obj], N_REGISTERED), o.eq(a[n.ready], R_TRUE), o.eq(a[n.pressure], 0),
                                 o.eq(a[p.deleting], 0)))
                for p in pods for n in nodes]

    @any_
    def schedule_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), o.ne(b[p.node], 0)) for p in pods]

    def reference_phase(v: V, o: Ops, p: Any) -> Any:
        def st(cs: Any) -> list[Any]:
            return [(v[c.state], v[c.last], o.eq(v[c.state], C_RUNNING)) for c in cs]
        return modern_phase(o, st(p.inits), st(p.sidecars), st(p.containers), cfg.slots[p.p].policy,
                            [c.policy for c in p.containers], restart_rules=rules.restart_rules(p),
                            **rules.phase_rules(v, o, p))

    @all_
    def consistent(v: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(exists(v, o, p), o.not_(terminal(o, v[p.phase])), o.eq(v[p.deleting], 0),
                                 o.or_(o.eq(v[p.node], 0), rules.on_healthy_node(v, o, p))),
                          o.eq(v[p.phase], reference_phase(v, o, p)))
                for p in pods]

    @any_
    def consistent_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), o.not_(terminal(o, v[p.phase])), o.eq(v[p.deleting], 0),
                       rules.on_healthy_node(v, o, p), o.or_(*(started(v, o, c) for c in p.all)))
                for p in pods]

    def kubelet_ends(a: V, b: V, o: Ops, p: Any) -> Any:
        # The kubelet's own phase computation makes the pod terminal (not an eviction, PodGC or a kill).
        # A kubelet eviction or admission rejection (status.reason) is not getPhase either.
        evicted = False if p.kubelet_failed is None else o.truth(b[p.kubelet_failed])
        return o.and_(same_pod(a, b, o, p), o.not_(terminal(o, a[p.phase])), terminal(o, b[p.phase]),
                      o.eq(a[p.deleting], 0), o.eq(b[p.disruption], 0), rules.on_healthy_node(b, o, p),
                      o.not_(evicted))

    @all_
    def terminal_consistent(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(kubelet_ends(a, b, o, p), o.eq(b[p.phase], reference_phase(b, o, p))) for p in pods]

    @any_
    def terminal_consistent_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [kubelet_ends(a, b, o, p) for p in pods]

    @all_
    def restarts_monotone(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(same_pod(a, b, o, p), o.le(a[c.restarts], b[c.restarts])) for p in pods for c in p.all]

    @any_
    def restarts_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.lt(a[c.restarts], b[c.restarts])) for p in pods for c in p.all]

    controlled = [p for p in pods if cfg.slots[p.p].controlled]

    def active(v: V, o: Ops, p: Any) -> Any:
        # IsPodActive, stated here rather than taken from the semantics' hook a mutant may change.
        return o.and_(exists(v, o, p), o.not_(terminal(o, v[p.phase])), o.eq(v[p.deleting], 0))

    def replicas_bounded(v: V, o: Ops) -> Any:
        return o.le(o.count(active(v, o, p) for p in controlled), cfg.replicas)

    def replicas_witness(v: V, o: Ops) -> Any:
        if not controlled or cfg.replicas == 0:
            return False
        return o.eq(o.count(active(v, o, p) for p in controlled), cfg.replicas)

    def runs(v: V, o: Ops, p: Any) -> Any:
        return o.and_(exists(v, o, p), o.or_(*(o.eq(v[c.state], C_RUNNING) for c in p.containers)))

    def copies_bounded(v: V, o: Ops) -> Any:
        return o.le(o.count(runs(v, o, p) for p in controlled), cfg.replicas)

    def copies_witness(v: V, o: Ops) -> Any:
        return o.not_(copies_bounded(v, o))

    # -- what today's semantics adds -----------------------------------------------------------

    @all_
    def inits_first(v: V, o: Ops) -> list[Any]:
        # ... in the current sandbox: a recreated one runs the init containers again first.
        return [o.implies(o.and_(any_main_started(v, o, p), o.not_(fresh(v, o, p))),
                          o.and_(*(o.and_(o.eq(v[i.state], C_TERMINATED), o.eq(v[i.last], OK)) for i in p.inits)))
                for p in pods if p.inits]

    @any_
    def inits_first_witness(v: V, o: Ops) -> list[Any]:
        return [o.and_(exists(v, o, p), any_main_started(v, o, p)) for p in pods if p.inits]

    @all_
    def sidecars_first(a: V, b: V, o: Ops) -> list[Any]:
        # A main container's first start happens only while every sidecar runs.
        return [o.implies(o.and_(same_pod(a, b, o, p), o.eq(a[c.last], NONE), o.ne(a[c.state], C_RUNNING),
                                 o.eq(b[c.state], C_RUNNING)),
                          o.and_(*(o.eq(a[s.state], C_RUNNING) for s in p.sidecars)))
                for p in pods if p.sidecars for c in p.containers]

    @any_
    def sidecars_first_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.eq(a[c.last], NONE), o.ne(a[c.state], C_RUNNING),
                       o.eq(b[c.state], C_RUNNING))
                for p in pods if p.sidecars for c in p.containers]

    @all_
    def sidecar_running(v: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(exists(v, o, p), o.or_(*(o.eq(v[c.state], C_RUNNING) for c in p.containers))),
                          o.and_(*(o.eq(v[s.state], C_RUNNING) for s in p.sidecars)))
                for p in pods if p.sidecars]

    def sidecar_running_witness(v: V, o: Ops) -> Any:
        return o.not_(sidecar_running(v, o))

    @all_
    def terminating_starts_nothing(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), o.truth(a[p.deleting]), o.ne(a[c.state], C_RUNNING)),
                          o.ne(b[c.state], C_RUNNING))
                for p in pods for c in p.all]

    @any_
    def terminating_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.truth(a[p.deleting])) for p in pods]

    @all_
    def terminating_sticks(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), o.truth(a[p.deleting])), o.truth(b[p.deleting])) for p in pods]

    @all_
    def delete_keeps_phase(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(o.and_(same_pod(a, b, o, p), o.eq(a[p.deleting], 0), o.truth(b[p.deleting])),
                          o.eq(b[p.phase], a[p.phase]))
                for p in pods]

    @any_
    def delete_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.eq(a[p.deleting], 0), o.truth(b[p.deleting])) for p in pods]

    def kubelet_removes(a: V, b: V, o: Ops, p: Any) -> Any:
        return o.and_(exists(a, o, p), o.not_(exists(b, o, p)), o.truth(a[p.deleting]), rules.on_healthy_node(a, o, p))

    @all_
    def terminal_before_removal(a: V, b: V, o: Ops) -> list[Any]:
        return [o.implies(kubelet_removes(a, b, o, p), terminal(o, a[p.phase])) for p in pods]

    @any_
    def removal_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [kubelet_removes(a, b, o, p) for p in pods]

    @all_
    def disruption_cause(a: V, b: V, o: Ops) -> list[Any]:
        out = []
        for p in pods:
            flips = o.and_(same_pod(a, b, o, p), o.eq(a[p.disruption], 0), o.truth(b[p.disruption]))
            cause = o.or_(*(o.and_(rules.bound_to(a, o, p, n),
                                   o.or_(o.ne(a[n.ready], R_TRUE), o.eq(a[n.obj], N_DELETED), o.truth(b[n.pressure])))
                            for n in nodes))
            if p.reason is not None:  # clients name their reason (Eviction API, preemption, kubelet; issue 21)
                cause = o.or_(cause, o.ne(b[p.reason], 0))
            out.append(o.implies(flips, cause))
        return out

    @any_
    def disruption_witness(a: V, b: V, o: Ops) -> list[Any]:
        return [o.and_(same_pod(a, b, o, p), o.eq(a[p.disruption], 0), o.truth(b[p.disruption])) for p in pods]

    @all_
    def ready_means_running(v: V, o: Ops) -> list[Any]:
        return [o.implies(rules.pod_ready(v, o, p), o.eq(v[p.phase], RUNNING)) for p in pods]

    @any_
    def ready_witness(v: V, o: Ops) -> list[Any]:
        return [rules.pod_ready(v, o, p) for p in pods]

    return [
        Property("states are well formed", "invariant", well_formed, unbound_witness, "§1",
                 "An empty slot holds the new-pod value; an unbound pod is Pending, not Terminating, "
                 "and has no container statuses."),
        Property("terminal phases are absorbing", "step", absorbing, absorbing_witness, "§5.1"),
        Property("a pod's binding is set at most once", "step", bound_once, bound_once_witness, "§5.1"),
        Property("Succeeded means every main container exited ok, and under Always only for a deleted pod",
                 "invariant", succeeded_clean, succeeded_witness, "§5.2 (modern)"),
        Property("policy Never never restarts a container", "invariant", never_restarts, never_witness, "§5.3",
                 "main containers whose effective policy is Never, and regular init containers of a Never pod"),
        Property("OnFailure never restarts a container that exited ok", "invariant", onfailure_keeps_ok,
                 onfailure_witness, "§5.3"),
        Property("a Running pod is bound", "invariant", running_bound, running_witness, "§5.4"),
        Property("pods are scheduled only to registered, Ready nodes without DiskPressure", "step", schedule_ready,
                 schedule_witness, "§5.4 (modern)"),
        Property("the phase is what the kubelet's getPhase gives", "invariant", consistent, consistent_witness,
                 "§5.5 (modern)", "for pods that are not terminal, not Terminating, and unbound or on a node "
                 "whose kubelet reports"),
        Property("a terminal phase the kubelet computes is what getPhase gives", "step", terminal_consistent,
                 terminal_consistent_witness, "§5.5 (modern)",
                 "the step that makes a pod Succeeded or Failed, other than an eviction, PodGC or a kill"),
        Property("restart counts never decrease", "step", restarts_monotone, restarts_witness, "§5.6"),
        Property("the ReplicaSet never has more than R active pods", "invariant", replicas_bounded,
                 replicas_witness, "§5.7 (modern)", "active = not terminal and not Terminating (IsPodActive)"),
        Property(EXPECTED_VIOLATION, "expected-violation", copies_bounded, copies_witness, "§5 (known)",
                 "Kubernetes breaks this: an evicted pod stays Terminating, its containers running on the "
                 "unreachable node, while its replacement runs elsewhere."),
        Property("main containers start only after every init container has succeeded", "invariant", inits_first,
                 inits_first_witness, "modern"),
        Property("a main container first starts only while every sidecar is running", "step", sidecars_first,
                 sidecars_first_witness, "modern"),
        Property(SIDECAR_VIOLATION, "expected-violation", sidecar_running, sidecar_running_witness, "modern (known)",
                 "Kubernetes breaks this: a sidecar may crash and back off while the main containers run."),
        Property("a Terminating pod starts no container", "step", terminating_starts_nothing, terminating_witness,
                 "modern"),
        Property("Terminating is permanent", "step", terminating_sticks, terminating_witness, "modern"),
        Property("graceful deletion leaves the phase alone", "step", delete_keeps_phase, delete_witness, "modern",
                 "eviction by the taint manager and user deletes mark the pod Terminating; the phase "
                 "changes only when the kubelet or PodGC acts"),
        Property("the kubelet writes a terminal phase before it removes a pod", "step", terminal_before_removal,
                 removal_witness, "modern (since 1.27)"),
        Property("DisruptionTarget is set only on a not-Ready, deleted or disk-pressured node", "step",
                 disruption_cause, disruption_witness, "modern"),
        Property("a Ready pod is Running", "invariant", ready_means_running, ready_witness, "modern"),
        *client_properties(m),  # issue 21: only where a client option is on
    ]
