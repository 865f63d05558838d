"""Realistic Pod and Node objects for the oracle's tests (full API objects from ``tests/data/realistic``)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

REALISTIC = Path(__file__).parent / "data" / "realistic"


@cache
def _load(name: str) -> str:
    return (REALISTIC / name).read_text()


def node(name: str = "worker-1", rv: int = 48190) -> dict[str, Any]:
    n = json.loads(_load("node.json"))
    n["metadata"]["name"], n["metadata"]["resourceVersion"] = name, str(rv)
    return n


def pod(name: str = "web-7c9d8f6b5d-x2k9q", rv: int = 48213, policy: str = "Always", restarts: int = 0,
        last_exit: int | None = None, node_name: str = "worker-1") -> dict[str, Any]:
    """The pod Running with its one container running; ``last_exit`` gives it a terminated ``lastState``."""
    p = json.loads(_load("pod.json"))
    md = p["metadata"]
    md["name"], md["resourceVersion"], md["uid"] = name, str(rv), f"uid-{name}"
    p["spec"]["restartPolicy"] = policy
    p["spec"]["nodeName"] = node_name
    cs = p["status"]["containerStatuses"][0]
    cs["restartCount"] = restarts
    if last_exit is not None:
        cs["lastState"] = {"terminated": {
            "containerID": "containerd://0b9e5c1f", "exitCode": last_exit, "finishedAt": "2026-03-02T10:01:00Z",
            "reason": "Completed" if last_exit == 0 else "Error", "startedAt": "2026-03-02T10:00:03Z"}}
    return p


def with_field(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``obj`` with the field at a dotted path (list indices as numbers) set to ``value``."""
    out = copy.deepcopy(obj)
    keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
    d = out
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = value
    return out


def watch_line(obj: dict[str, Any], type_: str = "MODIFIED") -> bytes:
    return json.dumps({"type": type_, "object": obj}, separators=(",", ":")).encode() + b"\n"


def indented(obj: Any) -> bytes:
    """As ``kubectl get -o json`` prints it (four spaces)."""
    return json.dumps(obj, indent=4).encode() + b"\n"


def restart_under_never() -> list[dict[str, Any]]:
    """A Never pod seen running, then running again after an exit: the model forbids the restart."""
    return [pod(policy="Never", rv=1001), pod(policy="Never", rv=1002, restarts=1, last_exit=1)]


def completed(name: str = "job-1", rv: int = 48300) -> dict[str, Any]:
    """A Never pod whose one container exited 0: Succeeded, the state in which the model removes a pod."""
    p = pod(name=name, rv=rv, policy="Never")
    p["status"]["phase"] = "Succeeded"
    cs = p["status"]["containerStatuses"][0]
    cs["ready"], cs["started"] = False, False
    cs["state"] = {"terminated": {"containerID": "containerd://4c1d9a7e", "exitCode": 0, "reason": "Completed",
                                  "startedAt": "2026-03-02T10:00:03Z", "finishedAt": "2026-03-02T10:00:09Z"}}
    return p
