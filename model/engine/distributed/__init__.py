"""Breadth-first exploration partitioned over worker processes (Ray actors).

``store`` and ``partition`` are plain Python and NumPy; only ``coordinator``
imports Ray, and nothing in the default engine imports this package.
"""

from kubelife.model.engine.distributed.partition import Partition, Problem

__all__ = ["Partition", "Problem"]
