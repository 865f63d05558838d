"""Hypothesis steering for the ``modern`` profile: kind weights and how a pod is brought up."""

from __future__ import annotations

from typing import Any

from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["MODERN_KIND_WEIGHTS", "bring_up", "container_arg"]

# The kubelet's own steps (sync, kill, remove, stop sidecars, image pull errors, back-off
# reset) often enough that deletions finish and pull errors show; controllers and faults rarely.
MODERN_KIND_WEIGHTS: dict[str, int] = {
    "P3": 12, "P2": 8, "P4": 8, "K1": 6, "P1": 6, "R1": 6, "K4": 6, "K5": 4, "K2": 4, "C3": 4, "C1": 4,
    "C2": 4, "N1": 4, "P5": 3, "N4": 3, "E1": 3,
    "G1": 1, "D1": 1, "D2": 1, "N2": 1, "N3": 1, "N5": 1, "N6": 1, "N7": 1, "N8": 1,
    # Issue 21 (profiles/modern/clients.py): the second half of an eviction or preemption and the
    # kubelet's per-pod kills often, so drains finish; the requests and node events rarely.
    "E3": 4, "S3": 4, "K9": 4, "K10": 3, "E2": 3, "U1": 2, "U2": 1, "S2": 1, "N9": 1, "N10": 1, "N11": 1, "D3": 1,
}


def container_arg(c: Any) -> str:
    """A container's argument as the semantics spells it (``s0``, ``i0``, ``c1``)."""
    return f"{ {0: 'i', 1: 's', 2: 'c'}[int(c.kind)] }{c.k}"


def bring_up(m: ClusterModel) -> tuple[dict[int, list[Any]], dict[int, list[Any]], dict[int, int]]:
    """Per pod: sync (K1), then starts in the kubelet's container order (the guards enforce it),
    with image pull errors (C1/C2) competing where the slot has them; the regular init containers'
    exits are drawn (Completed first, so shrinking prefers success) so init failures show too."""
    idx = m.transition_index
    pods: Any = m.shape.pods
    pull = {p.p: m.config.slots[p.p].image_pull_errors for p in pods}
    p2_of = {p.p: [idx("K1", pod=p.p), *(idx(k, pod=p.p, container=container_arg(c)) for c in p.all
                                          for k in ("P2", "C1", "C2") if k == "P2" or pull[p.p])]
             for p in pods}
    ok_of = {p.p: [idx("P3", pod=p.p, container=container_arg(c), code=x) for c in p.inits
                   for x in ("Completed", "Error", "OOMKilled")] for p in pods}
    return p2_of, ok_of, {p.p: 2 * len(p.all) + 5 for p in pods}
