"""How the oracle reads the issue-21 actions off Pod, Node and PodDisruptionBudget objects.

- ``DisruptionTarget``'s ``reason`` names who set it: ``EvictionByEvictionAPI`` (the Eviction API),
  ``PreemptionByScheduler`` (the scheduler), ``TerminationByKubelet`` (graceful node shutdown with
  pod reason ``Terminated``, node-pressure eviction with ``Evicted``; the model's DiskPressure
  eviction N5 leaves the reason unnamed).  Other reasons constrain nothing here.
- A node's ``spec.unschedulable`` is the cordon; a Ready condition whose message says the node is
  shutting down (the kubelet's shutdown manager) is the start of a graceful shutdown.
- A PodDisruptionBudget in the trace that selects a pod (same namespace, ``matchLabels``) and
  does not list it in ``status.disruptedPods`` after the Eviction API marked it says the eviction
  did not go through the budget (``EvictionREST.Create`` lists a pod there before it patches the
  condition).  The PDB controller drops a pod from ``disruptedPods`` once it is deleted or after
  two minutes (``DeletionTimeout``); a pod still Terminating by then is not judged on it.
"""

from __future__ import annotations

from typing import Any

from kubelife.oracle.abstract import ANY, PodObs, Values, _cond, one
from kubelife.profiles.modern.types import DReason

__all__ = ["disruption_reason", "with_budgets", "node_client_fields", "REASON", "GRANTED"]

REASON, GRANTED = "disruption_reason", "budget_granted"
_REASONS: dict[str, Values] = {
    "EvictionByEvictionAPI": one(DReason.EVICTION_API),
    "PreemptionByScheduler": one(DReason.PREEMPTION),
    "TerminationByKubelet": frozenset({int(DReason.OTHER), int(DReason.KUBELET)}),
}


def disruption_reason(status: dict[str, Any]) -> tuple[tuple[str, Values], ...]:
    dt = _cond(status, "DisruptionTarget")
    if dt is None or dt.get("status") != "True":
        return ()
    vs = _REASONS.get(dt.get("reason"), ANY)  # type: ignore[arg-type]
    return ((REASON, vs),) if vs else ()


def _selects(pdb: dict[str, Any], md: dict[str, Any]) -> bool:
    pmd = pdb.get("metadata") or {}
    spec = pdb.get("spec")
    sel = spec.get("selector") if isinstance(spec, dict) else None
    if not isinstance(sel, dict):
        return False
    if sel is None or pmd.get("namespace") != md.get("namespace") or sel.get("matchExpressions"):
        return False  # no selector selects nothing; expressions are not read (never judged on)
    want, labels = sel.get("matchLabels") or {}, md.get("labels") or {}
    return isinstance(want, dict) and isinstance(labels, dict) and all(labels.get(k) == v for k, v in want.items())


def with_budgets(obs: PodObs, obj: dict[str, Any], budgets: tuple[dict[str, Any], ...]) -> PodObs:
    """An Eviction API DisruptionTarget on a pod a budget selects but does not list: not granted."""
    md, status = obj.get("metadata") or {}, obj.get("status") or {}
    client = getattr(obs, "client", ())
    if dict(client).get(REASON) != one(DReason.EVICTION_API) or not isinstance(status, dict):
        return obs
    covering = [b for b in budgets if isinstance(b, dict) and _selects(b, md)]
    if not covering:
        return obs
    listed = any(md.get("name") in ((b.get("status") or {}).get("disruptedPods") or {}) for b in covering)
    if listed:
        return obs
    from dataclasses import replace

    return replace(obs, client=(*client, (GRANTED, one(0))))  # type: ignore[call-arg]


def node_client_fields(obj: dict[str, Any]) -> tuple[Values, Values, bool]:
    """(cordoned, shutting down, memory or PID pressure) of a Node object.

    The model has one pressure bit (its DiskPressure): any eviction signal over its threshold
    makes the eviction manager evict (``pkg/kubelet/eviction``), so MemoryPressure and
    PIDPressure set it too.
    """
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    cordoned = one(1) if isinstance(spec, dict) and spec.get("unschedulable") is True else one(0)
    ready = _cond(status, "Ready") if isinstance(status, dict) else None
    msg = ready.get("message") if ready is not None else None
    shutting = one(1) if isinstance(msg, str) and "shutting down" in msg else ANY
    other = [_cond(status, k) if isinstance(status, dict) else None for k in ("MemoryPressure", "PIDPressure")]
    return cordoned, shutting, any(c is not None and c.get("status") == "True" for c in other)
