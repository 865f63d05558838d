"""Which parts of a cluster state are interchangeable.

*Nodes* are always interchangeable: every node transition exists for every
node, nodes start alike, and pods refer to a node only through their
``node`` field (``index + 1``), which the canonical form relabels.  That is
an automorphism of the transition system.

*Pod slots* with the same :class:`~kubelife.model.k8s.config.SlotSpec` are
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

from kubelife.model.engine.symmetry import BlockClass, SymmetrySpec
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import SlotSpec
from kubelife.profiles.seed.shape import PodIx

__all__ = ["symmetry_spec"]


def _block(m: ClusterModel, prefix: str) -> tuple[int, ...]:
    """Every field of one node or pod, by name (``n0.`` / ``p1.``), in layout order."""
    return tuple(i for i, f in enumerate(m.shape.layout.fields) if f.name.startswith(prefix))


def symmetry_spec(m: ClusterModel, *, slots: bool = True) -> SymmetrySpec:
    """Node blocks plus classes of interchangeable slots (``slots=False``: nodes only).

    The seed semantics (and its mutants, which keep its shape) is symmetric in its nodes and in
    slots of the same kind.
    """
    sh = m.shape
    names = [f.name for f in sh.layout.fields]
    owners = tuple(_block(m, f"n{n.n}.") for n in sh.nodes)
    specs = m.config.slots
    controlled = {s for s in specs if s.controlled}
    classes: dict[object, list[PodIx]] = {}
    for p in sh.pods:
        spec: SlotSpec = specs[p.p]
        # Controlled slots of several kinds: R1's slot order matters, so each stays put.
        key: object = spec if slots and not (spec.controlled and len(controlled) > 1) else ("fixed", p.p)
        classes.setdefault(key, []).append(p)
    members = []
    for ps in classes.values():
        blocks = tuple(_block(m, f"p{p.p}.") for p in ps)
        ref = blocks[0].index(names.index(f"p{ps[0].p}.node"))
        members.append(BlockClass(blocks, ref))
    covered = {f for b in owners for f in b} | {f for c in members for b in c.blocks for f in b}
    if len(covered) != len(names):  # a field that belongs to no node or pod: do not guess
        return SymmetrySpec()
    return SymmetrySpec(owners, tuple(members))
