"""The oracle's reading of Pod and Node objects as the ``seed`` model's fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import NodePhase, Policy, Ready
from kubelife.oracle.abstract import (
    _PHASES,
    _POLICIES,
    _READY,
    ANY,
    CONTROLLERS,
    E_NONE,
    E_OF,
    EXITED,
    NEVER,
    S_RUNNING,
    S_TERMINATED,
    S_WAITING,
    Abstraction,
    ContainerObs,
    Fields,
    NodeObs,
    PodObs,
    Values,
    _cond,
    exit_kind,
    one,
)
from kubelife.profiles.seed.semantics import SeedSemantics
from kubelife.profiles.seed.shape import Shape

__all__ = ["SeedAbstraction"]


@dataclass
class SeedAbstraction(Abstraction):
    """The seed profile: how objects read as model values, and the model they are checked against."""

    name: str = SeedSemantics.profile
    semantics: Any = SeedSemantics

    def local_config(self, policy: Policy, containers: int, controlled: bool) -> Config:
        """One pod slot and its node: the model a single observed pod is checked in."""
        spec = SlotSpec(policy=policy, containers=containers, controlled=controlled, initial=True)
        return Config(1, (spec,), replicas=0, restart_cap=self.restart_cap, profile=SeedSemantics.profile,
                      name=f"oracle {policy.label} x{containers}{' controlled' if controlled else ''}")

    def node_config(self) -> Config:
        """A node with no pod: node lifecycle steps only."""
        spec = SlotSpec(containers=1, controlled=False, initial=False)
        return Config(1, (spec,), replicas=0, restart_cap=self.restart_cap, profile=SeedSemantics.profile,
                      name="oracle node")

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
