"""The seed profile's observable projection, for ``kubelife diff`` (:class:`kubelife.profiles.ObserveSpec`).

What both the seed documents and today's API show: node readiness, whether a pod exists, its
phase and binding, and per container its state, last termination and restart count.  Exits
are spelt as today's termination reasons (exit 0 is ``Completed``), so a diff against another
profile compares like with like.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.types import ClusterState, CState, Exit, PodPhase
from kubelife.profiles import ObserveSpec

__all__ = ["OBSERVE", "observe", "phase", "STATUSES"]

KINDS = frozenset({"node.ready", "pod.exists", "pod.phase", "pod.node", "container.state", "container.exit",
                   "container.restarts"})
_EXIT = {Exit.NONE: "none", Exit.OK: "Completed", Exit.ERROR: "Error", Exit.OOM: "OOMKilled"}
_TERMINATIONS = (Exit.OK, Exit.ERROR, Exit.OOM)

# Container statuses the phase function reads, in the shared spelling, with their encoding.
_STATUS: dict[str, tuple[CState, Exit]] = {
    "Waiting": (CState.WAITING, Exit.NONE),
    **{f"Waiting(last {_EXIT[e]})": (CState.WAITING, e) for e in _TERMINATIONS},
    "Running": (CState.RUNNING, Exit.NONE),
    **{f"Terminated({_EXIT[e]})": (CState.TERMINATED, e) for e in _TERMINATIONS},
}
STATUSES = tuple(_STATUS)


def observe(m: ClusterModel, values: Sequence[int]) -> dict[tuple[str, str], str]:
    st: ClusterState = m.shape.decode(values)
    out: dict[tuple[str, str], str] = {}
    for i, n in enumerate(st.nodes):
        out[(f"n{i}", "node.ready")] = n.ready.label
    for i, p in enumerate(st.pods):
        out[(f"p{i}", "pod.exists")] = "yes" if p.exists else "no"
        if not p.exists:
            continue
        out[(f"p{i}", "pod.phase")] = p.phase.label
        out[(f"p{i}", "pod.node")] = "none" if p.node is None else f"n{p.node}"
        for k, c in enumerate(p.containers):
            where = f"p{i}.c{k}"
            out[(where, "container.state")] = c.state.label
            out[(where, "container.exit")] = _EXIT[c.last_exit]
            out[(where, "container.restarts")] = str(c.restarts)
    return out


def phase(m: ClusterModel, statuses: Sequence[str]) -> str:
    """The phase the model's semantics (a mutant's own, if it has one) gives pod 0 with these statuses."""
    cs = [(int(s), int(e)) for s, e in (_STATUS[x] for x in statuses)]
    return PodPhase(m.rules.phase(PY, cs, m.config.slots[0].policy)).label


OBSERVE = ObserveSpec(kinds=KINDS, observe=observe, statuses=STATUSES, phase=phase)
