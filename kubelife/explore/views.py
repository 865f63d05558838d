"""Per-profile drawing data: a decoded cluster state as JSON of nodes, pods and containers.

The only profile-specific code of the explorer (the server side talks to
:class:`~kubelife.model.k8s.cluster.ClusterModel` alone).  Each view is plain
data: ``{"nodes": [...], "unbound": [...]}`` where a node carries its pods and
a pod its containers, every item with a ``title``, ``lines`` of detail and a
``tone`` (``ok``, ``warn``, ``bad``, ``off``) for the colour.
"""

from __future__ import annotations

from typing import Any

from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["state_view"]

Json = dict[str, Any]


def state_view(m: ClusterModel, values: tuple[int, ...]) -> Json:
    """The state ``values`` of ``m`` as nodes holding pods holding containers (pods not bound: ``unbound``)."""
    st = m.shape.decode(values)
    # By the decoded state's type: the seed's ClusterState, the modern MCluster; any other profile's state
    # is drawn from its nodes' and pods' own text.
    node_view, pod_view = _VIEWS.get(type(st).__name__, (_text_node, _text_pod))
    nodes = [node_view(i, n) for i, n in enumerate(st.nodes)]
    pods = [pod_view(i, p) for i, p in enumerate(st.pods)]
    return _place(nodes, pods, [getattr(p, "node", None) for p in st.pods])


def _place(nodes: list[Json], pods: list[Json], where: list[int | None]) -> Json:
    for n in nodes:
        n["pods"] = []
    unbound = []
    for pod, node in zip(pods, where):
        if node is None or not pod["exists"]:
            unbound.append(pod)
        else:
            nodes[node]["pods"].append(pod)
    return {"nodes": nodes, "unbound": unbound}


_PHASE_TONE = {"Pending": "warn", "Running": "ok", "Succeeded": "ok", "Failed": "bad"}


def _seed_node(i: int, n: Any) -> Json:
    lines = [f"phase {n.phase.label}", f"Ready={n.ready.label}"]
    if not n.reachable:
        lines.append("unreachable")
    if not n.disk_ok:
        lines.append("disk failed")
    tone = "off" if n.phase.label == "Terminated" else "ok" if n.healthy and n.ready.label == "True" else "bad"
    return {"id": f"n{i}", "title": f"node n{i}", "lines": lines, "tone": tone}


def _seed_pod(i: int, p: Any) -> Json:
    if not p.exists:
        return {"id": f"p{i}", "title": f"pod p{i}", "exists": False, "lines": ["slot empty"], "tone": "off",
                "containers": []}
    cs = []
    for k, c in enumerate(p.containers):
        detail = [f"last exit {c.last_exit.label}"] if c.last_exit.label != "none" else []
        if c.restarts:
            detail.append(f"restarts {c.restarts}")
        tone = {"Running": "ok", "Waiting": "warn"}.get(c.state.label, "off")
        cs.append({"id": f"p{i}.c{k}", "title": f"c{k}: {c.state.label}", "lines": detail, "tone": tone})
    return {"id": f"p{i}", "title": f"pod p{i}", "exists": True, "lines": [f"phase {p.phase.label}"],
            "tone": _PHASE_TONE.get(p.phase.label, ""), "containers": cs}


def _modern_node(i: int, n: Any) -> Json:
    lines = [n.obj.label, f"Ready={n.ready.label}"]
    if not n.heartbeat:
        lines.append("no heartbeat")
    if n.taint.label != "none":
        lines.append(f"taint {n.taint.label}")
    if n.disk_pressure:
        lines.append("DiskPressure")
    tone = "off" if n.obj.label != "Registered" else "ok" if n.ready.label == "True" and not n.disk_pressure else "bad"
    return {"id": f"n{i}", "title": f"node n{i}", "lines": lines, "tone": tone}


def _modern_pod(i: int, p: Any) -> Json:
    if not p.exists:
        return {"id": f"p{i}", "title": f"pod p{i}", "exists": False, "lines": ["slot empty"], "tone": "off",
                "containers": []}
    lines = [f"phase {p.phase.label}"]
    lines += [name for name, on in p.condition_values if on]
    if p.deleting:
        lines.append("Terminating")
    cs = []
    seen: dict[str, int] = {}
    for c in p.containers:  # named as the model's actions name them: s0 (sidecar), i0 (init), c0 (main)
        letter = {"SIDECAR": "s", "INIT": "i", "MAIN": "c"}[c.kind.name]
        k = seen[letter] = seen.get(letter, -1) + 1
        detail = [c.reason] if c.reason else []
        if c.state.label != "Terminated" and c.last.label != "none":
            detail.append(f"last {c.last.label}")
        if c.restarts:
            detail.append(f"restarts {c.restarts}")
        if c.backoff:
            detail.append("back-off")
        tone = {"Running": "ok", "Waiting": "warn"}.get(c.state.label, "off")
        kind = {"INIT": "init", "SIDECAR": "sidecar", "MAIN": "main"}[c.kind.name]
        cs.append({"id": f"p{i}.{letter}{k}", "title": f"{kind} {letter}{k}: {c.state.label}", "lines": detail,
                   "tone": tone})
    return {"id": f"p{i}", "title": f"pod p{i}", "exists": True, "lines": lines,
            "tone": _PHASE_TONE.get(p.phase.label, ""), "containers": cs}


def _text_node(i: int, n: Any) -> Json:
    return {"id": f"n{i}", "title": f"node n{i}", "lines": [str(n)], "tone": ""}


def _text_pod(i: int, p: Any) -> Json:
    exists = getattr(p, "exists", True)
    return {"id": f"p{i}", "title": f"pod p{i}", "exists": exists, "lines": [str(p)], "tone": "" if exists else "off",
            "containers": []}


_VIEWS = {"ClusterState": (_seed_node, _seed_pod), "MCluster": (_modern_node, _modern_pod)}
