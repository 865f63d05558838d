"""Which parts of a modern cluster state are interchangeable: nodes, and slots of the same kind.

The modern semantics meets both conditions of :mod:`kubelife.model.k8s.symmetry`:

* every node step (heartbeat, Ready, DiskPressure, taints, deletion and return, cordon, graceful
  shutdown) exists for every node, nodes start alike, and pods name a node only by ``node`` (the
  scheduler binds to any schedulable node; eviction, PodGC and shutdown read the bound node);
* the ReplicaSet controller (R1) fills the lowest free controlled slot, and every way a pod leaves
  its slot (K5 remove, P5 PodGC delete, D2 force-delete, D1 delete of an unbound pod) writes the
  slot's new-pod value (``ModernShape.empty_pod``), so free slots are identical.  The
  PodDisruptionBudget counts healthy pods, which does not depend on their order.

Checked on small configurations of every optional event (tests/test_symmetry_modern.py): the
reduced search stores exactly the canonical forms of the full graph's states, and verdicts and
shortest trace lengths agree with and without reduction.
"""

from __future__ import annotations

from kubelife.model.k8s.symmetry import cluster_symmetry

__all__ = ["symmetry_spec"]

symmetry_spec = cluster_symmetry
