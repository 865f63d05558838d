"""Where each node, pod and container field lives in the state record.

A :class:`Shape` is derived from a :class:`~kubelife.model.k8s.config.Config`; it
builds the engine :class:`~kubelife.model.engine.system.Layout` and converts packed
records to and from the readable :class:`~kubelife.model.k8s.types.ClusterState`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubelife.model.engine.system import Field, Layout
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import (
    ClusterState,
    ContainerState,
    CState,
    Exit,
    NodePhase,
    NodeState,
    PodPhase,
    PodState,
    Ready,
)

__all__ = ["NodeIx", "ContainerIx", "PodIx", "Shape"]


@dataclass(frozen=True)
class NodeIx:
    n: int
    phase: int
    reachable: int
    ready: int
    disk_ok: int


@dataclass(frozen=True)
class ContainerIx:
    state: int
    last_exit: int
    restarts: int


@dataclass(frozen=True)
class PodIx:
    p: int
    exists: int
    phase: int
    node: int  # 0 = unbound, n + 1 = bound to node n
    containers: tuple[ContainerIx, ...]


class Shape:
    """Field indices of a configuration, plus encode/decode."""

    def __init__(self, config: Config) -> None:
        self.config = config
        fields: list[Field] = []

        def add(name: str, size: int) -> int:
            fields.append(Field(name, size))
            return len(fields) - 1

        self.nodes = tuple(
            NodeIx(
                n,
                add(f"n{n}.phase", 3),
                add(f"n{n}.reachable", 2),
                add(f"n{n}.ready", 3),
                add(f"n{n}.disk_ok", 2),
            )
            for n in range(config.nodes)
        )
        pods = []
        for p, spec in enumerate(config.slots):
            exists = add(f"p{p}.exists", 2)
            phase = add(f"p{p}.phase", 4)
            node = add(f"p{p}.node", config.nodes + 1)
            cs = tuple(
                ContainerIx(
                    add(f"p{p}.c{c}.state", 3),
                    add(f"p{p}.c{c}.last_exit", 4),
                    add(f"p{p}.c{c}.restarts", config.restart_cap + 1),
                )
                for c in range(spec.containers)
            )
            pods.append(PodIx(p, exists, phase, node, cs))
        self.pods = tuple(pods)
        self.layout = Layout(fields)

    # -- the values a slot and a node start with ---------------------------------

    def empty_pod(self, pod: PodIx) -> dict[int, int]:
        """Every field of a slot at its new-pod value, with ``exists`` false."""
        out = {pod.exists: 0, pod.phase: int(PodPhase.PENDING), pod.node: 0}
        for c in pod.containers:
            out.update({c.state: int(CState.WAITING), c.last_exit: int(Exit.NONE), c.restarts: 0})
        return out

    def initial(self) -> tuple[int, ...]:
        values = [0] * len(self.layout)
        for n in self.nodes:
            values[n.phase] = int(NodePhase.PENDING)
            values[n.reachable] = 1
            values[n.ready] = int(Ready.FALSE)
            values[n.disk_ok] = 1
        for pod, spec in zip(self.pods, self.config.slots):
            for k, v in self.empty_pod(pod).items():
                values[k] = v
            values[pod.exists] = int(spec.initial)
        return tuple(values)

    # -- decode / encode ------------------------------------------------------------

    def decode(self, values: Sequence[int]) -> ClusterState:
        nodes = tuple(
            NodeState(NodePhase(values[n.phase]), bool(values[n.reachable]), Ready(values[n.ready]),
                      bool(values[n.disk_ok]))
            for n in self.nodes
        )
        pods = tuple(
            PodState(
                bool(values[p.exists]),
                PodPhase(values[p.phase]),
                values[p.node] - 1 if values[p.node] else None,
                tuple(
                    ContainerState(CState(values[c.state]), Exit(values[c.last_exit]), values[c.restarts])
                    for c in p.containers
                ),
            )
            for p in self.pods
        )
        return ClusterState(nodes, pods)

    def encode(self, state: ClusterState) -> tuple[int, ...]:
        values = [0] * len(self.layout)
        for n, ns in zip(self.nodes, state.nodes):
            values[n.phase], values[n.reachable] = int(ns.phase), int(ns.reachable)
            values[n.ready], values[n.disk_ok] = int(ns.ready), int(ns.disk_ok)
        for p, ps in zip(self.pods, state.pods):
            values[p.exists], values[p.phase] = int(ps.exists), int(ps.phase)
            values[p.node] = 0 if ps.node is None else ps.node + 1
            for c, cs in zip(p.containers, ps.containers):
                values[c.state], values[c.last_exit], values[c.restarts] = (
                    int(cs.state), int(cs.last_exit), cs.restarts)
        return tuple(values)

    def field_label(self, i: int) -> str:
        return self.layout.fields[i].name

    def value_label(self, i: int, v: int) -> str:
        """A field value as Kubernetes spells it (``Running``, ``n1``, ``true``)."""
        name = self.layout.fields[i].name
        attr = name.rsplit(".", 1)[1]
        enum = {
            "phase": NodePhase if name.startswith("n") else PodPhase,
            "ready": Ready, "state": CState, "last_exit": Exit,
        }.get(attr)
        if enum is not None:
            return enum(v).label
        if attr == "node":
            return "none" if v == 0 else f"n{v - 1}"
        if attr in ("reachable", "disk_ok", "exists"):
            return "true" if v else "false"
        return str(v)
