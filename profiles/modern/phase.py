"""Today's kubelet phase computation (``getPhase``), written once over ``Ops``.

Source: ``pkg/kubelet/kubelet_pods.go`` ``getPhase`` (1.35 tree; earlier rules by version in
``docs/fidelity.md`` B1/B2, selected by :mod:`kubelife.profiles.modern.versions`).  Inputs are per
container ``(state, last, started)`` triples of Ops values in the modern
encoding (:class:`~kubelife.profiles.modern.types.MState`,
:class:`~kubelife.profiles.modern.types.MExit`); ``started`` only matters for a
running sidecar (startup probe / postStart not done).  Policies and the
``ContainerRestartRules`` gate are constants, so they fold away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.k8s.types import PodPhase, Policy
from kubelife.profiles.modern.types import MExit, MState
from kubelife.profiles.modern.versions import API_STARTED, SANDBOX

__all__ = ["Status", "restartable", "modern_phase", "has_initialized"]

Status = tuple[Any, Any, Any]  # state, last, started

ABSENT, WAITING, RUNNING, TERMINATED = (int(s) for s in MState)
NONE, OK = int(MExit.NONE), int(MExit.OK)


def restartable(o: Ops, own: Policy | None, pod: Policy, last: Any) -> Any:
    """``ContainerShouldRestart`` for a termination ``last``: the container's policy, else the pod's."""
    policy = own if own is not None else pod
    if policy is Policy.ALWAYS:
        return True
    if policy is Policy.ON_FAILURE:
        return o.ne(last, OK)
    return False


def has_initialized(o: Ops, mains: Sequence[Status], rule: str = SANDBOX, fresh_sandbox: Any = False) -> Any:
    """``podHasInitialized`` as the kubelet computes it for ``getPhase`` (docs/fidelity.md B1).

    ``active-sandbox`` (1.33+, ``HasAnyActiveRegularContainerStarted``): some main container exists
    in the runtime's current sandbox in any state; in API terms Running, Terminated, or Waiting after
    an earlier exit; never while ``fresh_sandbox`` (a recreated sandbox with no main container yet).
    ``api-started`` (1.28-1.32, ``HasAnyRegularContainerStarted``): some main container is Running
    or Terminated in the API statuses (CrashLoopBackOff does not count).
    """
    if rule == API_STARTED:
        return o.or_(*(o.or_(o.eq(s, RUNNING), o.eq(s, TERMINATED)) for s, _, _ in mains))
    exists = o.or_(*(o.or_(o.eq(s, RUNNING), o.eq(s, TERMINATED), o.and_(o.eq(s, WAITING), o.ne(e, NONE)))
                     for s, e, _ in mains))
    return o.and_(exists, o.not_(fresh_sandbox))


def modern_phase(o: Ops, inits: Sequence[Status], sidecars: Sequence[Status], mains: Sequence[Status],
                 policy: Policy, main_policies: Sequence[Policy | None], *, restart_rules: bool,
                 pod_is_terminal: Any = False, initialized: Any = None, regular_inits_hold: bool = True) -> Any:
    """The pod phase; ``initialized`` defaults to :func:`has_initialized` of the main containers (1.33+).

    ``regular_inits_hold``: a pending regular init container keeps the pod Pending even once
    initialized (1.32+); on 1.28-1.31 pending init containers of both kinds count only before.
    """
    P, R, S, F = (int(x) for x in (PodPhase.PENDING, PodPhase.RUNNING, PodPhase.SUCCEEDED, PodPhase.FAILED))
    if initialized is None:
        initialized = has_initialized(o, mains)

    def waiting_with_last(s: Any, e: Any) -> Any:
        return o.and_(o.eq(s, WAITING), o.ne(e, NONE))

    pend_init = o.count(o.or_(o.eq(s, ABSENT), o.eq(s, RUNNING), o.and_(o.eq(s, WAITING), o.eq(e, NONE)))
                        for s, e, _ in inits)
    failed_one = [o.or_(o.and_(o.eq(s, TERMINATED), o.ne(e, OK)), o.and_(waiting_with_last(s, e), o.ne(e, OK)))
                  for s, e, _ in inits]
    failed_init = o.count(failed_one)
    failed_init_nr = o.count(o.and_(f, o.not_(restartable(o, None, policy, e)))
                             for f, (_, e, _) in zip(failed_one, inits))

    unknown_sc = o.count(o.eq(s, ABSENT) for s, _, _ in sidecars)
    running_sc = o.count(o.eq(s, RUNNING) for s, _, _ in sidecars)
    pend_sidecar = o.count(o.or_(o.and_(o.eq(s, RUNNING), o.not_(st)), o.and_(o.eq(s, WAITING), o.eq(e, NONE)))
                           for s, e, st in sidecars)
    waiting_sc = o.count(o.and_(o.eq(s, WAITING), o.eq(e, NONE)) for s, e, _ in sidecars)

    unknown = o.add(unknown_sc, o.count(o.eq(s, ABSENT) for s, _, _ in mains))
    running = o.add(running_sc, o.count(o.eq(s, RUNNING) for s, _, _ in mains))
    waiting = o.add(waiting_sc, o.count(o.and_(o.eq(s, WAITING), o.eq(e, NONE)) for s, e, _ in mains))
    stopped_one = [o.or_(o.eq(s, TERMINATED), waiting_with_last(s, e)) for s, e, _ in mains]
    stopped = o.count(stopped_one)
    stopped_nr = o.count(o.and_(st, o.not_(restartable(o, own, policy, e)))
                         for st, (_, e, _), own in zip(stopped_one, mains, main_policies))
    succeeded = o.count(o.and_(o.eq(s, TERMINATED), o.eq(e, OK)) for s, e, _ in mains)

    all_ok = o.ite(o.eq(stopped, succeeded), S, F)
    if restart_rules:
        by_policy: Any = o.ite(o.ne(stopped, stopped_nr), R, all_ok)
    elif policy is Policy.ALWAYS:
        by_policy = R
    elif policy is Policy.NEVER:
        by_policy = all_ok
    else:
        by_policy = o.ite(o.eq(stopped, succeeded), S, R)
    when_stopped = o.ite(pod_is_terminal, all_ok, by_policy)

    init_failed = o.lt(0, failed_init_nr) if restart_rules else (
        o.lt(0, failed_init) if policy is Policy.NEVER else False)
    if regular_inits_hold:
        pending = o.or_(o.lt(0, pend_init), o.and_(o.lt(0, pend_sidecar), o.not_(initialized)), o.lt(0, waiting))
    else:
        pending = o.or_(o.and_(o.lt(0, o.add(pend_init, pend_sidecar)), o.not_(initialized)), o.lt(0, waiting))
    no_unknown = o.eq(unknown, 0)
    return o.ite(init_failed, F, o.ite(pending, P, o.ite(
        o.and_(o.lt(0, running), no_unknown), R,
        o.ite(o.and_(o.eq(running, 0), o.lt(0, stopped), no_unknown), when_stopped, P))))
