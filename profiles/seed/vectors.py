"""The ``seed`` profile's conformance vectors (see :mod:`kubelife.oracle.vectors`)."""

from __future__ import annotations

import itertools
from typing import Any

from kubelife.model.k8s.types import ClusterState, CState, Exit, Policy
from kubelife.oracle.vectors import header, step_vectors
from kubelife.profiles.seed.phase import phase_of_values
from kubelife.profiles.seed.render import container_status

__all__ = ["CONTAINER_FORMS", "phase_vectors", "seed_vectors"]

NAME = "seed"

# The container forms the model can hold: never started, restarting after an exit, running
# (after an exit or not), terminated with an exit.
CONTAINER_FORMS: tuple[tuple[CState, Exit], ...] = (
    *((CState.WAITING, e) for e in Exit),
    *((CState.RUNNING, e) for e in Exit),
    *((CState.TERMINATED, e) for e in Exit if e is not Exit.NONE),
)


def phase_vectors(prof: str = NAME, max_containers: int = 3) -> dict[str, Any]:
    out = []
    for pol in Policy:
        for n in range(1, max_containers + 1):
            for combo in itertools.product(CONTAINER_FORMS, repeat=n):
                phase = phase_of_values(combo, pol)
                names = [f"c{i}" for i in range(n)]
                out.append({
                    "policy": pol.label,
                    "containers": [{"state": s.label, "last_exit": e.label} for s, e in combo],
                    "containerStatuses": [container_status(nm, s, e, 0 if e is Exit.NONE or s is CState.TERMINATED
                                                           else 1) for nm, (s, e) in zip(names, combo)],
                    "phase": phase.label,
                })
    return {**header("phase", prof), "count": len(out), "vectors": out}


def _state_json(st: ClusterState, with_pod: bool) -> dict[str, Any]:
    n = st.nodes[0]
    out: dict[str, Any] = {"node": {"phase": n.phase.label, "reachable": n.reachable, "ready": n.ready.label,
                                    "disk_ok": n.disk_ok}}
    if with_pod:
        p = st.pods[0]
        out["pod"] = {"exists": p.exists, "phase": p.phase.label, "bound": p.node is not None,
                      "containers": [{"state": c.state.label, "last_exit": c.last_exit.label, "restarts": c.restarts}
                                     for c in p.containers]}
    return out


def seed_vectors() -> dict[str, dict[str, Any]]:
    """phase.json, pod-steps.json and node-steps.json for the seed model."""
    from kubelife.profiles.seed.oracle import SeedAbstraction

    prof = SeedAbstraction()
    pods = [{"policy": pol.label, "containers": n,
             **step_vectors(prof.build(prof.local_config(pol, n, False)), True, _state_json)}
            for pol in Policy for n in (1, 2)]
    node = step_vectors(prof.build(prof.node_config()), False, _state_json)
    return {
        "phase.json": phase_vectors(NAME),
        "pod-steps.json": {**header("pod-steps", NAME), "restart_cap": prof.restart_cap, "models": pods},
        "node-steps.json": {**header("node-steps", NAME), **node},
    }
