"""Abstraction of Pod and Node objects to model values, per profile.

An observation is *partial*: each model field gets the set of values the
object allows (``ANY`` when the object does not say).  A Pod that is Running
with ``lastState: {}`` but ``restartCount: 2`` allows every non-empty last
exit, for example.  A :class:`Profile` owns the abstraction and names the
semantics it is checked against, so another profile (``modern``) plugs in by
subclassing and :func:`register_profile`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.seed import SeedSemantics
from kubelife.model.k8s.shape import Shape
from kubelife.model.k8s.types import CState, Exit, NodePhase, PodPhase, Policy, Ready

__all__ = ["ContainerObs", "PodObs", "NodeObs", "Profile", "PROFILES", "register_profile", "profile",
           "ANY", "object_key"]

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
    # Profiles with graceful deletion and init containers (``modern``) fill these; the seed ignores them.
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
class Profile:
    """The seed profile: how objects read as model values, and the model they are checked against."""

    name: str = "seed"
    semantics: type[SeedSemantics] = SeedSemantics
    restart_cap: int = 1
    max_containers: int = 6
    # Graceful deletion is part of the profile's semantics: a deleted pod's divergence is a violation.
    models_deletion: bool = False
    # A pod whose own status says its node is lost ignores even a node the trace shows.
    lost_frees_seen_node: bool = True
    notes: list[str] = field(default_factory=list)

    def local_config(self, policy: Policy, containers: int, controlled: bool) -> Config:
        """One pod slot and its node: the model a single observed pod is checked in."""
        spec = SlotSpec(policy=policy, containers=containers, controlled=controlled, initial=True)
        return Config(1, (spec,), replicas=0, restart_cap=self.restart_cap, profile="seed",
                      name=f"oracle {policy.label} x{containers}{' controlled' if controlled else ''}")

    def node_config(self) -> Config:
        """A node with no pod: node lifecycle steps only."""
        spec = SlotSpec(containers=1, controlled=False, initial=False)
        return Config(1, (spec,), replicas=0, restart_cap=self.restart_cap, profile="seed", name="oracle node")

    def pod_model(self, obs: PodObs) -> tuple[tuple[Any, ...], Config] | str:
        """The key and configuration of the small model an observed pod is checked in, or why it cannot be."""
        n = len(obs.containers)
        if not 1 <= n <= self.max_containers:
            return f"pod has {n} containers; the {self.name} model handles 1 to {self.max_containers}"
        return (self.name, obs.policy, n, obs.controlled), self.local_config(obs.policy, n, obs.controlled)

    # -- model fields (a profile with another state layout overrides these) ---------------

    def pod_fields(self, shape: Shape, obs: PodObs, same_node: bool) -> Fields:
        """The constraints an observed pod puts on the fields of slot 0 (``same_node``: bound where it was)."""
        p = shape.pods[0]
        if obs.deleted:
            return ((p.exists, one(0)),)
        fields: list[tuple[int, Values]] = [(p.exists, one(1))]
        if obs.phase:
            fields.append((p.phase, obs.phase))
        if obs.node_name is None:
            fields.append((p.node, one(0)))
        else:
            fields.append((p.node, one(1) if same_node else NEVER))
        for ci, c in zip(p.containers, obs.containers):
            if c.state:
                fields.append((ci.state, c.state))
            if c.exit:
                fields.append((ci.last_exit, c.exit))
            if c.restarts is not None:
                fields.append((ci.restarts, one(min(c.restarts, self.restart_cap))))
        return tuple(fields)

    def node_fields(self, shape: Shape, obs: NodeObs) -> Fields:
        """The constraints an observed node puts on the fields of node 0."""
        n = shape.nodes[0]
        pairs = ((n.phase, obs.phase), (n.reachable, obs.reachable), (n.ready, obs.ready), (n.disk_ok, obs.disk_ok))
        return tuple((f, vs) for f, vs in pairs if vs)

    def restart_steps(self, model: ClusterModel) -> dict[int, tuple[int, int, bool]]:
        """Transition index -> (container, field, nonzero): the step is a restart when ``(field != 0) == nonzero``.

        P2 counts a restart exactly when the container has a last exit (spec section 3);
        ``tests/test_oracle_search.py`` pins this against the model's own restart counter.
        """
        out = {}
        for i, t in enumerate(model.system.transitions):
            a = t.action
            if a.kind == "P2":
                c = a.arg("container")
                out[i] = (c, model.shape.pods[a.arg("pod")].containers[c].last_exit, True)
        return out

    # -- pods ----------------------------------------------------------------------------

    def container(self, cs: dict[str, Any] | None, name: str, missing: list[str]) -> ContainerObs:
        if cs is None:
            missing.append(f"status of container {name}")
            return ContainerObs(name, ANY, ANY, None)
        rc = cs.get("restartCount")
        if not isinstance(rc, int):
            missing.append(f"restartCount of container {name}")
            rc = None
        state = cs.get("state") or {}
        last = (cs.get("lastState") or {}).get("terminated")
        # With no lastState, a container that has restarted still had *some* exit.
        prev = E_OF[exit_kind(last)] if isinstance(last, dict) else (E_NONE if rc == 0 else EXITED)
        if "running" in state:
            return ContainerObs(name, S_RUNNING, prev, rc)
        if "terminated" in state:
            return ContainerObs(name, S_TERMINATED, E_OF[exit_kind(state["terminated"] or {})], rc)
        if "waiting" in state:
            return ContainerObs(name, S_WAITING, prev, rc)
        missing.append(f"state of container {name}")
        return ContainerObs(name, ANY, ANY, rc)

    def pod(self, obj: dict[str, Any], deleted: bool) -> PodObs:
        md, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
        missing: list[str] = []
        names = [c.get("name", f"#{i}") for i, c in enumerate(spec.get("containers") or ()) if isinstance(c, dict)]
        statuses = {c.get("name"): c for c in status.get("containerStatuses") or () if isinstance(c, dict)}
        if not names:
            missing.append("spec.containers")
            names = list(statuses)
        pol_text = spec.get("restartPolicy")
        policy = _POLICIES.get(pol_text, Policy.ALWAYS) if pol_text else Policy.ALWAYS
        if pol_text and pol_text not in _POLICIES:
            missing.append(f"a known spec.restartPolicy (found {pol_text!r})")
        if not pol_text:
            missing.append("spec.restartPolicy (Always assumed)")
        phase_text = status.get("phase")
        if phase_text is None:
            missing.append("status.phase")
        phase = _PHASES.get(phase_text, ANY) if phase_text else ANY
        if not statuses and phase_text in (None, "Pending"):
            # A pod no kubelet has reported on yet: every container is waiting to start.
            cobs = tuple(ContainerObs(n, S_WAITING, E_NONE, 0) for n in names)
        else:
            cobs = tuple(self.container(statuses.get(n), n, missing) for n in names)
        dt = _cond(status, "DisruptionTarget")
        node_lost = (status.get("reason") in ("NodeLost", "Evicted") or phase_text == "Unknown"
                     or (dt is not None and dt.get("status") == "True"))
        owners = md.get("ownerReferences") or ()
        controlled = any(isinstance(o, dict) and o.get("kind") in CONTROLLERS for o in owners)
        return PodObs(deleted, bool(md.get("deletionTimestamp")), policy, controlled, spec.get("nodeName") or None,
                      phase, cobs, node_lost, tuple(missing), tuple(names))

    # -- nodes ---------------------------------------------------------------------------

    def node(self, obj: dict[str, Any], deleted: bool, seen_ready: bool) -> NodeObs:
        """Real nodes have no phase: Pending until first Ready, Terminated once the object is deleted."""
        if deleted:
            return NodeObs(one(NodePhase.TERMINATED), one(0), one(Ready.UNKNOWN), one(0))
        status = obj.get("status") or {}
        ready = _cond(status, "Ready")
        disk = _cond(status, "DiskPressure")
        if ready is None or ready.get("status") not in _READY:
            return NodeObs(one(NodePhase.PENDING), one(1), one(Ready.FALSE), one(1), ("Ready condition",))
        r = _READY[ready["status"]]
        if r == Ready.FALSE and not seen_ready:
            return NodeObs(one(NodePhase.PENDING), one(1), one(Ready.FALSE), one(1))
        disk_ok = one(0) if disk is not None and disk.get("status") == "True" else (
            one(1) if r == Ready.TRUE else ANY)
        reachable = one(0) if r == Ready.UNKNOWN else ANY
        return NodeObs(one(NodePhase.RUNNING), reachable, one(r), disk_ok)

    def unseen_node(self) -> NodeObs:
        """A node the trace never shows, taken as healthy and ready."""
        return NodeObs(one(NodePhase.RUNNING), one(1), one(Ready.TRUE), one(1))


PROFILES: dict[str, Profile] = {"seed": Profile()}


def register_profile(p: Profile) -> None:
    PROFILES[p.name] = p


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"--profile {name!r} is not known; use one of: {', '.join(PROFILES)}.") from None
