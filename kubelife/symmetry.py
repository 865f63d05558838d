"""Symmetry of a model, as its profile declares it (``Profile.symmetry``).

A profile without a symmetry declaration gets the trivial group, which is always sound.
"""

from __future__ import annotations

from collections.abc import Callable

from kubelife import profiles
from kubelife.model.engine.canon import make_canonicalizer
from kubelife.model.engine.symmetry import SymmetrySpec
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["symmetry_spec", "canonicalizer", "symmetry_group_size"]


def symmetry_spec(m: ClusterModel, *, slots: bool = True) -> SymmetrySpec:
    """Interchangeable nodes (and slots, unless ``slots=False``) of the model's profile."""
    declared = profiles.get(m.config.profile).symmetry
    return declared(m, slots=slots) if declared is not None else SymmetrySpec()


def canonicalizer(m: ClusterModel, *, slots: bool = True, native: bool = True) -> Callable[[int], int]:
    """``canon(packed state) -> packed canonical representative`` of its orbit (compiled C when a
    compiler is there, else Python; both give the same representative)."""
    return make_canonicalizer(m.shape.layout, symmetry_spec(m, slots=slots), native=native)


def symmetry_group_size(m: ClusterModel, *, slots: bool = True) -> int:
    return symmetry_spec(m, slots=slots).group_size
