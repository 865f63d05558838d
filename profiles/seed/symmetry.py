"""Which parts of a seed cluster state are interchangeable: nodes, and slots of the same kind.

The seed semantics meets both conditions of :mod:`kubelife.model.k8s.symmetry`: every node
transition (heartbeat, failure, the node controller's steps) exists for every node and pods name a
node only by its ``node`` field; the replication controller fills the lowest free controlled slot,
and a slot without a pod always holds the new-pod value (spec section 1, the "states are well
formed" invariant), so slots of one kind are interchangeable.  Its mutants keep its shape.
"""

from __future__ import annotations

from kubelife.model.k8s.symmetry import cluster_symmetry

__all__ = ["symmetry_spec"]

symmetry_spec = cluster_symmetry
