"""Domains of the modern profile and its readable decoded states.

Field values are small integers; the labels are Kubernetes' own spellings
(``CrashLoopBackOff``, ``OOMKilled``, ``node.kubernetes.io/unreachable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase, Ready

__all__ = ["MState", "MExit", "Pull", "NodeObj", "Taint", "Kind", "MContainer", "MPod", "MNode", "MCluster",
           "DReason", "clients_on"]


class MState(IntEnum):
    """A container status: ABSENT means the kubelet has not written one yet."""

    ABSENT = 0
    WAITING = 1
    RUNNING = 2
    TERMINATED = 3

    @property
    def label(self) -> str:
        return "NoStatus" if self is MState.ABSENT else self.name.title()


class MExit(IntEnum):
    """The most recent termination: current when Terminated, ``lastState`` otherwise."""

    NONE = 0
    OK = 1
    ERROR = 2
    OOM = 3
    UNKNOWN = 4

    @property
    def label(self) -> str:
        return _EXIT_LABEL[self]

    @property
    def exit_code(self) -> int | None:
        return {MExit.NONE: None, MExit.OK: 0, MExit.ERROR: 1, MExit.OOM: 137, MExit.UNKNOWN: 137}[self]


_EXIT_LABEL = {MExit.NONE: "none", MExit.OK: "Completed", MExit.ERROR: "Error", MExit.OOM: "OOMKilled",
               MExit.UNKNOWN: "ContainerStatusUnknown"}


class Pull(IntEnum):
    """Image pull of a never-started container."""

    OK = 0
    ERR_IMAGE_PULL = 1
    IMAGE_PULL_BACKOFF = 2

    @property
    def label(self) -> str:
        return {Pull.OK: "ok", Pull.ERR_IMAGE_PULL: "ErrImagePull", Pull.IMAGE_PULL_BACKOFF: "ImagePullBackOff"}[self]


class NodeObj(IntEnum):
    """The Node API object: not yet registered, registered, deleted."""

    PENDING = 0
    REGISTERED = 1
    DELETED = 2

    @property
    def label(self) -> str:
        return self.name.title()


class Taint(IntEnum):
    """The NoExecute taint the node lifecycle controller keeps in step with the Ready condition."""

    NONE = 0
    NOT_READY = 1
    UNREACHABLE = 2

    @property
    def label(self) -> str:
        return {Taint.NONE: "none", Taint.NOT_READY: "node.kubernetes.io/not-ready:NoExecute",
                Taint.UNREACHABLE: "node.kubernetes.io/unreachable:NoExecute"}[self]


class DReason(IntEnum):
    """Who set DisruptionTarget (its ``reason``), kept only when a client option is on (issue 21).

    OTHER stands for the sources the base model sets without naming them: the taint manager
    (``DeletionByTaintManager``), PodGC (``DeletionByPodGC``) and the kubelet's DiskPressure
    eviction of N5 (``TerminationByKubelet``).
    """

    OTHER = 0
    EVICTION_API = 1
    PREEMPTION = 2
    KUBELET = 3  # graceful node shutdown and per-pod node-pressure eviction

    @property
    def label(self) -> str:
        return {DReason.OTHER: "none", DReason.EVICTION_API: "EvictionByEvictionAPI",
                DReason.PREEMPTION: "PreemptionByScheduler", DReason.KUBELET: "TerminationByKubelet"}[self]


def clients_on(config: Config) -> bool:
    """Some issue-21 action that names its DisruptionTarget reason is part of the configuration."""
    return config.node_shutdowns or any(s.evictions or s.preemptions or s.pressure_evictions for s in config.slots)


class Kind(IntEnum):
    INIT = 0
    SIDECAR = 1
    MAIN = 2


@dataclass(frozen=True)
class MContainer:
    kind: Kind
    state: MState
    last: MExit
    restarts: int
    backoff: bool
    pull: Pull
    has_inits: bool = False

    @property
    def reason(self) -> str:
        """The Waiting or Terminated reason the kubelet would write."""
        if self.state is MState.TERMINATED:
            return self.last.label
        if self.state is MState.WAITING:
            if self.last is not MExit.NONE:
                return "CrashLoopBackOff"
            if self.pull is not Pull.OK:
                return self.pull.label
            return "PodInitializing" if self.kind is Kind.MAIN and self.has_inits else "ContainerCreating"
        return ""

    def __str__(self) -> str:
        s = self.state.label
        if self.reason:
            s += f"({self.reason})"
        if self.state is not MState.TERMINATED and self.last is not MExit.NONE:
            s += f" last={self.last.label}"
        if self.restarts:
            s += f" r{self.restarts}"
        if self.backoff:
            s += " backoff"
        return s


@dataclass(frozen=True)
class MPod:
    exists: bool
    phase: PodPhase
    node: int | None
    deleting: bool
    disruption: bool
    ready: bool
    containers: tuple[MContainer, ...]

    # PodScheduled, Initialized, ContainersReady, Ready, DisruptionTarget, as the semantics defines them.
    condition_values: tuple[tuple[str, bool], ...] = ()
    kubelet_failed: bool = False  # status.reason is a kubelet eviction or admission reason (issue 17)

    @property
    def conditions(self) -> dict[str, bool]:
        return dict(self.condition_values)

    def __str__(self) -> str:
        if not self.exists:
            return "-"
        where = f"@n{self.node}" if self.node is not None else "@unbound"
        flags = ("Terminating " if self.deleting else "") + ("Ready " if self.ready else "") + \
            ("DisruptionTarget " if self.disruption else "")
        return f"{flags}{self.phase.label}{where}[{', '.join(f'{c.kind.name[0]}:{c}' for c in self.containers)}]"


@dataclass(frozen=True)
class MNode:
    obj: NodeObj
    heartbeat: bool
    ready: Ready
    taint: Taint
    disk_pressure: bool

    def __str__(self) -> str:
        flags = [self.obj.label, f"Ready={self.ready.label}"]
        if not self.heartbeat:
            flags.append("no-heartbeat")
        if self.taint is not Taint.NONE:
            flags.append(self.taint.label)
        if self.disk_pressure:
            flags.append("DiskPressure")
        return " ".join(flags)


@dataclass(frozen=True)
class MCluster:
    nodes: tuple[MNode, ...]
    pods: tuple[MPod, ...]

    # How adapters' differences speak of this state (kubelife.adapter.differences): containers by
    # number, and a field an implementation's state lacks reads as None.
    container_tag: ClassVar[str] = ""
    lenient: ClassVar[bool] = True

    def __str__(self) -> str:
        ns = "; ".join(f"n{i}: {n}" for i, n in enumerate(self.nodes))
        ps = "; ".join(f"p{i}: {p}" for i, p in enumerate(self.pods))
        return f"nodes[{ns}] pods[{ps}]"
