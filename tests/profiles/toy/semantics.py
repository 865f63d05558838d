"""A toy pod lifecycle: a controller creates pods, the scheduler binds them, one container runs once.

Small on purpose: it proves that a profile is one folder.  Transitions use the kind names the
profiles share (N1, R1, P1, P2, P3, P5), so the Hypothesis machine's steering applies to it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action, Field, Layout, Transition
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase

NAME = "toy"
PENDING, RUNNING, SUCCEEDED, FAILED = (int(p) for p in PodPhase)
WAITING, C_RUNNING, DONE = 0, 1, 2
STATES = ("Waiting", "Running", "Terminated")


@dataclass(frozen=True)
class NodeIx:
    n: int
    ready: int


@dataclass(frozen=True)
class PodIx:
    p: int
    exists: int
    phase: int
    node: int
    state: int


@dataclass(frozen=True)
class ToyPod:
    exists: bool
    phase: str
    node: int | None
    container: str


@dataclass(frozen=True)
class ToyNode:
    ready: bool


@dataclass(frozen=True)
class ToyCluster:
    nodes: tuple[ToyNode, ...]
    pods: tuple[ToyPod, ...]

    container_tag: ClassVar[str] = "c"
    lenient: ClassVar[bool] = False

    def __str__(self) -> str:
        ns = "; ".join(f"n{i}: {'ready' if n.ready else 'not ready'}" for i, n in enumerate(self.nodes))
        ps = "; ".join(f"p{i}: {p.phase}@{p.node}[{p.container}]" if p.exists else f"p{i}: -"
                       for i, p in enumerate(self.pods))
        return f"nodes[{ns}] pods[{ps}]"


class ToyShape:
    def __init__(self, config: Config) -> None:
        self.config = config
        fields: list[Field] = []
        self.nodes: list[NodeIx] = []
        for n in range(config.nodes):
            self.nodes.append(NodeIx(n, len(fields)))
            fields.append(Field(f"n{n}.ready", 2))
        self.pods: list[PodIx] = []
        for p in range(len(config.slots)):
            at = len(fields)
            self.pods.append(PodIx(p, at, at + 1, at + 2, at + 3))
            fields += [Field(f"p{p}.exists", 2), Field(f"p{p}.phase", 4), Field(f"p{p}.node", config.nodes + 1),
                       Field(f"p{p}.c0.state", 3)]
        self.layout = Layout(fields)

    def initial(self) -> tuple[int, ...]:
        v = [0] * len(self.layout.fields)
        for p, spec in zip(self.pods, self.config.slots):
            v[p.exists] = int(spec.initial)
        return tuple(v)

    def field_label(self, i: int) -> str:
        return self.layout.fields[i].name

    def value_label(self, i: int, v: int) -> str:
        attr = self.layout.fields[i].name.rsplit(".", 1)[1]
        if attr == "phase":
            return PodPhase(v).label
        if attr == "state":
            return STATES[v]
        if attr == "node":
            return "none" if v == 0 else f"n{v - 1}"
        return "true" if v else "false"

    def decode(self, v: Sequence[int]) -> ToyCluster:
        return ToyCluster(
            tuple(ToyNode(bool(v[n.ready])) for n in self.nodes),
            tuple(ToyPod(bool(v[p.exists]), PodPhase(v[p.phase]).label, v[p.node] - 1 if v[p.node] else None,
                         STATES[v[p.state]]) for p in self.pods))


class ToySemantics:
    profile = NAME
    shape_class = ToyShape
    slot_options: frozenset[str] = frozenset()

    def __init__(self, shape: ToyShape) -> None:
        self.shape = shape
        self.config = shape.config

    def transitions(self) -> list[Transition]:
        sh, out = self.shape, []
        for n in sh.nodes:
            out.append(Transition(Action("N1", "register", "node-controller", ("NodeReady",), (("node", n.n),)),
                                  lambda v, o, n=n: (o.eq(v[n.ready], 0), {n.ready: 1})))
        ctl = [p for p in sh.pods if self.config.slots[p.p].controlled]
        for p in ctl:
            out.append(Transition(Action("R1", "replicate", "replication-controller", ("SuccessfulCreate",),
                                         (("slot", p.p),)), lambda v, o, p=p: self.create(v, o, p, ctl)))
        for p in sh.pods:
            for n in sh.nodes:
                out.append(Transition(Action("P1", "schedule", "scheduler", ("Scheduled",),
                                             (("pod", p.p), ("node", n.n))),
                                      lambda v, o, p=p, n=n: (o.and_(o.truth(v[p.exists]), o.eq(v[p.node], 0),
                                                                     o.truth(v[n.ready])), {p.node: n.n + 1})))
            out.append(Transition(Action("P2", "start", "kubelet", ("Started",), (("pod", p.p), ("container", 0))),
                                  lambda v, o, p=p: (o.and_(o.truth(v[p.exists]), o.ne(v[p.node], 0),
                                                            o.eq(v[p.state], WAITING)),
                                                     {p.state: C_RUNNING, p.phase: RUNNING})))
            for code, phase in (("ok", SUCCEEDED), ("error", FAILED)):
                out.append(Transition(Action("P3", "exit", "kubelet", (), (("pod", p.p), ("container", 0),
                                                                            ("code", code))),
                                      lambda v, o, p=p, phase=phase: (o.eq(v[p.state], C_RUNNING),
                                                                      {p.state: DONE, p.phase: phase})))
            out.append(Transition(Action("P5", "delete", "pod-gc", ("Deleted",), (("pod", p.p),)),
                                  lambda v, o, p=p: (o.and_(o.truth(v[p.exists]), self.terminal(v, o, p)),
                                                     {p.exists: 0, p.phase: PENDING, p.node: 0, p.state: WAITING})))
        return out

    def terminal(self, v: Sequence[Any], o: Ops, p: PodIx) -> Any:
        return o.or_(o.eq(v[p.phase], SUCCEEDED), o.eq(v[p.phase], FAILED))

    def create(self, v: Sequence[Any], o: Ops, p: PodIx, ctl: list[PodIx]) -> tuple[Any, dict[int, Any]]:
        active = o.count(o.and_(o.truth(v[q.exists]), o.not_(self.terminal(v, o, q))) for q in ctl)
        lowest_free = o.and_(*(o.truth(v[q.exists]) for q in ctl if q.p < p.p))
        return (o.and_(o.not_(o.truth(v[p.exists])), lowest_free, o.lt(active, self.config.replicas)),
                {p.exists: 1})
