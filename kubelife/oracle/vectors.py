"""Conformance vectors: the model's answers as JSON that any implementation can replay.

Each profile that offers vectors (``Profile.vectors``) returns three documents:

* ``phase.json``: its phase function over container-status combinations, with the
  ``containerStatuses`` a kubelet would write;
* ``pod-steps.json``: for one pod and its node, every reachable state's allowed steps, and
  forbidden steps (states one field away that no step reaches);
* ``node-steps.json``: the same for a node on its own.

This module holds what every profile shares: the header, the step vectors of a model
(computed from its compiled transitions, so vectors change exactly when the semantics
does) and the writer.  See ``docs/vectors.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kubelife.model.engine.compile import compile_successors
from kubelife.model.k8s.cluster import ClusterModel

__all__ = ["header", "step_vectors", "write_vectors", "VERSION"]

VERSION = 1


def header(kind: str, prof: str) -> dict[str, Any]:
    return {"format": "kubelife-vectors", "version": VERSION, "kind": kind, "profile": prof}


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


def step_vectors(m: ClusterModel, with_pod: bool, state_json: Any) -> dict[str, Any]:
    """Allowed steps of every reachable state, and forbidden single-field changes between reachable states.

    ``state_json(decoded_state, with_pod)`` is the profile's readable form of a state.
    """
    layout = m.shape.layout
    order, edges = _reachable(m)
    index = {s: k for k, s in enumerate(order)}
    states = [state_json(m.decode(s), with_pod) for s in order]
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


def _count(doc: dict[str, Any]) -> int:
    if "count" in doc:
        return int(doc["count"])
    if "models" in doc:
        return sum(len(p["allowed"]) + len(p["forbidden"]) for p in doc["models"])
    return len(doc["allowed"]) + len(doc["forbidden"])


def write_vectors(out: Path, profile: Any = None, kubernetes: str = "",
                  gates: tuple[tuple[str, bool], ...] = ()) -> dict[str, int]:
    """Write a profile's vector files into ``out``; returns how many vectors each holds.

    ``kubernetes`` and ``gates`` (profiles that model versions) are checked by the profile, then
    handed to its vectors function; a bad one raises ``ProfileError`` (one sentence).
    """
    from kubelife import profiles
    from kubelife.model.k8s.config import Config, SlotSpec

    prof = profiles.resolve(profile)
    make = profiles.require(prof, "conformance vectors")
    if kubernetes or gates:
        prof.configure(Config(1, (SlotSpec(),), kubernetes=kubernetes, gates=gates))
        files: dict[str, dict[str, Any]] = make(kubernetes=kubernetes, gates=gates)
    else:
        files = make()
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    return {name: _count(doc) for name, doc in files.items()}
