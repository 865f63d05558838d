"""What the oracle says about the first observation the model cannot explain.

Given the search that failed, :func:`divergence` builds the explanation: the model state before,
the steps the model allows from there, the closest observation it allows with the hidden steps
that reach it, and the fields that differ, in the object's own names (its containers and node).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubelife.oracle.search import LocalModel, NodeSeq, SearchResult, Target
from kubelife.oracle.verdict import Divergence

__all__ = ["Seen", "divergence", "describe", "action"]


@dataclass(frozen=True)
class Seen:
    """What the oracle held about an object when the search failed."""

    starts: frozenset[int]  # the model states the previous observation left possible
    containers: tuple[str, ...]  # container names, in the order observations use
    restarts: tuple[int | None, ...]  # the restart counts last observed
    node: str | None  # the node's name
    events: dict[str, int]  # Event reasons seen since the previous observation
    pod: bool  # a pod's model (pod and node), or the node-only model


def _container_position(lm: LocalModel, tag: str) -> str | int:
    """The position of a container named by tag in the pod's field layout (the order observations use)."""
    states = [f.name for f in lm.layout.fields if f.name.startswith("p0.") and f.name.endswith(".state")]
    want = f"p0.{tag}.state"
    return states.index(want) if want in states else tag


def describe(lm: LocalModel, s: int, node: str | None, pod: bool) -> str:
    """A model state of a local model, with the node's real name."""
    st = lm.model.decode(s)
    text = f"node {st.nodes[0]}"
    if pod:
        text = f"pod {st.pods[0]}; " + text
    return text.replace("@n0", f"@{node}") if node else text


def action(lm: LocalModel, i: int, containers: tuple[str, ...], node: str | None = None) -> str:
    """A transition of a local model, with the object's container and node names."""
    a = lm.action(i)
    args = []
    for k, val in a.args:
        if k == "pod":
            continue
        if k == "container" and isinstance(val, str):  # a profile that names containers ("i0", "c1")
            val = _container_position(lm, val)
        if k == "container" and isinstance(val, int) and val < len(containers):
            val = containers[val]
        if k == "node" and node:
            val = node
        args.append(f"{k}={val}")
    return f"{a.kind} {a.name}({', '.join(args)})"


def divergence(lm: LocalModel, res: SearchResult, seen: Seen, *, line: int, time: str | None, observed: str,
               target: Target, deltas: tuple[int, ...], bound: int, node_seq: NodeSeq, reason: str,
               status: str) -> Divergence:
    """The explanation of an observation no path of the search reached (``status``: violation or gap)."""
    start = res.closest_start if res.closest_start is not None else next(iter(seen.starts))
    names, node = seen.containers, seen.node
    allowed = [action(lm, i, names, node) for i, _ in lm.succ(start)]
    down = [f"{names[c]} {seen.restarts[c]} -> {(seen.restarts[c] or 0) + d}" for c, d in enumerate(deltas) if d < 0]
    if reason:
        pass
    elif down:
        reason = f"restartCount went down ({', '.join(down)}); restart counts never decrease"
    elif status == "violation":
        reason = "no sequence of model steps from the state before leads to this observation"
    else:
        reason = (f"no path of at most {bound} hidden steps explains this observation "
                  "(unexplained gap; --max-hidden-steps searches further)")
    differs = []
    if res.closest is not None:
        for f, vs in target.fields + node_seq[-1]:
            have = lm.field(res.closest, f)
            if have not in vs:
                want = "|".join(lm.shape.value_label(f, x) for x in sorted(vs) if x != 255) or "(another node)"
                if lm.shape.field_label(f).endswith(".node") and node:
                    want = want.replace("n0", node)
                differs.append(f"{lm.shape.field_label(f).replace('p0.', '').replace('n0.', 'node.')}: "
                               f"model {lm.shape.value_label(f, have)}, observed {want}")
    return Divergence(
        line=line, time=time, observed=observed, before=describe(lm, start, node, seen.pod), allowed=allowed,
        closest=describe(lm, res.closest, node, seen.pod) if res.closest is not None else None,
        closest_path=[action(lm, i, names, node) for i in res.closest_path],
        reason=reason, differs=differs, events=seen.events)
