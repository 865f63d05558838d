"""Deliberately broken variants of the modern semantics.

Each overrides one hook of :class:`~kubelife.profiles.modern.semantics.ModernSemantics`,
names the properties or rows that must catch it (``caught_by``) and the
default-suite configuration where they do (``caught_in``, so tests stay fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.types import Policy
from kubelife.profiles.modern.client_mutants import CLIENT_MUTANTS
from kubelife.profiles.modern.phase import modern_phase
from kubelife.profiles.modern.semantics import FAILED, NONE, OK, WAITING, ModernSemantics
from kubelife.profiles.modern.shape import MContainerIx, MPodIx
from kubelife.profiles.modern.types import Kind

__all__ = ["MODERN_MUTANTS", "modern_mutant"]

V = Sequence[Any]


class SidecarCountsAsStopped(ModernSemantics):
    mutant = "sidecar-counts-as-main"
    doc = "sidecars count in the phase like main containers, so a stopped sidecar can end the pod"
    caught_by = ("a terminal phase the kubelet computes is what getPhase gives",)
    caught_in = "modern-Never-init-sidecar"

    def phase(self, o: Ops, v: V, p: MPodIx, pod_is_terminal: Any = False) -> Any:
        st = self.statuses
        return modern_phase(o, st(v, o, p.inits), [], st(v, o, p.sidecars + p.containers), self.policy(p),
                            [None] * len(p.sidecars) + [c.policy for c in p.containers],
                            restart_rules=self.restart_rules(p),
                            pod_is_terminal=pod_is_terminal)


class InitFailureFailsPod(ModernSemantics):
    mutant = "init-failure-fails-pod"
    doc = "a failed init container fails the pod under every policy (not only Never)"
    caught_by = ("M-init-retried", "a terminal phase the kubelet computes is what getPhase gives")
    caught_in = "modern-OnFailure-init-sidecar"

    def phase(self, o: Ops, v: V, p: MPodIx, pod_is_terminal: Any = False) -> Any:
        failed = o.or_(*(o.and_(o.ne(v[c.last], NONE), o.ne(v[c.last], OK)) for c in p.inits))
        return o.ite(failed, FAILED, super().phase(o, v, p, pod_is_terminal))


class MainsSkipInits(ModernSemantics):
    mutant = "mains-skip-inits"
    doc = "main containers start without waiting for init containers and sidecars"
    caught_by = ("main containers start only after every init container has succeeded",
                 "a main container first starts only while every sidecar is running")
    caught_in = "modern-Never-init-sidecar"

    def may_start_first(self, v: V, o: Ops, p: MPodIx, c: MContainerIx) -> Any:
        return True if c.kind is Kind.MAIN else super().may_start_first(v, o, p, c)


class NoBackoff(ModernSemantics):
    mutant = "no-backoff"
    doc = "every restart is immediate: no CrashLoopBackOff"
    caught_by = ("M-backoff",)
    caught_in = "modern-Always-1c"

    def immediate_restart(self, o: Ops, backoff: Any) -> Any:
        return True


class EvictionFailsPod(ModernSemantics):
    mutant = "eviction-fails-pod"
    doc = "the taint manager marks evicted pods Failed (the removed pre-1.27 NodeLost path)"
    caught_by = ("S7", "graceful deletion leaves the phase alone")
    caught_in = "modern-Always-1c"

    def eviction_phase(self, v: V, o: Ops, p: MPodIx) -> Any:
        return FAILED


class TerminatingCountsActive(ModernSemantics):
    mutant = "terminating-counts-active"
    doc = "the ReplicaSet counts Terminating pods as active, so an evicted pod is not replaced"
    caught_by = ("S7-controlled",)
    caught_in = "modern-faults"

    def counted_by_controller(self, v: V, o: Ops, p: MPodIx) -> Any:
        return o.and_(o.truth(v[p.exists]), o.not_(self.terminal(o, v[p.phase])))


class RemoveWithoutTerminalPhase(ModernSemantics):
    mutant = "remove-without-terminal-phase"
    doc = "the kubelet removes a deleted pod without writing a terminal phase (pre-1.27)"
    caught_by = ("the kubelet writes a terminal phase before it removes a pod", "M-graceful-delete")
    caught_in = "modern-Always-1c"

    def terminal_before_removal(self) -> bool:
        return False


class RestartWhileTerminating(ModernSemantics):
    mutant = "restart-while-terminating"
    doc = "the kubelet keeps (re)starting containers of a Terminating pod"
    caught_by = ("a Terminating pod starts no container",)
    caught_in = "modern-Always-1c"

    def _kubelet_may(self, v: V, o: Ops, p: MPodIx) -> Any:
        return o.and_(o.truth(v[p.exists]), o.not_(self.terminal(o, v[p.phase])), self.on_healthy_node(v, o, p))


class OnFailureRestartsSuccess(ModernSemantics):
    mutant = "onfailure-restarts-success"
    doc = "OnFailure restarts a main container that exited 0"
    caught_by = ("OnFailure never restarts a container that exited ok",)
    caught_in = "modern-OnFailure-2c"  # with one container the pod is Succeeded first, so nothing restarts

    def restart_allowed(self, o: Ops, p: MPodIx, c: MContainerIx, last: Any) -> Any:
        if c.kind is Kind.MAIN and self.policy(p) is Policy.ON_FAILURE:
            return True
        return super().restart_allowed(o, p, c, last)


class CrashLoopIsPending(ModernSemantics):
    mutant = "crashloop-pending"
    doc = "a container in CrashLoopBackOff counts as never started, so the pod goes back to Pending"
    caught_by = ("the phase is what the kubelet's getPhase gives", "M-backoff")
    caught_in = "modern-Always-1c"

    def phase(self, o: Ops, v: V, p: MPodIx, pod_is_terminal: Any = False) -> Any:
        forgetful = list(v)
        for c in p.all:
            forgetful[c.last] = o.ite(o.eq(v[c.state], WAITING), NONE, v[c.last])
        return super().phase(o, forgetful, p, pod_is_terminal)


MODERN_MUTANTS: dict[str, type[ModernSemantics]] = {
    m.mutant: m  # type: ignore[attr-defined]
    for m in (SidecarCountsAsStopped, InitFailureFailsPod, MainsSkipInits, NoBackoff, EvictionFailsPod,
              TerminatingCountsActive, RemoveWithoutTerminalPhase, RestartWhileTerminating,
              OnFailureRestartsSuccess, CrashLoopIsPending)
}
MODERN_MUTANTS.update(CLIENT_MUTANTS)  # issue 21: one per client rule (profiles/modern/client_mutants.py)


def modern_mutant(name: str) -> type[ModernSemantics]:
    try:
        return MODERN_MUTANTS[name]
    except KeyError:
        raise KeyError(f"mutant {name!r} is not known; use one of: {', '.join(MODERN_MUTANTS)}") from None
