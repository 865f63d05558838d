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

An adapter may cover only some transitions: ``covers = {"P2", "P3", "P4"}`` (kinds).  The model
takes the others alone and hands the adapter the state after them, ``sync(state)``, which the
implementation adopts (see docs/adapter.md).  Restart counts are compared as the model sees them:
an implementation's count above the configuration's restart cap compares as the cap.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any, Protocol, runtime_checkable

from kubelife.model.engine.ops import PY
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.profiles import build

__all__ = ["Adapter", "ActionRefused", "ModelAdapter", "differences", "covers", "start", "drive",
           "adapter_code", "transition_table"]


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


def covers(adapter: Any, kind: str) -> bool:
    """Whether the adapter performs transitions of this kind itself (all, unless it declares ``covers``)."""
    kinds = getattr(adapter, "covers", None)
    return kinds is None or kind in kinds


def start(adapter: Any, config: Config, initial: Any) -> None:
    """``reset`` the implementation; one that covers only some steps is also handed the initial state."""
    adapter.reset(config)
    if getattr(adapter, "covers", None) is not None and hasattr(adapter, "sync"):
        adapter.sync(initial)


def drive(adapter: Any, action: Action, after: Any) -> None:
    """Hand one step to the implementation: ``apply`` it if covered, else ``sync`` the model's state after it."""
    if covers(adapter, action.kind):
        adapter.apply(action)
        return
    sync = getattr(adapter, "sync", None)
    if sync is None:
        raise ActionRefused(f"{type(adapter).__name__} does not cover {action.kind} and has no sync(state) to "
                            "adopt the model's state after it")
    sync(after)


def adapter_code(adapter: Any) -> tuple[str, str]:
    """``(import line, expression)`` that rebuild ``adapter`` in pasted code (the line may be empty).

    A class that defines its own ``__repr__`` is trusted to print a constructor call; otherwise the
    class is called without arguments, as ``--kubelife-adapter`` calls it (an inherited ``__repr__``,
    such as a ``ModelAdapter`` subclass's, would name the parent).
    """
    cls = type(adapter)
    expr = repr(adapter) if "__repr__" in vars(cls) else f"{cls.__name__}()"
    if cls.__module__ in ("__main__", "builtins") or "<locals>" in cls.__qualname__:
        return "", expr  # not importable: the reader's own module defines it
    return f"from {cls.__module__} import {cls.__qualname__.split('.')[0]}", expr


def _policy(config: Any, p: int) -> str:
    if config is None or p >= len(config.slots):
        return ""
    return f" (restartPolicy {config.slots[p].policy})"


def differences(expected: Any, observed: Any, config: Config | None = None) -> list[str]:
    """Readable field-by-field differences, ``[]`` when the implementation agrees with the model.

    Every observable field of the decoded state (the profile's dataclasses), in dataclass order:
    nodes, pods and their containers.  Given the ``config``, a pod is named with its restart
    policy, and a restart count is compared as the model sees it: capped at ``config.restart_cap``.
    """
    if len(expected.nodes) != len(observed.nodes) or len(expected.pods) != len(observed.pods):
        return [f"shape: model has {len(expected.nodes)} nodes and {len(expected.pods)} pods, the implementation "
                f"{len(observed.nodes)} and {len(observed.pods)}"]
    out: list[str] = []
    # How the state type speaks (its ``container_tag`` and ``lenient`` class attributes).
    tag = getattr(expected, "container_tag", "c")
    missing: tuple[Any, ...] = (None,) if getattr(expected, "lenient", False) else ()

    cap = None if config is None else config.restart_cap

    def cmp(where: str, a: Any, b: Any, skip: tuple[str, ...] = ()) -> None:
        for f in fields(a):
            if f.name in skip:
                continue
            x, y = getattr(a, f.name), getattr(b, f.name, *missing)
            if f.name == "restarts" and cap is not None and isinstance(y, int) and y > cap:
                y = cap  # the model's counts saturate at the cap; an implementation's need not
            if x != y:
                out.append(f"{where} {f.name}: model {x}, implementation {y}")

    for n, (a, b) in enumerate(zip(expected.nodes, observed.nodes)):
        cmp(f"node n{n}", a, b)
    pods: list[tuple[Any, Any]] = list(zip(expected.pods, observed.pods))  # any profile's pods, read by name
    for p, (pa, pb) in enumerate(pods):
        pod = f"pod p{p}{_policy(config, p)}"
        if pa.exists != pb.exists:
            out.append(f"{pod} exists: model {pa.exists}, implementation {pb.exists}")
            continue
        if not pa.exists:
            continue
        cmp(pod, pa, pb, skip=("exists", "containers"))
        if len(pa.containers) != len(pb.containers):
            out.append(f"{pod} containers: model {len(pa.containers)}, implementation {len(pb.containers)}")
            continue
        for c, (x, y) in enumerate(zip(pa.containers, pb.containers)):
            cmp(f"{pod} container {tag}{c}", x, y, skip=("has_inits",))
    return out


def _generic(field: str) -> str:
    """``p3.c1.restarts`` -> ``pod.container.restarts``: a field of any pod, node or container."""
    return re.sub(r"\.c\d+\.", ".container.", re.sub(r"^p\d+\.", "pod.", re.sub(r"^n\d+\.", "node.", field)))


def transition_table(model: ClusterModel) -> str:
    """A Markdown table of the model's transition kinds, read from the model itself: verb, actor, the
    Kubernetes events it records, the arguments ``apply`` receives and the fields it may change."""
    rows: dict[str, tuple[Action, set[str], dict[str, None], dict[str, dict[str, None]]]] = {}
    names = [f.name for f in model.system.layout.fields]
    for t in model.system.transitions:
        _, eff = t.build(model.system.initial, PY)  # the effect's keys do not depend on the state
        a = t.action
        _, changed, reasons, args = rows.setdefault(a.kind, (a, set(), {}, {}))
        changed.update(_generic(names[k]) for k in eff)
        reasons.update(dict.fromkeys(a.reasons))
        for k, v in a.args:
            args.setdefault(k, {})[str(v)] = None
    out = ["| kind | step | actor | events | arguments | fields it may change |", "|---|---|---|---|---|---|"]
    for kind, (a, changed, reasons, args) in sorted(rows.items(), key=lambda kv: (kv[0][0], int(kv[0][1:] or 0))):
        shown = [k if k in _INDICES else f"{k} ({' / '.join(vs)})" for k, vs in args.items()]
        out.append(f"| {kind} | {a.name} | {a.actor} | {', '.join(reasons) or '-'} | "
                   f"{', '.join(shown) or '-'} | {', '.join(sorted(changed))} |")
    return "\n".join(out)


_INDICES = ("pod", "node", "container", "slot")  # arguments that number things; others list their values
