"""The default ``modern`` suite: small configurations that together reach every modern row.

Bounds, not semantics.  Plain one-node pods carry the exit rows (S1-S5) and
the optional environment events (user deletes, image pull errors, lost
containers); init/sidecar pods carry the init and sidecar rows; a two-node,
two-slot Never pod carries the node faults and their replacements (S6, S7)
and the known over-replication.  Never keeps that last one small: restarts
and back-off multiply a two-node state space.
"""

from __future__ import annotations

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy

__all__ = ["MODERN_SUITE", "MODERN_PRESETS"]

_EVENTS = {"user_deletes": True, "image_pull_errors": True, "unknown_exits": True}


def _cfg(name: str, nodes: int, slots: int, **spec: object) -> Config:
    return Config(nodes, (SlotSpec(**spec),) * slots, 1, 1, "modern", name)  # type: ignore[arg-type]


MODERN_SUITE: tuple[Config, ...] = (
    *(_cfg(f"modern-{p.label}-1c", 1, 1, policy=p, **_EVENTS) for p in Policy),
    *(_cfg(f"modern-{p.label}-2c", 1, 1, policy=p, containers=2) for p in Policy),
    *(_cfg(f"modern-{p.label}-init-sidecar", 1, 1, policy=p, inits=1, sidecars=1)
      for p in (Policy.ON_FAILURE, Policy.NEVER)),
    _cfg("modern-per-container-policy", 1, 1, policy=Policy.NEVER, containers=2,
         container_policies=(Policy.ALWAYS, None)),
    _cfg("modern-faults", 2, 2, policy=Policy.NEVER),
)

MODERN_PRESETS: dict[str, Config] = {c.name: c for c in MODERN_SUITE}
