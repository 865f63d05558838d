"""Field indices of a modern configuration, plus decode.

Per node: the Node object, the kubelet's heartbeat, the Ready condition and
DiskPressure.  Per pod: existence, phase, binding, Terminating
(deletionTimestamp), DisruptionTarget and its
containers in kubelet start order: sidecars, then regular init containers,
then the main containers.  Per container: status, most recent termination,
restart count (saturating), the abstract back-off timer and the image pull.
The NoExecute taints and the pod conditions (PodScheduled, Initialized,
ContainersReady, Ready) are functions of these fields (see the semantics).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubelife.model.engine.system import Field, Layout
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase, Policy, Ready
from kubelife.profiles.modern.types import (
    DReason,
    Kind,
    MCluster,
    MContainer,
    MExit,
    MNode,
    MPod,
    MState,
    NodeObj,
    Pull,
    Taint,
    clients_on,
)
from kubelife.profiles.modern.versions import disruption_condition, own_policies

__all__ = ["MNodeIx", "MContainerIx", "MPodIx", "ModernShape"]


@dataclass(frozen=True)
class MNodeIx:
    n: int
    obj: int
    heartbeat: int
    ready: int
    pressure: int
    unschedulable: int | None = None  # spec.unschedulable (kubectl cordon), only with Config.cordons
    shutting_down: int | None = None  # the kubelet's graceful shutdown began, only with Config.node_shutdowns


@dataclass(frozen=True)
class MContainerIx:
    kind: Kind
    k: int  # position within its kind
    policy: Policy | None  # per-container restartPolicy (main containers), None = the pod's
    state: int
    last: int
    restarts: int
    backoff: int
    pull: int


@dataclass(frozen=True)
class MPodIx:
    p: int
    exists: int
    phase: int
    node: int  # 0 = unbound, n + 1 = bound to node n
    deleting: int
    disruption: int
    sidecars: tuple[MContainerIx, ...]
    inits: tuple[MContainerIx, ...]
    containers: tuple[MContainerIx, ...]  # the main containers (same name as the seed shape's)
    # Issue 21 (profiles/modern/clients.py), present only when a client option is on: the
    # DisruptionTarget reason (types.DReason) and "listed in the budget's disruptedPods".
    reason: int | None = None
    granted: int | None = None
    # Issue 17: the sandbox was recreated and no main container exists in it yet (sandbox_restarts).
    fresh_sandbox: int | None = None
    # status.reason is a kubelet eviction or admission reason (Failed without DisruptionTarget).
    kubelet_failed: int | None = None

    @property
    def all(self) -> tuple[MContainerIx, ...]:
        return self.sidecars + self.inits + self.containers

    @property
    def init_order(self) -> tuple[MContainerIx, ...]:
        """Init containers in start order: the sidecars first, then the regular ones."""
        return self.sidecars + self.inits


class ModernShape:
    """Field layout of a modern configuration."""

    rules_class: Any = None  # set by kubelife.profiles.modern.semantics

    def __init__(self, config: Config) -> None:
        self.config = config
        fields: list[Field] = []

        def add(name: str, size: int) -> int:
            fields.append(Field(name, size))
            return len(fields) - 1

        self.nodes = tuple(
            MNodeIx(n, add(f"n{n}.object", 3), add(f"n{n}.heartbeat", 2), add(f"n{n}.ready", 3),
                    add(f"n{n}.disk_pressure", 2), add(f"n{n}.unschedulable", 2) if config.cordons else None,
                    add(f"n{n}.shutting_down", 2) if config.node_shutdowns else None)
            for n in range(config.nodes)
        )

        def container(p: int, kind: Kind, k: int, policy: Policy | None) -> MContainerIx:
            tag = f"p{p}.{ {Kind.INIT: 'i', Kind.SIDECAR: 's', Kind.MAIN: 'c'}[kind] }{k}"
            return MContainerIx(kind, k, policy, add(f"{tag}.state", 4), add(f"{tag}.last", 5),
                                add(f"{tag}.restarts", config.restart_cap + 1), add(f"{tag}.backoff", 2),
                                add(f"{tag}.pull", 3))

        pods = []
        for p, spec in enumerate(config.slots):
            exists, phase = add(f"p{p}.exists", 2), add(f"p{p}.phase", 4)
            node = add(f"p{p}.node", config.nodes + 1)
            deleting, disruption = add(f"p{p}.terminating", 2), add(f"p{p}.disruption", 2)
            reason = add(f"p{p}.disruption_reason", len(DReason)) if clients_on(config) else None
            granted = add(f"p{p}.budget_granted", 2) if config.pdb_min_available and spec.evictions else None
            # Without ContainerRestartRules the API server drops a container's own restartPolicy.
            pols = (spec.container_policies if own_policies(config) else ()) or (None,) * spec.containers
            pods.append(MPodIx(
                p, exists, phase, node, deleting, disruption,
                tuple(container(p, Kind.SIDECAR, k, Policy.ALWAYS) for k in range(spec.sidecars)),
                tuple(container(p, Kind.INIT, k, None) for k in range(spec.inits)),
                tuple(container(p, Kind.MAIN, k, pols[k]) for k in range(spec.containers)),
                reason, granted, add(f"p{p}.fresh_sandbox", 2) if spec.sandbox_restarts else None,
                add(f"p{p}.kubelet_failed", 2) if (spec.admission_rejects or spec.storage_evictions
                                                   or not disruption_condition(config)) else None,
            ))
        self.pods = tuple(pods)
        self.layout = Layout(fields)

    def empty_pod(self, pod: MPodIx) -> dict[int, int]:
        """Every field of a slot at its new-pod value (no container statuses yet), ``exists`` false."""
        out = {pod.exists: 0, pod.phase: int(PodPhase.PENDING), pod.node: 0, pod.deleting: 0, pod.disruption: 0}
        out.update({k: 0 for k in (pod.reason, pod.granted, pod.fresh_sandbox, pod.kubelet_failed) if k is not None})
        for c in pod.all:
            out.update({c.state: int(MState.ABSENT), c.last: int(MExit.NONE), c.restarts: 0, c.backoff: 0,
                        c.pull: int(Pull.OK)})
        return out

    def initial(self) -> tuple[int, ...]:
        values = [0] * len(self.layout)
        for n in self.nodes:
            values[n.obj], values[n.heartbeat] = int(NodeObj.PENDING), 1
            values[n.ready], values[n.pressure] = int(Ready.FALSE), 0
            for k in (n.unschedulable, n.shutting_down):
                if k is not None:
                    values[k] = 0
        for pod, spec in zip(self.pods, self.config.slots):
            for k, v in self.empty_pod(pod).items():
                values[k] = v
            values[pod.exists] = int(spec.initial)
        return tuple(values)

    def decode(self, values: Sequence[int]) -> MCluster:
        # The taint and the pod Ready condition are functions of the fields; the semantics
        # defines them once (over Ops), so decoding asks it rather than repeating them.  The
        # semantics module sets ``rules_class`` (the shape does not import it: no import circle).
        from kubelife.model.engine.ops import PY

        rules = self.rules_class(self)
        nodes = tuple(MNode(NodeObj(values[n.obj]), bool(values[n.heartbeat]), Ready(values[n.ready]),
                            Taint(rules.taint(values, PY, n)), bool(values[n.pressure])) for n in self.nodes)
        pods = tuple(
            MPod(bool(values[p.exists]), PodPhase(values[p.phase]), values[p.node] - 1 if values[p.node] else None,
                 bool(values[p.deleting]), bool(values[p.disruption]), bool(rules.pod_ready(values, PY, p)),
                 tuple(MContainer(c.kind, MState(values[c.state]), MExit(values[c.last]), values[c.restarts],
                                  bool(values[c.backoff]), Pull(values[c.pull]), bool(p.inits or p.sidecars))
                       for c in p.all),
                 tuple((k, bool(x)) for k, x in rules.conditions(values, PY, p).items()),
                 p.kubelet_failed is not None and bool(values[p.kubelet_failed]))
            for p in self.pods)
        return MCluster(nodes, pods)

    def field_label(self, i: int) -> str:
        return self.layout.fields[i].name

    def value_label(self, i: int, v: int) -> str:
        """A field value as Kubernetes spells it."""
        name = self.layout.fields[i].name
        attr = name.rsplit(".", 1)[1]
        enum = {"object": NodeObj, "ready": Ready, "phase": PodPhase, "state": MState, "last": MExit,
                "pull": Pull, "disruption_reason": DReason}.get(attr)
        if enum is not None:
            return enum(v).label  # type: ignore[attr-defined]
        if attr == "node":
            return "none" if v == 0 else f"n{v - 1}"
        if attr in ("restarts",):
            return str(v)
        return "true" if v else "false"
