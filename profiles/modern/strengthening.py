"""Auxiliary invariants that make the ``modern`` properties inductive.

The modern counterpart of :mod:`kubelife.profiles.seed.strengthening`: true facts of the
modern model, as named data, that ``kubelife prove --profile modern`` hands
Houdini next to the properties of :func:`kubelife.profiles.modern.properties.modern_properties`.
The solver keeps what is inductive and each proof's unsat core says which of
them it used.  Written against the reference phase function, never the
semantics' hook a mutant may change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles.modern.phase import modern_phase, restartable
from kubelife.profiles.modern.semantics import (
    ABSENT,
    C_RUNNING,
    C_TERMINATED,
    FAILED,
    N_DELETED,
    N_PENDING,
    N_REGISTERED,
    NONE,
    PULL_OK,
    R_FALSE,
    R_UNKNOWN,
    SUCCEEDED,
    WAITING,
)
from kubelife.profiles.modern.shape import ModernShape
from kubelife.profiles.modern.types import Kind
from kubelife.properties.core import Property

__all__ = ["modern_auxiliary_for", "MODERN_AUXILIARY_NAMES"]

V = Sequence[Any]

LIVE_PHASE = "a pod that is not terminal has the phase getPhase gives, wherever it is bound"
NODE_SHAPES = "an unregistered node is untouched and a deleted one is silent"
NOT_ON_PENDING = "no pod is bound to an unregistered node"
PULL_WAITING = "an image pull error is only on a never-started waiting container"
BACKOFF_RESTARTED = "a restarted container, or one in back-off, has a last termination"
FRESH = "a container without a status is fresh, and the kubelet posts a pod's statuses together"
NO_EXIT_CODE = "a container terminated without an exit code is a sidecar stopped after the main containers"


def modern_auxiliary_for(m: ClusterModel) -> list[Property]:
    sh, cfg = cast(ModernShape, m.shape), m.config
    pods, nodes = sh.pods, sh.nodes

    def exists(v: V, o: Ops, p: Any) -> Any:
        return o.truth(v[p.exists])

    def terminal(o: Ops, ph: Any) -> Any:
        return o.or_(o.eq(ph, SUCCEEDED), o.eq(ph, FAILED))

    def reference_phase(v: V, o: Ops, p: Any) -> Any:
        def st(cs: Any) -> list[Any]:
            return [(v[c.state], v[c.last], o.eq(v[c.state], C_RUNNING)) for c in cs]
        rules = m.semantics(sh)  # the version's getPhase inputs (docs/fidelity.md B1, B2)
        return modern_phase(o, st(p.inits), st(p.sidecars), st(p.containers), cfg.slots[p.p].policy,
                            [c.policy for c in p.containers], restart_rules=rules.restart_rules(p),
                            **rules.phase_rules(v, o, p))

    def live_phase(v: V, o: Ops) -> Any:
        # Broader than the property's scope (healthy node, not Terminating): kubelet steps need a
        # kubelet that is up, so a lost node freezes its pods' containers; eviction and deletion
        # leave the phase alone; whatever else touches the phase makes it terminal.
        return o.and_(*(o.implies(o.and_(exists(v, o, p), o.not_(terminal(o, v[p.phase]))),
                                  o.eq(v[p.phase], reference_phase(v, o, p))) for p in pods))

    def live_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.not_(terminal(o, v[p.phase])), o.truth(v[p.deleting]))
                       for p in pods))

    def node_shapes(v: V, o: Ops) -> Any:
        out = []
        for n in nodes:
            out.append(o.implies(o.eq(v[n.obj], N_PENDING), o.and_(
                o.truth(v[n.heartbeat]), o.eq(v[n.ready], R_FALSE), o.eq(v[n.pressure], 0))))
            # Only the node lifecycle controller writes Unknown, and only once heartbeats stopped.
            out.append(o.implies(o.and_(o.eq(v[n.obj], N_REGISTERED), o.truth(v[n.heartbeat])),
                                 o.ne(v[n.ready], R_UNKNOWN)))
            out.append(o.implies(o.eq(v[n.obj], N_DELETED), o.and_(
                o.eq(v[n.heartbeat], 0), o.eq(v[n.ready], R_UNKNOWN), o.eq(v[n.pressure], 0))))
        return o.and_(*out)

    def node_shapes_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.ne(v[n.obj], N_REGISTERED) for n in nodes))

    def not_on_pending(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.eq(v[n.obj], N_PENDING), o.not_(o.and_(exists(v, o, p), o.eq(v[p.node], n.n + 1))))
                        for n in nodes for p in pods))

    def pending_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.eq(v[n.obj], N_PENDING) for n in nodes))

    def pull_waiting(v: V, o: Ops) -> Any:
        # K2 may stop a sidecar still waiting on its image: Terminated keeps the pull reason.
        return o.and_(*(o.implies(o.ne(v[c.pull], PULL_OK), o.and_(
            o.or_(o.eq(v[c.state], WAITING), o.eq(v[c.state], C_TERMINATED)), o.eq(v[c.last], NONE)))
                        for p in pods for c in p.all))

    def pull_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.ne(v[c.pull], PULL_OK) for p in pods for c in p.all))

    def backoff_restarted(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.or_(o.truth(v[c.backoff]), o.ne(v[c.restarts], 0)), o.ne(v[c.last], NONE))
                        for p in pods for c in p.all))

    def backoff_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(o.truth(v[c.backoff]), o.eq(v[c.state], WAITING)) for p in pods for c in p.all))

    def fresh(v: V, o: Ops) -> Any:
        out = []
        for p in pods:
            for c in p.all:
                out.append(o.implies(o.eq(v[c.state], ABSENT), o.and_(
                    o.eq(v[c.last], NONE), o.eq(v[c.restarts], 0), o.eq(v[c.backoff], 0), o.eq(v[c.pull], PULL_OK))))
            first = p.all[0]
            out += [o.eq(o.eq(v[c.state], ABSENT), o.eq(v[first.state], ABSENT)) for c in p.all[1:]]
        return o.and_(*out)

    def fresh_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.ne(v[p.node], 0), o.eq(v[p.all[0].state], ABSENT)) for p in pods))

    def mains_finished(v: V, o: Ops, p: Any) -> Any:
        return o.and_(*(o.and_(o.eq(v[c.state], C_TERMINATED),
                               o.not_(restartable(o, c.policy, cfg.slots[p.p].policy, v[c.last])))
                        for c in p.containers))

    def no_exit_code(v: V, o: Ops) -> Any:
        out = []
        for p in pods:
            for c in p.all:
                silent = o.and_(o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last], NONE))
                out.append(o.implies(silent, mains_finished(v, o, p) if c.kind is Kind.SIDECAR else False))
        return o.and_(*out)

    def no_exit_code_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last], NONE))
                       for p in pods for c in p.sidecars))

    return [
        Property(LIVE_PHASE, "invariant", live_phase, live_witness, "modern getPhase strengthened",
                 "getPhase consistency without the healthy-node and not-Terminating scope"),
        Property(NODE_SHAPES, "invariant", node_shapes, node_shapes_witness, "modern N1/N6",
                 "an unregistered node has heartbeats, Ready False and no DiskPressure; a deleted one none, "
                 "Ready Unknown"),
        Property(NOT_ON_PENDING, "invariant", not_on_pending, pending_witness, "modern P1",
                 "the scheduler binds only to registered nodes and nodes never go back to unregistered"),
        Property(PULL_WAITING, "invariant", pull_waiting, pull_witness, "modern C1/C2",
                 "ErrImagePull and ImagePullBackOff are reasons of a container waiting for its first start"),
        Property(BACKOFF_RESTARTED, "invariant", backoff_restarted, backoff_witness, "modern P2/P4/C3",
                 "restarts and the back-off timer come from a restart, which needs a last termination"),
        Property(FRESH, "invariant", fresh, fresh_witness, "modern K1",
                 "no status means never started; the first status sync posts every container's status at once"),
        Property(NO_EXIT_CODE, "invariant", no_exit_code, no_exit_code_witness, "modern K2",
                 "exits and kills record a code; only stopping never-started sidecars does not, and only once "
                 "every main container has stopped for good"),
    ]


MODERN_AUXILIARY_NAMES: tuple[str, ...] = (LIVE_PHASE, NODE_SHAPES, NOT_ON_PENDING, PULL_WAITING, BACKOFF_RESTARTED,
                                           FRESH, NO_EXIT_CODE)
