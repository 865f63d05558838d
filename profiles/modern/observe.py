"""The modern profile's observable projection, for ``kubelife diff`` (:class:`kubelife.profiles.ObserveSpec`).

Node readiness; per pod whether it exists, its phase, binding, Terminating, Ready and
DisruptionTarget; per container (sidecars ``s``, init containers ``i``, the others ``c``) its
state, reason, last termination and restart count.  A container with no status yet is seen
as ``Waiting`` with reason ``NoStatus``: profiles without the distinction compare on the state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase, Ready
from kubelife.profiles import ObserveSpec
from kubelife.profiles.modern.types import Kind, MContainer, MExit, MState, Pull

__all__ = ["OBSERVE", "observe", "phase", "STATUSES"]

KINDS = frozenset({"node.ready", "pod.exists", "pod.phase", "pod.node", "pod.terminating", "pod.ready",
                   "pod.disruption_target", "container.state", "container.reason", "container.exit",
                   "container.restarts"})
_TAG = {Kind.SIDECAR: "s", Kind.INIT: "i", Kind.MAIN: "c"}
_TERMINATIONS = (MExit.OK, MExit.ERROR, MExit.OOM, MExit.UNKNOWN)

_STATUS: dict[str, tuple[MState, MExit]] = {
    "NoStatus": (MState.ABSENT, MExit.NONE),
    "Waiting": (MState.WAITING, MExit.NONE),
    **{f"Waiting(last {e.label})": (MState.WAITING, e) for e in _TERMINATIONS},
    "Running": (MState.RUNNING, MExit.NONE),
    **{f"Terminated({e.label})": (MState.TERMINATED, e) for e in _TERMINATIONS},
}
STATUSES = tuple(_STATUS)


def _flag(x: bool) -> str:
    return "yes" if x else "no"


def observe(m: ClusterModel, values: Sequence[int]) -> dict[tuple[str, str], str]:
    # Read from the fields (a diff observes every state of two graphs); only the pod Ready condition
    # is the semantics' own, compiled once per model.
    v, sh = values, m.shape
    out: dict[tuple[str, str], str] = {}
    for n in sh.nodes:
        out[(f"n{n.n}", "node.ready")] = Ready(v[n.ready]).label
    ready = _ready(m.config, m.semantics)(v)
    for p in sh.pods:
        i = p.p
        out[(f"p{i}", "pod.exists")] = _flag(bool(v[p.exists]))
        if not v[p.exists]:
            continue
        out.update({(f"p{i}", "pod.phase"): PodPhase(v[p.phase]).label,
                    (f"p{i}", "pod.node"): f"n{v[p.node] - 1}" if v[p.node] else "none",
                    (f"p{i}", "pod.terminating"): _flag(bool(v[p.deleting])), (f"p{i}", "pod.ready"): _flag(ready[i]),
                    (f"p{i}", "pod.disruption_target"): _flag(bool(v[p.disruption]))})
        for c in p.all:
            where = f"p{i}.{_TAG[c.kind]}{c.k}"
            state = MState(v[c.state])
            seen = MContainer(c.kind, state, MExit(v[c.last]), v[c.restarts], bool(v[c.backoff]), Pull(v[c.pull]),
                              bool(p.inits or p.sidecars))
            absent = state is MState.ABSENT
            out[(where, "container.state")] = "Waiting" if absent else state.label
            out[(where, "container.reason")] = "NoStatus" if absent else seen.reason or "-"
            out[(where, "container.exit")] = seen.last.label
            out[(where, "container.restarts")] = str(v[c.restarts])
    return out


@lru_cache(maxsize=128)
def _ready(config: Config, semantics: type) -> Callable[[Sequence[int]], tuple[bool, ...]]:
    m = ClusterModel(config, semantics)
    names = [f"v[{i}]" for i in range(len(m.shape.layout))]
    exprs = [f"bool({m.rules.pod_ready(names, PY, p)})" for p in m.shape.pods]
    return _function(f"def ready(v):\n    return ({', '.join(exprs)},)\n", "ready")


def _function(src: str, name: str) -> Any:
    scope: dict[str, Any] = {}
    exec(compile(src, f"<modern {name}>", "exec"), scope)  # noqa: S102 - code generated from the model itself
    return scope[name]


def phase(m: ClusterModel, statuses: Sequence[str]) -> str:
    """The phase the model's semantics (version, gates, a mutant's own hook) gives pod 0 with these statuses."""
    fn = _compiled(m.config, m.semantics)
    return PodPhase(fn(*(int(x) for s in statuses for x in _STATUS[s]))).label


@lru_cache(maxsize=128)
def _compiled(config: Config, semantics: type) -> Callable[..., int]:
    # The semantics is written over Ops, so PyOps turns it into Python code once per pod shape
    # (a diff evaluates it on thousands of status combinations).
    m = ClusterModel(config, semantics)
    p = m.shape.pods[0]
    v: list[Any] = list(m.shape.initial())
    v[p.exists], v[p.node] = 1, 1
    names = []
    for k, c in enumerate(p.all):
        v[c.state], v[c.last] = f"s{k}", f"e{k}"
        names += [f"s{k}", f"e{k}"]
    return _function(f"def phase({', '.join(names)}):\n    return int({m.rules.phase(PY, v, p)})\n", "phase")


OBSERVE = ObserveSpec(kinds=KINDS, observe=observe, statuses=STATUSES, phase=phase)
