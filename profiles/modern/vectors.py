"""Conformance vectors of the ``modern`` profile (see ``docs/vectors.md``, section "modern").

The phase vectors evaluate the modern model's own phase function
(:func:`kubelife.profiles.modern.phase.modern_phase`, folded to constants by ``PyOps``)
on every multiset of container statuses: the phase function only counts
statuses, so the order of containers of one kind does not change the answer.
"""

from __future__ import annotations

import itertools
from typing import Any

import kubelife.profiles.modern.versions as versions
from kubelife.model.engine.ops import PY
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import PodPhase, Policy
from kubelife.oracle.vectors import header, step_vectors
from kubelife.profiles.modern.phase import has_initialized, modern_phase
from kubelife.profiles.modern.render import modern_container_status
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.types import Kind, MCluster, MContainer, MExit, MState, Pull

__all__ = ["FORMS", "SIDECAR_FORMS", "modern_phase_vectors", "modern_state_json", "modern_pod_models"]

# name -> (state, most recent termination, started): the statuses getPhase tells apart.
FORMS: dict[str, tuple[MState, MExit, bool]] = {
    "NoStatus": (MState.ABSENT, MExit.NONE, False),
    "ContainerCreating": (MState.WAITING, MExit.NONE, False),
    "CrashLoopBackOff(Completed)": (MState.WAITING, MExit.OK, False),
    "CrashLoopBackOff(Error)": (MState.WAITING, MExit.ERROR, False),
    "Running": (MState.RUNNING, MExit.NONE, True),
    "Completed": (MState.TERMINATED, MExit.OK, False),
    "Error": (MState.TERMINATED, MExit.ERROR, False),
}
# A sidecar may also be running but not yet started (startup probe or postStart not done).
SIDECAR_FORMS = {**FORMS, "Running(not started)": (MState.RUNNING, MExit.NONE, False)}

NAME = ModernSemantics.profile


def _legend() -> dict[str, Any]:
    out = {}
    for name, (state, last, started) in SIDECAR_FORMS.items():
        c = MContainer(Kind.MAIN, state, last, 1 if state is MState.WAITING and last is not MExit.NONE else 0,
                       False, Pull.OK)
        status = modern_container_status("x", c, c.restarts)
        if status is not None:
            status["started"] = started
        out[name] = {"state": state.label, "last": last.label, "started": started, "containerStatus": status}
    return out


def _phase(policy: Policy, inits: tuple[str, ...], sidecars: tuple[str, ...], mains: tuple[str, ...],
           cfg: Config) -> PodPhase:
    st = [FORMS[x] for x in inits], [SIDECAR_FORMS[x] for x in sidecars], [FORMS[x] for x in mains]
    ints = [[(int(s), int(e), started) for s, e, started in group] for group in st]
    # The version's getPhase inputs (docs/fidelity.md B1, B2); one sandbox: no recreated one.
    initialized = has_initialized(PY, ints[2], versions.initialization_rule(cfg))
    return PodPhase(modern_phase(PY, ints[0], ints[1], ints[2], policy, [None] * len(mains),
                                 restart_rules=versions.own_policies(cfg), initialized=initialized,
                                 regular_inits_hold=versions.regular_inits_hold(cfg)))


def _version_cfg(kubernetes: str, gates: tuple[tuple[str, bool], ...]) -> Config:
    return Config(1, (SlotSpec(),), profile=NAME, kubernetes=kubernetes, gates=gates)


def _versioned(kind: str, cfg: Config) -> dict[str, Any]:
    """The header, naming the effective version and every modelled gate's value."""
    return {**header(kind, NAME), "kubernetes": versions.version(cfg), "gates": versions.effective_gates(cfg)}


def modern_phase_vectors(max_inits: int = 2, max_sidecars: int = 1, max_mains: int = 3, kubernetes: str = "",
                         gates: tuple[tuple[str, bool], ...] = ()) -> dict[str, Any]:
    """The phase of every multiset of statuses: 0..max_inits init, 0..max_sidecars sidecar, 1..max_mains main."""
    cfg = _version_cfg(kubernetes, gates)
    def multisets(forms: dict[str, Any], lo: int, hi: int) -> list[tuple[str, ...]]:
        return [c for n in range(lo, hi + 1) for c in itertools.combinations_with_replacement(forms, n)]

    out = []
    for pol in Policy:
        for inits in multisets(FORMS, 0, max_inits):
            for sidecars in multisets(SIDECAR_FORMS, 0, max_sidecars):
                for mains in multisets(FORMS, 1, max_mains):
                    out.append({"policy": pol.label, "initContainers": list(inits), "sidecars": list(sidecars),
                                "containers": list(mains), "phase": _phase(pol, inits, sidecars, mains, cfg).label})
    return {**_versioned("phase", cfg), "multisets": True, "forms": _legend(), "count": len(out), "vectors": out}


def modern_state_json(st: MCluster, with_pod: bool) -> dict[str, Any]:
    n = st.nodes[0]
    out: dict[str, Any] = {"node": {"object": n.obj.label, "heartbeat": n.heartbeat, "ready": n.ready.label,
                                    "taint": n.taint.label, "disk_pressure": n.disk_pressure}}
    if with_pod:
        p = st.pods[0]
        out["pod"] = {"exists": p.exists, "phase": p.phase.label, "bound": p.node is not None,
                      "terminating": p.deleting, "conditions": p.conditions,
                      "containers": [{"kind": c.kind.name.lower(), "state": c.state.label, "reason": c.reason,
                                      "last": c.last.label, "restarts": c.restarts, "backoff": c.backoff,
                                      "pull": c.pull.label} for c in p.containers]}
    return out


_ENV: dict[str, Any] = {"user_deletes": True, "image_pull_errors": True, "unknown_exits": True}
# Issue 17's kubelet events: admission rejection, ephemeral-storage eviction, sandbox restarts.
_KUBELET: dict[str, Any] = {"admission_rejects": True, "storage_evictions": True, "sandbox_restarts": True}

# (label, main containers, init containers, sidecars, environment events)
MODELS: tuple[tuple[str, int, int, int, dict[str, Any]], ...] = (
    ("1 container, deletes, pull errors, lost containers", 1, 0, 0, _ENV),
    ("1 init container, 1 container", 1, 1, 0, {}),
    ("1 sidecar, 1 container", 1, 0, 1, {}),
    ("1 init container, 1 container, admission rejections, storage evictions, sandbox restarts", 1, 1, 0, _KUBELET),
)


def modern_pod_models(kubernetes: str = "", gates: tuple[tuple[str, bool], ...] = ()) -> list[dict[str, Any]]:
    out = []
    for pol in Policy:
        for label, mains, inits, sidecars, env in MODELS:
            spec = SlotSpec(policy=pol, containers=mains, controlled=False, initial=True, inits=inits,
                            sidecars=sidecars, **env)
            cfg = Config(1, (spec,), replicas=0, restart_cap=1, profile=NAME, name=f"vectors {label}",
                         kubernetes=kubernetes, gates=gates)
            out.append({"policy": pol.label, "containers": mains, "initContainers": inits, "sidecars": sidecars,
                        "environment_events": sorted(env),
                        **step_vectors(ClusterModel(cfg, ModernSemantics), True, modern_state_json)})
    return out


def modern_vectors(kubernetes: str = "", gates: tuple[tuple[str, bool], ...] = ()) -> dict[str, dict[str, Any]]:
    """phase.json, pod-steps.json and node-steps.json for the modern model, at a version and gates."""
    from kubelife.profiles.modern.oracle import ModernAbstraction

    prof = ModernAbstraction(kubernetes=kubernetes, gates=gates)
    cfg = _version_cfg(kubernetes, gates)
    node = step_vectors(prof.build(prof.node_config()), False, modern_state_json)
    return {
        "phase.json": modern_phase_vectors(kubernetes=kubernetes, gates=gates),
        "pod-steps.json": {**_versioned("pod-steps", cfg), "restart_cap": prof.restart_cap,
                           "models": modern_pod_models(kubernetes, gates)},
        "node-steps.json": {**_versioned("node-steps", cfg), **node},
    }
