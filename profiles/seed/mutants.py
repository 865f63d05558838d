"""Deliberately broken variants of the seed semantics.

Each mutant overrides one hook of :class:`~kubelife.profiles.seed.semantics.SeedSemantics`
and names the row or property that must catch it (``caught_by``).  The test
suite runs every checker against every mutant: a check no mutant can fail is
not a check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.types import Policy
from kubelife.profiles.seed.semantics import NONE, WAITING, SeedSemantics

__all__ = ["MUTANTS", "mutant"]


class OnFailureRestartsSuccess(SeedSemantics):
    mutant = "onfailure-restarts-success"
    doc = "OnFailure restarts a container that exited ok"
    caught_by = ("OnFailure never restarts a container that exited ok", "S4-OnFailure")

    def restart_allowed(self, o: Ops, policy: Policy, last_exit: Any) -> Any:
        return True if policy is not Policy.NEVER else False


class NeverRestarts(SeedSemantics):
    mutant = "never-restarts"
    doc = "policy Never restarts failed containers"
    caught_by = ("policy Never never restarts a container", "S3-Never")

    def restart_allowed(self, o: Ops, policy: Policy, last_exit: Any) -> Any:
        return True


class CrashLoopIsPending(SeedSemantics):
    mutant = "crashloop-pending"
    doc = "a crash-looping container counts as never started, so the pod goes back to Pending"
    caught_by = ("the phase is what the kubelet's phase function gives", "S1-Always")

    def phase(self, o: Ops, containers: Sequence[tuple[Any, Any]], policy: Policy) -> Any:
        # Treat Waiting-with-a-last-exit as never started.
        forgetful = [(s, o.ite(o.eq(s, WAITING), NONE, e)) for s, e in containers]
        return super().phase(o, forgetful, policy)


class DiskFailureKeepsRunning(SeedSemantics):
    mutant = "disk-failure-keeps-running"
    doc = "a disk failure fails the pod but leaves its containers running"
    caught_by = ("S6",)

    def kill_on_disk_failure(self) -> bool:
        return False


class LostNodeKeepsPods(SeedSemantics):
    mutant = "lost-node-keeps-pods"
    doc = "the node controller never fails the pods of a lost node"
    caught_by = ("S7",)

    def fail_on_grace_expiry(self) -> bool:
        return False


class NoReplacement(SeedSemantics):
    mutant = "no-replacement"
    doc = "the replication controller counts failed pods as active, so it never replaces them"
    caught_by = ("S6-controlled", "S7-controlled")

    def counted_by_controller(self, v: Sequence[Any], o: Ops, p: Any) -> Any:
        return o.truth(v[p.exists])


class TerminalRestart(SeedSemantics):
    mutant = "terminal-restart"
    doc = "the kubelet restarts containers of a terminal pod, which leaves its phase"
    caught_by = ("terminal phases are absorbing",)

    def restart_needs_live_pod(self) -> bool:
        return False


MUTANTS: dict[str, type[SeedSemantics]] = {
    m.mutant: m  # type: ignore[attr-defined]
    for m in (OnFailureRestartsSuccess, NeverRestarts, CrashLoopIsPending, DiskFailureKeepsRunning,
              LostNodeKeepsPods, NoReplacement, TerminalRestart)
}

def mutant(name: str) -> type[SeedSemantics]:
    try:
        return MUTANTS[name]
    except KeyError:
        raise KeyError(f"mutant {name!r} is not known; use one of: {', '.join(MUTANTS)}") from None
