"""Liveness of the ``modern`` profile: its fairness assumptions and "eventually" properties, as data.

The same :class:`~kubelife.properties.liveness.Fairness` and
:class:`~kubelife.properties.liveness.LivenessProperty` records as the seed's, over the
modern actions (``kubelife.profiles.modern.semantics``): the kubelet's steps include
the first status sync, back-off expiry and reset, and the kill and removal of
a Terminating pod; taint eviction (E1) and PodGC (G1, P5) are controllers;
the kubelet losing and regaining its node (N2/N3, N7/N8), DiskPressure,
Node deletion, container failures, image pull errors and user deletes are
the environment.  ``wf-node-recovery`` says a lost kubelet comes back: the
modern model needs it where the seed's node controller failed the pods
instead (a Terminating pod on a silent node waits for its kubelet, PodGC or a
force delete).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles.modern.semantics import FAILED, SUCCEEDED, ModernSemantics
from kubelife.profiles.modern.shape import ModernShape
from kubelife.properties.liveness import Case, Fairness, Instance, LivenessProperty
from kubelife.properties.liveness import fairness as _f

__all__ = ["MODERN_FAIRNESS", "MODERN_BUNDLES", "MODERN_LIVENESS_PROPERTIES"]

V = Sequence[Any]

MODERN_FAIRNESS: dict[str, Fairness] = {f.name: f for f in (
    _f("wf-scheduler", "weak", "P1", ("pod",), "a pod that stays schedulable is eventually bound"),
    _f("sf-scheduler", "strong", "P1", ("pod",), "a pod that is schedulable again and again is eventually bound"),
    _f("wf-kubelet", "weak", "K1 P2 P4 C2 C3 K2 K4 K5", ("kind", "pod", "container"),
       "the kubelet eventually takes a step it can keep taking: sync, start (back-off expiry), restart, "
       "back-off reset, stop sidecars, kill and remove a Terminating pod"),
    _f("wf-controller", "weak", "R1", (), "the ReplicaSet controller eventually creates a pod it keeps wanting"),
    _f("wf-node-controller", "weak", "N1 N4", ("kind",),
       "a node eventually registers, and a silent node's grace period eventually expires"),
    _f("wf-taint-eviction", "weak", "E1", ("pod",), "a pod on a tainted node is evicted once its toleration ends"),
    _f("wf-podgc", "weak", "G1 P5", ("kind", "pod"), "PodGC eventually fails orphans and deletes terminal pods"),
    _f("wf-node-recovery", "weak", "N3 N8", ("kind", "node"),
       "a kubelet that lost its node (heartbeats, Ready) eventually comes back"),
    _f("partitions-stop", "finitely", "N2", (), "heartbeats stop only finitely often"),
    _f("not-ready-stops", "finitely", "N7", (), "the kubelet reports NotReady only finitely often"),
    _f("disk-pressure-stops", "finitely", "N5", (), "DiskPressure evictions happen only finitely often"),
    _f("node-deletions-stop", "finitely", "N6", (), "Node objects are deleted only finitely often"),
    _f("crashes-stop", "finitely", "P3", (), "containers fail (Error, OOMKilled, lost) only finitely often",
       codes=("Error", "OOMKilled", "ContainerStatusUnknown")),
    _f("exits-stop", "finitely", "P3", (), "containers exit (any reason) only finitely often"),
    _f("pull-errors-stop", "finitely", "C1", (), "image pulls fail only finitely often"),
    _f("deletes-stop", "finitely", "D1 D2", (), "users delete pods only finitely often"),
    # Issue 21 (profiles/modern/clients.py): cordons, evictions, preemptions, node shutdowns, pressure
    # evictions and force deletes are disruptions too.
    _f("clients-stop", "finitely", "U1 U2 E2 E3 S2 S3 N9 N11 N10 K9 K10 D3", (),
       "clients, the scheduler's preemptions and the kubelet's shutdowns and pressure evictions act only "
       "finitely often"),
)}

MODERN_BUNDLES: dict[str, tuple[str, ...]] = {
    "disruptions-stop": ("partitions-stop", "not-ready-stops", "disk-pressure-stops", "node-deletions-stop",
                         "crashes-stop", "pull-errors-stop", "deletes-stop", "clients-stop"),
    "fair": ("wf-scheduler", "wf-kubelet", "wf-controller", "wf-node-controller", "wf-taint-eviction", "wf-podgc"),
}

FAIR = MODERN_BUNDLES["fair"]
_STOP = ("disruptions-stop",)
_TABLES = (MODERN_FAIRNESS, MODERN_BUNDLES)
NODES = frozenset({"nodes"})
HEALTHY_IO = "a schedulable node (registered, Ready True, no DiskPressure) exists infinitely often"


def _rules(m: ClusterModel) -> ModernSemantics:
    return cast(ModernSemantics, m.rules)


def _healthy(m: ClusterModel) -> Any:
    def pred(v: V, o: Ops) -> Any:
        return o.or_(*(_rules(m).healthy(v, o, n) for n in cast(ModernShape, m.shape).nodes))
    return pred


def _exists(v: V, o: Ops, p: Any) -> Any:
    return o.truth(v[p.exists])


def _pending_bound(m: ClusterModel) -> list[Instance]:
    out = []
    for p in cast(ModernShape, m.shape).pods:
        def pre(v: V, o: Ops, p: Any = p) -> Any:
            return o.and_(_exists(v, o, p), o.eq(v[p.node], 0))

        def post(v: V, o: Ops, p: Any = p) -> Any:
            return o.or_(o.not_(_exists(v, o, p)), o.ne(v[p.node], 0))
        out.append(Instance(f"p{p.p}", pre, post, (_healthy(m),)))
    return out


def _active_count(m: ClusterModel, v: V, o: Ops) -> Any:
    # IsPodActive stated here (not the semantics' hook a mutant may change): exists, not terminal,
    # no deletionTimestamp.
    ctl = [p for p in cast(ModernShape, m.shape).pods if m.config.slots[p.p].controlled]
    return o.count(o.and_(_exists(v, o, p), o.ne(v[p.phase], SUCCEEDED), o.ne(v[p.phase], FAILED),
                          o.eq(v[p.deleting], 0)) for p in ctl)


def _replicas_back(m: ClusterModel) -> list[Instance]:
    r = m.config.replicas
    if r == 0 or not any(s.controlled for s in m.config.slots):
        return []
    return [Instance("", lambda v, o: o.lt(_active_count(m, v, o), r), lambda v, o: o.le(r, _active_count(m, v, o)))]


def _terminating_gone(m: ClusterModel) -> list[Instance]:
    out = []
    for p in cast(ModernShape, m.shape).pods:
        def pre(v: V, o: Ops, p: Any = p) -> Any:
            return o.and_(_exists(v, o, p), o.truth(v[p.deleting]))

        def post(v: V, o: Ops, p: Any = p) -> Any:
            return o.not_(_exists(v, o, p))
        out.append(Instance(f"p{p.p}", pre, post))
    return out


_ALL = frozenset({"nodes", "slots"})

MODERN_LIVENESS_PROPERTIES: tuple[LivenessProperty, ...] = (
    LivenessProperty(
        "a Pending pod is eventually bound or deleted", "leads-to", _pending_bound, NODES,
        (
            Case(("wf-scheduler",), False,
                 "the kubelet can report NotReady and Ready again forever: the node is schedulable only "
                 "intermittently, so weak fairness never obliges the scheduler"),
            Case(("sf-scheduler",), True, "schedulable infinitely often, so strong fairness binds the pod"),
            Case(("wf-scheduler", *_STOP), True,
                 "once disruptions stop, a schedulable node stays schedulable: the scheduler is continuously "
                 "enabled"),
        ),
        "Per pod: exists and unbound ~> bound or deleted.", HEALTHY_IO, tables=_TABLES),
    LivenessProperty(
        "the ReplicaSet eventually has R active pods again", "leads-to", _replicas_back, _ALL,
        (
            Case((*FAIR, *_STOP), False,
                 "slots are bounded: Terminating copies on a node whose kubelet never comes back fill every "
                 "slot, and only that kubelet, PodGC after a Node deletion, or a user's force delete frees them"),
            Case((*FAIR, "wf-node-recovery"), False,
                 "the kubelet can keep losing its node (NotReady, heartbeats) forever: each new pod is evicted, "
                 "and killing a Terminating pod is enabled only intermittently"),
            Case((*FAIR, *_STOP, "wf-node-recovery"), True,
                 "a lost kubelet comes back and removes its Terminating pods, PodGC deletes terminal ones, so "
                 "a slot frees up and the controller, continuously enabled, creates the replacement"),
        ),
        "Fewer than R active controlled pods (not terminal, not Terminating) ~> R of them.", "", tables=_TABLES),
    LivenessProperty(
        "a Terminating pod eventually disappears", "leads-to", _terminating_gone, NODES,
        (
            Case((), False, "nothing obliges the kubelet or PodGC to act"),
            Case(("wf-kubelet", "wf-podgc"), False,
                 "the pod's kubelet can stay silent forever: only it, PodGC after a Node deletion, or a force "
                 "delete removes the pod"),
            Case(("wf-kubelet", "wf-podgc", "wf-node-recovery", "partitions-stop"), True,
                 "the kubelet comes back for good, kills the pod's containers, writes its terminal phase and "
                 "removes it (or PodGC deletes it once its Node is gone)"),
        ),
        "Per pod: exists and Terminating ~> deleted.", "", tables=_TABLES),
)
