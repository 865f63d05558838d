"""Mutants that break a liveness property and nothing else.

Safety properties and scenario rows look at states and single steps; a
variant that only *removes* a step that no row inspects keeps every
reachable state a reachable state of the seed, so no invariant, step
property or row can tell it apart.  Only "eventually" can.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Transition
from kubelife.profiles.seed.semantics import C_TERMINATED, NONE, SeedSemantics
from kubelife.profiles.seed.shape import PodIx

__all__ = ["LIVENESS_MUTANTS", "StuckAfterSiblingExit"]


class StuckAfterSiblingExit(SeedSemantics):
    """The kubelet will not start a never-started container once a sibling container has exited.

    Under Never or OnFailure (an ok exit is not restarted) the pod is then stuck
    Pending forever, still counted by the controller, so the controller never
    gets back to R pods Running; under Always the sibling's restart unblocks it.
    The restart path (P4 then P2) that the rows check is untouched.
    """

    mutant = "stuck-after-sibling-exit"
    doc = "the kubelet never starts a container whose sibling has already exited"
    caught_by = ("the controller eventually has R pods Running again",)

    def _p2(self, p: PodIx, ci: int) -> Transition:
        seed = super()._p2(p, ci)
        c = p.containers[ci]
        siblings = [x for k, x in enumerate(p.containers) if k != ci]

        def build(v: Sequence[Any], o: Ops) -> tuple[Any, dict[int, Any]]:
            guard, eff = seed.build(v, o)
            first_start = o.eq(v[c.last_exit], NONE)
            sibling_exited = o.or_(*(o.eq(v[x.state], C_TERMINATED) for x in siblings))
            return o.and_(guard, o.not_(o.and_(first_start, sibling_exited))), dict(eff)
        return Transition(seed.action, build)


LIVENESS_MUTANTS: dict[str, type[SeedSemantics]] = {StuckAfterSiblingExit.mutant: StuckAfterSiblingExit}
