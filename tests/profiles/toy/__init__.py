"""The ``toy`` profile: a third semantics in one folder, registered the way a user registers theirs.

``kubelife.profiles.register(PROFILE)`` in code, or ``KUBELIFE_PROFILES=tests.profiles.toy:PROFILE``
for the command line.  It declares check, the oracle, vectors and the Hypothesis machine, and
leaves Z3, liveness, symmetry and reports out (commands say so in one sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import Profile, StatefulSpec
from kubelife.properties.core import Property, Row

from .oracle import ToyAbstraction, toy_vectors
from .semantics import C_RUNNING, DONE, NAME, RUNNING, SUCCEEDED, ToySemantics

__all__ = ["PROFILE"]

V = Sequence[Any]


def _u(name: str, nodes: int, slots: int, replicas: int) -> Config:
    return Config(nodes, (SlotSpec(Policy.NEVER, 1),) * slots, replicas, 1, NAME, name)


PRESETS = {c.name: c for c in (_u("toy-1n", 1, 2, 1), _u("toy-2n", 2, 3, 2))}


def properties(m: ClusterModel) -> list[Property]:
    pods = m.shape.pods

    def bound(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.eq(v[p.phase], RUNNING), o.ne(v[p.node], 0)) for p in pods))

    def running(v: V, o: Ops) -> Any:
        return o.or_(*(o.eq(v[p.phase], RUNNING) for p in pods))

    def done_is_terminal(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.eq(v[p.state], DONE), m.rules.terminal(v, o, p)) for p in pods))

    def done(v: V, o: Ops) -> Any:
        return o.or_(*(o.eq(v[p.state], DONE) for p in pods))

    return [Property("a Running pod is bound", "invariant", bound, running, "toy"),
            Property("a finished container's pod is terminal", "invariant", done_is_terminal, done, "toy")]


def _pod(m: ClusterModel, a: Action) -> list[Any]:
    return [m.shape.pods[a.arg("pod")]]


ROWS = (
    Row("T-exit-ok", "the container exits 0", frozenset({"P3"}), lambda a: a.arg("code") == "ok", _pod,
        lambda m, v, o, p, a: o.eq(v[p.state], C_RUNNING),
        lambda m, b, v, o, p, a: o.eq(v[p.phase], SUCCEEDED), "the pod Succeeded"),
)

PROFILE = Profile(
    name=NAME,
    title="a toy batch pod (tests only)",
    semantics=ToySemantics,
    presets=PRESETS,
    check_suite=tuple(PRESETS.values()),
    properties=properties,
    rows=ROWS,
    oracle=ToyAbstraction(),
    vectors=toy_vectors,
    stateful=StatefulSpec(configs={"toy-large": _u("toy-large", 3, 5, 3)}, large="toy-large",
                          weights={"P3": 3, "P2": 3, "P1": 2, "R1": 2}, bring_up=lambda m: (
                              {p.p: [m.transition_index("P2", pod=p.p, container=0)] for p in m.shape.pods},
                              {p.p: [] for p in m.shape.pods}, {p.p: 5 for p in m.shape.pods})),
)
