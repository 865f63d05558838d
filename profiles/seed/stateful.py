"""Hypothesis steering for the ``seed`` profile: kind weights and how a pod is brought up."""

from __future__ import annotations

from typing import Any

from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["KIND_WEIGHTS", "bring_up"]

# Faults are rarer than kubelet steps, so pods live long enough to exit, restart and
# exit again; every kind still fires (the coverage summary shows it).
KIND_WEIGHTS: dict[str, int] = {
    "P3": 6, "P2": 4, "P4": 4, "P1": 3, "R1": 3, "N1": 2, "P5": 2, "N4": 2,
    "N2": 1, "N3": 1, "N5": 1, "N6": 1,
}


def bring_up(m: ClusterModel) -> tuple[dict[int, list[Any]], dict[int, list[Any]], dict[int, int]]:
    """Per pod: the start steps (P2 per container), drawn exits (none) and a step budget."""
    pods = m.shape.pods
    p2_of = {p.p: [m.transition_index("P2", pod=p.p, container=c) for c in range(len(p.containers))] for p in pods}
    ok_of: dict[int, list[Any]] = {p.p: [] for p in pods}
    return p2_of, ok_of, {p.p: len(p.containers) + 4 for p in pods}
