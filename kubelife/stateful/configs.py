"""Bounds for the Hypothesis machine: sizes no exhaustive search reaches.

``LARGE`` mixes every restart policy with one, two and three containers, so
each scenario row has a pod it applies to; slots 0-3 belong to the
replication controller (four replicas) with slot 7 as the spare, slots 4-6 exist
from the start and are gone for good once deleted.
"""

from __future__ import annotations

from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.modern.presets import MODERN_PRESETS
from kubelife.model.k8s.presets import PRESETS
from kubelife.model.k8s.types import Policy

__all__ = ["LARGE", "MODERN_LARGE", "NAMED", "large_for", "config_code", "config_named"]

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
    profile="modern",
    name="modern-large",
)
"""The ``modern`` profile at 3 nodes and 10 slots: plain pods of 1 and 2 containers under every policy
(the S1-S5 rows apply to plain pods), an init container with a sidecar under OnFailure and Never, a
per-container policy, user deletes, image pull errors and lost containers.  One replica over two
controlled slots: the S6/S7-controlled rows need room for the replacement (every other controlled
slot empty or terminal), and the spare is where the replacement runs while the evicted copy is
still Terminating (the known over-replication)."""

NAMED: dict[str, Config] = {"large": LARGE, "modern-large": MODERN_LARGE}


def large_for(profile: str) -> Config:
    """The default large configuration of a semantics profile (``seed`` or ``modern``)."""
    if profile == "modern":
        return MODERN_LARGE
    if profile == "seed":
        return LARGE
    from kubelife.model.k8s.config import ConfigError
    raise ConfigError(f"semantics profile {profile!r} is not known; use seed or modern.")


_MODERN_DEFAULTS = SlotSpec()


def _slot_code(s: SlotSpec) -> str:
    # Modern-only fields are printed only when set, so seed code stays as it was.
    extra = ""
    for f in ("inits", "sidecars", "container_policies", "user_deletes", "image_pull_errors", "unknown_exits"):
        v = getattr(s, f)
        if v != getattr(_MODERN_DEFAULTS, f):
            if f == "container_policies":
                v = "(" + "".join(("None" if x is None else f"Policy.{x.name}") + ", " for x in v) + ")"
            extra += f", {f}={v}"
    return (f"SlotSpec(Policy.{s.policy.name}, {s.containers}, controlled={s.controlled}, "
            f"initial={s.initial}{extra})")


def config_code(cfg: Config) -> tuple[str, str]:
    """``(import line, expression)`` that rebuild ``cfg`` in pasted test code."""
    for name, known in NAMED.items():
        if known == cfg:
            return "from kubelife.stateful import config_named", f"config_named({name!r})"
    for name, known in PRESETS.items():
        if known == cfg:
            return "from kubelife.model.k8s.presets import preset", f"preset({name!r})"
    for name, known in MODERN_PRESETS.items():
        if known == cfg:
            return "from kubelife.stateful import config_named", f"config_named({name!r})"
    slots = ", ".join(_slot_code(s) for s in cfg.slots)
    expr = (f"Config(nodes={cfg.nodes}, slots=({slots},), replicas={cfg.replicas}, "
            f"restart_cap={cfg.restart_cap}, profile={cfg.profile!r})")
    return "from kubelife.model.k8s.config import Config, SlotSpec\nfrom kubelife.model.k8s.types import Policy", expr


def config_named(name: str) -> Config:
    """A configuration of this module or of :mod:`kubelife.model.k8s.presets` by name."""
    if name in NAMED:
        return NAMED[name]
    if name in PRESETS:
        return PRESETS[name]
    if name in MODERN_PRESETS:
        return MODERN_PRESETS[name]
    from kubelife.model.k8s.config import ConfigError
    raise ConfigError(f"configuration {name!r} is not known; use one of: "
                      f"{', '.join([*NAMED, *PRESETS, *MODERN_PRESETS])}.")
