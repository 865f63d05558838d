"""The properties of spec section 5 for the seed profile.

``properties_for(model)`` instantiates every property for one cluster
configuration.  Each predicate is written over ``Ops``, so the explicit
checker compiles it, Z3 proves it and the Hypothesis machine asserts it.

Phase consistency is checked against the *reference* phase function
(:func:`kubelife.profiles.seed.phase.phase_of`), never the model's own hook, so a model
whose phase computation is broken cannot agree with itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import Policy
from kubelife.profiles.seed.phase import phase_of
from kubelife.profiles.seed.semantics import (
    C_RUNNING,
    C_TERMINATED,
    NONE,
    OK,
    PENDING,
    R_TRUE,
    RUNNING,
    SUCCEEDED,
    TERMINATED_N,
    WAITING,
    SeedSemantics,
)
from kubelife.properties.core import Property

__all__ = ["properties_for", "PROPERTY_NAMES", "EXPECTED_VIOLATION"]

V = Sequence[Any]

EXPECTED_VIOLATION = "at most R copies of a controlled pod run at once"


def properties_for(m: ClusterModel) -> list[Property]:
    sh, rules, cfg = m.shape, m.rules, m.config
    pods, nodes = sh.pods, sh.nodes

    def exists(v: V, o: Ops, p: Any) -> Any:
        return o.truth(v[p.exists])

    def same_pod(a: V, b: V, o: Ops, p: Any) -> Any:
        # Within one step a slot cannot be emptied and refilled, so "exists before and
        # after" means the same pod's lifetime.
        return o.and_(exists(a, o, p), exists(b, o, p))

    def well_formed(v: V, o: Ops) -> Any:
        out = []
        for p in pods:
            empty = sh.empty_pod(p)
            at_empty = o.and_(*(o.eq(v[k], val) for k, val in empty.items() if k != p.exists))
            out.append(o.implies(o.not_(exists(v, o, p)), at_empty))
            never_started = o.and_(o.eq(v[p.phase], PENDING), *(
                o.and_(o.eq(v[c.state], WAITING), o.eq(v[c.last_exit], NONE), o.eq(v[c.restarts], 0))
                for c in p.containers))
            out.append(o.implies(o.and_(exists(v, o, p), o.eq(v[p.node], 0)), never_started))
        return o.and_(*out)

    def well_formed_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[p.node], 0)) for p in pods))

    def absorbing(a: V, b: V, o: Ops) -> Any:
        return o.and_(*(
            o.implies(o.and_(same_pod(a, b, o, p), rules.terminal(o, a[p.phase])), o.eq(b[p.phase], a[p.phase]))
            for p in pods))

    def absorbing_witness(a: V, b: V, o: Ops) -> Any:
        return o.or_(*(o.and_(same_pod(a, b, o, p), rules.terminal(o, a[p.phase])) for p in pods))

    def bound_once(a: V, b: V, o: Ops) -> Any:
        return o.and_(*(
            o.implies(o.and_(same_pod(a, b, o, p), o.ne(a[p.node], 0)), o.eq(b[p.node], a[p.node]))
            for p in pods))

    def bound_once_witness(a: V, b: V, o: Ops) -> Any:
        return o.or_(*(o.and_(same_pod(a, b, o, p), o.ne(a[p.node], 0)) for p in pods))

    def succeeded_clean(v: V, o: Ops) -> Any:
        out = []
        for p in pods:
            ok = False if cfg.slots[p.p].policy is Policy.ALWAYS else o.and_(
                *(o.and_(o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last_exit], OK)) for c in p.containers))
            out.append(o.implies(o.and_(exists(v, o, p), o.eq(v[p.phase], SUCCEEDED)), ok))
        return o.and_(*out)

    def succeeded_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[p.phase], SUCCEEDED)) for p in pods))

    def restarted(v: V, o: Ops, c: Any) -> Any:
        """The container has been through a restart (it is not on its first run or exit)."""
        return o.or_(o.ne(v[c.restarts], 0), o.and_(o.ne(v[c.state], C_TERMINATED), o.ne(v[c.last_exit], NONE)))

    def never_restarts(v: V, o: Ops) -> Any:
        return o.and_(*(o.not_(restarted(v, o, c)) for p in pods
                        if cfg.slots[p.p].policy is Policy.NEVER for c in p.containers))

    def never_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[c.state], C_TERMINATED)) for p in pods
                       if cfg.slots[p.p].policy is Policy.NEVER for c in p.containers))

    def onfailure_keeps_ok(v: V, o: Ops) -> Any:
        return o.and_(*(o.not_(o.and_(o.ne(v[c.state], C_TERMINATED), o.eq(v[c.last_exit], OK)))
                        for p in pods if cfg.slots[p.p].policy is Policy.ON_FAILURE for c in p.containers))

    def onfailure_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[c.state], C_TERMINATED), o.eq(v[c.last_exit], OK),
                              o.eq(v[p.phase], RUNNING))
                       for p in pods if cfg.slots[p.p].policy is Policy.ON_FAILURE for c in p.containers))

    def running_bound(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.and_(exists(v, o, p), o.eq(v[p.phase], RUNNING)), o.ne(v[p.node], 0))
                        for p in pods))

    def running_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.and_(exists(v, o, p), o.eq(v[p.phase], RUNNING)) for p in pods))

    def none_on_terminated(v: V, o: Ops) -> Any:
        return o.and_(*(o.implies(o.eq(v[n.phase], TERMINATED_N),
                                  o.not_(o.and_(exists(v, o, p), rules.bound_to(v, o, p, n))))
                        for n in nodes for p in pods))

    def terminated_witness(v: V, o: Ops) -> Any:
        return o.or_(*(o.eq(v[n.phase], TERMINATED_N) for n in nodes))

    def schedule_healthy(a: V, b: V, o: Ops) -> Any:
        out = []
        for p in pods:
            for n in nodes:
                binds = o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), rules.bound_to(b, o, p, n))
                out.append(o.implies(binds, o.and_(rules.healthy(a, o, n), o.eq(a[n.ready], R_TRUE))))
        return o.and_(*out)

    def schedule_witness(a: V, b: V, o: Ops) -> Any:
        return o.or_(*(o.and_(same_pod(a, b, o, p), o.eq(a[p.node], 0), o.ne(b[p.node], 0)) for p in pods))

    def consistent(v: V, o: Ops) -> Any:
        out = []
        for p in pods:
            on_healthy = rules.on_healthy_node(v, o, p)
            scope = o.and_(exists(v, o, p), o.not_(rules.terminal(o, v[p.phase])),
                           o.or_(o.eq(v[p.node], 0), on_healthy))
            ref = phase_of(o, [(v[c.state], v[c.last_exit]) for c in p.containers], cfg.slots[p.p].policy)
            out.append(o.implies(scope, o.eq(v[p.phase], ref)))
        return o.and_(*out)

    def consistent_witness(v: V, o: Ops) -> Any:
        # A live pod on a healthy node whose containers have started: the phase function has work to do.
        return o.or_(*(o.and_(exists(v, o, p), o.not_(rules.terminal(o, v[p.phase])), rules.on_healthy_node(v, o, p),
                              o.or_(*(o.ne(v[c.state], WAITING) for c in p.containers)))
                       for p in pods))

    def restarts_monotone(a: V, b: V, o: Ops) -> Any:
        return o.and_(*(o.implies(same_pod(a, b, o, p), o.le(a[c.restarts], b[c.restarts]))
                        for p in pods for c in p.containers))

    def restarts_witness(a: V, b: V, o: Ops) -> Any:
        return o.or_(*(o.and_(same_pod(a, b, o, p), o.lt(a[c.restarts], b[c.restarts]))
                       for p in pods for c in p.containers))

    controlled = [p for p in pods if cfg.slots[p.p].controlled]

    def active(v: V, o: Ops, p: Any) -> Any:
        # The reference definition, not the model's hook: a mutant must not redefine what it is checked against.
        return o.and_(exists(v, o, p), o.not_(rules.terminal(o, v[p.phase])))

    def replicas_bounded(v: V, o: Ops) -> Any:
        return o.le(o.count(active(v, o, p) for p in controlled), cfg.replicas)

    def replicas_witness(v: V, o: Ops) -> Any:
        if not controlled or cfg.replicas == 0:
            return False
        return o.eq(o.count(active(v, o, p) for p in controlled), cfg.replicas)

    def runs(v: V, o: Ops, p: Any) -> Any:
        return o.and_(exists(v, o, p), o.or_(*(o.eq(v[c.state], C_RUNNING) for c in p.containers)))

    def copies_bounded(v: V, o: Ops) -> Any:
        return o.le(o.count(runs(v, o, p) for p in controlled), cfg.replicas)

    def copies_witness(v: V, o: Ops) -> Any:
        return o.not_(copies_bounded(v, o))

    return [
        Property("states are well formed", "invariant", well_formed, well_formed_witness, "§1",
                 "An empty slot holds the new-pod value; an unbound pod is Pending and has started nothing."),
        Property("terminal phases are absorbing", "step", absorbing, absorbing_witness, "§5.1"),
        Property("a pod's binding is set at most once", "step", bound_once, bound_once_witness, "§5.1"),
        Property("Succeeded means every container exited ok and the policy is not Always", "invariant",
                 succeeded_clean, succeeded_witness, "§5.2"),
        Property("policy Never never restarts a container", "invariant", never_restarts, never_witness, "§5.3",
                 "restarts stay 0 and no container waits with a last exit"),
        Property("OnFailure never restarts a container that exited ok", "invariant", onfailure_keeps_ok,
                 onfailure_witness, "§5.3"),
        Property("a Running pod is bound", "invariant", running_bound, running_witness, "§5.4"),
        Property("no existing pod is bound to a Terminated node", "invariant", none_on_terminated,
                 terminated_witness, "§5.4"),
        Property("pods are scheduled only to healthy, ready nodes", "step", schedule_healthy, schedule_witness,
                 "§5.4"),
        Property("the phase is what the kubelet's phase function gives", "invariant", consistent,
                 consistent_witness, "§5.5",
                 "for pods that are not terminal and are unbound or on a healthy node"),
        Property("restart counts never decrease", "step", restarts_monotone, restarts_witness, "§5.6"),
        Property("the controller never has more than R active pods", "invariant", replicas_bounded,
                 replicas_witness, "§5.7"),
        Property(EXPECTED_VIOLATION, "expected-violation", copies_bounded, copies_witness, "§5 (known)",
                 "Kubernetes breaks this: after a partition the old pod's containers keep running while "
                 "its replacement runs elsewhere."),
    ]


def _names() -> list[str]:
    from kubelife.model.k8s.config import Config

    m = ClusterModel(Config.uniform(profile=SeedSemantics.profile), SeedSemantics)
    return [p.name for p in properties_for(m)]


PROPERTY_NAMES: tuple[str, ...] = tuple(_names())
