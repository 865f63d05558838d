"""Interchangeable nodes and pod slots of a cluster model, for profiles whose semantics allow it.

A profile declares :func:`cluster_symmetry` as its ``symmetry`` only after checking the two
conditions below for its semantics (the profile's docs say why they hold; tests/test_symmetry*.py
check them on small configurations against the full graph).

*Nodes* are interchangeable when every node transition exists for every node, nodes start alike,
and pods refer to a node only through a ``node`` field holding ``index + 1``, which the canonical
form relabels: permuting nodes is then an automorphism of the transition system.

*Pod slots* with the same :class:`~kubelife.model.k8s.config.SlotSpec` are interchangeable too,
but not by an automorphism: the replication controller fills the *lowest* free controlled slot,
so slot order is visible to it.  What makes slot permutation sound is that a slot without a pod
always holds the new-pod value: all free slots are identical, so filling the lowest one and
filling any other free one lead to states that differ only by swapping two identical free slots.
Same-orbit is therefore a bisimulation, which is what state counts, invariants, step properties,
rows and shortest trace lengths need.  That argument needs all *controlled* slots in one class;
when the controlled slots have different specs, they stay fixed (nodes only).

Field names follow the cluster shapes' convention: ``n<k>.`` for node ``k``, ``p<k>.`` for pod
slot ``k``, a pod's node in ``p<k>.node``.  A field that belongs to no node or pod (a model-wide
counter, say) makes the group trivial: nothing is guessed.
"""

from __future__ import annotations

from kubelife.model.engine.symmetry import BlockClass, SymmetrySpec
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["cluster_symmetry"]


def _block(m: ClusterModel, prefix: str) -> tuple[int, ...]:
    """Every field of one node or pod, by name (``n0.`` / ``p1.``), in layout order."""
    return tuple(i for i, f in enumerate(m.shape.layout.fields) if f.name.startswith(prefix))


def cluster_symmetry(m: ClusterModel, *, slots: bool = True) -> SymmetrySpec:
    """Node blocks plus classes of interchangeable slots (``slots=False``: nodes only)."""
    sh = m.shape
    names = [f.name for f in sh.layout.fields]
    owners = tuple(_block(m, f"n{n.n}.") for n in sh.nodes)
    specs = m.config.slots
    controlled = {s for s in specs if s.controlled}
    classes: dict[object, list[int]] = {}
    for p in sh.pods:
        spec = specs[p.p]
        # Controlled slots of several kinds: the controller's slot order matters, so each stays put.
        key: object = spec if slots and not (spec.controlled and len(controlled) > 1) else ("fixed", p.p)
        classes.setdefault(key, []).append(p.p)
    members = []
    for ps in classes.values():
        blocks = tuple(_block(m, f"p{p}.") for p in ps)
        ref = blocks[0].index(names.index(f"p{ps[0]}.node"))
        members.append(BlockClass(blocks, ref))
    covered = {f for b in owners for f in b} | {f for c in members for b in c.blocks for f in b}
    if len(covered) != len(names):
        return SymmetrySpec()
    return SymmetrySpec(owners, tuple(members))
