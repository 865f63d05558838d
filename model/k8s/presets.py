"""Named bounds: the default suite and the benchmark configurations.

Bounds are not semantics: the same model runs under any of them.
"""

from __future__ import annotations

from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy

__all__ = ["DEFAULT_SUITE", "PRESETS", "preset"]


def _u(name: str, **kw: object) -> Config:
    return Config.uniform(name=name, **kw)  # type: ignore[arg-type]


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
