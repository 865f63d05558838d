"""Scenario rows and properties of the issue-21 actions (profiles/modern/clients.py).

Rows: cordon, a drained controlled pod replaced elsewhere, an eviction under a budget, preemption,
graceful node shutdown, node-pressure eviction and a force delete of a running pod.  Properties:
no pod is scheduled to a cordoned node, cordoning touches no pod, evictions never take a budget
below ``minAvailable``, and a pod the kubelet failed has no running container.  A configuration
without the client options gets them as vacuously true (no witness), so its state space does not move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, apply
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles.modern.access import node_of as _node_of
from kubelife.profiles.modern.access import pod_of as _pod_of
from kubelife.profiles.modern.access import rules as _r
from kubelife.profiles.modern.access import shape as _sh
from kubelife.profiles.modern.clients import EVICTION_API, KUBELET, PREEMPTION
from kubelife.profiles.modern.semantics import C_RUNNING, FAILED, RUNNING
from kubelife.profiles.modern.shape import MNodeIx, MPodIx
from kubelife.properties.core import Property, Row
from kubelife.properties.patterns import replacement

__all__ = ["CLIENT_ROWS", "client_properties", "CORDON_PROPERTY", "BUDGET_PROPERTY", "KUBELET_FAILED_PROPERTY"]

V = Sequence[Any]

CORDON_PROPERTY = "no pod is scheduled to a cordoned or shutting-down node"
CORDON_QUIET = "cordoning and uncordoning change no pod"
BUDGET_PROPERTY = "the Eviction API never takes a budget's healthy pods below minAvailable"
KUBELET_FAILED_PROPERTY = "a pod the kubelet failed on shutdown or pressure has no running container"






def _is(kind: str) -> Any:
    return lambda a: a.kind == kind


def _no_running(v: V, o: Ops, p: MPodIx) -> Any:
    return o.and_(*(o.ne(v[c.state], C_RUNNING) for c in p.all))


def _reason(v: V, o: Ops, p: MPodIx, r: int) -> Any:
    return o.and_(o.truth(v[p.disruption]), o.eq(v[p.reason], r) if p.reason is not None else True)


def _no_binding_to(m: ClusterModel, v: V, o: Ops, n: MNodeIx) -> Any:
    return o.and_(*(o.not_(apply(m.transition("P1", pod=q.p, node=n.n), v, o)[0]) for q in _sh(m).pods))


def _running_pod(m: ClusterModel, v: V, o: Ops, p: MPodIx) -> Any:
    return o.and_(_r(m).live(v, o, p), o.eq(v[p.phase], RUNNING), _r(m).on_healthy_node(v, o, p))


def _healthy_count(m: ClusterModel, v: V, o: Ops) -> Any:
    """``currentHealthy`` restated (not the semantics' hook a mutant may change)."""
    ctl = [q for q in _sh(m).pods if m.config.slots[q.p].controlled]
    return o.add(m.config.pdb_others, o.count(
        o.and_(_r(m).pod_ready(v, o, q), o.eq(v[q.deleting], 0),
               *((o.eq(v[q.granted], 0),) if q.granted is not None else ())) for q in ctl))


# -- rows ------------------------------------------------------------------------------------------


def _cordon_row() -> Row:
    def pre(m: ClusterModel, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        return True

    def out(m: ClusterModel, b: V, v: V, o: Ops, n: MNodeIx, a: Action) -> Any:
        same = [o.eq(v[k], b[k]) for p in _sh(m).pods for k in _sh(m).empty_pod(p)]
        return o.and_(_no_binding_to(m, v, o, n), *same)
    return Row("M-cordon", "kubectl cordon marks a node unschedulable", frozenset({"U1"}), _is("U1"), _node_of, pre,
               out, "no new pod is bound there; the pods already there are untouched")


def _drain_row() -> Row:
    def cordoned_at(m: ClusterModel, v: V, o: Ops, p: MPodIx, n: MNodeIx) -> Any:
        k = n.unschedulable
        return o.and_(_r(m).bound_to(v, o, p, n), o.truth(v[k]) if k is not None else False)

    def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if not m.config.slots[p.p].controlled:
            return False
        # Some other controlled slot is free for the replacement (empty, or a terminal pod PodGC may delete).
        room = o.or_(*(o.or_(o.not_(o.truth(v[q.exists])), _r(m).terminal(o, v[q.phase]))
                       for q in _sh(m).pods if q is not p and m.config.slots[q.p].controlled))
        others = [o.and_(cordoned_at(m, v, o, p, n),
                         o.or_(*(_r(m).healthy(v, o, x) for x in _sh(m).nodes if x.n != n.n)))
                  for n in _sh(m).nodes]
        return o.and_(_running_pod(m, v, o, p), room, o.or_(*others))

    def out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        parts = [o.truth(v[p.deleting]), o.eq(v[p.phase], b[p.phase])]
        parts += [o.implies(_r(m).bound_to(b, o, p, n), replacement(m, v, o, n))  # type: ignore[arg-type]
                  for n in _sh(m).nodes]
        return o.and_(*parts)
    return Row("M-drain-replaced", "kubectl drain evicts a Running controlled pod from a cordoned node "
               "(another node schedulable)", frozenset({"E3"}), _is("E3"), _pod_of, pre, out,
               "the pod goes Terminating (phase kept); a replacement is created at once and can be bound to "
               "another node, never to the cordoned one", controlled=True)


def _budget_row() -> Row:
    def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if p.granted is None or not m.config.slots[p.p].controlled:
            return False
        return o.and_(_running_pod(m, v, o, p), _r(m).pod_ready(v, o, p))

    def out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        assert p.granted is not None
        g3 = apply(m.transition("E3", pod=p.p), v, o)[0]
        return o.and_(_reason(v, o, p, EVICTION_API), o.truth(v[p.granted]), o.eq(v[p.deleting], 0),
                      o.eq(v[p.phase], RUNNING), o.le(m.config.pdb_min_available, _healthy_count(m, v, o)), g3)
    return Row("M-evict-budget", "the Eviction API evicts a Ready pod covered by a PodDisruptionBudget",
               frozenset({"E2"}), _is("E2"), _pod_of, pre, out,
               "DisruptionTarget (EvictionByEvictionAPI), the pod listed in disruptedPods, at least minAvailable "
               "healthy pods left; then the graceful delete", controlled=True)


def _disruption_row(rid: str, kind: str, title: str, expect: str) -> Row:
    def pre(m: ClusterModel, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        return o.and_(o.truth(v[p.exists]), o.eq(v[p.phase], RUNNING), o.eq(v[p.deleting], 0),
                      o.ne(v[p.node], 0))

    def out(m: ClusterModel, b: V, v: V, o: Ops, p: MPodIx, a: Action) -> Any:
        if kind == "S2":
            g, w = apply(m.transition("S3", pod=p.p), v, o)
            return o.and_(_reason(v, o, p, PREEMPTION), o.eq(v[p.phase], RUNNING), g, o.truth(w[p.deleting]),
                          o.eq(w[p.phase], RUNNING))
        if kind == "D3":
            return o.not_(o.truth(v[p.exists]))
        done = o.and_(o.eq(v[p.phase], FAILED), _reason(v, o, p, KUBELET), _no_running(v, o, p))
        if kind == "K9":  # the node is shutting down: nothing new is bound there
            return o.and_(done, *(o.implies(_r(m).bound_to(b, o, p, n), _no_binding_to(m, v, o, n))
                                  for n in _sh(m).nodes))
        return done
    return Row(rid, title, frozenset({kind}), _is(kind), _pod_of, pre, out, expect)


CLIENT_ROWS: tuple[Row, ...] = (
    _cordon_row(),
    _drain_row(),
    _budget_row(),
    _disruption_row("M-preempt", "S2", "the scheduler preempts a Running pod",
                    "DisruptionTarget (PreemptionByScheduler), phase kept; then a graceful delete: Terminating, "
                    "phase still Running"),
    _disruption_row("M-shutdown", "K9", "graceful node shutdown reaches a Running pod",
                    "containers stopped, pod Failed (reason Terminated), DisruptionTarget (TerminationByKubelet); "
                    "the node gets no new pod"),
    _disruption_row("M-pressure", "K10", "the kubelet's eviction manager evicts a Running pod under node pressure",
                    "containers stopped, pod Failed (reason Evicted), DisruptionTarget (TerminationByKubelet)"),
    _disruption_row("M-force-delete", "D3", "kubectl delete --force --grace-period=0 on a Running pod",
                    "the object is gone at once (the kubelet stops the containers later, unseen)"),
)


# -- properties ------------------------------------------------------------------------------------


def client_properties(m: ClusterModel) -> list[Property]:
    sh, cfg = _sh(m), m.config
    pods, nodes = sh.pods, sh.nodes
    out: list[Property] = []

    def same_pod(a: V, b: V, o: Ops, p: Any) -> Any:
        return o.and_(o.truth(a[p.exists]), o.truth(b[p.exists]))

    def blocked(v: V, o: Ops, n: MNodeIx) -> Any:
        return o.or_(*(o.truth(v[k]) for k in (n.unschedulable, n.shutting_down) if k is not None))

    if cfg.cordons or cfg.node_shutdowns:
        def no_cordoned(a: V, b: V, o: Ops) -> Any:
            return o.and_(*(o.implies(o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), _r(m).bound_to(b, o, p, n)),
                                      o.not_(blocked(a, o, n))) for p in pods for n in nodes))

        def bind_witness(a: V, b: V, o: Ops) -> Any:
            return o.or_(*(o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), o.ne(b[p.node], 0)) for p in pods))
        out.append(Property(CORDON_PROPERTY, "step", no_cordoned, bind_witness, "issue 21 (NodeUnschedulable)",
                            "the scheduler's NodeUnschedulable filter and the shutdown manager's admission"))
    cordons = [k for n in nodes if (k := n.unschedulable) is not None]
    if cordons:
        def quiet(a: V, b: V, o: Ops) -> Any:
            flips = o.or_(*(o.ne(a[k], b[k]) for k in cordons))
            return o.implies(flips, o.and_(*(o.eq(a[k], b[k]) for p in pods for k in sh.empty_pod(p))))

        def quiet_witness(a: V, b: V, o: Ops) -> Any:
            flips = o.or_(*(o.ne(a[k], b[k]) for k in cordons))
            return o.and_(flips, o.or_(*(o.and_(o.truth(a[p.exists]), o.ne(a[p.node], 0)) for p in pods)))
        out.append(Property(CORDON_QUIET, "step", quiet, quiet_witness, "issue 21 (kubectl cordon)",
                            "spec.unschedulable only stops new bindings; running pods are left alone"))
    budgeted = [(p, g) for p in pods if (g := p.granted) is not None and cfg.slots[p.p].controlled]
    if budgeted:
        def within(a: V, b: V, o: Ops) -> Any:
            return o.and_(*(o.implies(o.and_(same_pod(a, b, o, p), o.eq(a[g], 0), o.truth(b[g])),
                                      o.le(cfg.pdb_min_available, _healthy_count(m, b, o))) for p, g in budgeted))

        def granted_witness(a: V, b: V, o: Ops) -> Any:
            return o.or_(*(o.and_(same_pod(a, b, o, p), o.eq(a[g], 0), o.truth(b[g])) for p, g in budgeted))
        out.append(Property(BUDGET_PROPERTY, "step", within, granted_witness, "issue 21 (eviction.go)",
                            "an eviction that uses the budget leaves currentHealthy >= desiredHealthy; other "
                            "disruptions (crashes, node loss, the kubelet) may still break it"))
    killers = cfg.node_shutdowns or any(s.pressure_evictions for s in cfg.slots)
    if killers and any(p.reason is not None for p in pods):
        def failed_quiet(v: V, o: Ops) -> Any:
            return o.and_(*(o.implies(o.and_(o.truth(v[p.exists]), o.eq(v[p.reason], KUBELET)),
                                      o.and_(o.eq(v[p.phase], FAILED), _no_running(v, o, p)))
                            for p in pods if p.reason is not None))

        def failed_witness(v: V, o: Ops) -> Any:
            return o.or_(*(o.and_(o.truth(v[p.exists]), _reason(v, o, p, KUBELET)) for p in pods
                           if p.reason is not None))
        out.append(Property(KUBELET_FAILED_PROPERTY, "invariant", failed_quiet, failed_witness,
                            "issue 21 (nodeshutdown, eviction manager)",
                            "the kubelet publishes Failed with TerminationByKubelet only once the containers stopped"))
    # Every configuration lists the same properties in the same order (suites merge them by
    # position): one without the option gets the property as vacuously true.
    have = {p.name: p for p in out}
    return [have.get(name) or Property(name, kind, _true(kind), _false(kind), "issue 21", "not in this configuration")
            for name, kind in _ORDER]


_ORDER: tuple[tuple[str, Literal["invariant", "step"]], ...] = (
    (CORDON_PROPERTY, "step"), (CORDON_QUIET, "step"), (BUDGET_PROPERTY, "step"),
    (KUBELET_FAILED_PROPERTY, "invariant"))


def _true(kind: str) -> Any:
    return (lambda a, b, o: True) if kind == "step" else (lambda v, o: True)


def _false(kind: str) -> Any:
    return (lambda a, b, o: False) if kind == "step" else (lambda v, o: False)
