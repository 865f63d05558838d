"""A Kubernetes cluster configuration as an engine transition system."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from model.engine.system import Transition, TransitionSystem
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


def build(config: Config, semantics: type[SeedSemantics] = SeedSemantics) -> ClusterModel:
    return ClusterModel(config, semantics)
