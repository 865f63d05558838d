"""Abstraction of Pod and Node objects to model values, per profile.

An observation is *partial*: each model field gets the set of values the
object allows (``ANY`` when the object does not say).  A Pod that is Running
with ``lastState: {}`` but ``restartCount: 2`` allows every non-empty last
exit, for example.  An :class:`Abstraction` (one per profile) owns it and names the
semantics it is checked against; a profile plugs its own in as ``Profile.oracle``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import CState, Exit, NodePhase, PodPhase, Policy, Ready

__all__ = ["ContainerObs", "PodObs", "NodeObs", "Abstraction", "ANY", "object_key"]

Values = frozenset[int]
ANY: Values = frozenset()  # the empty set reads "no constraint"
NEVER: Values = frozenset({255})  # a value no field takes: the observation cannot match
Fields = tuple[tuple[int, Values], ...]
EXITED: Values = frozenset({int(Exit.OK), int(Exit.ERROR), int(Exit.OOM)})
CONTROLLERS = ("ReplicaSet", "ReplicationController")
_PHASES = {p.label: frozenset({int(p)}) for p in PodPhase}
_POLICIES = {p.label: p for p in Policy}
_READY = {r.label: int(r) for r in Ready}


_ONE: dict[int, Values] = {}


def one(v: int) -> Values:
    """The set of just ``v``; shared, so its hash is computed once."""
    out = _ONE.get(v)
    if out is None:
        out = _ONE[int(v)] = frozenset({int(v)})
    return out


S_WAITING, S_RUNNING, S_TERMINATED = one(CState.WAITING), one(CState.RUNNING), one(CState.TERMINATED)
E_NONE = one(Exit.NONE)
E_OF = {e: one(e) for e in Exit}


@dataclass(frozen=True, slots=True)
class ContainerObs:
    name: str
    state: Values
    exit: Values
    restarts: int | None  # restartCount; None when the object does not say
    pull: Values = ANY  # image pull state (profiles that model it)

    def describe(self) -> str:
        s = _label(CState, self.state)
        if self.exit != one(Exit.NONE):
            s += f"({_label(Exit, self.exit)})"
        return s + (f" r{self.restarts}" if self.restarts else "")


@dataclass(frozen=True, slots=True)
class PodObs:
    deleted: bool
    deletion_requested: bool
    policy: Policy
    controlled: bool
    node_name: str | None
    phase: Values
    containers: tuple[ContainerObs, ...]
    node_lost: bool  # the pod's own status says its node is gone or disrupted
    missing: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # container names, in spec order
    # Profiles with graceful deletion and init containers fill these; others ignore them.
    terminating: Values = ANY
    disruption: Values = ANY
    inits: int = 0
    sidecars: int = 0
    container_policies: tuple[Policy | None, ...] = ()

    def describe(self) -> str:
        if self.deleted:
            return "deleted"
        where = f"@{self.node_name}" if self.node_name else "@unbound"
        return f"{_label(PodPhase, self.phase)}{where}[{', '.join(c.describe() for c in self.containers)}]"


@dataclass(frozen=True)
class NodeObs:
    phase: Values
    reachable: Values
    ready: Values
    disk_ok: Values
    missing: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{_label(NodePhase, self.phase)} ready={_label(Ready, self.ready)}"


def _label(enum: Any, vs: Values) -> str:
    if not vs:
        return "?"
    names = [enum(v).label for v in sorted(vs)]
    return names[0] if len(names) == 1 else "{" + "|".join(names) + "}"


def object_key(obj: dict[str, Any], kind: str) -> str:
    md = obj.get("metadata") or {}
    ns = md.get("namespace")
    name = md.get("name", "?")
    return f"{kind} {ns}/{name}" if ns else f"{kind} {name}"


def _cond(status: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for c in status.get("conditions") or ():
        if isinstance(c, dict) and c.get("type") == kind:
            return c
    return None


def exit_kind(term: dict[str, Any]) -> Exit:
    """Exit code 0 is ``ok``; the OOM killer's reason is ``oom``; anything else is ``error``."""
    if term.get("reason") == "OOMKilled":
        return Exit.OOM
    return Exit.OK if term.get("exitCode") == 0 else Exit.ERROR


@dataclass
class Abstraction:
    """How a profile reads Pod and Node objects as model values, and the small models it checks them in.

    Each profile supplies a subclass (``Profile.oracle``); the checker calls only these methods.
    """

    name: str = ""
    semantics: Any = None
    restart_cap: int = 1
    max_containers: int = 6
    # Graceful deletion is part of the profile's semantics: a deleted pod's divergence is a violation.
    models_deletion: bool = False
    # A pod whose own status says its node is lost ignores even a node the trace shows.
    lost_frees_seen_node: bool = True
    notes: list[str] = field(default_factory=list)
    # The Kubernetes version and gate overrides every configuration this abstraction makes carries
    # (profiles that model versions; see ``Profile.versions``).
    kubernetes: str = ""
    gates: tuple[tuple[str, bool], ...] = ()

    def build(self, config: Config) -> ClusterModel:
        """The model of one of this abstraction's configurations."""
        return ClusterModel(config, self.semantics)

    def local_config(self, policy: Policy, containers: int, controlled: bool) -> Config:
        """One pod slot and its node: the model a single observed pod is checked in."""
        raise NotImplementedError

    def node_config(self) -> Config:
        """A node with no pod: node lifecycle steps only."""
        raise NotImplementedError

    def pod_model(self, obs: PodObs) -> tuple[tuple[Any, ...], Config] | str:
        """The key and configuration of the small model an observed pod is checked in, or why it cannot be."""
        n = len(obs.containers)
        if not 1 <= n <= self.max_containers:
            return f"pod has {n} containers; the {self.name} model handles 1 to {self.max_containers}"
        return (self.name, obs.policy, n, obs.controlled), self.local_config(obs.policy, n, obs.controlled)

    def pod_fields(self, shape: Any, obs: PodObs, same_node: bool) -> Fields:
        """The constraints an observed pod puts on the fields of slot 0 (``same_node``: bound where it was)."""
        raise NotImplementedError

    def node_fields(self, shape: Any, obs: NodeObs) -> Fields:
        """The constraints an observed node puts on the fields of node 0."""
        raise NotImplementedError

    def restart_steps(self, model: ClusterModel) -> dict[int, tuple[int, int, bool]]:
        """Transition index -> (container, field, nonzero): the step is a restart when ``(field != 0) == nonzero``."""
        raise NotImplementedError

    def pod(self, obj: dict[str, Any], deleted: bool) -> PodObs:
        raise NotImplementedError

    def node(self, obj: dict[str, Any], deleted: bool, seen_ready: bool) -> NodeObs:
        raise NotImplementedError

    def unseen_node(self) -> NodeObs:
        """A node the trace never shows, taken as healthy and ready."""
        raise NotImplementedError

    def with_budgets(self, obs: PodObs, obj: dict[str, Any], budgets: tuple[dict[str, Any], ...]) -> PodObs:
        """The observation with what the trace's PodDisruptionBudgets say of the pod (default: nothing)."""
        return obs
