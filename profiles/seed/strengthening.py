"""Auxiliary invariants that make the section 5 invariants inductive.

A reachable-state invariant need not be *inductive*: a state outside the
reachable set may satisfy it and still step out of it.  Z3 proves the
conjunction of the properties of :func:`kubelife.profiles.seed.properties.properties_for` and
these auxiliary facts inductive together (Houdini: drop whatever some step
breaks, repeat), then reads off each property's unsat core to say which
auxiliaries its proof used.  Each is a true fact of the seed model in its own
right; ``kubelife check`` explores them too when handed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles.seed.phase import phase_of
from kubelife.profiles.seed.semantics import (
    NONE,
    PENDING_N,
    R_FALSE,
    R_TRUE,
    R_UNKNOWN,
    RUNNING_N,
    TERMINATED_N,
    WAITING,
)
from kubelife.properties.core import Property

__all__ = ["auxiliary_for", "AUXILIARY_NAMES"]

V = Sequence[Any]

LIVE_PHASE = "a live pod has the phase the phase function gives, wherever it is bound"
HEALTHY_READY = "a healthy node is Ready"
NODE_SHAPES = "Pending nodes are untouched and Terminated nodes are gone"
NOT_ON_PENDING = "no pod is bound to a Pending node"
RESTARTS_EXITED = "a restarted container has a last exit"


def auxiliary_for(m: ClusterModel) -> list[Property]:
    sh, rules, cfg = m.shape, m.rules, m.config
    pods, nodes = sh.pods, sh.nodes

    def exists(v: V, o: Ops, p: Any) -> Any:
        return o.truth(v[p.exists])

    def live_phase(v: V, o: Ops) -> Any:
        # Stronger than section 5.5: kubelet steps need a healthy node, so while a node is
        # unreachable its pods' containers are frozen and the phase stays right; only the node
        # controller (N4, N5) changes them, and it makes them Failed, which is out of scope.
        out = []
        for p in pods:
            live = o.and_(exists(v, o, p), o.not_(rules.terminal(o, v[p.phase])))
            ref = phase_of(o, [(v[c.state], v[c.last_exit]) for c in p.containers], cfg.slots[p.p].policy)
            out.append(o.implies(live, o.eq(v[p.phase], ref)))
        return o.and_(*out)

    def live_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.not_(rules.terminal(o, v[p.phase])), o.ne(v[p.node], 0),
                              o.not_(rules.on_healthy_node(v, o, p))) for p in pods))

    def healthy_ready(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(rules.healthy(v, o, n), o.eq(v[n.ready], R_TRUE)) for n in nodes))

    def healthy_witness(v: V, o: Ops) -> Any:
        return o.or_(*(rules.healthy(v, o, n) for n in nodes))

    def node_shapes(v: V, o: Ops) -> Any:
        out = []
        for n in nodes:
            out.append(o.implies(o.eq(v[n.phase], PENDING_N), o.and_(
                o.truth(v[n.reachable]), o.eq(v[n.ready], R_FALSE), o.truth(v[n.disk_ok]))))
            out.append(o.implies(o.eq(v[n.phase], TERMINATED_N), o.and_(
                o.not_(o.truth(v[n.reachable])), o.eq(v[n.ready], R_UNKNOWN), o.not_(o.truth(v[n.disk_ok])))))
            # A node without its disk is never reported Ready.
            out.append(o.implies(o.not_(o.truth(v[n.disk_ok])), o.ne(v[n.ready], R_TRUE)))
        return o.and_(*out)

    def node_shapes_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.ne(v[n.phase], RUNNING_N) for n in nodes))

    def not_on_pending(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.eq(v[n.phase], PENDING_N), o.not_(o.and_(exists(v, o, p),
                                                                               rules.bound_to(v, o, p, n))))
                        for n in nodes for p in pods))

    def pending_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.eq(v[n.phase], PENDING_N) for n in nodes))

    def restarts_exited(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.ne(v[c.restarts], 0), o.ne(v[c.last_exit], NONE))
                        for p in pods for c in p.containers))

    def restarts_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(o.ne(v[c.restarts], 0), o.eq(v[c.state], WAITING))
                       for p in pods for c in p.containers))

    return [
        Property(LIVE_PHASE, "invariant", live_phase, live_witness, "§5.5 strengthened",
                 "§5.5 without the healthy-node scope: a partition freezes containers, so the phase stays right"),
        Property(HEALTHY_READY, "invariant", healthy_ready, healthy_witness, "§3 N1/N3/N5",
                 "Running, reachable and disk ok implies ready=True"),
        Property(NODE_SHAPES, "invariant", node_shapes, node_shapes_witness, "§1/§3 N1/N6",
                 "a Pending node is reachable, not Ready, disk ok; a Terminated one unreachable, Unknown, no disk; "
                 "a node without its disk is not Ready"),
        Property(NOT_ON_PENDING, "invariant", not_on_pending, pending_witness, "§3 P1",
                 "the scheduler binds only to Running nodes and nodes never go back to Pending"),
        Property(RESTARTS_EXITED, "invariant", restarts_exited, restarts_witness, "§3 P2",
                 "restarts grow only when a container with a last exit starts again"),
    ]


AUXILIARY_NAMES: tuple[str, ...] = (LIVE_PHASE, HEALTHY_READY, NODE_SHAPES, NOT_ON_PENDING, RESTARTS_EXITED)
