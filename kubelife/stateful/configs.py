"""Configurations for the Hypothesis machine by name, from every registered profile.

Each profile's ``stateful.configs`` holds sizes no exhaustive search reaches (its ``large``
configuration is the default run's); presets of every profile are known by name too, so
pasted replay code can say ``config_named("B1")``.
"""

from __future__ import annotations

from kubelife import profiles
from kubelife.model.k8s.config import Config, ConfigError, SlotSpec

__all__ = ["large_for", "config_code", "config_named", "named_configs"]


def named_configs() -> dict[str, Config]:
    """Every profile's Hypothesis configurations and presets, by name (profiles' names never clash)."""
    out: dict[str, Config] = {}
    for name in profiles.names():
        prof = profiles.get(name)
        out.update({k: prof.configure(c) for k, c in (prof.stateful.configs if prof.stateful else {}).items()})
    for name in profiles.names():
        prof = profiles.get(name)
        for k, c in prof.presets.items():
            out.setdefault(k, prof.configure(c))
    return out


def large_for(profile: str | None) -> Config:
    """The default large configuration of a semantics profile."""
    prof = profiles.get(profile)
    spec = profiles.require(prof, "Hypothesis state machines")
    return prof.configure(spec.configs[spec.large])


_DEFAULTS = SlotSpec()
_OPTIONS = ("inits", "sidecars", "container_policies", "user_deletes", "image_pull_errors", "unknown_exits")


def _slot_code(s: SlotSpec) -> str:
    # Options are printed only when set, so code for profiles without them stays short.
    extra = ""
    for f in _OPTIONS:
        v = getattr(s, f)
        if v != getattr(_DEFAULTS, f):
            if f == "container_policies":
                v = "(" + "".join(("None" if x is None else f"Policy.{x.name}") + ", " for x in v) + ")"
            extra += f", {f}={v}"
    return (f"SlotSpec(Policy.{s.policy.name}, {s.containers}, controlled={s.controlled}, "
            f"initial={s.initial}{extra})")


def config_code(cfg: Config) -> tuple[str, str]:
    """``(import line, expression)`` that rebuild ``cfg`` in pasted test code."""
    for name, known in named_configs().items():
        if known == cfg:
            return "from kubelife.stateful import config_named", f"config_named({name!r})"
    slots = ", ".join(_slot_code(s) for s in cfg.slots)
    expr = (f"Config(nodes={cfg.nodes}, slots=({slots},), replicas={cfg.replicas}, "
            f"restart_cap={cfg.restart_cap}, profile={cfg.profile!r})")
    return "from kubelife.model.k8s.config import Config, SlotSpec\nfrom kubelife.model.k8s.types import Policy", expr


def config_named(name: str) -> Config:
    """A Hypothesis configuration or preset of any registered profile, by name."""
    named = named_configs()
    if name in named:
        return named[name]
    raise ConfigError(f"configuration {name!r} is not known; use one of: {', '.join(named)}.")
