"""The ``seed`` profile's liveness: fairness assumptions, bundles and "eventually" properties, as data.

See :mod:`kubelife.properties.liveness` for what the records mean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles.seed.semantics import C_TERMINATED, FAILED, PENDING, R_TRUE, RUNNING, SUCCEEDED
from kubelife.properties.liveness import SYMMETRIES, Case, Fairness, Instance, LivenessProperty
from kubelife.properties.liveness import fairness as _f

__all__ = ["FAIRNESS", "BUNDLES", "FAIR", "LIVENESS_PROPERTIES", "liveness_property"]

V = Sequence[Any]
StatePred = Callable[[V, Ops], Any]

FAIRNESS: dict[str, Fairness] = {f.name: f for f in (
    _f("wf-scheduler", "weak", "P1", ("pod",), "a pod that stays schedulable is eventually bound"),
    _f("sf-scheduler", "strong", "P1", ("pod",), "a pod that is schedulable again and again is eventually bound"),
    _f("wf-kubelet", "weak", "P2 P4", ("kind", "pod", "container"),
       "a container that can stay startable (or restartable) is eventually started (restarted)"),
    _f("wf-controller", "weak", "R1", (), "the replication controller eventually creates a pod it keeps wanting"),
    _f("wf-node-controller", "weak", "N1 N4", ("kind",),
       "the node controller eventually registers a Pending node and expires a lost one"),
    _f("wf-gc", "weak", "P5", ("pod",), "a terminal pod is eventually deleted (garbage collection)"),
    _f("partitions-stop", "finitely", "N2", (), "network partitions happen only finitely often"),
    _f("disk-failures-stop", "finitely", "N5", (), "disk failures happen only finitely often"),
    _f("terminations-stop", "finitely", "N6", (), "node terminations happen only finitely often"),
    _f("crashes-stop", "finitely", "P3", (), "containers fail (error, OOM) only finitely often",
       codes=("error", "oom")),
    _f("exits-stop", "finitely", "P3", (), "containers exit (any code) only finitely often"),
)}

BUNDLES: dict[str, tuple[str, ...]] = {
    "disruptions-stop": ("partitions-stop", "disk-failures-stop", "terminations-stop", "crashes-stop"),
    "fair": ("wf-scheduler", "wf-kubelet", "wf-controller", "wf-node-controller", "wf-gc"),
}

FAIR = BUNDLES["fair"]


# -- state predicates ------------------------------------------------------------------


def _exists(v: V, o: Ops, p: Any) -> Any:
    return o.truth(v[p.exists])


def _healthy_ready(m: ClusterModel) -> StatePred:
    def pred(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(m.rules.healthy(v, o, n), o.eq(v[n.ready], R_TRUE)) for n in m.shape.nodes))
    return pred


def _terminal(o: Ops, phase: Any) -> Any:
    # The reference definition, not the model's hook.
    return o.or_(o.eq(phase, SUCCEEDED), o.eq(phase, FAILED))


def _pending_bound(m: ClusterModel) -> list[Instance]:
    out = []
    for p in m.shape.pods:
        def pre(v: V, o: Ops, p: Any = p) -> Any:
            return o.and_(_exists(v, o, p), o.eq(v[p.phase], PENDING), o.eq(v[p.node], 0))

        def post(v: V, o: Ops, p: Any = p) -> Any:
            return o.or_(o.not_(_exists(v, o, p)), o.ne(v[p.node], 0))
        out.append(Instance(f"p{p.p}", pre, post, (_healthy_ready(m),)))
    return out


def _running_count(m: ClusterModel, v: V, o: Ops) -> Any:
    ctl = [p for p in m.shape.pods if m.config.slots[p.p].controlled]
    return o.count(o.and_(_exists(v, o, p), o.eq(v[p.phase], RUNNING)) for p in ctl)


def _replicas_back(m: ClusterModel) -> list[Instance]:
    r = m.config.replicas
    if r == 0 or not any(s.controlled for s in m.config.slots):
        return []
    return [Instance("", lambda v, o: o.lt(_running_count(m, v, o), r),
                     lambda v, o: o.le(r, _running_count(m, v, o)), (_healthy_ready(m),))]


def _replicas_stay(m: ClusterModel) -> list[Instance]:
    return [Instance(i.label, lambda v, o: True, i.q, i.visits) for i in _replicas_back(m)]


def _never_exits(m: ClusterModel) -> list[Instance]:
    out = []
    for p in m.shape.pods:
        if m.config.slots[p.p].policy is not Policy.NEVER:
            continue

        def pre(v: V, o: Ops, p: Any = p) -> Any:
            return o.and_(_exists(v, o, p), *(o.eq(v[c.state], C_TERMINATED) for c in p.containers))

        def post(v: V, o: Ops, p: Any = p) -> Any:
            return o.or_(o.not_(_exists(v, o, p)), _terminal(o, v[p.phase]))
        out.append(Instance(f"p{p.p}", pre, post))
    return out


def _terminal_deleted(m: ClusterModel) -> list[Instance]:
    out = []
    for p in m.shape.pods:
        def pre(v: V, o: Ops, p: Any = p) -> Any:
            return o.and_(_exists(v, o, p), _terminal(o, v[p.phase]))

        def post(v: V, o: Ops, p: Any = p) -> Any:
            return o.not_(_exists(v, o, p))
        out.append(Instance(f"p{p.p}", pre, post))
    return out


NODES = frozenset({"nodes"})


def _all_always(c: Config) -> bool:
    return all(s.policy is Policy.ALWAYS for s in c.slots if s.controlled)


HEALTHY_IO = "a healthy, ready node exists infinitely often"
_STOP = ("disruptions-stop",)
_TABLES = (FAIRNESS, BUNDLES)

LIVENESS_PROPERTIES: tuple[LivenessProperty, ...] = (
    LivenessProperty(
        "a Pending pod is eventually bound or deleted", "leads-to", _pending_bound, NODES,
        (
            Case(("wf-scheduler",), False,
                 "node health can flap forever: the scheduler is enabled only intermittently, so weak "
                 "fairness never obliges it"),
            Case(("sf-scheduler",), True, "enabled infinitely often, so strong fairness binds the pod"),
            Case(("wf-scheduler", *_STOP), True,
                 "once disruptions stop, a node that is healthy and ready stays so: the scheduler is "
                 "continuously enabled"),
        ),
        "Per pod: exists, Pending and unbound ~> bound or deleted.", HEALTHY_IO, tables=_TABLES),
    LivenessProperty(
        "the controller eventually has R pods Running again", "leads-to", _replicas_back, frozenset(SYMMETRIES),
        (
            Case(FAIR, False, "partitions and disk failures can recur forever: the adversary fails or "
                              "strands every new pod before it runs"),
            Case((*FAIR, *_STOP), True, "fair controller, scheduler, kubelet, node controller and garbage "
                                        "collector, and disruptions eventually stop"),
        ),
        "Fewer than R controlled pods in phase Running ~> R of them Running.", HEALTHY_IO, tables=_TABLES),
    LivenessProperty(
        "eventually the controller always has R pods Running", "eventually-always", _replicas_stay,
        frozenset(SYMMETRIES),
        (
            Case((*FAIR, *_STOP, "exits-stop"), True,
                 "once containers stop exiting and disruptions stop, the R pods settle Running"),
            Case((*FAIR, *_STOP), True, "under Always an ok exit is restarted and the pod stays Running",
                 when=_all_always),
            Case((*FAIR, *_STOP), False, "a pod that completes (exit ok) under Never or OnFailure is replaced, "
                                         "again and again, so R Running never becomes permanent",
                 when=lambda c: not _all_always(c)),
        ),
        "<>[] (R controlled pods Running); completions (exits ok) must stop too, else a Never/OnFailure "
        "pod that succeeds is replaced forever.", HEALTHY_IO, tables=_TABLES),
    LivenessProperty(
        "a Never pod whose containers all exited reaches a terminal phase", "leads-to", _never_exits, NODES,
        (Case((), True, "the exit step itself recomputes the phase: no fairness is needed"),),
        "Per pod with policy Never: every container Terminated ~> Succeeded, Failed or deleted.", tables=_TABLES),
    LivenessProperty(
        "a terminal pod is eventually deleted", "leads-to", _terminal_deleted, NODES,
        (
            Case((), False, "the model keeps terminal pods, as Kubernetes does until the pod garbage "
                            "collector's threshold: nothing obliges deletion"),
            Case(("wf-gc",), True, "with a fair garbage collector every terminal pod is deleted"),
        ),
        "Per pod: exists and Succeeded or Failed ~> deleted.", tables=_TABLES),
)


def liveness_property(name: str) -> LivenessProperty:
    for p in LIVENESS_PROPERTIES:
        if p.name == name:
            return p
    raise KeyError(f"liveness property {name!r} is not known")
