"""Regenerate the modern traces in this directory: ``python tests/data/traces/modern/make_modern_traces.py``.

Each trace is a run of the modern model (or of a modern mutant, for a divergent
implementation) rendered as the API server's watch stream: one
ADDED/MODIFIED/DELETED line per object change, with increasing resourceVersions,
objects as today's API server writes them (``initContainerStatuses``, waiting and
terminated reasons, ``lastState``, ``deletionTimestamp``, pod conditions,
NoExecute taints).  ``*.kubectl.json`` copies are the same run as
``kubectl get pods -w -o json`` prints it (indented objects one after another).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from kubelife.model.k8s.config import Config, SlotSpec  # noqa: E402
from kubelife.model.k8s.trace import replay  # noqa: E402
from kubelife.model.k8s.types import Policy  # noqa: E402
from kubelife.profiles import build  # noqa: E402
from kubelife.profiles.modern.mutants import MODERN_MUTANTS  # noqa: E402
from kubelife.profiles.modern.render import modern_node_object, modern_pod_object  # noqa: E402
from kubelife.profiles.modern.semantics import ModernSemantics  # noqa: E402

HERE = Path(__file__).parent
NODES = ("node-a", "node-b")
A, O, N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER
Act = tuple[str, dict[str, Any]]


def a(kind: str, **args: Any) -> Act:
    return (kind, {"pod": 0, **args} if kind not in ("N1", "N2", "N3", "N4", "N5", "N6", "R1") else args)


def up(*containers: str) -> list[Act]:
    return [("N1", {"node": 0}), ("R1", {"slot": 0}), a("P1", node=0), a("K1"), *(a("P2", container=c)
                                                                                 for c in containers)]


def cfg(policy: Policy, inits: int = 0, sidecars: int = 0) -> Config:
    spec = SlotSpec(policy=policy, containers=1, controlled=True, inits=inits, sidecars=sidecars,
                    user_deletes=True, image_pull_errors=True)
    return Config(1, (spec,), replicas=1, restart_cap=3, profile="modern", name="trace")


def render(c: Config, actions: list[Act], semantics: Any = ModernSemantics, *,
           label: Policy | None = None) -> list[dict[str, Any]]:
    """The watch events of a model run (an object is written whenever its rendering changes)."""
    m = build(c, semantics)
    t = replay(m, actions)
    states = [m.shape.decode(v) for v in t.states()]
    rv, out, gen = 100, [], 0
    spec = c.slots[0]
    pol = label if label is not None else spec.policy

    def pod(st: Any, r: int) -> dict[str, Any]:
        p = st.pods[0]
        return modern_pod_object(f"web-0-{gen}", p, pol, node=NODES[p.node] if p.node is not None else None,
                                 rv=r, controlled=spec.controlled)

    prev = states[0]
    for cur in states[1:]:
        for i, (pn, cn) in enumerate(zip(prev.nodes, cur.nodes)):
            if modern_node_object(NODES[i], pn) != modern_node_object(NODES[i], cn):
                rv += 1
                kind = "DELETED" if cn.obj.label == "Deleted" else (
                    "ADDED" if pn.obj.label == "Pending" else "MODIFIED")
                obj = modern_node_object(NODES[i], pn if kind == "DELETED" else cn, rv=rv)
                out.append({"type": kind, "object": obj})
        pp, cp = prev.pods[0], cur.pods[0]
        if pp.exists and not cp.exists:
            rv += 1
            out.append({"type": "DELETED", "object": pod(prev, rv)})
            gen += 1
        elif cp.exists and (not pp.exists or pod(prev, 0) != pod(cur, 0)):
            rv += 1
            out.append({"type": "MODIFIED" if pp.exists else "ADDED", "object": pod(cur, rv)})
        prev = cur
    return out


def watch(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(x, separators=(",", ":")) + "\n" for x in events)


def kubectl(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e["object"], indent=4) + "\n" for e in events if e["object"]["kind"] == "Pod")


LOST = [*up("c0"), ("N2", {"node": 0}), ("N4", {"node": 0}), a("E1")]
CRASHLOOP = [*up("c0"), a("P3", container="c0", code="Error"), a("P4", container="c0"),
             a("P3", container="c0", code="Error"), a("P4", container="c0"), a("P2", container="c0")]

# name -> (config, actions): conformant under --profile modern
CONFORMANT: dict[str, tuple[Config, list[Act]]] = {
    "S7-lost-node-terminating": (cfg(A), LOST),
    "crashloop-backoff": (cfg(A), CRASHLOOP),
    "image-pull-backoff": (cfg(A), [*up(), a("C1", container="c0"), a("C2", container="c0"),
                                    a("P2", container="c0")]),
    "init-sidecar-Never": (cfg(N, 1, 1), [*up("s0", "i0"), a("P3", container="i0", code="Completed"),
                                          a("P2", container="c0"), a("P3", container="c0", code="Completed"),
                                          a("K2")]),
    "init-fails-Never": (cfg(N, 1), [*up("i0"), a("P3", container="i0", code="Error")]),
    "init-retried-OnFailure": (cfg(O, 1), [*up("i0"), a("P3", container="i0", code="Error"),
                                           a("P4", container="i0"), a("P3", container="i0", code="Completed"),
                                           a("P2", container="c0")]),
    "graceful-delete": (cfg(A), [*up("c0"), a("D1"), a("K4"), a("K5")]),
    # Scenario rows restated under modern (properties/modern_rows.py).
    "S1-OnFailure": (cfg(O), [*up("c0"), a("P3", container="c0", code="Completed")]),
    "S2-Never": (cfg(N), [*up("c0"), a("P3", container="c0", code="Error")]),
    "S5-Always": (cfg(A), [*up("c0"), a("P3", container="c0", code="OOMKilled"), a("P4", container="c0")]),
    "S6-disk-pressure": (cfg(A), [*up("c0"), ("N5", {"node": 0})]),
    "N-dead-pods": (cfg(N), [*up("c0"), ("N6", {"node": 0}), a("G1"), a("P5")]),
    "M-sidecar-crash": (cfg(A, 0, 1), [*up("s0", "c0"), a("P3", container="s0", code="Error"),
                                       a("P4", container="s0")]),
}

WRONG_POLICY = {"crashloop-backoff": N, "S1-OnFailure": A, "S2-Never": O, "S5-Always": N}

# name -> (config, actions run in the mutant model, mutant): violations under --profile modern
MUTANT_RUNS: dict[str, tuple[Config, list[Act], str]] = {
    "eviction-fails-pod": (cfg(A), LOST, "eviction-fails-pod"),
    "crashloop-pending": (cfg(A), CRASHLOOP, "crashloop-pending"),
    "restart-while-terminating": (cfg(A), [*up("c0"), a("D1"), a("P3", container="c0", code="Error"),
                                           a("P4", container="c0")], "restart-while-terminating"),
    "init-failure-fails-pod": (cfg(O, 1), [*up("i0"), a("P3", container="i0", code="Error")],
                               "init-failure-fails-pod"),
    "remove-without-terminal-phase": (cfg(A), [*up("c0"), a("D1"), a("K4"), a("K5")],
                                      "remove-without-terminal-phase"),
}


def main() -> None:
    (HERE / "mutants").mkdir(exist_ok=True)
    for name, (c, acts) in CONFORMANT.items():
        ev = render(c, acts)
        (HERE / f"{name}.jsonl").write_text(watch(ev))
    (HERE / "crashloop-backoff.kubectl.json").write_text(kubectl(render(*CONFORMANT["crashloop-backoff"])))
    # The same runs declaring a restart policy under which they cannot happen.
    for name, wrong in WRONG_POLICY.items():
        (HERE / f"{name}.wrong-policy.jsonl").write_text(watch(render(*CONFORMANT[name], label=wrong)))
    for name, (c, acts, mutant) in MUTANT_RUNS.items():
        ev = render(c, acts, MODERN_MUTANTS[mutant])
        (HERE / "mutants" / f"{name}.jsonl").write_text(watch(ev))
    # A pods-only watch (no Node objects: the node is taken as healthy, its kubelet reporting) of a
    # kubelet that removes a Terminating pod without writing a terminal phase.  With the node shown
    # Ready the trace is conformant: a force delete after an unseen partition explains the removal.
    ev = render(*MUTANT_RUNS["remove-without-terminal-phase"][:2], MODERN_MUTANTS["remove-without-terminal-phase"])
    (HERE / "mutants" / "remove-without-terminal-phase.pods-only.jsonl").write_text(
        watch([e for e in ev if e["object"]["kind"] == "Pod"]))


if __name__ == "__main__":
    main()
