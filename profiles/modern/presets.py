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
from kubelife.profiles.modern.semantics import ModernSemantics

__all__ = ["MODERN_SUITE", "MODERN_PRESETS", "MODERN_LIVENESS_SUITE", "MODERN_LARGE", "CLIENT_SUITE",
           "MODERN_CLIENTS_LARGE"]

_EVENTS = {"user_deletes": True, "image_pull_errors": True, "unknown_exits": True}


NAME = ModernSemantics.profile


def _cfg(name: str, nodes: int, slots: int, **spec: object) -> Config:
    return Config(nodes, (SlotSpec(**spec),) * slots, 1, 1, NAME, name)  # type: ignore[arg-type]


MODERN_SUITE: tuple[Config, ...] = (
    *(_cfg(f"modern-{p.label}-1c", 1, 1, policy=p, **_EVENTS) for p in Policy),
    *(_cfg(f"modern-{p.label}-2c", 1, 1, policy=p, containers=2) for p in Policy),
    *(_cfg(f"modern-{p.label}-init-sidecar", 1, 1, policy=p, inits=1, sidecars=1)
      for p in (Policy.ON_FAILURE, Policy.NEVER)),
    _cfg("modern-per-container-policy", 1, 1, policy=Policy.NEVER, containers=2,
         container_policies=(Policy.ALWAYS, None)),
    _cfg("modern-faults", 2, 2, policy=Policy.NEVER),
)

# Issue 21 (profiles/modern/clients.py): clients and administrators, each preset small and opt-in.
# Two nodes for a drain (the replacement goes to the other node); a budget (minAvailable 1) with one
# more covered pod outside the model (evictions go through it), and one without (the only Ready pod
# cannot be evicted); preemption, cordon, node shutdown, pressure and force delete.
_N1 = Policy.NEVER
CLIENT_SUITE: tuple[Config, ...] = (
    Config(2, (SlotSpec(_N1, evictions=True),) * 2, 1, 1, NAME, "modern-drain", cordons=True),
    Config(1, (SlotSpec(_N1, evictions=True),), 1, 1, NAME, "modern-budget", pdb_min_available=1, pdb_others=1),
    Config(1, (SlotSpec(_N1, evictions=True),), 1, 1, NAME, "modern-budget-blocked", pdb_min_available=1),
    Config(1, (SlotSpec(_N1, preemptions=True, force_deletes=True, pressure_evictions=True),), 1, 1, NAME,
           "modern-kubelet-disruptions", cordons=True, node_shutdowns=True),
)
MODERN_SUITE = MODERN_SUITE + CLIENT_SUITE

# Every issue-21 action at once, for the Hypothesis machine: two nodes (cordon, drain, shutdown),
# two replicas over three controlled slots under a budget (minAvailable 1: one eviction at a time),
# and a pod of each policy that may be preempted, force-deleted or evicted under pressure.
_CLIENT_EVENTS: dict[str, bool] = {"evictions": True, "preemptions": True, "force_deletes": True,
                                   "pressure_evictions": True}
MODERN_CLIENTS_LARGE = Config(
    nodes=2,
    slots=(*(SlotSpec(Policy.ALWAYS, 1, controlled=True, **_CLIENT_EVENTS) for _ in range(3)),  # type: ignore[arg-type]
           SlotSpec(Policy.ON_FAILURE, 1, controlled=False, initial=True, **_CLIENT_EVENTS),  # type: ignore[arg-type]
           SlotSpec(Policy.NEVER, 2, controlled=False, initial=True, user_deletes=True,
                    **_CLIENT_EVENTS)),  # type: ignore[arg-type]
    replicas=2, restart_cap=2, profile=NAME, name="modern-clients-large", cordons=True, node_shutdowns=True,
    pdb_min_available=1,
)

# Issue 17's opt-in kubelet events, kept out of the default suite (they multiply its states): a
# recreated sandbox re-running the init container, and the kubelet's Failed-without-DisruptionTarget
# (admission rejection, ephemeral-storage eviction).  tests/test_fidelity.py checks them by version.
FIDELITY_PRESETS: tuple[Config, ...] = (
    _cfg("modern-Always-init-sandbox", 1, 1, policy=Policy.ALWAYS, inits=1, sandbox_restarts=True),
    _cfg("modern-kubelet-failures", 1, 1, policy=Policy.ALWAYS, admission_rejects=True, storage_evictions=True),
)

MODERN_PRESETS: dict[str, Config] = {c.name: c for c in MODERN_SUITE + FIDELITY_PRESETS}
__all__ += ["FIDELITY_PRESETS"]

# Modern: one node and two slots (a Terminating copy and its replacement), each policy; a
# user-deletes configuration (deletes are how a Pending pod may go away); two nodes.
MODERN_LIVENESS_SUITE: tuple[Config, ...] = (
    *(_cfg(f"live-modern-{p.label}", 1, 2, policy=p) for p in Policy),
    _cfg("live-modern-Never-deletes", 1, 2, policy=Policy.NEVER, user_deletes=True),
    _cfg("live-modern-Never-2n", 2, 1, policy=Policy.NEVER),
)

_A, _F, _N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER

MODERN_LARGE = Config(
    nodes=3,
    slots=(
        SlotSpec(_A, 1, controlled=True),
        SlotSpec(_F, 1, controlled=False, initial=True),
        SlotSpec(_N, 1, controlled=False, initial=True),
        SlotSpec(_A, 2, controlled=False, initial=True, user_deletes=True, image_pull_errors=True,
                 unknown_exits=True),
        SlotSpec(_F, 2, controlled=False, initial=True),
        SlotSpec(_N, 2, controlled=False, initial=True, user_deletes=True),
        SlotSpec(_F, 1, controlled=False, initial=True, inits=1, sidecars=1),
        SlotSpec(_N, 1, controlled=False, initial=True, inits=1, sidecars=1),
        SlotSpec(_N, 2, controlled=False, initial=True, container_policies=(_A, None)),
        SlotSpec(_A, 1, controlled=True),
    ),
    replicas=1,
    restart_cap=2,
    profile=NAME,
    name="modern-large",
)
"""The ``modern`` profile at 3 nodes and 10 slots: plain pods of 1 and 2 containers under every policy
(the S1-S5 rows apply to plain pods), an init container with a sidecar under OnFailure and Never, a
per-container policy, user deletes, image pull errors and lost containers.  One replica over two
controlled slots: the S6/S7-controlled rows need room for the replacement (every other controlled
slot empty or terminal), and the spare is where the replacement runs while the evicted copy is
still Terminating (the known over-replication)."""
