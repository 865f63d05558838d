"""Diagrams derived from the model, never drawn by hand.

Each lifecycle diagram explores a small configuration exhaustively with the
engine's explorer (an observer sees every edge) and *projects* every
concrete edge onto what the reader cares about: one pod's phase, one
container's state, one node's conditions, or a cluster summary.  Edge labels
are the spec's transition ids and the Kubernetes Event reasons taken from
the :class:`~kubelife.model.engine.system.Action` data.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kubelife.model.engine.explore import explore
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.trace import Trace
from kubelife.model.k8s.types import CState, Exit, NodePhase, PodPhase, Policy, Ready
from kubelife.profiles import build
from kubelife.report.diagram import DEdge, Diagram, DNode

__all__ = [
    "event_label", "pod_lifecycle", "container_lifecycle", "node_lifecycle", "cluster_graph", "trace_diagram",
    "lifecycle_diagrams", "CLUSTER_CONFIG", "cluster_views", "state_text", "step_diagram", "explore_edges",
]

Values = tuple[int, ...]
Projection = Callable[[ClusterModel, Values], DNode]

# The cluster picture: one node, two controlled slots, one replica (3,389 states).
CLUSTER_CONFIG = Config.uniform(nodes=1, slots=2, replicas=1, containers=1, policy=Policy.ALWAYS, name="R1")


def event_label(a: Action) -> str:
    """``P3 Completed (ok)``: the spec's id, then the Event reasons (or the verb when there is none)."""
    words = ", ".join(a.reasons) if a.reasons else a.name
    code = dict(a.args).get("code")
    return f"{a.kind} {words}" + (f" ({code})" if code else "")


class _AllEdges:
    """An explorer observer that keeps every edge ``(state, transition, successor)``."""

    def __init__(self, n: int) -> None:
        self.transitions = frozenset(range(n))
        self.edges: list[tuple[int, int, int]] = []

    def visit(self, src: int, s: int, i: int, t: int, dst: int) -> None:
        self.edges.append((s, i, t))


@dataclass(frozen=True)
class _Edges:
    model: ClusterModel
    initial: Values
    edges: tuple[tuple[Values, Action, Values], ...]


def explore_edges(m: ClusterModel) -> _Edges:
    """Every edge of ``m``'s reachable graph as unpacked ``(values, action, values)``."""
    return _explore(m)


def _explore(m: ClusterModel) -> _Edges:
    ob = _AllEdges(len(m.system.transitions))
    explore(m.system, observers=[ob])
    un = m.shape.layout.unpack
    acts = m.system.actions
    return _Edges(m, m.system.initial, tuple((un(s), acts[i], un(t)) for s, i, t in ob.edges))


def _project(g: _Edges, proj: Projection, relevant: Callable[[Values, Values], bool], *, counts: bool,
             group: bool) -> tuple[dict[str, DNode], list[DEdge], tuple[str, ...]]:
    """Project every concrete edge; keep self-loops only where ``relevant`` says the step matters."""
    nodes: dict[str, DNode] = {}
    per: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    init = proj(g.model, g.initial)
    nodes[init.id] = init
    for a, act, b in g.edges:
        x, y = proj(g.model, a), proj(g.model, b)
        nodes.setdefault(x.id, x)
        nodes.setdefault(y.id, y)
        if x.id == y.id and not relevant(a, b):
            continue
        per[(x.id, y.id)][event_label(act) if not group else act.kind] += 1
    edges = []
    for (src, dst), labels in per.items():
        if group:  # one edge per pair: the kinds involved and the number of concrete edges
            total = sum(labels.values())
            edges.append(DEdge(src, dst, f"{' '.join(sorted(labels))} ×{total}", total if counts else 0))
        else:
            edges.append(DEdge(src, dst, "\n".join(sorted(labels)), sum(labels.values()) if counts else 0))
    return nodes, edges, (init.id,)


def _one_pod(policy: Policy, containers: int, semantics: type | None = None) -> ClusterModel:
    return build(Config(1, (SlotSpec(policy, containers, controlled=True),), replicas=1), semantics)


def _pod_fields(m: ClusterModel, p: int) -> list[int]:
    pod = m.shape.pods[p]
    return [pod.exists, pod.phase, pod.node] + [k for c in pod.containers for k in (c.state, c.last_exit, c.restarts)]


def _changed(fields: Sequence[int]) -> Callable[[Values, Values], bool]:
    return lambda a, b: any(a[k] != b[k] for k in fields)


def _pod_phase(m: ClusterModel, v: Values) -> DNode:
    p = m.shape.pods[0]
    if not v[p.exists]:
        return DNode("none", "no pod (slot empty)", "absent")
    ph = PodPhase(v[p.phase])
    return DNode(ph.label, ph.label, "terminal" if ph in (PodPhase.SUCCEEDED, PodPhase.FAILED) else "")


def pod_lifecycle(policy: Policy, containers: int, semantics: type | None = None) -> Diagram:
    m = _one_pod(policy, containers, semantics)
    nodes, edges, init = _project(_explore(m), _pod_phase, _changed(_pod_fields(m, 0)), counts=False, group=False)
    return Diagram.make(
        f"pod-{policy.label}-{containers}c", f"Pod lifecycle, restartPolicy {policy.label}, {containers} "
        f"container{'s' if containers > 1 else ''}",
        f"Every step of a controlled pod on one node ({m.name}), projected on the pod's phase. "
        "A self-loop is a step that changes the pod but not its phase.", nodes, edges, init)


_CSTATE_TEXT = {CState.WAITING: "Waiting", CState.RUNNING: "Running", CState.TERMINATED: "Terminated"}


def _container(m: ClusterModel, v: Values) -> DNode:
    p = m.shape.pods[0]
    c = p.containers[0]
    if not v[p.exists]:
        return DNode("none", "no pod (slot empty)", "absent")
    st, ex = CState(v[c.state]), Exit(v[c.last_exit])
    if st is CState.WAITING and ex is Exit.NONE:
        return DNode("Waiting", "Waiting\n(never started)", "")
    if st is CState.WAITING:
        return DNode(f"Waiting-{ex.label}", f"Waiting: CrashLoopBackOff\n(last exit {ex.label})", "")
    if st is CState.TERMINATED:
        return DNode(f"Terminated-{ex.label}", f"Terminated\n(exit {ex.label})", "terminal")
    if ex is Exit.NONE:
        return DNode("Running", "Running", "")
    return DNode(f"Running-{ex.label}", f"Running\n(restarted after {ex.label})", "")


def container_lifecycle(policy: Policy, semantics: type | None = None) -> Diagram:
    m = _one_pod(policy, 1, semantics)
    c = m.shape.pods[0].containers[0]
    nodes, edges, init = _project(_explore(m), _container, _changed([c.state, c.last_exit, c.restarts]),
                                  counts=False, group=False)
    return Diagram.make(
        f"container-{policy.label}", f"Container lifecycle, restartPolicy {policy.label}",
        f"The container of a one-container pod ({m.name}), projected on its state and last exit. "
        "Waiting with a last exit is the CrashLoopBackOff wait before the kubelet starts it again.",
        nodes, edges, init)


def _node_text(m: ClusterModel, v: Values, n: int) -> tuple[str, str]:
    ix = m.shape.nodes[n]
    ph, ready = NodePhase(v[ix.phase]), Ready(v[ix.ready])
    parts = [ph.label, f"Ready={ready.label}"]
    if not v[ix.reachable]:
        parts.append("unreachable")
    if not v[ix.disk_ok]:
        parts.append("disk failed")
    if ph is NodePhase.TERMINATED:
        parts = [ph.label]  # the machine is gone; its conditions are fixed
    return "-".join(p.replace("=", "") for p in parts).replace(" ", ""), " ".join(parts)


def _node0(m: ClusterModel, v: Values) -> DNode:
    nid, label = _node_text(m, v, 0)
    ph = NodePhase(v[m.shape.nodes[0].phase])
    return DNode(nid, label.replace(" ", "\n"), "terminal" if ph is NodePhase.TERMINATED else "")


def node_lifecycle() -> Diagram:
    m = build(Config(1, (SlotSpec(Policy.ALWAYS, 1, controlled=True),), replicas=1))
    n = m.shape.nodes[0]
    nodes, edges, init = _project(_explore(m), _node0, _changed([n.phase, n.reachable, n.ready, n.disk_ok]),
                                  counts=False, group=False)
    return Diagram.make(
        "node", "Node lifecycle", "One node's phase and conditions (NodeReady, reachability, disk) under "
        "registration, partition, heal, grace expiry, disk failure and termination.", nodes, edges, init)


def _node_summary(m: ClusterModel, v: Values, n: int) -> str:
    """A node as a reader sees it: the disk failure dominates, then reachability and Ready."""
    ix = m.shape.nodes[n]
    ph = NodePhase(v[ix.phase])
    if ph is not NodePhase.RUNNING:
        return ph.label
    if not v[ix.disk_ok]:
        return "disk failed"
    if not v[ix.reachable]:
        return f"unreachable, Ready={Ready(v[ix.ready]).label}"
    return "Ready"


def _cluster(m: ClusterModel, v: Values) -> DNode:
    # Slots are listed as a sorted multiset of pod phases: which slot a pod sits in is bookkeeping.
    nodes = [_node_summary(m, v, n) for n in range(m.config.nodes)]
    pods = sorted(PodPhase(v[p.phase]).label if v[p.exists] else "-" for p in m.shape.pods)
    label = "\n".join([*(f"n{i} {s}" for i, s in enumerate(nodes)), "pods " + " ".join(pods)])
    return DNode("|".join(nodes) + "|" + ",".join(pods), label, "")


def _node_view(m: ClusterModel, v: Values) -> DNode:
    nodes = [_node_summary(m, v, n) for n in range(m.config.nodes)]
    return DNode("|".join(nodes), "\n".join(f"n{i} {s}" for i, s in enumerate(nodes)), "")


def _pod_view(p: int) -> Projection:
    def proj(m: ClusterModel, v: Values) -> DNode:
        ix = m.shape.pods[p]
        nodes = [_node_summary(m, v, n) for n in range(m.config.nodes)]
        phase = PodPhase(v[ix.phase]).label if v[ix.exists] else "no pod"
        label = "\n".join([*(f"n{i} {s}" for i, s in enumerate(nodes)), f"p{p} {phase}"])
        return DNode("|".join([*nodes, phase]), label, "absent" if not v[ix.exists] else "")
    return proj


def cluster_graph(cfg: Config = CLUSTER_CONFIG) -> Diagram:
    """The whole projected graph (every node condition and multiset of pod phases): the full picture."""
    m = build(cfg)
    g = _explore(m)
    states = {a for a, _, _ in g.edges} | {b for _, _, b in g.edges} | {g.initial}
    nodes, edges, init = _project(g, _cluster, lambda a, b: False, counts=True, group=True)
    return Diagram.make(
        f"cluster-{cfg.name or 'config'}-full", f"Reachable graph of {m.name}: the whole graph, projected",
        f"All {len(states):,} reachable states and {len(g.edges):,} steps of "
        f"{m.name}, projected on the node's condition and the pods' phases; each edge gives the "
        "transition ids behind it and how many concrete steps it stands for (steps that keep the "
        "projection are left out).", nodes, edges, init, collapsed=True)


def cluster_views(cfg: Config = CLUSTER_CONFIG) -> tuple[Diagram, ...]:
    """The cluster graph as a reader takes it in: the nodes' view first, one view per pod, then the whole."""
    m = build(cfg)
    g = _explore(m)
    name = f"cluster-{cfg.name or 'config'}"
    nodes, edges, init = _project(g, _node_view, lambda a, b: False, counts=True, group=True)
    out = [Diagram.make(
        name, f"Reachable graph of {m.name}: the nodes' view",
        f"Every step of {m.name} grouped by the nodes' condition alone; each edge gives the transition ids "
        "behind it and how many concrete steps it stands for. Below: the same graph focused on each pod, and "
        "the whole projected graph.", nodes, edges, init)]
    for p in range(len(m.shape.pods)):
        nodes, edges, init = _project(g, _pod_view(p), lambda a, b: False, counts=True, group=True)
        out.append(Diagram.make(
            f"{name}-p{p}", f"Reachable graph of {m.name}, focused on pod p{p}",
            f"Every step of {m.name} projected on the nodes' condition and pod p{p}'s phase (the other slots "
            "are left out).", nodes, edges, init, collapsed=True))
    out.append(cluster_graph(cfg))
    return tuple(out)


def _state_label(m: ClusterModel, v: Values) -> str:
    st = m.shape.decode(v)
    return "\n".join([*(f"n{i}: {n}" for i, n in enumerate(st.nodes)), *(f"p{i}: {p}" for i, p in enumerate(st.pods))])


def trace_diagram(name: str, title: str, caption: str, trace: Trace, *, bad: bool = False) -> Diagram:
    """A step-by-step picture: one box per state, the actions on the edges, the last step highlighted."""
    m = trace.model
    states = trace.states()
    nodes: dict[str, DNode] = {}
    for k, v in enumerate(states):
        style = "initial" if k == 0 else ("bad" if bad else "focus") if k == len(states) - 1 else ""
        nodes[f"s{k}"] = DNode(f"s{k}", f"{k}. " + _state_label(m, v), style)
    edges = []
    for k, st in enumerate(trace.steps, 1):
        last = k == len(trace.steps)
        style = ("bad" if bad else "focus") if last else ""
        events = ", ".join(st.action.reasons) or "no event"
        edges.append(DEdge(f"s{k - 1}", f"s{k}", f"{st.action}\n{events} by {st.action.actor}", 0, style))
    return Diagram.make(name, title, caption, nodes, edges, ("s0",), chain=True)


def state_text(s: str) -> str:
    """A ``ClusterState`` string (``nodes[n0: ...; n1: ...] pods[p0: ...]``) one entity per line."""
    s = s.replace("] pods[", "; ").removeprefix("nodes[").removesuffix("]")
    return "\n".join(part.strip() for part in s.split("; "))


def step_diagram(name: str, title: str, caption: str, before: str, action: str, after: str) -> Diagram:
    """A one-step counterexample given as readable states (a solver's answer): before, the step, after."""
    nodes = {"s0": DNode("s0", "before\n" + state_text(before), "initial"),
             "s1": DNode("s1", "after\n" + state_text(after), "bad")}
    return Diagram.make(name, title, caption, nodes, [DEdge("s0", "s1", action, 0, "bad")], ("s0",), chain=True)


@functools.cache
def lifecycle_diagrams() -> tuple[Diagram, ...]:
    """The pod, container and node lifecycles and the projected cluster graph, in report order.

    Cached: they depend only on the seed model, and a report process asks once per writer.
    """
    out = [pod_lifecycle(p, c) for p in Policy for c in (1, 2)]
    out += [container_lifecycle(p) for p in Policy]
    out += [node_lifecycle(), *cluster_views()]
    return tuple(out)
