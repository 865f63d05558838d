"""A Kubernetes cluster configuration as an engine transition system."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from model.engine.system import TransitionSystem
from model.k8s.config import Config
from model.k8s.seed import SeedSemantics
from model.k8s.shape import Shape
from model.k8s.types import ClusterState

__all__ = ["ClusterModel", "build"]


@dataclass(frozen=True)
class ClusterModel:
    """Config, field shape, semantics and the transition system built from them."""

    config: Config
    semantics: type[SeedSemantics] = SeedSemantics

    @cached_property
    def shape(self) -> Shape:
        return Shape(self.config)

    @cached_property
    def rules(self) -> SeedSemantics:
        return self.semantics(self.shape)

    @cached_property
    def system(self) -> TransitionSystem:
        sh = self.shape
        return TransitionSystem(sh.layout, sh.initial(), tuple(self.rules.transitions()),
                                meta={"profile": self.rules.profile})

    def decode(self, packed: int) -> ClusterState:
        return self.shape.decode(self.shape.layout.unpack(packed))

    @property
    def name(self) -> str:
        variant = getattr(self.semantics, "mutant", None)
        return self.config.describe() + (f" [mutant {variant}]" if variant else "")


def build(config: Config, semantics: type[SeedSemantics] = SeedSemantics) -> ClusterModel:
    return ClusterModel(config, semantics)
