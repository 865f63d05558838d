"""The adapter protocol: how the Hypothesis machine drives an implementation under test.

The machine picks each step from the model (so the model decides what may
happen next), hands the same :class:`~kubelife.model.engine.system.Action` to the
implementation through :meth:`Adapter.apply`, and after every step compares
:meth:`Adapter.observe` with the model's state.  An implementation therefore
only has to do three things::

    class MyKubelet:
        def reset(self, config: Config) -> None: ...    # a fresh cluster of that size
        def apply(self, action: Action) -> None: ...    # perform one step, e.g. ("P3", pod=0, container=1, code="oom")
        def observe(self) -> ClusterState: ...          # what it reports now

Actions are the spec's transitions (``action.kind`` N1-N6, P1-P5, R1 and
``action.arg("pod")`` ...); an implementation that cannot perform an action
the model allows raises :class:`ActionRefused`.  Observations use the
decoded :class:`~kubelife.model.k8s.types.ClusterState`: node phase and conditions,
pod phases and bindings, container states, last exits and restart counts.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Protocol, runtime_checkable

from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.profiles import build

__all__ = ["Adapter", "ActionRefused", "ModelAdapter", "differences"]


class ActionRefused(RuntimeError):
    """The implementation cannot perform an action the model allows."""


@runtime_checkable
class Adapter(Protocol):
    """An implementation under test, as the state machine sees it."""

    def reset(self, config: Config) -> None:
        """Start over with a fresh cluster of this configuration (the spec's initial state)."""

    def apply(self, action: Action) -> None:
        """Perform one step; raise :class:`ActionRefused` if it cannot."""

    def observe(self) -> Any:
        """What the implementation reports now: the decoded state of the profile's shape
        (``ClusterModel.decode``), with the same dataclasses and field names."""


class ModelAdapter:
    """The model itself as an implementation (optionally a variant such as a mutant).

    ``semantics=None`` follows the configuration's profile.
    """

    def __init__(self, semantics: type[Any] | None = None) -> None:
        # ``type[Any]``: profiles' semantics (and their mutants) share no base class.
        self.semantics = semantics
        self.model: ClusterModel | None = None
        self.values: tuple[int, ...] = ()

    def __repr__(self) -> str:
        # Valid Python where ``get`` is ``kubelife.profiles.get`` (replay code imports it).
        name = getattr(self.semantics, "mutant", None)
        if name:
            return f"ModelAdapter(get({getattr(self.semantics, 'profile', '')!r}).mutant({name!r}))"
        return "ModelAdapter()"

    def reset(self, config: Config) -> None:
        self.model = build(config, self.semantics)
        self.values = self.model.system.initial

    def apply(self, action: Action) -> None:
        assert self.model is not None, "reset() first"
        i = self.model.transition_index(action.kind, **dict(action.args))
        nxt = None if i is None else self.model.system.step(self.values, i)
        if nxt is None:
            raise ActionRefused(f"{action} is not enabled here")
        self.values = nxt

    def observe(self) -> Any:
        assert self.model is not None, "reset() first"
        return self.model.shape.decode(self.values)


def differences(expected: Any, observed: Any) -> list[str]:
    """Readable field-by-field differences, ``[]`` when the implementation agrees with the model.

    Every observable field of the decoded state (the profile's dataclasses), in dataclass order:
    nodes, pods and their containers.
    """
    if len(expected.nodes) != len(observed.nodes) or len(expected.pods) != len(observed.pods):
        return [f"shape: model has {len(expected.nodes)} nodes and {len(expected.pods)} pods, the implementation "
                f"{len(observed.nodes)} and {len(observed.pods)}"]
    out: list[str] = []
    # How the state type speaks (its ``container_tag`` and ``lenient`` class attributes).
    tag = getattr(expected, "container_tag", "c")
    missing: tuple[Any, ...] = (None,) if getattr(expected, "lenient", False) else ()

    def cmp(where: str, a: Any, b: Any, skip: tuple[str, ...] = ()) -> None:
        for f in fields(a):
            if f.name in skip:
                continue
            x, y = getattr(a, f.name), getattr(b, f.name, *missing)
            if x != y:
                out.append(f"{where} {f.name}: model {x}, implementation {y}")

    for n, (a, b) in enumerate(zip(expected.nodes, observed.nodes)):
        cmp(f"node n{n}", a, b)
    pods: list[tuple[Any, Any]] = list(zip(expected.pods, observed.pods))  # any profile's pods, read by name
    for p, (pa, pb) in enumerate(pods):
        if pa.exists != pb.exists:
            out.append(f"pod p{p} exists: model {pa.exists}, implementation {pb.exists}")
            continue
        if not pa.exists:
            continue
        cmp(f"pod p{p}", pa, pb, skip=("exists", "containers"))
        if len(pa.containers) != len(pb.containers):
            out.append(f"pod p{p} containers: model {len(pa.containers)}, implementation {len(pb.containers)}")
            continue
        for c, (x, y) in enumerate(zip(pa.containers, pb.containers)):
            cmp(f"pod p{p} container {tag}{c}", x, y, skip=("has_inits",))
    return out
