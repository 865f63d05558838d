"""Issue 17's opt-in kubelet events of the modern profile, written over ``Ops``.

* ``K6 sandbox-recreated``: the pod's sandbox is recreated (node reboot, sandbox died); the kubelet
  kills what is left and runs the init sequence again; restart counts go on
  (``kuberuntime_manager.go`` ``computePodActions``; docs/fidelity.md B4).  Never for a policy
  Never pod whose containers ran (``computePodActions`` then creates no sandbox).
* ``K7 admission-reject``: the kubelet refuses the pod at admission (``kubelet.go``
  ``HandlePodAdditions`` -> ``rejectPod``): phase Failed with an admission reason, no container
  status, no DisruptionTarget (B3).
* ``K8 storage-eviction``: a container or pod ephemeral-storage limit eviction
  (``eviction_manager.go`` ``localStorageEviction``): every container killed, phase Failed, reason
  Evicted, never a DisruptionTarget (B3).

Each is on only for slots that ask (``SlotSpec.sandbox_restarts``, ``admission_rejects``,
``storage_evictions``), so the default suite keeps its size.  The functions take the
:class:`~kubelife.profiles.modern.semantics.ModernSemantics` instance they extend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Transition
from kubelife.model.k8s.types import PodPhase, Policy
from kubelife.profiles.modern.shape import MContainerIx, MPodIx
from kubelife.profiles.modern.types import Kind, MExit, MState

__all__ = ["kubelet_events", "sandbox_step", "fresh", "ADMISSION_REASONS", "KUBELET_FAILURE_REASONS",
           "kubelet_failure_reason", "mark_kubelet_failed"]

V = Sequence[Any]
Eff = dict[int, Any]
FAILED = int(PodPhase.FAILED)
ABSENT, WAITING, C_RUNNING, C_TERMINATED = (int(s) for s in MState)
ERROR = int(MExit.ERROR)

# Reasons the kubelet writes on an admission rejection (pkg/kubelet/lifecycle/predicate.go, kubelet.go).
ADMISSION_REASONS = ("OutOfcpu", "OutOfmemory", "OutOfpods", "NodeAffinity", "UnexpectedAdmissionError",
                     "Evicted", "NodeShutdown")


# Every status.reason the kubelet writes with phase Failed on an eviction or an admission rejection
# (docs/fidelity.md B3): the oracle maps them onto the ``kubelet_failed`` field.
KUBELET_FAILURE_REASONS = frozenset({
    "Evicted", "NodeAffinity", "NodeName", "NodePorts", "TaintToleration", "UnexpectedAdmissionError",
    "UnknownReason", "UnexpectedPredicateFailureType", "InvalidNodeInfo", "PodOSSelectorNodeLabelDoesNotMatch",
    "PodOSNotSupported", "InitContainerRestartPolicyForbidden", "SupplementalGroupsPolicyNotSupported", "AppArmor",
    "SysctlForbidden", "TopologyAffinityError", "NodeShutdown"})


def kubelet_failure_reason(reason: object) -> bool:
    return isinstance(reason, str) and (reason in KUBELET_FAILURE_REASONS or reason.startswith("OutOf"))


def fresh(v: V, o: Ops, p: MPodIx) -> Any:
    """The sandbox was recreated and no main container exists in it yet."""
    return False if p.fresh_sandbox is None else o.truth(v[p.fresh_sandbox])


def sandbox_step(sem: Any, v: V, o: Ops, p: MPodIx, c: MContainerIx, eff: Eff) -> Any:
    """The extra guard of a container start while a recreated sandbox re-initializes, and its effect.

    Init containers start in order again, main containers only once every init container is ready;
    the first main container that runs ends the re-initialization (it exists in the new sandbox).
    """
    if p.fresh_sandbox is None:
        return True
    order = p.init_order if c.kind is Kind.MAIN else p.init_order[:p.init_order.index(c)]
    ready = o.and_(*(sem.init_ready(v, o, x) for x in order))
    if c.kind is Kind.MAIN:
        eff[p.fresh_sandbox] = o.ite(o.eq(eff.get(c.state, v[c.state]), C_RUNNING), 0, v[p.fresh_sandbox])
    return o.or_(o.not_(fresh(v, o, p)), ready)


def kubelet_events(sem: Any, p: MPodIx) -> list[Transition]:
    spec = sem.config.slots[p.p]
    out = []
    if spec.sandbox_restarts and spec.policy is not Policy.NEVER:
        out.append(_sandbox_recreated(sem, p))
    if spec.admission_rejects:
        out.append(_admission_reject(sem, p))
    if spec.storage_evictions:
        out.append(_storage_eviction(sem, p))
    return out


def mark_kubelet_failed(p: MPodIx, hit: Any, o: Ops, v: V, eff: Eff) -> None:
    """``status.reason`` becomes a kubelet eviction or admission reason (slots that track it)."""
    if p.kubelet_failed is not None:
        eff[p.kubelet_failed] = o.ite(hit, 1, v[p.kubelet_failed])


def _sandbox_recreated(sem: Any, p: MPodIx) -> Transition:
    def build(v: V, o: Ops) -> tuple[Any, Eff]:
        ran = o.or_(*(sem.started(v, o, c) for c in p.containers))
        guard = o.and_(sem._kubelet_may(v, o, p), ran, o.not_(fresh(v, o, p)))
        assert p.fresh_sandbox is not None
        eff: Eff = {p.fresh_sandbox: 1}
        for c in p.all:
            running = o.eq(v[c.state], C_RUNNING)
            last = o.ite(running, ERROR, v[c.last])
            if c.kind is Kind.MAIN:  # the old sandbox's container shows as exited until it runs again
                eff[c.state] = o.ite(running, C_TERMINATED, v[c.state])
            else:  # every init container runs again, in order: waiting after its last termination
                eff[c.state] = o.ite(o.eq(v[c.state], ABSENT), ABSENT, WAITING)
            eff[c.last] = last
        sem.recompute(v, o, p, eff)
        return guard, eff
    return sem._t("K6", "sandbox-recreated", "kubelet", ("SandboxChanged",), (("pod", p.p),), build)


def _admission_reject(sem: Any, p: MPodIx) -> Transition:
    def build(v: V, o: Ops) -> tuple[Any, Eff]:
        guard = o.and_(sem.live(v, o, p), sem.on_healthy_node(v, o, p), *(o.eq(v[c.state], ABSENT) for c in p.all))
        eff: Eff = {p.phase: FAILED}
        mark_kubelet_failed(p, True, o, v, eff)
        return guard, eff
    return sem._t("K7", "admission-reject", "kubelet", ADMISSION_REASONS, (("pod", p.p),), build)


def _storage_eviction(sem: Any, p: MPodIx) -> Transition:
    def build(v: V, o: Ops) -> tuple[Any, Eff]:
        guard = o.and_(sem.live(v, o, p), sem.on_healthy_node(v, o, p),
                       o.or_(*(o.eq(v[c.state], C_RUNNING) for c in p.all)))
        eff: Eff = {p.phase: FAILED}
        sem._kill_all(v, o, p, True, eff)
        mark_kubelet_failed(p, True, o, v, eff)
        return guard, eff
    return sem._t("K8", "storage-eviction", "kubelet", ("Evicted",), (("pod", p.p),), build)
