"""The phase function against the spec's rules, over every container combination for 1-3 containers."""

from __future__ import annotations

import itertools

import pytest

from kubelife.model.k8s.types import CState, Exit, PodPhase, Policy
from kubelife.profiles.seed.phase import phase_of_values

# Every (state, last_exit) a container can have in the seed model.
COMBOS = [
    *((CState.WAITING, e) for e in Exit),
    *((CState.RUNNING, e) for e in Exit),
    *((CState.TERMINATED, e) for e in (Exit.OK, Exit.ERROR, Exit.OOM)),
]


def spec_phase(cs: tuple[tuple[CState, Exit], ...], policy: Policy) -> PodPhase:
    """Section 2 of the spec, transcribed independently of the Ops-based implementation."""
    waiting = sum(1 for s, e in cs if s is CState.WAITING and e is Exit.NONE)
    running = sum(1 for s, _ in cs if s is CState.RUNNING)
    stopped = sum(1 for s, e in cs if s is CState.TERMINATED or (s is CState.WAITING and e is not Exit.NONE))
    succeeded = sum(1 for s, e in cs if s is CState.TERMINATED and e is Exit.OK)
    if waiting:
        return PodPhase.PENDING
    if running:
        return PodPhase.RUNNING
    if stopped:
        if policy is Policy.ALWAYS:
            return PodPhase.RUNNING
        if stopped == succeeded:
            return PodPhase.SUCCEEDED
        if policy is Policy.NEVER:
            return PodPhase.FAILED
        return PodPhase.RUNNING
    return PodPhase.PENDING


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("policy", list(Policy))
def test_phase_matches_spec_on_every_combination(n: int, policy: Policy) -> None:
    seen = set()
    for cs in itertools.product(COMBOS, repeat=n):
        got = phase_of_values(cs, policy)
        assert got == spec_phase(cs, policy), (cs, policy)
        seen.add(got)
    # Every policy reaches Pending and Running; Succeeded only without Always; Failed only with Never.
    expected = {PodPhase.PENDING, PodPhase.RUNNING}
    if policy is not Policy.ALWAYS:
        expected.add(PodPhase.SUCCEEDED)
    if policy is Policy.NEVER:
        expected.add(PodPhase.FAILED)
    assert seen == expected


W, R, T = CState.WAITING, CState.RUNNING, CState.TERMINATED


@pytest.mark.parametrize(
    ("containers", "policy", "phase"),
    [
        ([(W, Exit.NONE)], Policy.ALWAYS, PodPhase.PENDING),  # never started
        ([(R, Exit.NONE), (W, Exit.NONE)], Policy.NEVER, PodPhase.PENDING),  # one still to start
        ([(T, Exit.OK)], Policy.ALWAYS, PodPhase.RUNNING),  # Always: even all-ok is restarting
        ([(T, Exit.OK)], Policy.ON_FAILURE, PodPhase.SUCCEEDED),
        ([(T, Exit.ERROR)], Policy.ON_FAILURE, PodPhase.RUNNING),  # will be restarted
        ([(T, Exit.OOM)], Policy.NEVER, PodPhase.FAILED),
        ([(W, Exit.ERROR)], Policy.ALWAYS, PodPhase.RUNNING),  # CrashLoopBackOff keeps the pod Running
        ([(T, Exit.OK), (T, Exit.ERROR)], Policy.NEVER, PodPhase.FAILED),
        ([(T, Exit.ERROR), (R, Exit.NONE)], Policy.NEVER, PodPhase.RUNNING),  # S3 under Never
    ],
)
def test_documented_cases(containers: list[tuple[CState, Exit]], policy: Policy, phase: PodPhase) -> None:
    assert phase_of_values(containers, policy) is phase
