"""A Kubernetes cluster configuration as an engine transition system."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from kubelife.model.engine.system import Transition, TransitionSystem
from kubelife.model.k8s.config import Config, ConfigError
from kubelife.model.k8s.seed import SeedSemantics
from kubelife.model.k8s.shape import Shape
from kubelife.model.k8s.types import ClusterState

__all__ = ["ClusterModel", "build", "semantics_for"]


@dataclass(frozen=True)
class ClusterModel:
    """Config, field shape, semantics and the transition system built from them."""

    config: Config
    semantics: type[SeedSemantics] = None  # type: ignore[assignment]  # None: the config's profile

    def __post_init__(self) -> None:
        if self.semantics is None:
            object.__setattr__(self, "semantics", semantics_for(self.config.profile))
        prof = getattr(self.semantics, "profile", "seed")
        if prof != self.config.profile:
            raise ConfigError(f"semantics {self.semantics.__name__} is for profile {prof!r}, "
                              f"but the configuration asks for {self.config.profile!r}.")

    @cached_property
    def shape(self) -> Shape:
        # A profile brings its own field layout (``shape_class``); the seed's is Shape.
        return getattr(self.semantics, "shape_class", Shape)(self.config)  # type: ignore[no-any-return]

    @cached_property
    def rules(self) -> SeedSemantics:
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

    def decode(self, packed: int) -> ClusterState:
        return self.shape.decode(self.shape.layout.unpack(packed))

    @property
    def name(self) -> str:
        variant = getattr(self.semantics, "mutant", None)
        return self.config.describe() + (f" [mutant {variant}]" if variant else "")


def semantics_for(profile: str) -> type[SeedSemantics]:
    """The semantics class of a profile."""
    if profile == "modern":
        from kubelife.model.k8s.modern.semantics import ModernSemantics
        return ModernSemantics  # type: ignore[return-value]
    return SeedSemantics


def build(config: Config, semantics: type[SeedSemantics] | None = None) -> ClusterModel:
    return ClusterModel(config, semantics if semantics is not None else semantics_for(config.profile))
