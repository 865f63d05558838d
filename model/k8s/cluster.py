"""A Kubernetes cluster configuration as an engine transition system."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from kubelife.model.engine.system import Layout, Transition, TransitionSystem
from kubelife.model.k8s.config import Config, ConfigError

__all__ = ["ClusterModel", "Semantics", "Shape"]


class Shape(Protocol):
    """Where each field of a configuration lives, and readable states."""

    config: Config
    layout: Layout
    nodes: Any
    pods: Any

    def initial(self) -> Any: ...

    def decode(self, values: Any) -> Any: ...

    def field_label(self, i: int) -> str:
        """Field ``i`` as traces print it (``p0.c0.state``)."""
        ...

    def value_label(self, i: int, v: int) -> str:
        """A value of field ``i`` as Kubernetes spells it (``Running``, ``n1``, ``true``)."""
        ...


class Semantics(Protocol):
    """A profile's transition builders for one shape (``shape_class`` makes the shape)."""

    profile: str
    shape: Any
    config: Config

    def transitions(self) -> Any: ...


@dataclass(frozen=True)
class ClusterModel:
    """Config, field shape, semantics and the transition system built from them.

    Profiles build these (``kubelife.profiles``): the semantics class is always given.
    """

    config: Config
    semantics: Any  # a class: ``semantics(shape)`` gives the builders, ``semantics.shape_class`` the shape

    def __post_init__(self) -> None:
        prof = getattr(self.semantics, "profile", "")
        if prof != self.config.profile:
            raise ConfigError(f"semantics {self.semantics.__name__} is for profile {prof!r}, "
                              f"but the configuration asks for {self.config.profile!r}.")

    @cached_property
    def shape(self) -> Any:
        return self.semantics.shape_class(self.config)

    @cached_property
    def rules(self) -> Any:
        return self.semantics(self.shape)

    @cached_property
    def system(self) -> TransitionSystem:
        sh = self.shape
        return TransitionSystem(sh.layout, sh.initial(), tuple(self.rules.transitions()),
                                meta={"profile": self.rules.profile})

    @cached_property
    def _index(self) -> dict[tuple[str, tuple[tuple[str, object], ...]], int]:
        return {(t.action.kind, t.action.args): i for i, t in enumerate(self.system.transitions)}

    def transition_index(self, kind: str, **args: object) -> int | None:
        """Index of the transition ``kind`` with exactly these arguments, if the config has it."""
        key = (kind, tuple(args.items()))
        return self._index.get(key)

    def transition(self, kind: str, **args: object) -> Transition:
        i = self.transition_index(kind, **args)
        if i is None:
            raise KeyError(f"{kind}({args})")
        return self.system.transitions[i]

    def decode(self, packed: int) -> Any:
        return self.shape.decode(self.shape.layout.unpack(packed))

    @property
    def name(self) -> str:
        variant = getattr(self.semantics, "mutant", None)
        options = bool(getattr(self.semantics, "slot_options", ()))
        return self.config.describe(options) + (f" [mutant {variant}]" if variant else "")
