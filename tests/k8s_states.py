"""Helpers to hand-build cluster states for table-driven tests."""

from __future__ import annotations

from dataclasses import replace

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import (
    ClusterState,
    ContainerState,
    CState,
    Exit,
    NodePhase,
    NodeState,
    PodPhase,
    PodState,
    Policy,
    Ready,
)
from kubelife.profiles import build

UP = NodeState(NodePhase.RUNNING, True, Ready.TRUE, True)
PENDING_NODE = NodeState(NodePhase.PENDING, True, Ready.FALSE, True)
EMPTY_C = ContainerState(CState.WAITING, Exit.NONE, 0)


def model(nodes: int = 2, slots: int = 2, replicas: int = 1, containers: int = 1,
          policy: Policy = Policy.ALWAYS, cap: int = 1, controlled: bool = True) -> ClusterModel:
    spec = SlotSpec(policy=policy, containers=containers, controlled=controlled)
    return build(Config(nodes, (spec,) * slots, replicas, cap))


def empty_pod(containers: int = 1) -> PodState:
    return PodState(False, PodPhase.PENDING, None, (EMPTY_C,) * containers)


def pod(phase: PodPhase, node: int | None, *cs: tuple[CState, Exit] | tuple[CState, Exit, int]) -> PodState:
    return PodState(True, phase, node, tuple(ContainerState(c[0], c[1], c[2] if len(c) > 2 else 0) for c in cs))


def state(m: ClusterModel, nodes: list[NodeState] | None = None, pods: list[PodState] | None = None) -> ClusterState:
    cfg = m.config
    ns = list(nodes) if nodes is not None else [UP] * cfg.nodes
    ps = list(pods) if pods is not None else []
    ps += [empty_pod(cfg.slots[i].containers) for i in range(len(ps), len(cfg.slots))]
    return ClusterState(tuple(ns), tuple(ps))


def step(m: ClusterModel, s: ClusterState, kind: str, **args: object) -> ClusterState | None:
    out = m.system.step(m.shape.encode(s), m.transition_index(kind, **args))  # type: ignore[arg-type]
    return None if out is None else m.shape.decode(out)


__all__ = ["UP", "PENDING_NODE", "EMPTY_C", "model", "empty_pod", "pod", "state", "step", "replace"]
