"""Conformance vectors: the model's answers as JSON that any implementation can replay.

* ``phase.json``: the phase function over every container-status combination of 1-3
  containers under each restart policy, with the ``containerStatuses`` a kubelet would write;
* ``pod-steps.json``: for one pod and its node under each policy (1 and 2 containers), every
  reachable state's allowed steps, and forbidden steps (states one field away that no step
  reaches);
* ``node-steps.json``: the same for a node on its own.

Everything is computed from the model (``phase_of`` and the compiled transitions), so the
vectors change exactly when the semantics does.  See ``docs/vectors.md``.

Under ``--profile modern`` the same three files come from the modern model:
``phase.json`` is today's ``getPhase`` over every multiset of container
statuses of up to 2 init containers, 1 sidecar and 3 main containers, and the
step files use the modern local models (init containers, sidecars, deletion).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from kubelife.model.engine.compile import compile_successors
from kubelife.model.k8s.cluster import ClusterModel, build
from kubelife.model.k8s.phase import phase_of_values
from kubelife.model.k8s.types import ClusterState, CState, Exit, Policy
from kubelife.oracle.abstract import Profile, profile
from kubelife.oracle.render import container_status

__all__ = ["CONTAINER_FORMS", "phase_vectors", "step_vectors", "write_vectors", "VERSION"]

VERSION = 1
# The container forms the model can hold: never started, restarting after an exit, running
# (after an exit or not), terminated with an exit.
CONTAINER_FORMS: tuple[tuple[CState, Exit], ...] = (
    *((CState.WAITING, e) for e in Exit),
    *((CState.RUNNING, e) for e in Exit),
    *((CState.TERMINATED, e) for e in Exit if e is not Exit.NONE),
)


def header(kind: str, prof: str) -> dict[str, Any]:
    return {"format": "kubelife-vectors", "version": VERSION, "kind": kind, "profile": prof}


def phase_vectors(prof: str = "seed", max_containers: int = 3) -> dict[str, Any]:
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


def _reachable(m: ClusterModel) -> tuple[list[int], dict[int, list[tuple[int, int]]]]:
    succ = compile_successors(m.system)
    init = m.shape.layout.pack(m.system.initial)
    seen, order, edges = {init}, [init], {}
    for s in order:
        edges[s] = succ(s)
        for _, t in edges[s]:
            if t not in seen:
                seen.add(t)
                order.append(t)
    return order, edges


def step_vectors(m: ClusterModel, with_pod: bool, state_json: Any = None) -> dict[str, Any]:
    """Allowed steps of every reachable state, and forbidden single-field changes between reachable states."""
    layout = m.shape.layout
    order, edges = _reachable(m)
    index = {s: k for k, s in enumerate(order)}
    states = [(state_json or _state_json)(m.decode(s), with_pod) for s in order]
    allowed, forbidden = [], []
    for s in order:
        nxt = {t for _, t in edges[s]}
        for i, t in edges[s]:
            a = m.system.transitions[i].action
            allowed.append({"from": index[s], "to": index[t], "step": a.kind, "name": a.name,
                            "args": {k: v for k, v in a.args if k != "pod"}, "events": list(a.reasons)})
        values = layout.unpack(s)
        for f, fld in enumerate(layout.fields):
            for v in range(fld.size):
                if v == values[f]:
                    continue
                t = layout.pack([*values[:f], v, *values[f + 1:]])
                if t in index and t not in nxt:
                    forbidden.append({"from": index[s], "to": index[t], "field": fld.name.split(".", 1)[1]
                                      if "." in fld.name else fld.name})
    return {"config": m.config.describe(), "states": states, "allowed": allowed, "forbidden": forbidden}


def write_vectors(out: Path, prof_name: str = "seed") -> dict[str, int]:
    """Write the three vector files into ``out``; returns how many vectors each holds."""
    prof: Profile = profile(prof_name)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    pods = []
    if prof.name == "modern":
        from kubelife.oracle import vectors_modern as vm

        phase = vm.modern_phase_vectors()
        pods = vm.modern_pod_models(step_vectors)
        node = step_vectors(build(prof.node_config(), prof.semantics), False, vm.modern_state_json)
    else:
        phase = phase_vectors(prof.name)
        for pol in Policy:
            for n in (1, 2):
                pods.append({"policy": pol.label, "containers": n,
                             **step_vectors(build(prof.local_config(pol, n, False), prof.semantics), True)})
        node = step_vectors(build(prof.node_config(), prof.semantics), False)
    counts["phase.json"] = phase["count"]
    files = {
        "phase.json": phase,
        "pod-steps.json": {**header("pod-steps", prof.name), "restart_cap": prof.restart_cap, "models": pods},
        "node-steps.json": {**header("node-steps", prof.name), **node},
    }
    counts["pod-steps.json"] = sum(len(p["allowed"]) + len(p["forbidden"]) for p in pods)
    counts["node-steps.json"] = len(node["allowed"]) + len(node["forbidden"])
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    return counts
