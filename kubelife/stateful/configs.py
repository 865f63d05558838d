"""Bounds for the Hypothesis machine: sizes no exhaustive search reaches.

``LARGE`` mixes every restart policy with one, two and three containers, so
each scenario row has a pod it applies to; slots 0-3 belong to the
replication controller (four replicas) with slot 7 as the spare, slots 4-6 exist
from the start and are gone for good once deleted.
"""

from __future__ import annotations

from model.k8s.config import Config, SlotSpec
from model.k8s.presets import PRESETS
from model.k8s.types import Policy

__all__ = ["LARGE", "NAMED", "config_code", "config_named"]

_A, _F, _N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER

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
    name="large",
)
"""4 nodes, 8 slots (1, 2 and 3 containers; Always, OnFailure, Never), 4 replicas, restart cap 2.

Five controlled slots for four replicas: the spare one is where a replacement goes while the pod it
replaces is still recorded (Failed), which is how the known violation and ``no-replacement`` show.
"""

NAMED: dict[str, Config] = {"large": LARGE}


def _slot_code(s: SlotSpec) -> str:
    return (f"SlotSpec(Policy.{s.policy.name}, {s.containers}, controlled={s.controlled}, "
            f"initial={s.initial})")


def config_code(cfg: Config) -> tuple[str, str]:
    """``(import line, expression)`` that rebuild ``cfg`` in pasted test code."""
    for name, known in NAMED.items():
        if known == cfg:
            return "from kubelife.stateful import config_named", f"config_named({name!r})"
    for name, known in PRESETS.items():
        if known == cfg:
            return "from model.k8s.presets import preset", f"preset({name!r})"
    slots = ", ".join(_slot_code(s) for s in cfg.slots)
    expr = (f"Config(nodes={cfg.nodes}, slots=({slots},), replicas={cfg.replicas}, "
            f"restart_cap={cfg.restart_cap}, profile={cfg.profile!r})")
    return "from model.k8s.config import Config, SlotSpec\nfrom model.k8s.types import Policy", expr


def config_named(name: str) -> Config:
    """A configuration of this module or of :mod:`model.k8s.presets` by name."""
    if name in NAMED:
        return NAMED[name]
    if name in PRESETS:
        return PRESETS[name]
    from model.k8s.config import ConfigError
    raise ConfigError(f"configuration {name!r} is not known; use one of: {', '.join([*NAMED, *PRESETS])}.")
