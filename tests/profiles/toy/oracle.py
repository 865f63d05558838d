"""How the oracle reads Pod and Node objects as the toy model's fields, and its vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import CState, Policy
from kubelife.oracle.abstract import ANY, CONTROLLERS, Abstraction, ContainerObs, Fields, NodeObs, PodObs, one
from kubelife.oracle.vectors import header, step_vectors

from .semantics import C_RUNNING, DONE, NAME, WAITING, ToySemantics

_PHASES = {"Pending": 0, "Running": 1, "Succeeded": 2, "Failed": 3}
_STATE = {"waiting": WAITING, "running": C_RUNNING, "terminated": DONE}


@dataclass
class ToyAbstraction(Abstraction):
    name: str = NAME
    semantics: Any = ToySemantics
    max_containers: int = 1

    def local_config(self, policy: Policy, containers: int, controlled: bool) -> Config:
        return Config(1, (SlotSpec(policy, 1, controlled=controlled, initial=True),), 0, 1, NAME, "oracle toy")

    def node_config(self) -> Config:
        return Config(1, (SlotSpec(containers=1, controlled=False),), 0, 1, NAME, "oracle node")

    def pod_fields(self, shape: Any, obs: PodObs, same_node: bool) -> Fields:
        p = shape.pods[0]
        if obs.deleted:
            return ((p.exists, one(0)),)
        out: list[tuple[int, Any]] = [(p.exists, one(1)), (p.node, one(0) if obs.node_name is None
                                                            else one(1) if same_node else frozenset({255}))]
        if obs.phase:
            out.append((p.phase, obs.phase))
        if obs.containers and obs.containers[0].state:
            out.append((p.state, obs.containers[0].state))
        return tuple(out)

    def node_fields(self, shape: Any, obs: NodeObs) -> Fields:
        return ((shape.nodes[0].ready, obs.ready),) if obs.ready else ()

    def restart_steps(self, model: ClusterModel) -> dict[int, tuple[int, int, bool]]:
        return {}

    def pod(self, obj: dict[str, Any], deleted: bool) -> PodObs:
        md, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
        phase = _PHASES.get(status.get("phase")) if isinstance(status.get("phase"), str) else None
        cs = [c for c in status.get("containerStatuses") or () if isinstance(c, dict)]
        state = next((_STATE[k] for k in _STATE if isinstance(cs[0].get("state"), dict) and k in cs[0]["state"]),
                     None) if cs else (WAITING if phase == 0 else None)
        cobs = (ContainerObs("c0", ANY if state is None else one(state), ANY, None),)
        owners = md.get("ownerReferences") or ()
        controlled = any(isinstance(o, dict) and o.get("kind") in CONTROLLERS for o in owners)
        node = spec.get("nodeName") if isinstance(spec.get("nodeName"), str) else None
        return PodObs(deleted, bool(md.get("deletionTimestamp")), Policy.NEVER, controlled, node or None,
                      ANY if phase is None else one(phase), cobs, False)

    def node(self, obj: dict[str, Any], deleted: bool, seen_ready: bool) -> NodeObs:
        conds = (obj.get("status") or {}).get("conditions") or ()
        ready = any(isinstance(c, dict) and c.get("type") == "Ready" and c.get("status") == "True" for c in conds)
        return NodeObs(ANY, ANY, one(int(ready)), ANY)

    def unseen_node(self) -> NodeObs:
        return NodeObs(ANY, ANY, one(1), ANY)


def _state_json(st: Any, with_pod: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"node": {"ready": st.nodes[0].ready}}
    if with_pod:
        p = st.pods[0]
        out["pod"] = {"exists": p.exists, "phase": p.phase, "bound": p.node is not None, "container": p.container}
    return out


def toy_vectors() -> dict[str, dict[str, Any]]:
    prof = ToyAbstraction()
    pod = step_vectors(prof.build(prof.local_config(Policy.NEVER, 1, False)), True, _state_json)
    node = step_vectors(prof.build(prof.node_config()), False, _state_json)
    return {"pod-steps.json": {**header("pod-steps", NAME), "models": [pod]},
            "node-steps.json": {**header("node-steps", NAME), **node}}


__all__ = ["ToyAbstraction", "toy_vectors", "CState"]
