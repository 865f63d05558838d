"""Which parts of a cluster state are interchangeable.

*Nodes* are always interchangeable: every node transition exists for every
node, nodes start alike, and pods refer to a node only through their
``node`` field (``index + 1``), which the canonical form relabels.  That is
an automorphism of the transition system.

*Pod slots* with the same :class:`~model.k8s.config.SlotSpec` are
interchangeable too, but not by an automorphism: the replication controller
(R1) fills the *lowest* free controlled slot, so slot order is visible to
it.  What makes slot permutation sound is that a slot without a pod always
holds the new-pod value (spec section 1, the "states are well formed"
invariant): all free slots are identical, so filling the lowest one and
filling any other free one lead to states that differ only by swapping two
identical-spec free slots.  Same-orbit is therefore a bisimulation, which is
what state counts, invariants, step properties, rows and shortest trace
lengths need.  That argument needs all *controlled* slots in one class; when
the controlled slots have different specs, they stay fixed (nodes only).
"""

from __future__ import annotations

from collections.abc import Callable

from model.engine.symmetry import BlockClass, SymmetrySpec, make_canonicalizer
from model.k8s.cluster import ClusterModel
from model.k8s.config import SlotSpec
from model.k8s.shape import PodIx

__all__ = ["symmetry_spec", "canonicalizer", "symmetry_group_size"]


def _pod_block(p: PodIx) -> tuple[int, ...]:
    fields = [p.exists, p.phase, p.node]
    for c in p.containers:
        fields += [c.state, c.last_exit, c.restarts]
    return tuple(fields)


POD_REF = 2  # position of ``node`` in a pod block


def symmetry_spec(m: ClusterModel, *, slots: bool = True) -> SymmetrySpec:
    """Node blocks plus classes of interchangeable slots (``slots=False``: nodes only)."""
    sh = m.shape
    owners = tuple((n.phase, n.reachable, n.ready, n.disk_ok) for n in sh.nodes)
    specs = m.config.slots
    controlled = {s for s in specs if s.controlled}
    classes: dict[object, list[PodIx]] = {}
    for p in sh.pods:
        spec: SlotSpec = specs[p.p]
        # Controlled slots of several kinds: R1's slot order matters, so each stays put.
        key: object = spec if slots and not (spec.controlled and len(controlled) > 1) else ("fixed", p.p)
        classes.setdefault(key, []).append(p)
    members = tuple(BlockClass(tuple(_pod_block(p) for p in ps), POD_REF) for ps in classes.values())
    return SymmetrySpec(owners, members)


def canonicalizer(m: ClusterModel, *, slots: bool = True) -> Callable[[int], int]:
    """``canon(packed state) -> packed canonical representative`` of its orbit."""
    return make_canonicalizer(m.shape.layout, symmetry_spec(m, slots=slots))


def symmetry_group_size(m: ClusterModel, *, slots: bool = True) -> int:
    return symmetry_spec(m, slots=slots).group_size
