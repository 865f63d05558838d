"""Modern model states as today's Pod and Node objects (wire camelCase), the inverse of ``oracle.modern``.

Used to build the modern test traces and the modern conformance vectors.  Init
containers are written sidecars first (``restartPolicy: Always``), then the
regular ones, the order the model starts them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.k8s.types import Policy, Ready
from kubelife.profiles.modern.types import Kind, MContainer, MExit, MNode, MPod, MState, Taint

__all__ = ["modern_container_status", "modern_pod_object", "modern_node_object", "container_names"]

T0 = "2026-01-01T00:00:00Z"
_DISRUPTION_REASON = "DeletionByTaintManager"


def container_names(kinds: Sequence[Kind]) -> list[str]:
    """``sidecar-0``, ``init-0``, ``c0`` ... in the model's container order."""
    seen = {k: 0 for k in Kind}
    out = []
    for k in kinds:
        out.append({Kind.SIDECAR: "sidecar-", Kind.INIT: "init-", Kind.MAIN: "c"}[k] + str(seen[k]))
        seen[k] += 1
    return out


def _term(e: MExit) -> dict[str, Any]:
    e = e if e is not MExit.NONE else MExit.ERROR
    return {"exitCode": e.exit_code, "reason": e.label, "startedAt": T0, "finishedAt": T0,
            "containerID": "containerd://0"}


def modern_container_status(name: str, c: MContainer, restarts: int) -> dict[str, Any] | None:
    """One ``containerStatuses`` / ``initContainerStatuses`` entry; None while the kubelet has written none."""
    if c.state is MState.ABSENT:
        return None
    last: dict[str, Any] = {}
    if c.state is MState.WAITING:
        st: dict[str, Any] = {"waiting": {"reason": c.reason}}
        if c.reason == "CrashLoopBackOff":
            st["waiting"]["message"] = f"back-off 10s restarting failed container={name}"
    elif c.state is MState.RUNNING:
        st = {"running": {"startedAt": T0}}
    else:
        st = {"terminated": _term(c.last)}
    if c.state is not MState.TERMINATED and c.last is not MExit.NONE:
        last = {"terminated": _term(c.last)}
    running = c.state is MState.RUNNING
    return {"name": name, "image": f"example/{name}:1", "imageID": "", "ready": running, "started": running,
            "restartCount": restarts, "state": st, "lastState": last}


def _kubelet_failure(pod: MPod) -> dict[str, str]:
    """status.reason and message of a pod the kubelet failed (docs/fidelity.md B3): no container ever
    ran -> an admission rejection; else an eviction (node pressure with DisruptionTarget, else a
    container's ephemeral-storage limit)."""
    if all(c.state is MState.ABSENT for c in pod.containers):
        return {"reason": "OutOfcpu", "message": "Pod was rejected: Node didn't have enough resource: cpu, "
                                                 "requested: 4000, used: 3900, capacity: 4000"}
    if pod.disruption:
        return {"reason": "Evicted", "message": "The node was low on resource: ephemeral-storage. "}
    return {"reason": "Evicted", "message": "Container web exceeded its local ephemeral storage limit \"1Gi\". "}


def modern_pod_object(name: str, pod: MPod, policy: Policy, *, node: str | None = None, uid: str = "",
                      rv: int = 1, controlled: bool = False, restarts: Sequence[int] | None = None,
                      container_policies: Sequence[Policy | None] = (), namespace: str = "default") -> dict[str, Any]:
    kinds = [c.kind for c in pod.containers]
    names = container_names(kinds)
    counts = list(restarts if restarts is not None else [c.restarts for c in pod.containers])
    md: dict[str, Any] = {"name": name, "namespace": namespace, "uid": uid or f"uid-{name}",
                          "resourceVersion": str(rv), "creationTimestamp": T0}
    if pod.deleting:
        md["deletionTimestamp"] = T0
        md["deletionGracePeriodSeconds"] = 30
    if controlled:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name.rsplit("-", 1)[0],
                                  "uid": "rs-uid", "controller": True, "blockOwnerDeletion": True}]
    mains = [n for n, k in zip(names, kinds) if k is Kind.MAIN]
    own = list(container_policies) or [None] * len(mains)
    spec: dict[str, Any] = {
        "restartPolicy": policy.label,
        "initContainers": [{"name": n, "image": f"example/{n}:1", **({"restartPolicy": "Always"}
                                                                     if k is Kind.SIDECAR else {})}
                           for n, k in zip(names, kinds) if k is not Kind.MAIN],
        "containers": [{"name": n, "image": f"example/{n}:1", **({"restartPolicy": p.label} if p else {})}
                       for n, p in zip(mains, own)],
        "tolerations": [{"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")],
    }
    if not spec["initContainers"]:
        del spec["initContainers"]
    status: dict[str, Any] = {"phase": pod.phase.label, "qosClass": "BestEffort"}
    if pod.kubelet_failed:
        status.update(_kubelet_failure(pod))
    conds = pod.conditions
    status["conditions"] = [
        {"type": t, "status": "True" if conds.get(t) else "False", "lastProbeTime": None,
         "lastTransitionTime": T0, **({"reason": _DISRUPTION_REASON} if t == "DisruptionTarget" else {})}
        for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready", "DisruptionTarget")
        if t != "DisruptionTarget" or conds.get(t)]
    if node is not None and pod.node is not None:
        spec["nodeName"] = node
        status["hostIP"] = "10.0.0.1"
        entries = [(k, modern_container_status(n, c, r)) for n, k, c, r in zip(names, kinds, pod.containers, counts)]
        inits = [e for k, e in entries if e is not None and k is not Kind.MAIN]
        main = [e for k, e in entries if e is not None and k is Kind.MAIN]
        if inits:
            status["initContainerStatuses"] = inits
        if main:
            status["containerStatuses"] = main
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}


def modern_node_object(name: str, node: MNode, *, rv: int = 1, uid: str = "") -> dict[str, Any]:
    unknown = node.ready is Ready.UNKNOWN
    ready = {"type": "Ready", "status": node.ready.label, "lastHeartbeatTime": T0, "lastTransitionTime": T0,
             **{Ready.TRUE: {"reason": "KubeletReady", "message": "kubelet is posting ready status"},
                Ready.FALSE: {"reason": "KubeletNotReady", "message": "container runtime network not ready"},
                Ready.UNKNOWN: {"reason": "NodeStatusUnknown",
                                "message": "Kubelet stopped posting node status."}}[node.ready]}
    disk = {"type": "DiskPressure", "status": "Unknown" if unknown else ("True" if node.disk_pressure else "False"),
            "lastHeartbeatTime": T0, "lastTransitionTime": T0,
            "reason": "NodeStatusUnknown" if unknown else (
                "KubeletHasDiskPressure" if node.disk_pressure else "KubeletHasNoDiskPressure")}
    spec: dict[str, Any] = {}
    taints = []
    if node.taint is not Taint.NONE:
        key = node.taint.label.split(":")[0]
        taints.append({"key": key, "effect": "NoExecute", "timeAdded": T0})
        taints.append({"key": key, "effect": "NoSchedule", "timeAdded": T0})
    if node.disk_pressure:
        taints.append({"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule", "timeAdded": T0})
    if taints:
        spec["taints"] = taints
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": uid or f"uid-{name}", "resourceVersion": str(rv)},
            "spec": spec, "status": {"conditions": [ready, disk],
                                     "nodeInfo": {"kubeletVersion": "v1.31.0"}}}
