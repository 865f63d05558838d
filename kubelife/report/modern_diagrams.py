"""Lifecycle diagrams of the modern profile, derived from its model like the seed's.

Self-contained: each diagram takes a :class:`ClusterModel` of a modern
configuration, explores every edge and projects the *decoded* states (the
profile's ``MCluster``, read by attribute) onto what a reader cares
about: one pod's phase and Terminating / DisruptionTarget marks, one
container's status with its Waiting or Terminated reason and back-off, the
init and sidecar containers in start order, one node's object, Ready
condition, heartbeat, taint and DiskPressure.  Edge labels are the spec's
transition ids and the Kubernetes Event reasons from the model's actions.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.report.diagram import DEdge, Diagram, DNode
from kubelife.report.extract import explore_edges

__all__ = ["modern_pod", "modern_container", "modern_init_sidecar", "modern_node", "modern_diagrams", "modern_label"]

State = Any  # an MCluster; typed loosely so that this module imports nothing profile-specific
Proj = Callable[[State], DNode]


def modern_label(a: Action) -> str:
    """``P3 Error``: the spec's id and the Event reasons (the verb when there are none); an exit names its code."""
    args = dict(a.args)
    words = ", ".join(a.reasons) if a.reasons else a.name
    if a.kind == "P3" and args.get("code"):
        words = f"exit {args['code']}"
    return f"{a.kind} {words}"


# A healthy node: the steps of the pod's own life, without node faults, evictions and garbage collection.
HEALTHY = frozenset({"N1", "P1", "K1", "K2", "K3", "K4", "K5", "P2", "P3", "P4", "P5", "C1", "C2", "C3", "D1", "D2",
                     "R1"})


def _diagram(m: ClusterModel, proj: Proj, changed: Callable[[State, State], bool], name: str, title: str,
             caption: str, kinds: frozenset[str] | None = None) -> Diagram:
    g = explore_edges(m)
    decode = functools.lru_cache(maxsize=None)(m.shape.decode)
    nodes: dict[str, DNode] = {}
    per: dict[tuple[str, str], set[str]] = defaultdict(set)
    init = proj(decode(g.initial))
    nodes[init.id] = init
    edges = g.edges
    if kinds is not None:  # only the steps of these kinds, from the states they reach
        succ: dict[tuple[int, ...], list[tuple[Any, Action, Any]]] = defaultdict(list)
        for e in edges:
            if e[1].kind in kinds:
                succ[e[0]].append(e)
        seen, todo, kept = {g.initial}, [g.initial], []
        while todo:
            for e in succ[todo.pop()]:
                kept.append(e)
                if e[2] not in seen:
                    seen.add(e[2])
                    todo.append(e[2])
        edges = tuple(kept)
    for a, act, b in edges:
        sa, sb = decode(a), decode(b)
        x, y = proj(sa), proj(sb)
        nodes.setdefault(x.id, x)
        nodes.setdefault(y.id, y)
        if x.id == y.id and not changed(sa, sb):
            continue
        per[(x.id, y.id)].add(modern_label(act))
    # Parallel steps are merged into one edge whose label lists them, two to a line, so labels stay narrow.
    drawn = [DEdge(s, d, _wrap(sorted(labels))) for (s, d), labels in per.items()]
    return Diagram.make(name, title, caption, nodes, drawn, (init.id,))


def _wrap(labels: list[str], per_line: int = 1) -> str:
    return "\n".join(", ".join(labels[i:i + per_line]) for i in range(0, len(labels), per_line))


def _absent() -> DNode:
    return DNode("none", "no pod (slot empty)", "absent")


def _pod_node(st: State) -> DNode:
    p = st.pods[0]
    if not p.exists:
        return _absent()
    marks = [m for m, on in (("Terminating", p.deleting), ("DisruptionTarget", p.disruption)) if on]
    label = "\n".join([p.phase.label, *marks])
    terminal = p.phase.label in ("Succeeded", "Failed")
    return DNode("-".join([p.phase.label, *marks]), label, "terminal" if terminal else "")


def modern_pod(m: ClusterModel) -> Diagram:
    pol = m.config.slots[0].policy.label
    return _diagram(
        m, _pod_node, lambda a, b: a.pods[0] != b.pods[0], f"modern-pod-{pol}",
        f"Pod lifecycle (modern), restartPolicy {pol}",
        f"Every step of one controlled pod on one node ({m.name}), projected on the pod's phase and its "
        "Terminating (deletionTimestamp) and DisruptionTarget marks; a self-loop changes the pod but not these.")


def _container_text(c: Any) -> tuple[str, str]:
    parts = [c.state.label + (f": {c.reason}" if c.reason else "")]
    if c.backoff:
        parts.append("back-off running")
    return "-".join(parts).replace(" ", "").replace(":", "_"), "\n".join(parts)


def _main_container(st: State) -> DNode:
    p = st.pods[0]
    if not p.exists:
        return _absent()
    c = p.containers[-1]  # the main container (sidecars and inits come first)
    nid, label = _container_text(c)
    return DNode(nid, label, "terminal" if c.state.label == "Terminated" else "")


def modern_container(m: ClusterModel) -> Diagram:
    pol = m.config.slots[0].policy.label
    return _diagram(
        m, _main_container, lambda a, b: a.pods[0].containers[-1:] != b.pods[0].containers[-1:],
        f"modern-container-{pol}", f"Container lifecycle (modern), restartPolicy {pol}",
        f"The container of a one-container pod ({m.name}), projected on its status and reason "
        "(ContainerCreating, ErrImagePull, CrashLoopBackOff, Completed, Error, OOMKilled, ...) and whether the "
        "restart back-off is running, on a healthy node (node faults are on the pod and node diagrams); restart "
        "counts and the last termination are left out.", HEALTHY)


_KIND = {"SIDECAR": "sidecar", "INIT": "init", "MAIN": "main"}


def _init_sidecar(st: State) -> DNode:
    p = st.pods[0]
    if not p.exists:
        return _absent()
    lines = [p.phase.label + (" Terminating" if p.deleting else "")]
    lines += [f"{_KIND[c.kind.name]} {c.state.label}" + (f": {c.reason}" if c.state.label == "Waiting" else "")
              for c in p.containers]
    return DNode("-".join(re.sub(r"[^A-Za-z0-9]+", "_", x) for x in lines), "\n".join(lines),
                 "terminal" if p.phase.label in ("Succeeded", "Failed") else "")


def modern_init_sidecar(m: ClusterModel) -> Diagram:
    pol = m.config.slots[0].policy.label
    return _diagram(
        m, _init_sidecar, lambda a, b: False, f"modern-init-sidecar-{pol}",
        f"Init and sidecar containers (modern), restartPolicy {pol}",
        f"A pod with one sidecar, one regular init container and one main container ({m.name}), projected on "
        "the pod's phase and each container's status in start order, on a healthy node; steps that keep them "
        "are left out.", HEALTHY)


def _node(st: State) -> DNode:
    n = st.nodes[0]
    parts = [n.obj.label, f"Ready={n.ready.label}"]
    if not n.heartbeat:
        parts.append("no heartbeat")
    if n.taint.label != "none":
        parts.append(n.taint.label.removeprefix("node.kubernetes.io/"))
    if n.disk_pressure:
        parts.append("DiskPressure")
    if n.obj.label == "Deleted":
        parts = [n.obj.label]
    return DNode("-".join(re.sub(r"[^A-Za-z0-9=]+", "_", p) for p in parts), "\n".join(parts),
                 "terminal" if n.obj.label == "Deleted" else "")


def modern_node(m: ClusterModel) -> Diagram:
    return _diagram(
        m, _node, lambda a, b: a.nodes[0] != b.nodes[0], "modern-node", "Node lifecycle (modern)",
        f"One node ({m.name}): the Node object, its Ready condition from the kubelet's heartbeats, the NoExecute "
        "taint the node lifecycle controller keeps in step with it, and DiskPressure (eviction).")


def modern_diagrams(presets: Mapping[str, Config]) -> tuple[Diagram, ...]:
    """Every modern lifecycle diagram, in report order, from the profile's presets (by name)."""
    return _diagrams(tuple(sorted(presets.items())))


@functools.cache  # one exploration each per process: a report asks once per writer
def _diagrams(presets: tuple[tuple[str, Config], ...]) -> tuple[Diagram, ...]:
    from kubelife.profiles import build

    cfg = dict(presets)
    out = [modern_pod(build(cfg[f"modern-{p}-1c"])) for p in ("Always", "OnFailure", "Never")]
    out += [modern_container(build(cfg[f"modern-{p}-1c"])) for p in ("Always", "OnFailure", "Never")]
    out.append(modern_init_sidecar(build(cfg["modern-Never-init-sidecar"])))
    out.append(modern_node(build(cfg["modern-Never-1c"])))
    return tuple(out)
