"""The fake kubelet as kubelife sees it: reset, apply (for the kubelet's own steps), sync, observe.

The fake covers only the kubelet's steps (P2 start, P3 exit, P4 restart); kubelife's model takes
every other step (nodes, network, scheduler, replication controller, garbage collector) and hands
the state after it to :meth:`sync`, which the fake adopts.
"""

from __future__ import annotations

from fake_kubelet.kubelet import Container, Kubelet, Pod
from kubelife.model.engine.system import Action
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import ClusterState, ContainerState, CState, Exit, PodPhase, PodState

_STATE = {"waiting": CState.WAITING, "running": CState.RUNNING, "terminated": CState.TERMINATED}
_EXIT = {"": Exit.NONE, "ok": Exit.OK, "error": Exit.ERROR, "oom": Exit.OOM}


class FakeKubeletAdapter:
    covers = {"P2", "P3", "P4"}  # the kubelet's steps; the model drives the rest

    def __init__(self) -> None:
        self.kubelet = Kubelet()
        self.nodes: tuple = ()

    def reset(self, config: Config) -> None:
        self.kubelet = Kubelet([Pod(str(s.policy), [Container() for _ in range(s.containers)]) for s in config.slots])
        self.nodes = ()

    def apply(self, action: Action) -> None:
        pod, container = action.arg("pod"), action.arg("container")
        if action.kind == "P2":
            self.kubelet.start(pod, container)
        elif action.kind == "P3":
            self.kubelet.exit(pod, container, action.arg("code"))
        else:  # P4
            self.kubelet.restart(pod, container)

    def sync(self, state: ClusterState) -> None:
        """Adopt the model's state after a step the fake does not take (a node fails, a pod is created ...)."""
        self.nodes = state.nodes
        for pod, seen in zip(self.kubelet.pods, state.pods):
            pod.exists, pod.phase, pod.node = seen.exists, str(seen.phase), seen.node
            for c, sc in zip(pod.containers, seen.containers):
                # The model's restart count is capped; adopting it is fine, counts are compared capped.
                c.state, c.restarts = sc.state.name.lower(), sc.restarts
                c.last_exit = "" if sc.last_exit is Exit.NONE else sc.last_exit.label

    def observe(self) -> ClusterState:
        pods = tuple(
            PodState(p.exists, PodPhase[p.phase.upper()], p.node,
                     tuple(ContainerState(_STATE[c.state], _EXIT[c.last_exit], c.restarts) for c in p.containers))
            for p in self.kubelet.pods)
        return ClusterState(self.nodes, pods)
