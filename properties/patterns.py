"""Row outcomes written over the action vocabulary the profiles share (R1, P1, P5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import apply
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["replacement"]

V = Sequence[Any]


def replacement(m: ClusterModel, after: V, o: Ops, lost: Any) -> Any:
    """The controller creates a pod that the scheduler can bind to a node other than ``lost``.

    Written over the action vocabulary profiles share: R1 (the controller fills a slot),
    P1 (the scheduler binds) and P5 (a terminal pod is deleted).

    Where a controlled slot is free the controller must act at once; only when
    every slot is taken may a terminal pod be deleted first to make room.
    """
    def created_and_placeable(start: V) -> list[Any]:
        out = []
        for q in m.shape.pods:
            i = m.transition_index("R1", slot=q.p)
            if i is None:
                continue
            g1, v1 = apply(m.system.transitions[i], start, o)
            for n in m.shape.nodes:
                if n.n != lost.n:
                    out.append(o.and_(g1, apply(m.transition("P1", pod=q.p, node=n.n), v1, o)[0]))
        return out

    controlled = [q for q in m.shape.pods if m.config.slots[q.p].controlled]
    free = o.or_(*(o.not_(o.truth(after[q.exists])) for q in controlled))
    direct = o.or_(*created_and_placeable(after))
    after_delete = []
    for q in m.shape.pods:
        g0, v0 = apply(m.transition("P5", pod=q.p), after, o)
        after_delete += [o.and_(g0, x) for x in created_and_placeable(v0)]
    return o.and_(o.implies(free, direct), o.implies(o.not_(free), o.or_(*after_delete)))
