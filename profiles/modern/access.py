"""Typed access to a modern model's semantics and shape, and the foci rows take from an action."""

from __future__ import annotations

from typing import Any, cast

from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.shape import ModernShape

__all__ = ["rules", "shape", "pod_of", "node_of", "all_pods"]


def rules(m: ClusterModel) -> ModernSemantics:
    return cast(ModernSemantics, m.rules)


def shape(m: ClusterModel) -> ModernShape:
    return cast(ModernShape, m.shape)


def pod_of(m: ClusterModel, a: Action) -> list[Any]:
    """The pod the action names."""
    return [shape(m).pods[a.arg("pod")]]


def node_of(m: ClusterModel, a: Action) -> list[Any]:
    """The node the action names."""
    return [shape(m).nodes[a.arg("node")]]


def all_pods(m: ClusterModel, a: Action) -> list[Any]:
    return list(shape(m).pods)
