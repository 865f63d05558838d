"""Model states as Kubernetes objects: the inverse of the abstraction.

Used to build test traces from model runs (the seed model's, and the
mutants' divergent ones), the benchmark's watch stream and the conformance
vectors.  Output is wire camelCase as the API server writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.k8s.types import CState, Exit, NodeState, PodPhase, PodState, Policy, Ready

__all__ = ["container_status", "pod_object", "node_object", "TERMINATED_AS"]

T0 = "2026-01-01T00:00:00Z"
TERMINATED_AS = {
    Exit.OK: {"exitCode": 0, "reason": "Completed"},
    Exit.ERROR: {"exitCode": 1, "reason": "Error"},
    Exit.OOM: {"exitCode": 137, "reason": "OOMKilled"},
}


def _term(e: Exit) -> dict[str, Any]:
    return {**TERMINATED_AS[e], "startedAt": T0, "finishedAt": T0, "containerID": "containerd://0"}


def container_status(name: str, state: CState, last_exit: Exit, restarts: int) -> dict[str, Any]:
    """One ``containerStatuses`` entry for a model container."""
    last: dict[str, Any] = {}
    if state is CState.WAITING:
        if last_exit is Exit.NONE:
            st: dict[str, Any] = {"waiting": {"reason": "ContainerCreating"}}
        else:
            st = {"waiting": {"reason": "CrashLoopBackOff",
                              "message": f"back-off 10s restarting failed container={name}"}}
            last = {"terminated": _term(last_exit)}
    elif state is CState.RUNNING:
        st = {"running": {"startedAt": T0}}
        if last_exit is not Exit.NONE:
            last = {"terminated": _term(last_exit)}
    else:
        st = {"terminated": _term(last_exit if last_exit is not Exit.NONE else Exit.ERROR)}
    return {"name": name, "image": f"example/{name}:1", "imageID": "", "ready": state is CState.RUNNING,
            "restartCount": restarts, "started": state is CState.RUNNING, "state": st, "lastState": last}


def pod_object(name: str, pod: PodState, policy: Policy, *, node: str | None = None, uid: str = "",
               rv: int = 1, controlled: bool = False, restarts: Sequence[int] | None = None,
               containers: Sequence[str] | None = None, namespace: str = "default",
               node_lost: bool = False) -> dict[str, Any]:
    names = list(containers or [f"c{i}" for i in range(len(pod.containers))])
    counts = list(restarts if restarts is not None else [c.restarts for c in pod.containers])
    md: dict[str, Any] = {"name": name, "namespace": namespace, "uid": uid or f"uid-{name}",
                          "resourceVersion": str(rv), "creationTimestamp": T0}
    if controlled:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name.rsplit("-", 1)[0],
                                  "uid": "rs-uid", "controller": True, "blockOwnerDeletion": True}]
    spec: dict[str, Any] = {"restartPolicy": policy.label, "containers": [{"name": n, "image": f"example/{n}:1"}
                                                                          for n in names]}
    status: dict[str, Any] = {"phase": pod.phase.label}
    if node is not None and pod.node is not None:
        spec["nodeName"] = node
        status["conditions"] = [{"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                 "lastTransitionTime": T0}]
        status["hostIP"] = "10.0.0.1"
        status["containerStatuses"] = [container_status(n, c.state, c.last_exit, k)
                                       for n, c, k in zip(names, pod.containers, counts)]
    else:
        status["conditions"] = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                 "lastProbeTime": None, "lastTransitionTime": T0}]
    if node_lost and pod.phase is PodPhase.FAILED:
        status["reason"] = "NodeLost"
        status["message"] = f"Node {node} which was running pod {name} is unresponsive"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}


def node_object(name: str, node: NodeState, *, rv: int = 1, uid: str = "") -> dict[str, Any]:
    ready = {"type": "Ready", "status": node.ready.label, "lastHeartbeatTime": T0, "lastTransitionTime": T0}
    ready.update({Ready.TRUE: {"reason": "KubeletReady", "message": "kubelet is posting ready status"},
                  Ready.FALSE: {"reason": "KubeletNotReady", "message": "container runtime is down"},
                  Ready.UNKNOWN: {"reason": "NodeStatusUnknown",
                                  "message": "Kubelet stopped posting node status."}}[node.ready])
    disk = {"type": "DiskPressure", "status": "False" if node.disk_ok else "True",
            "lastHeartbeatTime": T0, "lastTransitionTime": T0,
            "reason": "KubeletHasNoDiskPressure" if node.disk_ok else "KubeletHasDiskPressure"}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": uid or f"uid-{name}", "resourceVersion": str(rv)},
            "spec": {}, "status": {"conditions": [ready, disk],
                                   "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                                   "nodeInfo": {"kubeletVersion": "v1.30.0"}}}
