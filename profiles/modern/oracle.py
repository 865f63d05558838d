"""The oracle's ``modern`` profile: today's Pod and Node objects read as the modern model's fields.

The modern model (``model/k8s/modern``) has its own layout: per container a status
(including "no status yet"), the most recent termination (Completed, Error,
OOMKilled, ContainerStatusUnknown), restart count, back-off timer and image pull;
per pod Terminating (``deletionTimestamp``) and DisruptionTarget; per node the
Node object, heartbeat, Ready True/False/Unknown and DiskPressure.  This profile
maps objects onto those fields and checks each pod in a one-pod model with its
init containers, sidecars and per-container policies, every optional
environment event on (user deletes, image pull errors, lost containers), using
the modern model's own compiled successors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import PodPhase, Policy, Ready
from kubelife.oracle.abstract import (
    ANY,
    CONTROLLERS,
    Abstraction,
    ContainerObs,
    Fields,
    NodeObs,
    PodObs,
    Values,
    _cond,
    one,
)
from kubelife.profiles.modern.client_oracle import GRANTED, REASON, disruption_reason, node_client_fields, with_budgets
from kubelife.profiles.modern.kubelet_events import kubelet_failure_reason
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.shape import ModernShape
from kubelife.profiles.modern.types import MExit, MState, NodeObj, Pull
from kubelife.profiles.modern.versions import gate

__all__ = ["ModernAbstraction", "ModernContainerObs", "ModernNodeObs", "modern_exit"]

_PHASES = {p.label: one(p) for p in PodPhase}
_POLICIES = {p.label: p for p in Policy}
_READY = {r.label: int(r) for r in Ready}
EXITED: Values = frozenset(int(e) for e in MExit if e is not MExit.NONE)
UNREACHABLE, NOT_READY = "node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"


def modern_exit(term: dict[str, Any]) -> MExit:
    """A ``terminated`` entry as the model's termination kind: the exit code first, as the kubelet's
    ``getPhase`` reads it (docs/fidelity.md B5): exit code 0 is a success whatever the reason
    (``OOMKilled`` with 0 included); a non-zero code is OOMKilled, ContainerStatusUnknown or an error
    by its reason.  Without an exit code, the reason alone decides."""
    code, reason = term.get("exitCode"), term.get("reason")
    if code == 0 or (code is None and reason == "Completed"):
        return MExit.OK
    if reason == "OOMKilled":
        return MExit.OOM
    if reason == "ContainerStatusUnknown":
        return MExit.UNKNOWN
    return MExit.ERROR


@dataclass(frozen=True, slots=True)
class ModernContainerObs(ContainerObs):
    def describe(self) -> str:
        s = _labels(MState, self.state)
        if self.exit != one(MExit.NONE):
            s += f"({_labels(MExit, self.exit)})"
        if self.pull and self.pull != one(Pull.OK):
            s += f" {_labels(Pull, self.pull)}"
        return s + (f" r{self.restarts}" if self.restarts else "")


def _kubelet_reason(reason: Any, disrupted: bool) -> Values:
    """Whether ``status.reason`` says the kubelet evicted or rejected the pod.  A DisruptionTarget
    without a reason (kubelife's own rendered traces) leaves it open."""
    if kubelet_failure_reason(reason):
        return one(1)
    return ANY if disrupted and not reason else one(0)


def _labels(enum: Any, vs: Values) -> str:
    names = [enum(v).label for v in sorted(vs)] if vs else ["?"]
    return names[0] if len(names) == 1 else "{" + "|".join(names) + "}"


@dataclass(frozen=True, slots=True)
class ModernPodObs(PodObs):
    """A pod observation with ``status.reason`` read as "a kubelet eviction or admission reason"."""

    kubelet_reason: Values = ANY
    # Issue 21 (client_oracle.py): the DisruptionTarget reason and the budget's disruptedPods.
    client: tuple[tuple[str, Values], ...] = ()


@dataclass(frozen=True)
class ModernNodeObs(NodeObs):
    """A node observation in modern terms: ``phase`` holds the Node object (:class:`NodeObj`),
    ``reachable`` the kubelet's heartbeat, ``disk_ok`` the negation of DiskPressure; ``cordoned`` and
    ``shutting`` the issue-21 fields (profiles/modern/client_oracle.py)."""

    cordoned: Values = ANY
    shutting: Values = ANY

    def describe(self) -> str:
        pressure = " DiskPressure" if self.disk_ok == one(0) else ""
        return f"{_labels(NodeObj, self.phase)} Ready={_labels(Ready, self.ready)}{pressure}"


@dataclass
class ModernAbstraction(Abstraction):
    name: str = "modern"
    semantics: Any = ModernSemantics
    models_deletion: bool = True
    lost_frees_seen_node: bool = False  # DisruptionTarget on a seen node must be explained by that node

    def _slot(self, obs: PodObs, initial: bool = True) -> SlotSpec:
        # Every environment event on: the object may show any of them (issue 17's included: admission
        # rejections, ephemeral-storage evictions, sandbox restarts).
        return SlotSpec(policy=obs.policy, containers=len(obs.containers) - obs.inits - obs.sidecars,
                        controlled=obs.controlled, initial=initial, inits=obs.inits, sidecars=obs.sidecars,
                        container_policies=obs.container_policies, user_deletes=True, image_pull_errors=True,
                        unknown_exits=True, admission_rejects=True, storage_evictions=True, sandbox_restarts=True,
                        evictions=True, preemptions=True, force_deletes=True, pressure_evictions=True)

    def _config(self, slot: SlotSpec, name: str) -> Config:
        # Issue 21: cordons and node shutdowns; a budget the pod's unseen siblings keep healthy (the
        # trace's PodDisruptionBudgets say whether an eviction went through it).
        return Config(1, (slot,), replicas=0, restart_cap=self.restart_cap, profile="modern", name=name,
                      kubernetes=self.kubernetes, gates=self.gates, cordons=True, node_shutdowns=True,
                      pdb_min_available=1, pdb_others=1)

    @cached_property
    def _sidecars_on(self) -> bool:
        cfg = Config(1, (SlotSpec(),), profile="modern", kubernetes=self.kubernetes, gates=self.gates)
        return gate(cfg, "SidecarContainers")

    def pod_model(self, obs: PodObs) -> tuple[tuple[Any, ...], Config] | str:
        mains = len(obs.containers) - obs.inits - obs.sidecars
        if not (1 <= mains and obs.inits <= 3 and obs.sidecars <= 2 and len(obs.containers) <= self.max_containers):
            return (f"pod has {mains} containers, {obs.inits} init containers and {obs.sidecars} sidecars; the "
                    f"modern oracle handles 1 or more containers, up to 3 init containers and 2 sidecars, "
                    f"{self.max_containers} in all")
        spec = self._slot(obs)
        cfg = self._config(spec, f"oracle modern {obs.policy.label} {obs.sidecars}s{obs.inits}i{mains}c")
        return ("modern", spec, self.kubernetes, self.gates), cfg

    def local_config(self, policy: Policy, containers: int, controlled: bool) -> Config:
        obs = PodObs(False, False, policy, controlled, None, ANY,
                     tuple(ModernContainerObs(f"c{i}", ANY, ANY, None) for i in range(containers)), False)
        made = self.pod_model(obs)
        assert not isinstance(made, str), made
        return made[1]

    def node_config(self) -> Config:
        return self._config(SlotSpec(containers=1, controlled=False, initial=False), "oracle node")

    # -- model fields ------------------------------------------------------------------------

    def pod_fields(self, shape: Any, obs: PodObs, same_node: bool) -> Fields:
        assert isinstance(shape, ModernShape)
        p = shape.pods[0]
        if obs.deleted:
            return ((p.exists, one(0)),)
        fields: list[tuple[int, Values]] = [(p.exists, one(1))]
        if obs.phase:
            fields.append((p.phase, obs.phase))
        fields.append((p.node, one(0) if obs.node_name is None else (one(1) if same_node else frozenset({255}))))
        fields += [(f, vs) for f, vs in ((p.deleting, obs.terminating), (p.disruption, obs.disruption)) if vs]
        named = {REASON: p.reason, GRANTED: p.granted}  # issue 21 (client_oracle.py)
        fields += [(i, vs) for k, vs in getattr(obs, "client", ()) if (i := named.get(k)) is not None and vs]
        reason = getattr(obs, "kubelet_reason", ANY)
        if p.kubelet_failed is not None and reason:
            fields.append((p.kubelet_failed, reason))
        for ci, c in zip(p.all, obs.containers):
            pairs = ((ci.state, c.state), (ci.last, c.exit), (ci.pull, c.pull))
            fields += [(f, vs) for f, vs in pairs if vs]
            if c.restarts is not None:
                fields.append((ci.restarts, one(min(c.restarts, self.restart_cap))))
        return tuple(fields)

    def node_fields(self, shape: Any, obs: NodeObs) -> Fields:
        n = shape.nodes[0]
        pressure = frozenset(1 - v for v in obs.disk_ok)
        pairs = ((n.obj, obs.phase), (n.heartbeat, obs.reachable), (n.ready, obs.ready), (n.pressure, pressure))
        out = tuple((f, vs) for f, vs in pairs if vs)
        if isinstance(obs, ModernNodeObs):  # issue 21: cordon and graceful shutdown
            extra = ((n.unschedulable, obs.cordoned), (n.shutting_down, obs.shutting))
            out += tuple((f, vs) for f, vs in extra if f is not None and vs)
        return out

    def restart_steps(self, model: ClusterModel) -> dict[int, tuple[int, int, bool]]:
        """P2 after an exit (the end of CrashLoopBackOff) and an immediate P4 (back-off clear) are restarts.

        ``tests/test_oracle_modern.py`` pins this against the model's own restart counter.
        """
        shape = model.shape
        assert isinstance(shape, ModernShape)
        pod = shape.pods[0]
        tags = {f"{ {0: 'i', 1: 's', 2: 'c'}[int(c.kind)] }{c.k}": (k, c) for k, c in enumerate(pod.all)}
        out = {}
        for i, t in enumerate(model.system.transitions):
            a = t.action
            if a.kind in ("P2", "P4") and a.arg("pod") == 0:
                k, c = tags[a.arg("container")]
                out[i] = (k, c.last, True) if a.kind == "P2" else (k, c.backoff, False)
        return out

    # -- pods ----------------------------------------------------------------------------------

    def container(self, cs: dict[str, Any] | None, name: str, missing: list[str]) -> ContainerObs:
        if cs is None:  # the kubelet has not written a status for it yet
            return ModernContainerObs(name, one(MState.ABSENT), one(MExit.NONE), 0, one(Pull.OK))
        rc = cs.get("restartCount")
        if not isinstance(rc, int):
            missing.append(f"restartCount of container {name}")
            rc = None
        state = cs.get("state") or {}
        last = (cs.get("lastState") or {}).get("terminated")
        prev = one(modern_exit(last)) if isinstance(last, dict) else (one(MExit.NONE) if rc == 0 else EXITED)
        if "running" in state:
            return ModernContainerObs(name, one(MState.RUNNING), prev, rc, one(Pull.OK))
        if "terminated" in state:
            return ModernContainerObs(name, one(MState.TERMINATED), one(modern_exit(state["terminated"] or {})), rc,
                                one(Pull.OK))
        if "waiting" in state:
            reason = (state["waiting"] or {}).get("reason")
            if reason == "CrashLoopBackOff":
                exited = prev - {int(MExit.NONE)} or EXITED
                return ModernContainerObs(name, one(MState.WAITING), exited, rc, one(Pull.OK))
            pull = {"ErrImagePull": one(Pull.ERR_IMAGE_PULL), "ImagePullBackOff": one(Pull.IMAGE_PULL_BACKOFF)}
            if reason in pull and prev == one(MExit.NONE):
                return ModernContainerObs(name, one(MState.WAITING), prev, rc, pull[reason])
            # ContainerCreating, PodInitializing, or a pull error on a restart (the model pulls only
            # before a first start): the pull state is left open.
            return ModernContainerObs(name, one(MState.WAITING), prev, rc, ANY)
        missing.append(f"state of container {name}")
        return ModernContainerObs(name, ANY, ANY, rc)

    def pod(self, obj: dict[str, Any], deleted: bool) -> PodObs:
        md, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
        missing: list[str] = []
        mains = [c for c in spec.get("containers") or () if isinstance(c, dict)]
        init_specs = [c for c in spec.get("initContainers") or () if isinstance(c, dict)]
        # With SidecarContainers off the API server drops an init container's restartPolicy.
        sidecars = [c for c in init_specs if c.get("restartPolicy") == "Always" and self._sidecars_on]
        inits = [c for c in init_specs if c not in sidecars]
        statuses = {c.get("name"): c for key in ("containerStatuses", "initContainerStatuses")
                    for c in status.get(key) or () if isinstance(c, dict)}
        if not mains:
            missing.append("spec.containers")
            mains = [{"name": n} for n in statuses]
        pol_text = spec.get("restartPolicy")
        policy = _POLICIES.get(pol_text, Policy.ALWAYS) if pol_text else Policy.ALWAYS
        if pol_text and pol_text not in _POLICIES:
            missing.append(f"a known spec.restartPolicy (found {pol_text!r})")
        if not pol_text:
            missing.append("spec.restartPolicy (Always assumed)")
        # A per-container restartPolicy (the ContainerRestartRules gate) on any main container.
        own = tuple(_POLICIES.get(c.get("restartPolicy", ""), None) for c in mains)
        phase_text = status.get("phase")
        if phase_text is None:
            missing.append("status.phase")
        phase = _PHASES.get(phase_text, ANY) if phase_text else ANY
        ordered = sidecars + inits + mains  # the model's start order: sidecars, regular init containers, mains
        names = tuple(c.get("name", f"#{i}") for i, c in enumerate(ordered))
        cobs = tuple(self.container(statuses.get(n), n, missing) for n in names)
        dt = _cond(status, "DisruptionTarget")
        disrupted = dt is not None and dt.get("status") == "True"
        # An Evicted pod without DisruptionTarget is the kubelet's doing on a live node (K8, N5 with
        # PodDisruptionConditions off), not a lost node.
        node_lost = status.get("reason") == "NodeLost" or phase_text == "Unknown" or disrupted
        owners = md.get("ownerReferences") or ()
        controlled = any(isinstance(o, dict) and o.get("kind") in CONTROLLERS for o in owners)
        terminating = bool(md.get("deletionTimestamp"))
        return ModernPodObs(deleted, terminating, policy, controlled, spec.get("nodeName") or None, phase, cobs,
                            node_lost, tuple(missing), names, one(int(terminating)), one(int(disrupted)),
                            len(inits), len(sidecars), own if any(p is not None for p in own) else (),
                            _kubelet_reason(status.get("reason"), disrupted),
                            client=disruption_reason(status))

    def with_budgets(self, obs: PodObs, obj: dict[str, Any], budgets: tuple[dict[str, Any], ...]) -> PodObs:
        return with_budgets(obs, obj, budgets)

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, obj: dict[str, Any], deleted: bool, seen_ready: bool) -> NodeObs:
        obs = self._node(obj, deleted, seen_ready)
        if deleted or not isinstance(obs, ModernNodeObs):
            return obs
        cordoned, shutting, pressure = node_client_fields(obj)
        obs = replace(obs, cordoned=cordoned, shutting=shutting)
        return replace(obs, disk_ok=one(0)) if pressure else obs

    def _node(self, obj: dict[str, Any], deleted: bool, seen_ready: bool) -> NodeObs:
        """A Node object exists only once registered; Ready comes from the condition, else from the taints."""
        if deleted:
            return ModernNodeObs(one(NodeObj.DELETED), one(0), one(Ready.UNKNOWN), one(1))
        status, spec = obj.get("status") or {}, obj.get("spec") or {}
        ready = _cond(status, "Ready")
        disk = _cond(status, "DiskPressure")
        # DiskPressure is set to Unknown with every other condition when the node stops reporting.
        disk_ok = one(0) if disk is not None and disk.get("status") == "True" else (
            ANY if disk is not None and disk.get("status") == "Unknown" else one(1))
        registered = one(NodeObj.REGISTERED)
        if ready is None or ready.get("status") not in _READY:
            taints = {t.get("key") for t in spec.get("taints") or () if isinstance(t, dict)}
            if UNREACHABLE in taints:
                return ModernNodeObs(registered, one(0), one(Ready.UNKNOWN), disk_ok)
            if NOT_READY in taints:
                return ModernNodeObs(registered, ANY, one(Ready.FALSE), disk_ok)
            return ModernNodeObs(frozenset({int(NodeObj.PENDING), int(NodeObj.REGISTERED)}), ANY, ANY, disk_ok,
                                 ("Ready condition",))
        r = _READY[ready["status"]]
        # Ready=Unknown is written by the node lifecycle controller only after heartbeats stopped.
        return ModernNodeObs(registered, one(0) if r == Ready.UNKNOWN else ANY, one(r), disk_ok)

    def unseen_node(self) -> NodeObs:
        return ModernNodeObs(one(NodeObj.REGISTERED), one(1), one(Ready.TRUE), one(1))

