"""Regenerate the model-derived traces in this directory: ``python tests/data/traces/make_traces.py``.

Each trace is a run of a model (the seed model, or a mutant for a divergent
implementation) rendered as the API server's watch stream: one
ADDED/MODIFIED/DELETED line per object change, with increasing
resourceVersions.  ``rows/`` holds one trace per scenario row and a copy
declaring the wrong restart policy; ``mutants/`` one trace per mutant.
The hand-written traces (kubectl output, lists, snake_case, malformed
input) sit next to this script and are not generated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from kubelife.model.k8s.config import Config  # noqa: E402
from kubelife.model.k8s.trace import replay  # noqa: E402
from kubelife.model.k8s.types import PodPhase, Policy  # noqa: E402
from kubelife.profiles import build  # noqa: E402
from kubelife.profiles.seed.mutants import MUTANTS  # noqa: E402
from kubelife.profiles.seed.render import node_object, pod_object  # noqa: E402

HERE = Path(__file__).parent
NODES = ("node-a", "node-b")
A, O, N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER


def n1(n: int) -> tuple[str, dict[str, Any]]:
    return ("N1", {"node": n})


def st(c: int = 0) -> tuple[str, dict[str, Any]]:
    return ("P2", {"pod": 0, "container": c})


def ex(code: str, c: int = 0) -> tuple[str, dict[str, Any]]:
    return ("P3", {"pod": 0, "container": c, "code": code})


def rs(c: int = 0) -> tuple[str, dict[str, Any]]:
    return ("P4", {"pod": 0, "container": c})


def up(containers: int, nodes: int = 1) -> list[tuple[str, dict[str, Any]]]:
    return [*(n1(n) for n in range(nodes)), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0}),
            *(st(c) for c in range(containers))]


def render(cfg: Config, actions: list[tuple[str, dict[str, Any]]], semantics: Any = None, *,
           policy_label: Policy | None = None, keep: Any = None, hide_node_faults: bool = False) -> str:
    """The watch stream of a model run; ``keep(step)`` drops pod observations to coalesce updates."""
    m = build(cfg, semantics) if semantics else build(cfg)
    t = replay(m, actions)
    states = [m.shape.decode(v) for v in t.states()]
    rv, out = 100, []
    gen = [0] * len(cfg.slots)
    restarts: list[list[int]] = [[0] * s.containers for s in cfg.slots]
    prev = states[0]
    for k, cur in enumerate(states[1:], 1):
        a = t.steps[k - 1].action
        for i, (pn, cn) in enumerate(zip(prev.nodes, cur.nodes)):
            if pn != cn and not (hide_node_faults and a.kind in ("N2", "N4", "N5")):
                rv += 1
                kind = "DELETED" if cn.phase.label == "Terminated" else ("ADDED" if a.kind == "N1" else "MODIFIED")
                obj = node_object(NODES[i], pn if kind == "DELETED" else cn, rv=rv)
                out.append({"type": kind, "object": obj})
        for i, (pp, cp) in enumerate(zip(prev.pods, cur.pods)):
            spec = cfg.slots[i]
            if a.kind == "P2" and a.arg("pod") == i and pp.containers[a.arg("container")].last_exit.label != "none":
                restarts[i][a.arg("container")] += 1
            if pp == cp or (keep is not None and cp.exists and pp.exists and not keep(k)):
                continue
            rv += 1
            name = f"web-{i}-{gen[i]}"
            pol = policy_label if policy_label is not None else spec.policy
            if not cp.exists:
                obj = pod_object(name, pp, pol, node=_node(pp), rv=rv, controlled=spec.controlled,
                                 restarts=restarts[i], node_lost=True)
                out.append({"type": "DELETED", "object": obj})
                gen[i] += 1
                restarts[i] = [0] * spec.containers
                continue
            lost = cp.phase is PodPhase.FAILED and a.kind == "N4" and not hide_node_faults
            obj = pod_object(name, cp, pol, node=_node(cp), rv=rv, controlled=spec.controlled,
                             restarts=restarts[i], node_lost=lost)
            out.append({"type": "ADDED" if not pp.exists else "MODIFIED", "object": obj})
        prev = cur
    return "".join(json.dumps(x, separators=(",", ":")) + "\n" for x in out)


def _node(p: Any) -> str | None:
    return NODES[p.node] if p.node is not None else None


def cfg(policy: Policy, containers: int = 1, nodes: int = 1, slots: int = 1) -> Config:
    return Config.uniform(nodes=nodes, slots=slots, replicas=1, containers=containers, policy=policy, restart_cap=3)


# row id -> (policy, containers, actions, wrong policy)
ROWS: dict[str, tuple[Policy, int, list[tuple[str, dict[str, Any]]], Policy]] = {
    "S1-Always": (A, 1, [*up(1), ex("ok"), rs(), st()], O),
    "S1-OnFailure": (O, 1, [*up(1), ex("ok")], A),
    "S1-Never": (N, 1, [*up(1), ex("ok")], A),
    "S2-Always": (A, 1, [*up(1), ex("error"), rs(), st()], N),
    "S2-OnFailure": (O, 1, [*up(1), ex("error"), rs(), st()], N),
    "S2-Never": (N, 1, [*up(1), ex("error")], O),
    "S3-Always": (A, 2, [*up(2), ex("error"), rs(), st()], N),
    "S3-OnFailure": (O, 2, [*up(2), ex("error"), rs(), st()], N),
    "S3-Never": (N, 2, [*up(2), ex("error"), ex("ok", 1)], O),
    "S4-Always": (A, 2, [*up(2), ex("error"), ex("ok", 1), rs(), rs(1), st(), st(1)], N),
    "S4-OnFailure": (O, 2, [*up(2), ex("error"), ex("error", 1), rs(), st()], N),
    "S4-Never": (N, 2, [*up(2), ex("error"), ex("ok", 1)], O),
    "S5-Always": (A, 1, [*up(1), ex("oom"), rs(), st()], N),
    "S5-OnFailure": (O, 1, [*up(1), ex("oom"), rs(), st()], N),
    "S5-Never": (N, 1, [*up(1), ex("oom")], O),
}

# Node fault rows: the violating copy hides the node's fault (the node stays Ready in the trace).
FAULTS: dict[str, tuple[list[tuple[str, dict[str, Any]]], int]] = {
    "S6": ([*up(1, 2), ("N5", {"node": 0})], 1),
    "S6-controlled": ([*up(1, 2), ("N5", {"node": 0}), ("R1", {"slot": 1}), ("P1", {"pod": 1, "node": 1}),
                       ("P2", {"pod": 1, "container": 0})], 2),
    "S7": ([*up(1, 2), ("N2", {"node": 0}), ("N4", {"node": 0})], 1),
    "S7-controlled": ([*up(1, 2), ("N2", {"node": 0}), ("N4", {"node": 0}), ("R1", {"slot": 1}),
                       ("P1", {"pod": 1, "node": 1}), ("P2", {"pod": 1, "container": 0})], 2),
    "node-terminated": ([*up(1, 2), ("N6", {"node": 0})], 1),
}

# mutant -> (policy, containers, actions run in the mutant model)
MUTANT_RUNS: dict[str, tuple[Policy, int, list[tuple[str, dict[str, Any]]]]] = {
    "onfailure-restarts-success": (O, 2, [*up(2), ex("ok"), rs(), st()]),
    "never-restarts": (N, 2, [*up(2), ex("error"), rs(), st()]),
    "crashloop-pending": (A, 1, [*up(1), ex("error"), rs()]),
    "disk-failure-keeps-running": (A, 1, [*up(1), ("N5", {"node": 0})]),
    "lost-node-keeps-pods": (A, 1, [*up(1), ("N2", {"node": 0}), ("N4", {"node": 0})]),
    "no-replacement": (A, 1, [*up(1), ("N5", {"node": 0})]),
    "terminal-restart": (A, 1, [*up(1), ("N2", {"node": 0}), ("N4", {"node": 0}), ("N3", {"node": 0}),
                             ex("error"), rs(), st()]),
}


def main() -> None:
    (HERE / "rows").mkdir(exist_ok=True)
    (HERE / "mutants").mkdir(exist_ok=True)
    for rid, (pol, c, acts, wrong) in ROWS.items():
        (HERE / "rows" / f"{rid}.jsonl").write_text(render(cfg(pol, c), acts))
        (HERE / "rows" / f"{rid}.wrong-policy.jsonl").write_text(render(cfg(pol, c), acts, policy_label=wrong))
    # Coalesced: the pod is seen only every third change, so the oracle must find the hidden steps.
    acts = [*up(1), ex("error"), rs(), st(), ex("error"), rs(), st()]
    (HERE / "rows" / "S2-Always.coalesced.jsonl").write_text(render(cfg(A), acts, keep=lambda k: k % 3 == 0))
    for rid, (acts, slots) in FAULTS.items():
        c = cfg(A, 1, nodes=2, slots=slots)
        (HERE / "rows" / f"{rid}.jsonl").write_text(render(c, acts))
        if rid.startswith("S"):
            (HERE / "rows" / f"{rid}.hidden-fault.jsonl").write_text(render(c, acts, hide_node_faults=True))
    for name, (pol, c, acts) in MUTANT_RUNS.items():
        (HERE / "mutants" / f"{name}.jsonl").write_text(render(cfg(pol, c), acts, MUTANTS[name]))


if __name__ == "__main__":
    main()
