"""The ``modern`` profile's transitions, written once over ``Ops``.

Sources: ``shared/reference/kubernetes-lifecycle.md`` sections 2-5 (kubelet
``getPhase`` and container statuses, back-off, pod conditions, the node
lifecycle controller, taint-based eviction, PodGC, ReplicaSet ``IsPodActive``).
Timers (back-off, node-monitor grace period, ``tolerationSeconds``, PodGC's
quarantine) are abstract: the event that ends them may happen at any time
while its guard holds, and never once the guard is gone (a cancelled timer).

Hooks a mutant may override are methods named for the behaviour
(``restart_allowed``, ``phase``, ``counted_by_controller`` ...), as in
:class:`kubelife.profiles.seed.semantics.SeedSemantics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import kubelife.profiles.modern.kubelet_events as kubelet_events
import kubelife.profiles.modern.versions as versions
from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, Transition
from kubelife.model.k8s.types import PodPhase, Policy, Ready
from kubelife.profiles.modern.clients import ClientRules
from kubelife.profiles.modern.phase import Status, has_initialized, modern_phase, restartable
from kubelife.profiles.modern.shape import MContainerIx, MNodeIx, ModernShape, MPodIx
from kubelife.profiles.modern.types import Kind, MExit, MState, NodeObj, Pull, Taint

__all__ = ["ModernSemantics"]

V = Sequence[Any]
Eff = dict[int, Any]

PENDING, RUNNING, SUCCEEDED, FAILED = (int(p) for p in PodPhase)
ABSENT, WAITING, C_RUNNING, C_TERMINATED = (int(s) for s in MState)
NONE, OK, ERROR, OOM, UNKNOWN = (int(e) for e in MExit)
PULL_OK, ERR_PULL, PULL_BACKOFF = (int(x) for x in Pull)
N_PENDING, N_REGISTERED, N_DELETED = (int(x) for x in NodeObj)
T_NONE, T_NOT_READY, T_UNREACHABLE = (int(x) for x in Taint)
R_FALSE, R_TRUE, R_UNKNOWN = (int(r) for r in Ready)

EXIT_REASON = {MExit.OK: "Completed", MExit.ERROR: "Error", MExit.OOM: "OOMKilled",
               MExit.UNKNOWN: "ContainerStatusUnknown"}


class ModernSemantics(ClientRules):
    """Builds the modern transition list for one :class:`ModernShape`."""

    profile = "modern"
    shape_class = ModernShape
    # SlotSpec options this semantics reads (other profiles refuse them).
    slot_options = frozenset({"inits", "sidecars", "container_policies", "user_deletes", "image_pull_errors",
                              "unknown_exits", "admission_rejects", "storage_evictions", "sandbox_restarts",
                              "evictions", "preemptions", "force_deletes", "pressure_evictions"})

    def __init__(self, shape: ModernShape) -> None:
        self.shape = shape
        self.config = shape.config

    # -- shared predicates ----------------------------------------------------------------

    def kubelet_up(self, v: V, o: Ops, n: MNodeIx) -> Any:
        """The node's kubelet is registered and reaching the API server (heartbeats arrive)."""
        return o.and_(o.eq(v[n.obj], N_REGISTERED), o.truth(v[n.heartbeat]))

    def healthy(self, v: V, o: Ops, n: MNodeIx) -> Any:
        """Schedulable: registered, Ready True, no DiskPressure (the NoSchedule taints mirror these)."""
        return o.and_(o.eq(v[n.obj], N_REGISTERED), o.eq(v[n.ready], R_TRUE), o.not_(o.truth(v[n.pressure])),
                      self.schedulable(v, o, n))

    def terminal(self, o: Ops, phase: Any) -> Any:
        return o.or_(o.eq(phase, SUCCEEDED), o.eq(phase, FAILED))

    def bound_to(self, v: V, o: Ops, p: MPodIx, n: MNodeIx) -> Any:
        return o.eq(v[p.node], n.n + 1)

    def on_healthy_node(self, v: V, o: Ops, p: MPodIx) -> Any:
        """Bound to a node whose kubelet is up: kubelet steps for the pod can happen."""
        return o.or_(*(o.and_(self.bound_to(v, o, p, n), self.kubelet_up(v, o, n)) for n in self.shape.nodes))

    def live(self, v: V, o: Ops, p: MPodIx) -> Any:
        """Exists, not terminal, not Terminating: the kubelet may (re)start its containers."""
        return o.and_(o.truth(v[p.exists]), o.not_(self.terminal(o, v[p.phase])), o.not_(o.truth(v[p.deleting])))

    def active(self, v: V, o: Ops, p: MPodIx) -> Any:
        """``IsPodActive``: not terminal and no deletionTimestamp."""
        return self.live(v, o, p)

    def policy(self, p: MPodIx) -> Policy:
        return self.config.slots[p.p].policy

    def restart_rules(self, p: MPodIx) -> bool:
        """The ContainerRestartRules gate (the version's default or the configuration's override)."""
        return versions.own_policies(self.config)

    def phase_rules(self, v: V, o: Ops, p: MPodIx) -> dict[str, Any]:
        """The version-dependent inputs of getPhase (docs/fidelity.md B1, B2): podHasInitialized
        and whether a pending regular init container holds the pod Pending once initialized."""
        rule = versions.initialization_rule(self.config)
        return {"initialized": has_initialized(o, self.statuses(v, o, p.containers), rule,
                                               kubelet_events.fresh(v, o, p)),
                "regular_inits_hold": versions.regular_inits_hold(self.config)}

    @staticmethod
    def statuses(v: V, o: Ops, cs: Sequence[MContainerIx]) -> list[Status]:
        # Without startup probes a running sidecar counts as started.
        return [(v[c.state], v[c.last], o.eq(v[c.state], C_RUNNING)) for c in cs]

    def started(self, v: V, o: Ops, c: MContainerIx) -> Any:
        """Has run at least once."""
        return o.or_(o.eq(v[c.state], C_RUNNING), o.eq(v[c.state], C_TERMINATED), o.ne(v[c.last], NONE))

    def init_ready(self, v: V, o: Ops, c: MContainerIx) -> Any:
        """An init container lets the next one start: a sidecar is running, a regular one completed."""
        if c.kind is Kind.SIDECAR:
            return o.eq(v[c.state], C_RUNNING)
        return o.and_(o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last], OK))

    def containers_ready(self, v: V, o: Ops, p: MPodIx) -> Any:
        """ContainersReady (no readiness probes: running is ready); False once terminal."""
        return o.and_(o.not_(self.terminal(o, v[p.phase])),
                      *(o.eq(v[c.state], C_RUNNING) for c in p.sidecars + p.containers))

    def pod_ready(self, v: V, o: Ops, p: MPodIx) -> Any:
        """The Ready condition: ContainersReady, forced False while the node's Ready is not True.

        The node lifecycle controller's MarkPodsNotReady and the kubelet's next status
        post are folded into the condition changes themselves, so Ready needs no field.
        """
        on_ready = o.or_(*(o.and_(self.bound_to(v, o, p, n), o.eq(v[n.ready], R_TRUE)) for n in self.shape.nodes))
        return o.and_(o.truth(v[p.exists]), self.containers_ready(v, o, p), on_ready)

    def initialized(self, v: V, o: Ops, p: MPodIx) -> Any:
        """The Initialized condition: init containers done, or Succeeded, or a main container Running or
        Terminated in the API statuses (``GeneratePodInitializedCondition``, every version)."""
        return o.or_(o.and_(*(self.init_ready(v, o, c) for c in p.init_order)), o.eq(v[p.phase], SUCCEEDED),
                     *(o.or_(o.eq(v[c.state], C_RUNNING), o.eq(v[c.state], C_TERMINATED)) for c in p.containers))

    def conditions(self, v: V, o: Ops, p: MPodIx) -> dict[str, Any]:
        return {"PodScheduled": o.ne(v[p.node], 0), "Initialized": self.initialized(v, o, p),
                "ContainersReady": self.containers_ready(v, o, p), "Ready": self.pod_ready(v, o, p),
                "DisruptionTarget": o.truth(v[p.disruption])}

    def taint(self, v: V, o: Ops, n: MNodeIx) -> Any:
        """The NoExecute taint, kept in step with the Ready condition (not-ready / unreachable / none)."""
        r = v[n.ready]
        return o.ite(o.ne(v[n.obj], N_REGISTERED), T_NONE,
                     o.ite(o.eq(r, R_FALSE), T_NOT_READY, o.ite(o.eq(r, R_UNKNOWN), T_UNREACHABLE, T_NONE)))

    # -- hooks a mutant may override --------------------------------------------------------

    def phase(self, o: Ops, v: V, p: MPodIx, pod_is_terminal: Any = False) -> Any:
        return modern_phase(o, self.statuses(v, o, p.inits), self.statuses(v, o, p.sidecars),
                            self.statuses(v, o, p.containers), self.policy(p), [c.policy for c in p.containers],
                            restart_rules=self.restart_rules(p), pod_is_terminal=pod_is_terminal,
                            **self.phase_rules(v, o, p))

    def restart_allowed(self, o: Ops, p: MPodIx, c: MContainerIx, last: Any) -> Any:
        if c.kind is Kind.SIDECAR:
            return True
        if c.kind is Kind.INIT:
            # An init container is only ever restarted after a failure; Always acts as OnFailure.
            return False if self.policy(p) is Policy.NEVER else o.ne(last, OK)
        return restartable(o, c.policy, self.policy(p), last)

    def may_start_first(self, v: V, o: Ops, p: MPodIx, c: MContainerIx) -> Any:
        """The kubelet starts init containers in order, main containers once all are ready."""
        if c.kind is Kind.MAIN:
            initialized = o.or_(*(self.started(v, o, x) for x in p.containers))
            return o.or_(initialized, o.and_(*(self.init_ready(v, o, x) for x in p.init_order)))
        k = p.init_order.index(c)
        return o.and_(*(self.init_ready(v, o, x) for x in p.init_order[:k]),
                      *(o.not_(self.started(v, o, x)) for x in p.containers))

    def immediate_restart(self, o: Ops, backoff: Any) -> Any:
        """Only the first restart after a clean run is immediate."""
        return o.not_(o.truth(backoff))

    def counted_by_controller(self, v: V, o: Ops, p: MPodIx) -> Any:
        return self.active(v, o, p)

    def eviction_phase(self, v: V, o: Ops, p: MPodIx) -> Any:
        """Taint-based eviction is a graceful delete: the phase is left alone."""
        return v[p.phase]

    def terminal_before_removal(self) -> bool:
        return True

    # -- helpers for effects -----------------------------------------------------------------

    def recompute(self, v: V, o: Ops, p: MPodIx, eff: Eff) -> None:
        """After a kubelet container step: the phase again (a terminal phase is sticky)."""
        after = [eff.get(i, x) for i, x in enumerate(v)]
        eff[p.phase] = o.ite(self.terminal(o, v[p.phase]), v[p.phase], self.phase(o, after, p))

    def _clear(self, v: V, o: Ops, p: MPodIx, hit: Any, eff: Eff) -> None:
        for k, empty in self.shape.empty_pod(p).items():
            eff[k] = o.ite(hit, empty, eff.get(k, v[k]))

    # -- transitions -------------------------------------------------------------------------

    def transitions(self) -> list[Transition]:
        out: list[Transition] = []
        sh = self.shape
        for n in sh.nodes:
            out += [self._register(n), self._partition(n), self._heal(n), self._grace_expiry(n),
                    self._not_ready(n), self._ready_again(n), self._disk_pressure(n), self._node_deleted(n)]
        for p in sh.pods:
            out += [self._schedule(p, n) for n in sh.nodes]
            out.append(self._sync(p))
            spec = self.config.slots[p.p]
            for c in p.all:
                if spec.image_pull_errors:
                    out += [self._pull_error(p, c), self._pull_backoff(p, c)]
                out.append(self._start(p, c))
                codes = [MExit.OK, MExit.ERROR, MExit.OOM] + ([MExit.UNKNOWN] if spec.unknown_exits else [])
                out += [self._exit(p, c, code) for code in codes]
                out += [self._restart(p, c), self._backoff_reset(p, c)]
            if p.sidecars:
                out.append(self._stop_sidecars(p))
            out += [self._kill(p), self._remove(p), self._evict(p), self._podgc_orphan(p), self._gc_terminal(p)]
            if spec.user_deletes:
                out += [self._delete(p), self._force_delete(p)]
            out += kubelet_events.kubelet_events(self, p)  # issue 17's opt-in events (K6-K8)
        for p in sh.pods:
            if self.config.slots[p.p].controlled:
                out.append(self._replicate(p))
        return out + self.client_transitions()

    @staticmethod
    def _t(kind: str, name: str, actor: str, reasons: tuple[str, ...], args: tuple[tuple[str, Any], ...],
           build: Callable[[V, Ops], tuple[Any, Eff]]) -> Transition:
        return Transition(Action(kind, name, actor, reasons, args), build)

    @staticmethod
    def _cargs(p: MPodIx, c: MContainerIx) -> tuple[tuple[str, Any], ...]:
        return (("pod", p.p), ("container", f"{ {Kind.INIT: 'i', Kind.SIDECAR: 's', Kind.MAIN: 'c'}[c.kind] }{c.k}"))

    # nodes ------------------------------------------------------------------------------------

    def _pods_on(self, v: V, o: Ops, n: MNodeIx) -> list[tuple[MPodIx, Any]]:
        return [(p, o.and_(o.truth(v[p.exists]), self.bound_to(v, o, p, n))) for p in self.shape.pods]

    def _register(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.eq(v[n.obj], N_PENDING), {n.obj: N_REGISTERED, n.ready: R_TRUE}
        return self._t("N1", "register", "kubelet", ("RegisteredNode", "NodeReady"), (("node", n.n),), build)

    def _partition(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return self.kubelet_up(v, o, n), {n.heartbeat: 0}
        return self._t("N2", "heartbeats-stop", "network", (), (("node", n.n),), build)

    def _heal(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.eq(v[n.obj], N_REGISTERED), o.not_(o.truth(v[n.heartbeat])))
            return guard, {n.heartbeat: 1, n.ready: R_TRUE}
        return self._t("N3", "heartbeats-resume", "kubelet", ("NodeReady",), (("node", n.n),), build)

    def _grace_expiry(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.eq(v[n.obj], N_REGISTERED), o.not_(o.truth(v[n.heartbeat])), o.ne(v[n.ready], R_UNKNOWN))
            return guard, {n.ready: R_UNKNOWN}
        return self._t("N4", "grace-expiry", "node-lifecycle-controller", ("NodeNotReady",), (("node", n.n),), build)

    def _not_ready(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.and_(self.kubelet_up(v, o, n), o.eq(v[n.ready], R_TRUE)), {n.ready: R_FALSE}
        return self._t("N7", "report-not-ready", "kubelet", ("NodeNotReady",), (("node", n.n),), build)

    def _ready_again(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.and_(self.kubelet_up(v, o, n), o.eq(v[n.ready], R_FALSE)), {n.ready: R_TRUE}
        return self._t("N8", "report-ready", "kubelet", ("NodeReady",), (("node", n.n),), build)

    def _kill_all(self, v: V, o: Ops, p: MPodIx, hit: Any, eff: Eff) -> None:
        """Every running container is stopped (SIGTERM/SIGKILL: exit 143/137, reason Error)."""
        for c in p.all:
            kill = o.and_(hit, o.eq(v[c.state], C_RUNNING))
            eff[c.state] = o.ite(kill, C_TERMINATED, v[c.state])
            eff[c.last] = o.ite(kill, ERROR, v[c.last])

    def _disk_pressure(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            eff: Eff = {n.pressure: 1}
            for p, on in self._pods_on(v, o, n):
                hit = o.and_(on, o.not_(self.terminal(o, v[p.phase])))
                self._kill_all(v, o, p, hit, eff)
                eff[p.phase] = o.ite(hit, FAILED, v[p.phase])
                eff[p.disruption] = o.ite(hit, int(versions.disruption_condition(self.config)), v[p.disruption])
                kubelet_events.mark_kubelet_failed(p, hit, o, v, eff)
            return o.and_(self.kubelet_up(v, o, n), o.not_(o.truth(v[n.pressure]))), eff
        return self._t("N5", "disk-pressure-eviction", "kubelet", ("EvictionThresholdMet", "Evicted"),
                       (("node", n.n),), build)

    def _node_deleted(self, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # The Node object goes; pods bound to it stay until PodGC finds them orphaned.
            eff: Eff = {n.obj: N_DELETED, n.heartbeat: 0, n.ready: R_UNKNOWN, n.pressure: 0}
            return o.ne(v[n.obj], N_DELETED), eff
        return self._t("N6", "node-deleted", "cloud-node-lifecycle-controller", ("DeletingNode",),
                       (("node", n.n),), build)

    # pods: scheduler and kubelet --------------------------------------------------------------

    def _schedule(self, p: MPodIx, n: MNodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self.live(v, o, p), o.eq(v[p.node], 0), self.healthy(v, o, n))
            return guard, {p.node: n.n + 1}
        return self._t("P1", "schedule", "scheduler", ("Scheduled",), (("pod", p.p), ("node", n.n)), build)

    def _sync(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self.live(v, o, p), self.on_healthy_node(v, o, p),
                           *(o.eq(v[c.state], ABSENT) for c in p.all))
            return guard, {c.state: WAITING for c in p.all}
        return self._t("K1", "sync", "kubelet", (), (("pod", p.p),), build)

    def _kubelet_may(self, v: V, o: Ops, p: MPodIx) -> Any:
        return o.and_(self.live(v, o, p), self.on_healthy_node(v, o, p))

    def _pull_error(self, p: MPodIx, c: MContainerIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self._kubelet_may(v, o, p), o.eq(v[c.state], WAITING), o.eq(v[c.last], NONE),
                           o.eq(v[c.pull], PULL_OK), self.may_start_first(v, o, p, c))
            return guard, {c.pull: ERR_PULL}
        return self._t("C1", "pull-error", "kubelet", ("Failed",), self._cargs(p, c), build)

    def _pull_backoff(self, p: MPodIx, c: MContainerIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self._kubelet_may(v, o, p), o.eq(v[c.pull], ERR_PULL))
            return guard, {c.pull: PULL_BACKOFF}
        return self._t("C2", "pull-backoff", "kubelet", ("BackOff",), self._cargs(p, c), build)

    def _start(self, p: MPodIx, c: MContainerIx) -> Transition:
        cap = self.config.restart_cap

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            first = o.and_(o.eq(v[c.last], NONE), o.ne(v[c.pull], ERR_PULL), self.may_start_first(v, o, p, c))
            again = o.ne(v[c.last], NONE)  # the back-off timer expired (CrashLoopBackOff ends)
            guard = o.and_(self._kubelet_may(v, o, p), o.eq(v[c.state], WAITING), o.or_(first, again))
            eff: Eff = {c.state: C_RUNNING, c.pull: PULL_OK,
                        c.restarts: o.ite(again, o.min_(o.add(v[c.restarts], 1), cap), v[c.restarts])}
            guard = o.and_(guard, kubelet_events.sandbox_step(self, v, o, p, c, eff))
            self.recompute(v, o, p, eff)
            return guard, eff
        return self._t("P2", "start", "kubelet", ("Started",), self._cargs(p, c), build)

    def _exit(self, p: MPodIx, c: MContainerIx, code: MExit) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), self.on_healthy_node(v, o, p), o.eq(v[c.state], C_RUNNING))
            eff: Eff = {c.state: C_TERMINATED, c.last: int(code)}
            self.recompute(v, o, p, eff)
            return guard, eff
        return self._t("P3", "exit", "container", (EXIT_REASON[code],),
                       (*self._cargs(p, c), ("code", code.label)), build)

    def finished_mains(self, v: V, o: Ops, p: MPodIx) -> Any:
        """Every main container has stopped for good: the kubelet then stops the sidecars."""
        return o.and_(*(o.and_(o.eq(v[c.state], C_TERMINATED), o.not_(self.restart_allowed(o, p, c, v[c.last])))
                        for c in p.containers))

    def _restart(self, p: MPodIx, c: MContainerIx) -> Transition:
        cap = self.config.restart_cap

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self._kubelet_may(v, o, p), o.eq(v[c.state], C_TERMINATED),
                           self.restart_allowed(o, p, c, v[c.last]))
            if c.kind is Kind.SIDECAR:
                guard = o.and_(guard, o.not_(self.finished_mains(v, o, p)))
            now = self.immediate_restart(o, v[c.backoff])
            eff: Eff = {c.state: o.ite(now, C_RUNNING, WAITING),
                        c.restarts: o.ite(now, o.min_(o.add(v[c.restarts], 1), cap), v[c.restarts]),
                        c.backoff: 1}
            guard = o.and_(guard, kubelet_events.sandbox_step(self, v, o, p, c, eff))
            self.recompute(v, o, p, eff)
            return guard, eff
        return self._t("P4", "restart", "kubelet", ("BackOff",), self._cargs(p, c), build)

    def _backoff_reset(self, p: MPodIx, c: MContainerIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self._kubelet_may(v, o, p), o.eq(v[c.state], C_RUNNING), o.truth(v[c.backoff]))
            return guard, {c.backoff: 0}
        return self._t("C3", "backoff-reset", "kubelet", (), self._cargs(p, c), build)

    def _stop_sidecars(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(self._kubelet_may(v, o, p), self.finished_mains(v, o, p),
                           o.or_(*(o.ne(v[c.state], C_TERMINATED) for c in p.sidecars)))
            eff: Eff = {}
            for c in p.sidecars:
                eff[c.state] = C_TERMINATED
                eff[c.last] = o.ite(o.eq(v[c.state], C_RUNNING), ERROR, v[c.last])
            self.recompute(v, o, p, eff)
            return guard, eff
        return self._t("K2", "stop-sidecars", "kubelet", ("Killing",), (("pod", p.p),), build)

    def _kill(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), o.truth(v[p.deleting]), o.not_(self.terminal(o, v[p.phase])),
                           self.on_healthy_node(v, o, p))
            eff: Eff = {}
            self._kill_all(v, o, p, True, eff)
            if self.terminal_before_removal():
                after = [eff.get(i, x) for i, x in enumerate(v)]
                ph = self.phase(o, after, p, pod_is_terminal=True)
                # A pod the kubelet has terminated gets a terminal phase (Failed if getPhase gives none).
                eff[p.phase] = o.ite(self.terminal(o, ph), ph, FAILED)
            return guard, eff
        return self._t("K4", "kill", "kubelet", ("Killing",), (("pod", p.p),), build)

    def _remove(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            done = self.terminal(o, v[p.phase]) if self.terminal_before_removal() else o.and_(
                *(o.ne(v[c.state], C_RUNNING) for c in p.all))
            guard = o.and_(o.truth(v[p.exists]), o.truth(v[p.deleting]), done, self.on_healthy_node(v, o, p))
            return guard, dict(self.shape.empty_pod(p))
        return self._t("K5", "remove", "kubelet", (), (("pod", p.p),), build)

    # pods: controllers and users ---------------------------------------------------------------

    def _evict(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            tainted = o.or_(*(o.and_(self.bound_to(v, o, p, n), o.ne(self.taint(v, o, n), T_NONE))
                              for n in self.shape.nodes))
            guard = o.and_(self.live(v, o, p), tainted)
            return guard, {p.deleting: 1, p.disruption: int(versions.disruption_condition(self.config)),
                           p.phase: self.eviction_phase(v, o, p)}
        return self._t("E1", "toleration-expiry", "taint-eviction-controller", ("TaintManagerEviction",),
                       (("pod", p.p),), build)

    def _podgc_orphan(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            orphan = o.or_(*(o.and_(self.bound_to(v, o, p, n), o.eq(v[n.obj], N_DELETED)) for n in self.shape.nodes))
            guard = o.and_(o.truth(v[p.exists]), orphan, o.not_(self.terminal(o, v[p.phase])))
            return guard, {p.phase: FAILED, p.disruption: int(versions.disruption_condition(self.config))}
        return self._t("G1", "orphan", "pod-garbage-collector", ("DeletionByPodGC",), (("pod", p.p),), build)

    def _gc_terminal(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.and_(o.truth(v[p.exists]), self.terminal(o, v[p.phase])), dict(self.shape.empty_pod(p))
        return self._t("P5", "delete", "pod-garbage-collector", ("Deleted",), (("pod", p.p),), build)

    def _delete(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # The API server removes an unscheduled pod at once; a bound one goes Terminating.
            unbound = o.eq(v[p.node], 0)
            eff: Eff = {p.deleting: o.ite(unbound, 0, 1)}
            self._clear(v, o, p, unbound, eff)
            return self.live(v, o, p), eff
        return self._t("D1", "delete", "user", ("Killing",), (("pod", p.p),), build)

    def _force_delete(self, p: MPodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            # Used on pods stuck Terminating: their kubelet is not reporting.
            guard = o.and_(o.truth(v[p.exists]), o.truth(v[p.deleting]), o.not_(self.on_healthy_node(v, o, p)))
            return guard, dict(self.shape.empty_pod(p))
        return self._t("D2", "force-delete", "user", (), (("pod", p.p),), build)

    def _replicate(self, p: MPodIx) -> Transition:
        controlled = [q for q in self.shape.pods if self.config.slots[q.p].controlled]
        lower = [q for q in controlled if q.p < p.p]

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            have = o.count(self.counted_by_controller(v, o, q) for q in controlled)
            guard = o.and_(o.lt(have, self.config.replicas), o.not_(o.truth(v[p.exists])),
                           *(o.truth(v[q.exists]) for q in lower))
            return guard, {p.exists: 1}
        return self._t("R1", "replicate", "replicaset-controller", ("SuccessfulCreate",), (("slot", p.p),), build)


ModernShape.rules_class = ModernSemantics  # decoding derives taints and Ready through the base semantics
