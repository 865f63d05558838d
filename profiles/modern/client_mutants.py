"""Deliberately broken variants of the issue-21 rules (profiles/modern/clients.py), one per rule.

Each names the properties or rows that catch it (``caught_by``) and the client preset where they do
(``caught_in``); :data:`kubelife.profiles.modern.mutants.MODERN_MUTANTS` includes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.profiles.modern.client_rows import BUDGET_PROPERTY, CORDON_PROPERTY, KUBELET_FAILED_PROPERTY
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.shape import MNodeIx, MPodIx

__all__ = ["CLIENT_MUTANTS"]

V = Sequence[Any]


class CordonIgnored(ModernSemantics):
    mutant = "cordon-ignored"
    doc = "the scheduler binds pods to a cordoned node (no NodeUnschedulable filter)"
    caught_by = (CORDON_PROPERTY, "M-cordon")
    caught_in = "modern-kubelet-disruptions"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def schedulable(self, v: V, o: Ops, n: MNodeIx) -> Any:
        return True


class EvictionIgnoresBudget(ModernSemantics):
    mutant = "eviction-ignores-budget"
    doc = "the Eviction API evicts whatever the PodDisruptionBudget allows"
    caught_by = (BUDGET_PROPERTY, "M-evict-budget")
    caught_in = "modern-budget-blocked"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def budget_allows(self, v: V, o: Ops, p: MPodIx) -> Any:
        return True


class PreemptionKeepsPod(ModernSemantics):
    mutant = "preemption-keeps-pod"
    doc = "the scheduler marks its victim DisruptionTarget but never deletes it"
    caught_by = ("M-preempt",)
    caught_in = "modern-kubelet-disruptions"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def preempt_deletes(self) -> bool:
        return False


class ShutdownLeavesRunning(ModernSemantics):
    mutant = "shutdown-leaves-running"
    doc = "graceful node shutdown marks pods Failed without stopping their containers"
    caught_by = (KUBELET_FAILED_PROPERTY, "M-shutdown")
    caught_in = "modern-kubelet-disruptions"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def shutdown_kills(self) -> bool:
        return False


class PressureWithoutCondition(ModernSemantics):
    mutant = "pressure-eviction-without-condition"
    doc = "the kubelet's node-pressure eviction leaves out DisruptionTarget (the pre-1.26 behaviour)"
    caught_by = ("M-pressure",)
    caught_in = "modern-kubelet-disruptions"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def pressure_condition(self) -> bool:
        return False


class ForceDeleteIsGraceful(ModernSemantics):
    mutant = "force-delete-is-graceful"
    doc = "--force --grace-period=0 only marks the pod Terminating instead of removing the object"
    caught_by = ("M-force-delete",)
    caught_in = "modern-kubelet-disruptions"
    stateful_in = "modern-clients-large"  # the Hypothesis machine\'s configuration that has the rule

    def force_removes(self) -> bool:
        return False


CLIENT_MUTANTS: dict[str, type[ModernSemantics]] = {
    m.mutant: m  # type: ignore[attr-defined]
    for m in (CordonIgnored, EvictionIgnoresBudget, PreemptionKeepsPod, ShutdownLeavesRunning,
              PressureWithoutCondition, ForceDeleteIsGraceful)
}
