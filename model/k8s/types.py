"""Domains of the pod and node lifecycle, and readable decoded states.

Every domain is an ``IntEnum`` whose value is the field encoding in the
packed state and whose ``label`` is the Kubernetes spelling.  The decoded
dataclasses (:class:`ClusterState` and friends) are what people, reports and
the oracle see; engines work on the packed integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

__all__ = [
    "NodePhase", "Ready", "PodPhase", "CState", "Exit", "Policy",
    "ContainerState", "PodState", "NodeState", "ClusterState", "TERMINAL",
]


class _Labelled(IntEnum):
    @property
    def label(self) -> str:
        return _LABELS.get((type(self).__name__, self.name), self.name.title())

    def __str__(self) -> str:
        return self.label


class NodePhase(_Labelled):
    PENDING = 0
    RUNNING = 1
    TERMINATED = 2


class Ready(_Labelled):
    FALSE = 0
    TRUE = 1
    UNKNOWN = 2


class PodPhase(_Labelled):
    PENDING = 0
    RUNNING = 1
    SUCCEEDED = 2
    FAILED = 3


class CState(_Labelled):
    """Container state."""

    WAITING = 0
    RUNNING = 1
    TERMINATED = 2


class Exit(_Labelled):
    """Kind of a container exit: exit code 0, a non-zero code, or the OOM killer."""

    NONE = 0
    OK = 1
    ERROR = 2
    OOM = 3


class Policy(_Labelled):
    ALWAYS = 0
    ON_FAILURE = 1
    NEVER = 2

    @classmethod
    def parse(cls, text: str) -> Policy:
        for p in cls:
            if p.label.lower() == text.lower():
                return p
        raise ValueError(text)


_LABELS = {
    ("Ready", "FALSE"): "False",
    ("Ready", "TRUE"): "True",
    ("Exit", "NONE"): "none",
    ("Exit", "OK"): "ok",
    ("Exit", "ERROR"): "error",
    ("Exit", "OOM"): "oom",
    ("Policy", "ON_FAILURE"): "OnFailure",
}

TERMINAL = (PodPhase.SUCCEEDED, PodPhase.FAILED)


@dataclass(frozen=True)
class ContainerState:
    state: CState
    last_exit: Exit
    restarts: int

    def __str__(self) -> str:
        s = self.state.label
        if self.last_exit is not Exit.NONE:
            s += f"({self.last_exit.label})"
        return s + (f" r{self.restarts}" if self.restarts else "")


@dataclass(frozen=True)
class PodState:
    exists: bool
    phase: PodPhase
    node: int | None
    containers: tuple[ContainerState, ...]

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL

    def __str__(self) -> str:
        if not self.exists:
            return "-"
        where = f"@n{self.node}" if self.node is not None else "@unbound"
        return f"{self.phase.label}{where}[{', '.join(map(str, self.containers))}]"


@dataclass(frozen=True)
class NodeState:
    phase: NodePhase
    reachable: bool
    ready: Ready
    disk_ok: bool

    @property
    def healthy(self) -> bool:
        return self.phase is NodePhase.RUNNING and self.reachable and self.disk_ok

    def __str__(self) -> str:
        flags = [self.phase.label, f"ready={self.ready.label}"]
        if not self.reachable:
            flags.append("unreachable")
        if not self.disk_ok:
            flags.append("disk-failed")
        return " ".join(flags)


@dataclass(frozen=True)
class ClusterState:
    nodes: tuple[NodeState, ...]
    pods: tuple[PodState, ...]

    # How adapters' differences speak of this state: containers by name ("c0"); a field an
    # implementation's state lacks is an error, not None.
    container_tag: ClassVar[str] = "c"
    lenient: ClassVar[bool] = False

    def __str__(self) -> str:
        ns = "; ".join(f"n{i}: {n}" for i, n in enumerate(self.nodes))
        ps = "; ".join(f"p{i}: {p}" for i, p in enumerate(self.pods))
        return f"nodes[{ns}] pods[{ps}]"
