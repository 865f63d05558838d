"""Clients and administrators in the modern model (issue 21): cordon, the Eviction API, preemption,
graceful node shutdown, node-pressure eviction and force deletion.

Sources (docs/fidelity.md section D): ``kubectl/pkg/drain/cordon.go`` and ``drain.go`` (cordon,
then evict), ``pkg/registry/core/pod/storage/eviction.go`` ``EvictionREST.Create`` (budget check,
``DisruptionTarget``/``EvictionByEvictionAPI``, then a graceful delete),
``pkg/controller/disruption/disruption.go`` (``currentHealthy`` leaves out pods in
``disruptedPods``), ``pkg/scheduler/framework/preemption`` (``PreemptionByScheduler`` then a
delete), ``pkg/kubelet/nodeshutdown`` (Failed, reason ``Terminated``, ``TerminationByKubelet``),
``pkg/kubelet/eviction`` (Failed, ``Evicted``, ``TerminationByKubelet``) and
``pkg/registry/core/pod/strategy.go`` ``CheckGracefulDelete`` (grace 0 removes the object at once).

Each action is opt-in (``SlotSpec.evictions/preemptions/force_deletes/pressure_evictions``,
``Config.cordons/node_shutdowns/pdb_min_available``); with every option off no transition is
added and no field exists, so configurations without them keep their state spaces.
:class:`ClientRules` is a mixin of :class:`~kubelife.profiles.modern.semantics.ModernSemantics`:
its hooks are what the mutants override.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Transition
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase, Ready
from kubelife.profiles.modern.kubelet_events import mark_kubelet_failed
from kubelife.profiles.modern.shape import MNodeIx, MPodIx
from kubelife.profiles.modern.types import DReason, MExit, MState, NodeObj

__all__ = ["ClientRules", "gate_on", "DISRUPTION_GATE"]

V = Sequence[Any]
Eff = dict[int, Any]

PENDING, FAILED = int(PodPhase.PENDING), int(PodPhase.FAILED)
C_RUNNING, C_TERMINATED, ERROR = int(MState.RUNNING), int(MState.TERMINATED), int(MExit.ERROR)
N_REGISTERED, R_FALSE, R_TRUE = int(NodeObj.REGISTERED), int(Ready.FALSE), int(Ready.TRUE)
OTHER, EVICTION_API, PREEMPTION, KUBELET = (int(r) for r in DReason)
DISRUPTION_GATE = "PodDisruptionConditions"


def gate_on(config: Config, name: str) -> bool:
    """A feature gate as the configuration's version and overrides set it (profiles/modern/versions.py,
    issue 17; looked up by name so this module works before and after that table)."""
    try:
        versions = importlib.import_module("kubelife.profiles.modern.versions")
    except ImportError:
        return dict(config.gates).get(name, True)
    return bool(versions.gate(config, name))


class ClientRules:
    """Transition builders and hooks for the issue-21 actions; mixed into ModernSemantics."""

    shape: Any
    config: Config

    # -- hooks a mutant may override ----------------------------------------------------------

    def schedulable(self, v: V, o: Ops, n: MNodeIx) -> Any:
        """NodeUnschedulable filter: not cordoned (``spec.unschedulable``) and not shutting down."""
        return o.and_(*(o.not_(o.truth(v[k])) for k in (n.unschedulable, n.shutting_down) if k is not None))

    def budget_allows(self, v: V, o: Ops, p: MPodIx) -> Any:
        """``checkAndDecrement``: ``disruptionsAllowed = currentHealthy - desiredHealthy`` is at least 1."""
        return o.le(self.config.pdb_min_available + 1, self.budget_healthy(v, o))

    def preempt_deletes(self) -> bool:
        return True

    def shutdown_kills(self) -> bool:
        return True

    def pressure_condition(self) -> bool:
        return gate_on(self.config, DISRUPTION_GATE)

    def force_removes(self) -> bool:
        return True

    # -- the budget ------------------------------------------------------------------------------

    def budget_healthy(self, v: V, o: Ops) -> Any:
        """``currentHealthy``: covered pods Ready, not Terminating, not in ``disruptedPods``."""
        sem: Any = self
        ctl = [q for q in self.shape.pods if self.config.slots[q.p].controlled]
        return o.add(self.config.pdb_others, o.count(
            o.and_(sem.pod_ready(v, o, q), o.eq(v[q.deleting], 0),
                   *((o.eq(v[q.granted], 0),) if q.granted is not None else ())) for q in ctl))

    def budgeted(self, p: MPodIx) -> bool:
        return bool(self.config.pdb_min_available) and self.config.slots[p.p].controlled

    def _eviction_check(self, v: V, o: Ops, p: MPodIx) -> tuple[Any, Any]:
        """(allowed, uses the budget): eviction.go's order of checks for a pod that is not terminal."""
        sem: Any = self
        if not self.budgeted(p):
            return True, False
        pending = o.eq(v[p.phase], PENDING)
        # An unready pod goes without the budget while the budget is healthy (IfHealthyBudget).
        healthy = self.budget_healthy(v, o)
        exempt = o.and_(o.not_(sem.pod_ready(v, o, p)), o.le(self.config.pdb_min_available, healthy))
        uses = o.not_(o.or_(pending, exempt))
        return o.or_(pending, exempt, self.budget_allows(v, o, p)), uses

    # -- transitions -----------------------------------------------------------------------------

    def client_transitions(self) -> list[Transition]:
        cfg, out = self.config, []
        for n in self.shape.nodes:
            if cfg.cordons:
                out += [self._cordon(n, True), self._cordon(n, False)]
            if cfg.node_shutdowns:
                out += [self._shutdown(n), self._boot(n)]
            if any(s.pressure_evictions for s in cfg.slots):
                out.append(self._pressure(n))
        for p in self.shape.pods:
            spec = cfg.slots[p.p]
            if spec.evictions:
                out += self._evict_api(p)
            if spec.preemptions:
                out += self._preempt(p)
            if cfg.node_shutdowns:
                out.append(self._shutdown_kill(p))
            if spec.pressure_evictions:
                out.append(self._pressure_evict(p))
            if spec.force_deletes:
                out.append(self._force_delete_any(p))
        return out

    def _cordon(self, n: MNodeIx, on: bool) -> Transition:
        k = n.unschedulable
        assert k is not None

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.and_(o.eq(v[n.obj], N_REGISTERED), o.eq(v[k], int(not on))), {k: int(on)}
        sem: Any = self
        if on:
            return sem._t("U1", "cordon", "kubectl", ("NodeNotSchedulable",), (("node", n.n),), build)
        return sem._t("U2", "uncordon", "kubectl", ("NodeSchedulable",), (("node", n.n),), build)

    def _disrupt(self, v: V, o: Ops, p: MPodIx, reason: int, eff: Eff, hit: Any = True) -> None:
        """DisruptionTarget True with its reason (PodDisruptionConditions on; always on from 1.31)."""
        if not gate_on(self.config, DISRUPTION_GATE):
            return
        eff[p.disruption] = o.ite(hit, 1, eff.get(p.disruption, v[p.disruption]))
        if p.reason is not None:
            eff[p.reason] = o.ite(hit, reason, eff.get(p.reason, v[p.reason]))

    def _graceful_delete(self, v: V, o: Ops, p: MPodIx, eff: Eff) -> None:
        """CheckGracefulDelete: an unscheduled or terminal pod goes at once, a bound one goes Terminating."""
        sem: Any = self
        gone = o.or_(o.eq(v[p.node], 0), sem.terminal(o, v[p.phase]))
        eff[p.deleting] = o.ite(gone, 0, 1)
        sem._clear(v, o, p, gone, eff)

    def _marked(self, v: V, o: Ops, p: MPodIx, reason: int) -> Any:
        if p.reason is None or not gate_on(self.config, DISRUPTION_GATE):
            return False
        return o.and_(o.truth(v[p.disruption]), o.eq(v[p.reason], reason))

    def _evict_api(self, p: MPodIx) -> list[Transition]:
        sem: Any = self
        gated = gate_on(self.config, DISRUPTION_GATE) and p.reason is not None

        def request(v: V, o: Ops) -> tuple[Any, Any]:
            allowed, uses = self._eviction_check(v, o, p)
            base = o.and_(o.truth(v[p.exists]), o.not_(sem.terminal(o, v[p.phase])), o.eq(v[p.deleting], 0))
            return o.and_(base, o.not_(self._marked(v, o, p, EVICTION_API)), allowed), uses

        def condition(v: V, o: Ops) -> tuple[Any, Eff]:
            guard, uses = request(v, o)
            eff: Eff = {}
            self._disrupt(v, o, p, EVICTION_API, eff)
            if p.granted is not None:
                eff[p.granted] = o.ite(uses, 1, v[p.granted])  # listed in the budget's disruptedPods
            if not gated:  # no condition to write: the request deletes at once
                self._graceful_delete(v, o, p, eff)
            return guard, eff

        def delete(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), o.eq(v[p.deleting], 0), self._marked(v, o, p, EVICTION_API))
            eff: Eff = {}
            self._graceful_delete(v, o, p, eff)
            return guard, eff
        args = (("pod", p.p),)
        out = [sem._t("E2", "evict", "eviction-api", ("EvictionByEvictionAPI",), args, condition)]
        if gated:
            out.append(sem._t("E3", "evict-delete", "eviction-api", ("Killing",), args, delete))
        return out

    def _preempt(self, p: MPodIx) -> list[Transition]:
        sem: Any = self
        gated = gate_on(self.config, DISRUPTION_GATE) and p.reason is not None

        def victim(v: V, o: Ops) -> Any:
            # A bound pod that is not terminal or Terminating; the preemptor (a pending pod of higher
            # priority that fits only without it) is outside the model: the event may happen any time.
            return o.and_(sem.live(v, o, p), o.ne(v[p.node], 0))

        def condition(v: V, o: Ops) -> tuple[Any, Eff]:
            eff: Eff = {}
            self._disrupt(v, o, p, PREEMPTION, eff)
            if not gated and self.preempt_deletes():
                self._graceful_delete(v, o, p, eff)
            return o.and_(victim(v, o), o.not_(self._marked(v, o, p, PREEMPTION))), eff

        def delete(v: V, o: Ops) -> tuple[Any, Eff]:
            eff: Eff = {}
            if self.preempt_deletes():
                self._graceful_delete(v, o, p, eff)
            guard = o.and_(o.truth(v[p.exists]), o.eq(v[p.deleting], 0), self._marked(v, o, p, PREEMPTION))
            return guard, eff
        args = (("pod", p.p),)
        out = [sem._t("S2", "preempt", "scheduler", ("PreemptionByScheduler",), args, condition)]
        if gated:
            out.append(sem._t("S3", "preempt-delete", "scheduler", ("Preempted",), args, delete))
        return out

    def _shutdown(self, n: MNodeIx) -> Transition:
        sem: Any = self
        k = n.shutting_down
        assert k is not None

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # The kubelet's shutdown manager reports NotReady ("node is shutting down") and then
            # kills the pods (K9, one by one); admission of new pods stops.
            guard = o.and_(sem.kubelet_up(v, o, n), o.eq(v[k], 0))
            return guard, {k: 1, n.ready: R_FALSE}
        return sem._t("N9", "shutdown", "kubelet", ("Shutdown",), (("node", n.n),), build)

    def _boot(self, n: MNodeIx) -> Transition:
        sem: Any = self
        k = n.shutting_down
        assert k is not None

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # The machine came back: the kubelet reports Ready again.
            return o.and_(sem.kubelet_up(v, o, n), o.truth(v[k])), {k: 0, n.ready: R_TRUE}
        return sem._t("N11", "boot", "kubelet", ("NodeReady", "Rebooted"), (("node", n.n),), build)

    def _kubelet_fail(self, v: V, o: Ops, p: MPodIx, eff: Eff, kill: bool = True, condition: bool = True) -> None:
        sem: Any = self
        if kill:
            sem._kill_all(v, o, p, True, eff)
        eff[p.phase] = FAILED
        if condition:
            self._disrupt(v, o, p, KUBELET, eff)

    def _on_node_with(self, v: V, o: Ops, p: MPodIx, field: str, up: bool = True) -> Any:
        sem: Any = self
        return o.or_(*(o.and_(sem.bound_to(v, o, p, n), o.truth(v[getattr(n, field)]),
                              sem.kubelet_up(v, o, n) if up else True) for n in self.shape.nodes))

    def _shutdown_kill(self, p: MPodIx) -> Transition:
        sem: Any = self

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # Failed (not Succeeded ones), reason Terminated, TerminationByKubelet; Terminating pods too.
            guard = o.and_(o.truth(v[p.exists]), o.not_(sem.terminal(o, v[p.phase])),
                           self._on_node_with(v, o, p, "shutting_down"))
            eff: Eff = {}
            self._kubelet_fail(v, o, p, eff, kill=self.shutdown_kills())
            return guard, eff
        return sem._t("K9", "shutdown-kill", "kubelet", ("Terminated", "TerminationByKubelet"), (("pod", p.p),),
                      build)

    def _pressure(self, n: MNodeIx) -> Transition:
        sem: Any = self

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # The eviction manager's threshold is met; it evicts pods one by one (K10).
            return o.and_(sem.kubelet_up(v, o, n), o.eq(v[n.pressure], 0)), {n.pressure: 1}
        return sem._t("N10", "pressure", "kubelet", ("EvictionThresholdMet",), (("node", n.n),), build)

    def _pressure_evict(self, p: MPodIx) -> Transition:
        sem: Any = self

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), o.not_(sem.terminal(o, v[p.phase])),
                           self._on_node_with(v, o, p, "pressure"))
            eff: Eff = {}
            self._kubelet_fail(v, o, p, eff, condition=self.pressure_condition())
            # status.reason Evicted, as issue 17's kubelet evictions (profiles/modern/kubelet_events.py).
            mark_kubelet_failed(p, True, o, v, eff)
            return guard, eff
        return sem._t("K10", "pressure-evict", "kubelet", ("Evicted", "TerminationByKubelet"), (("pod", p.p),),
                      build)

    def _force_delete_any(self, p: MPodIx) -> Transition:
        sem: Any = self

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # kubectl delete --force --grace-period=0 of a pod not yet being deleted, on any node: the
            # object goes at once; the kubelet stops the containers later, which the API never shows.
            # (A pod already Terminating is force-deleted by D2, on a node whose kubelet is silent: on
            # a healthy node its removal must follow the kubelet's terminal phase.)
            eff: Eff = dict(sem.shape.empty_pod(p)) if self.force_removes() else {p.deleting: 1}
            return o.and_(o.truth(v[p.exists]), o.eq(v[p.deleting], 0)), eff
        return sem._t("D3", "force-delete", "user", ("Killing",), (("pod", p.p),), build)
