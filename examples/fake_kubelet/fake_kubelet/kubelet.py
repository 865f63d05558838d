"""A fake kubelet: starts, exits and restarts containers and keeps each pod's phase.

It knows nothing of kubelife.  It follows the 2015 pod-states.md rules as a reader would write them:

* a pod is Pending while a container has never started, Running while one runs;
* once every container has stopped: ``Always`` keeps the pod Running (it restarts them),
  ``OnFailure`` makes it Succeeded if all exited 0 and keeps it Running otherwise,
  ``Never`` makes it Succeeded if all exited 0 and Failed otherwise;
* Succeeded and Failed are final;
* ``Always`` restarts any exited container, ``OnFailure`` only failed ones, ``Never`` none;
  a container waiting to restart counts as stopped, and its restart count goes up when it starts again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Container:
    state: str = "waiting"  # waiting | running | terminated
    last_exit: str = ""  # "" (never exited) | ok | error | oom
    restarts: int = 0  # never capped: a real kubelet counts on


@dataclass
class Pod:
    policy: str  # Always | OnFailure | Never
    containers: list[Container]
    exists: bool = False
    phase: str = "Pending"
    node: int | None = None


@dataclass
class Kubelet:
    pods: list[Pod] = field(default_factory=list)

    def start(self, pod: int, container: int) -> None:
        c = self.pods[pod].containers[container]
        if c.state != "waiting":
            raise ValueError(f"container {container} of pod {pod} is {c.state}, not waiting")
        if c.last_exit:
            c.restarts += 1
        c.state = "running"
        self._update_phase(self.pods[pod])

    def exit(self, pod: int, container: int, code: str) -> None:
        c = self.pods[pod].containers[container]
        if c.state != "running":
            raise ValueError(f"container {container} of pod {pod} is {c.state}, not running")
        c.state, c.last_exit = "terminated", code
        self._update_phase(self.pods[pod])

    def restart(self, pod: int, container: int) -> None:
        p = self.pods[pod]
        c = p.containers[container]
        if p.phase in ("Succeeded", "Failed") or c.state != "terminated" or not self._may_restart(p, c):
            raise ValueError(f"container {container} of pod {pod} may not restart")
        c.state = "waiting"
        self._update_phase(p)

    @staticmethod
    def _may_restart(p: Pod, c: Container) -> bool:
        return p.policy == "Always" or (p.policy == "OnFailure" and c.last_exit != "ok")

    @staticmethod
    def _update_phase(p: Pod) -> None:
        if p.phase in ("Succeeded", "Failed"):
            return
        never_started = [c for c in p.containers if c.state == "waiting" and not c.last_exit]
        running = [c for c in p.containers if c.state == "running"]
        stopped = [c for c in p.containers if c.state == "terminated" or (c.state == "waiting" and c.last_exit)]
        all_ok = all(c.state == "terminated" and c.last_exit == "ok" for c in stopped)
        if never_started or (not running and not stopped):
            p.phase = "Pending"
        elif running:
            p.phase = "Running"
        elif p.policy == "Always":
            p.phase = "Running"
        elif p.policy == "OnFailure":
            p.phase = "Succeeded" if all_ok else "Running"
        else:
            p.phase = "Succeeded" if all_ok else "Failed"
