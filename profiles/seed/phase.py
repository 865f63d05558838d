"""The kubelet's phase function (spec section 2), written once over ``Ops``.

Source: the 2015 ``pod-states.md`` rules and ``getPhase`` in today's
``pkg/kubelet/kubelet_pods.go`` (without init containers).  A container that
is Waiting *with* a last exit is restarting (CrashLoopBackOff) and counts as
stopped, not as never started: that is what keeps a crash-looping pod Running.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import PY, Ops
from kubelife.model.k8s.types import CState, Exit, PodPhase, Policy

__all__ = ["phase_of", "phase_of_values"]


def phase_of(o: Ops, containers: Sequence[tuple[Any, Any]], policy: Policy) -> Any:
    """Pod phase from ``(state, last_exit)`` pairs; ``policy`` is a constant."""
    W, R, T = int(CState.WAITING), int(CState.RUNNING), int(CState.TERMINATED)
    NONE, OK = int(Exit.NONE), int(Exit.OK)
    waiting = o.count(o.and_(o.eq(s, W), o.eq(e, NONE)) for s, e in containers)
    running = o.count(o.eq(s, R) for s, _ in containers)
    stopped = o.count(o.or_(o.eq(s, T), o.and_(o.eq(s, W), o.ne(e, NONE))) for s, e in containers)
    succeeded = o.count(o.and_(o.eq(s, T), o.eq(e, OK)) for s, e in containers)
    if policy is Policy.ALWAYS:
        when_stopped: Any = int(PodPhase.RUNNING)
    elif policy is Policy.NEVER:
        when_stopped = o.ite(o.eq(stopped, succeeded), int(PodPhase.SUCCEEDED), int(PodPhase.FAILED))
    else:
        when_stopped = o.ite(o.eq(stopped, succeeded), int(PodPhase.SUCCEEDED), int(PodPhase.RUNNING))
    return o.ite(
        o.lt(0, waiting),
        int(PodPhase.PENDING),
        o.ite(
            o.lt(0, running),
            int(PodPhase.RUNNING),
            o.ite(o.lt(0, stopped), when_stopped, int(PodPhase.PENDING)),
        ),
    )


def phase_of_values(containers: Sequence[tuple[CState, Exit]], policy: Policy) -> PodPhase:
    """Concrete convenience: ``phase_of`` on enum values."""
    return PodPhase(phase_of(PY, [(int(s), int(e)) for s, e in containers], policy))
