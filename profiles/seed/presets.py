"""Named bounds: the default suite and the benchmark configurations.

Bounds are not semantics: the same model runs under any of them.
"""

from __future__ import annotations

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles.seed.semantics import SeedSemantics

__all__ = ["DEFAULT_SUITE", "PRESETS", "preset", "WIDE", "PROVE_SUITE", "LIVENESS_SUITE", "LARGE"]


NAME = SeedSemantics.profile


def _u(name: str, **kw: object) -> Config:
    return Config.uniform(name=name, profile=NAME, **kw)  # type: ignore[arg-type]


# Each restart policy with one container on two nodes (S1, S2, S5, S6, S7 and their
# controlled variants), and with two containers on two nodes (S3, S4).
DEFAULT_SUITE: tuple[Config, ...] = tuple(
    cfg
    for pol in Policy
    for cfg in (
        _u(f"{pol.label}-1c", nodes=2, slots=2, replicas=1, containers=1, policy=pol),
        _u(f"{pol.label}-2c", nodes=2, slots=1, replicas=1, containers=2, policy=pol),
    )
)

PRESETS: dict[str, Config] = {
    "R1": _u("R1", nodes=1, slots=2, replicas=1, containers=1, policy=Policy.ALWAYS),
    "R2": _u("R2", nodes=2, slots=2, replicas=1, containers=1, policy=Policy.ALWAYS),
    "B1": _u("B1", nodes=2, slots=3, replicas=2, containers=1, policy=Policy.ALWAYS),
    **{c.name: c for c in DEFAULT_SUITE},
}


def preset(name: str) -> Config:
    try:
        return PRESETS[name]
    except KeyError:
        from kubelife.model.k8s.config import ConfigError
        raise ConfigError(f"preset {name!r} is not known; use one of: {', '.join(PRESETS)}.") from None


# Beyond the check suite: three nodes, a policy per slot, a pod the controller does not own
# (present from the start), two replicas and restart cap 2. Symbolic proofs do not care that
# this is too big to enumerate comfortably.
WIDE = Config(
    3,
    (SlotSpec(Policy.ALWAYS, 1), SlotSpec(Policy.ON_FAILURE, 2),
     SlotSpec(Policy.NEVER, 2, controlled=False, initial=True)),
    replicas=2, restart_cap=2, profile=NAME, name="wide-3n-mixed",
)
PROVE_SUITE: tuple[Config, ...] = (*DEFAULT_SUITE, WIDE)

# Small on purpose: one node shows every result (flapping needs one node); two-container pods
# exercise the kubelet's per-container fairness; the two-node configuration exercises symmetry.
LIVENESS_SUITE: tuple[Config, ...] = (
    *(_u(f"live-{p.label}-1c", nodes=1, slots=2, replicas=1, containers=1, policy=p) for p in Policy),
    *(_u(f"live-{p.label}-2c", nodes=1, slots=1, replicas=1, containers=2, policy=p) for p in Policy),
    _u("live-Always-2n", nodes=2, slots=1, replicas=1, containers=1, policy=Policy.ALWAYS),
)

_A, _F, _N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER

# Bounds for the Hypothesis machine: sizes no exhaustive search reaches.
LARGE = Config(
    nodes=4,
    slots=(
        SlotSpec(_A, 1, controlled=True),
        SlotSpec(_F, 1, controlled=True),
        SlotSpec(_N, 1, controlled=True),
        SlotSpec(_A, 2, controlled=True),
        SlotSpec(_F, 2, controlled=False, initial=True),
        SlotSpec(_N, 2, controlled=False, initial=True),
        SlotSpec(_F, 3, controlled=False, initial=True),
        SlotSpec(_A, 1, controlled=True),
    ),
    replicas=4,
    restart_cap=2,
    profile=NAME,
    name="large",
)
"""4 nodes, 8 slots (1, 2 and 3 containers; Always, OnFailure, Never), 4 replicas, restart cap 2.

Five controlled slots for four replicas: the spare one is where a replacement goes while the pod it
replaces is still recorded (Failed), which is how the known violation and ``no-replacement`` show.
"""
