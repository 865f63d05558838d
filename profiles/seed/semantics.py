"""The ``seed`` profile: transitions N1-N6, P1-P5 and R1 of the reference spec.

Sources: the 2014/2015 Kubernetes concept pages ``pod-states.md``,
``node.md`` and ``replication-controller.md`` as summarised in
``shared/spec/lifecycle-semantics.md`` section 3.  Every builder returns
``(guard, effects)`` through an ``Ops`` backend, so this file is the one
definition every engine consumes.

Hooks that a deliberately broken variant (a mutant, see
:mod:`kubelife.profiles.seed.mutants`) may override are methods with a leading verb:
``restart_allowed``, ``phase``, ``kill_on_disk_failure`` ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, Transition
from kubelife.model.k8s.types import CState, Exit, NodePhase, PodPhase, Policy, Ready
from kubelife.profiles.seed.phase import phase_of
from kubelife.profiles.seed.shape import NodeIx, PodIx, Shape

__all__ = ["SeedSemantics"]

V = Sequence[Any]
Eff = dict[int, Any]

RUNNING_N, PENDING_N, TERMINATED_N = int(NodePhase.RUNNING), int(NodePhase.PENDING), int(NodePhase.TERMINATED)
PENDING, RUNNING, SUCCEEDED, FAILED = (int(p) for p in PodPhase)
WAITING, C_RUNNING, C_TERMINATED = (int(c) for c in CState)
NONE, OK, ERROR, OOM = (int(e) for e in Exit)
R_FALSE, R_TRUE, R_UNKNOWN = (int(r) for r in Ready)

EXIT_REASON = {Exit.OK: "Completed", Exit.ERROR: "Failed", Exit.OOM: "OOMKilling"}


class SeedSemantics:
    """Builds the seed transition list for one :class:`Shape`."""

    profile = "seed"
    shape_class = Shape
    slot_options: frozenset[str] = frozenset()  # reads no SlotSpec option beyond policy, size, ownership

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.config = shape.config

    # -- shared predicates ------------------------------------------------------------

    def healthy(self, v: V, o: Ops, n: NodeIx) -> Any:
        return o.and_(o.eq(v[n.phase], RUNNING_N), o.truth(v[n.reachable]), o.truth(v[n.disk_ok]))

    def terminal(self, o: Ops, phase: Any) -> Any:
        return o.or_(o.eq(phase, SUCCEEDED), o.eq(phase, FAILED))

    def bound_to(self, v: V, o: Ops, p: PodIx, n: NodeIx) -> Any:
        return o.eq(v[p.node], n.n + 1)

    def on_healthy_node(self, v: V, o: Ops, p: PodIx) -> Any:
        return o.or_(*(o.and_(self.bound_to(v, o, p, n), self.healthy(v, o, n)) for n in self.shape.nodes))

    def active(self, v: V, o: Ops, p: PodIx) -> Any:
        """Counted by the replication controller: exists and not terminal."""
        return o.and_(o.truth(v[p.exists]), o.not_(self.terminal(o, v[p.phase])))

    def policy(self, p: PodIx) -> Policy:
        return self.config.slots[p.p].policy

    # -- hooks a mutant may override ---------------------------------------------------

    def phase(self, o: Ops, containers: Sequence[tuple[Any, Any]], policy: Policy) -> Any:
        return phase_of(o, containers, policy)

    def restart_allowed(self, o: Ops, policy: Policy, last_exit: Any) -> Any:
        if policy is Policy.ALWAYS:
            return True
        if policy is Policy.ON_FAILURE:
            return o.ne(last_exit, OK)
        return False

    def restart_needs_live_pod(self) -> bool:
        return True

    def recompute_phase(self, v: V, o: Ops, p: PodIx, eff: Mapping[int, Any]) -> Any:
        """Phase after a container change: terminal phases are absorbing."""
        cs = [(eff.get(c.state, v[c.state]), eff.get(c.last_exit, v[c.last_exit])) for c in p.containers]
        new = self.phase(o, cs, self.policy(p))
        return o.ite(self.terminal(o, v[p.phase]), v[p.phase], new)

    def fail_on_grace_expiry(self) -> bool:
        return True

    def kill_on_disk_failure(self) -> bool:
        return True

    def replicas_wanted(self) -> int:
        return self.config.replicas

    def counted_by_controller(self, v: V, o: Ops, p: PodIx) -> Any:
        """Whether the replication controller counts this pod towards its replicas."""
        return self.active(v, o, p)

    # -- transitions -------------------------------------------------------------------

    def transitions(self) -> list[Transition]:
        out: list[Transition] = []
        sh = self.shape
        for n in sh.nodes:
            out += [self._n1(n), self._n2(n), self._n3(n), self._n4(n), self._n5(n), self._n6(n)]
        for p in sh.pods:
            for n in sh.nodes:
                out.append(self._p1(p, n))
            for ci in range(len(p.containers)):
                out.append(self._p2(p, ci))
                for code in (Exit.OK, Exit.ERROR, Exit.OOM):
                    out.append(self._p3(p, ci, code))
                out.append(self._p4(p, ci))
            out.append(self._p5(p))
        for p in sh.pods:
            if self.config.slots[p.p].controlled:
                out.append(self._r1(p))
        return out

    @staticmethod
    def _t(kind: str, name: str, actor: str, reasons: tuple[str, ...], args: tuple[tuple[str, Any], ...],
           build: Callable[[V, Ops], tuple[Any, Eff]]) -> Transition:
        return Transition(Action(kind, name, actor, reasons, args), build)

    def _n1(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.eq(v[n.phase], PENDING_N), {n.phase: RUNNING_N, n.ready: R_TRUE}
        return self._t("N1", "register", "node-controller", ("NodeReady",), (("node", n.n),), build)

    def _n2(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            return o.and_(o.eq(v[n.phase], RUNNING_N), o.truth(v[n.reachable])), {n.reachable: 0}
        return self._t("N2", "partition", "network", (), (("node", n.n),), build)

    def _n3(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.eq(v[n.phase], RUNNING_N), o.not_(o.truth(v[n.reachable])))
            return guard, {n.reachable: 1, n.ready: o.ite(o.truth(v[n.disk_ok]), R_TRUE, R_FALSE)}
        return self._t("N3", "heal", "network", ("NodeReady",), (("node", n.n),), build)

    def _lost_pods(self, v: V, o: Ops, n: NodeIx) -> list[tuple[PodIx, Any]]:
        """Pods bound to ``n`` that are not terminal, with the condition that selects them."""
        return [(p, o.and_(self.bound_to(v, o, p, n), self.active(v, o, p))) for p in self.shape.pods]

    def _n4(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.eq(v[n.phase], RUNNING_N), o.not_(o.truth(v[n.reachable])),
                           o.ne(v[n.ready], R_UNKNOWN))
            eff: Eff = {n.ready: R_UNKNOWN}
            if self.fail_on_grace_expiry():
                # Only the record changes: the containers keep running beyond the partition.
                for p, hit in self._lost_pods(v, o, n):
                    eff[p.phase] = o.ite(hit, FAILED, v[p.phase])
            return guard, eff
        return self._t("N4", "grace-expiry", "node-controller", ("NodeNotReady",), (("node", n.n),), build)

    def _n5(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.eq(v[n.phase], RUNNING_N), o.truth(v[n.disk_ok]))
            eff: Eff = {n.disk_ok: 0, n.ready: R_FALSE}
            for p, hit in self._lost_pods(v, o, n):
                eff[p.phase] = o.ite(hit, FAILED, v[p.phase])
                if self.kill_on_disk_failure():
                    for c in p.containers:
                        kill = o.and_(hit, o.ne(v[c.state], C_TERMINATED))
                        eff[c.state] = o.ite(kill, C_TERMINATED, v[c.state])
                        eff[c.last_exit] = o.ite(kill, ERROR, v[c.last_exit])
            return guard, eff
        return self._t("N5", "disk-failure", "node", ("Killing",), (("node", n.n),), build)

    def _n6(self, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            eff: Eff = {n.phase: TERMINATED_N, n.reachable: 0, n.ready: R_UNKNOWN, n.disk_ok: 0}
            for p in self.shape.pods:
                hit = self.bound_to(v, o, p, n)
                for k, empty in self.shape.empty_pod(p).items():
                    eff[k] = o.ite(hit, empty, v[k])
            return o.ne(v[n.phase], TERMINATED_N), eff
        return self._t("N6", "terminate", "cloud", ("NodeTerminated", "Deleted"), (("node", n.n),), build)

    def _p1(self, p: PodIx, n: NodeIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), o.eq(v[p.phase], PENDING), o.eq(v[p.node], 0),
                           self.healthy(v, o, n), o.eq(v[n.ready], R_TRUE))
            return guard, {p.node: n.n + 1}
        return self._t("P1", "schedule", "scheduler", ("Scheduled",), (("pod", p.p), ("node", n.n)), build)

    def _p2(self, p: PodIx, ci: int) -> Transition:
        c = p.containers[ci]
        cap = self.config.restart_cap

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), o.not_(self.terminal(o, v[p.phase])),
                           self.on_healthy_node(v, o, p), o.eq(v[c.state], WAITING))
            restarted = o.ne(v[c.last_exit], NONE)
            eff: Eff = {c.state: C_RUNNING,
                        c.restarts: o.ite(restarted, o.min_(o.add(v[c.restarts], 1), cap), v[c.restarts])}
            eff[p.phase] = self.recompute_phase(v, o, p, eff)
            return guard, eff
        return self._t("P2", "start", "kubelet", ("Started",), (("pod", p.p), ("container", ci)), build)

    def _p3(self, p: PodIx, ci: int, code: Exit) -> Transition:
        c = p.containers[ci]

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), self.on_healthy_node(v, o, p), o.eq(v[c.state], C_RUNNING))
            eff: Eff = {c.state: C_TERMINATED, c.last_exit: int(code)}
            eff[p.phase] = self.recompute_phase(v, o, p, eff)
            return guard, eff
        return self._t("P3", "exit", "container", (EXIT_REASON[code],),
                       (("pod", p.p), ("container", ci), ("code", code.label)), build)

    def _p4(self, p: PodIx, ci: int) -> Transition:
        c = p.containers[ci]

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            live = o.not_(self.terminal(o, v[p.phase])) if self.restart_needs_live_pod() else True
            guard = o.and_(o.truth(v[p.exists]), live, self.on_healthy_node(v, o, p),
                           o.eq(v[c.state], C_TERMINATED),
                           self.restart_allowed(o, self.policy(p), v[c.last_exit]))
            eff: Eff = {c.state: WAITING}
            if self.restart_needs_live_pod():
                eff[p.phase] = self.recompute_phase(v, o, p, eff)
            else:
                cs = [(eff.get(x.state, v[x.state]), v[x.last_exit]) for x in p.containers]
                eff[p.phase] = self.phase(o, cs, self.policy(p))
            return guard, eff
        return self._t("P4", "restart", "kubelet", ("BackOff",), (("pod", p.p), ("container", ci)), build)

    def _p5(self, p: PodIx) -> Transition:
        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            guard = o.and_(o.truth(v[p.exists]), self.terminal(o, v[p.phase]))
            return guard, dict(self.shape.empty_pod(p))
        return self._t("P5", "delete", "garbage-collector", ("Deleted",), (("pod", p.p),), build)

    def _r1(self, p: PodIx) -> Transition:
        controlled = [q for q in self.shape.pods if self.config.slots[q.p].controlled]
        lower = [q for q in controlled if q.p < p.p]

        def build(v: V, o: Ops) -> tuple[Any, Eff]:
            have = o.count(self.counted_by_controller(v, o, q) for q in controlled)
            guard = o.and_(
                o.lt(have, self.replicas_wanted()),
                o.not_(o.truth(v[p.exists])),
                *(o.truth(v[q.exists]) for q in lower),  # the lowest free slot
            )
            return guard, {p.exists: 1}
        return self._t("R1", "replicate", "replication-controller", ("SuccessfulCreate",),
                       (("slot", p.p),), build)
