"""Counterexamples: shortened, printed as code that replays against the model.

Hypothesis shrinks the rule sequence; a rule such as ``bring_up`` stands for
several transitions, so before printing, :func:`minimize` drops every
transition the failure does not need (delta debugging, each candidate replayed
against the model and, if any, the implementation).  The printed program
calls :func:`check_trace`, so pasted into a test it fails the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubelife.adapter import Adapter, adapter_code
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.trace import Trace, replay
from kubelife.profiles import get
from kubelife.stateful.checks import ModelChecks, Violation, checks_for, replay_violation
from kubelife.stateful.configs import config_code

__all__ = ["ModelViolation", "minimize", "failure", "check_trace", "replay_code"]

Actions = list[tuple[str, dict[str, Any]]]


class ModelViolation(AssertionError):
    """A check failed; ``trace`` leads to it and ``code`` replays it."""

    def __init__(self, violation: Violation, trace: Trace, code: str) -> None:
        self.violation, self.trace, self.code = violation, trace, code
        super().__init__(
            f"{violation} after {len(trace)} steps.\n\n{trace.render()}\n\nReplay it against the model:\n\n{code}\n")


def minimize(path: Sequence[int], fails: Callable[[list[int]], bool]) -> list[int]:
    """Delta debugging (complements only): a shortest-we-can-find sub-sequence that still fails."""
    seq, n = list(path), 2
    while len(seq) >= 2:
        size = -(-len(seq) // n)
        for start in range(0, len(seq), size):
            cand = seq[:start] + seq[start + size:]
            if fails(cand):
                seq, n = cand, max(n - 1, 2)
                break
        else:
            if n >= len(seq):
                break
            n = min(2 * n, len(seq))
    if len(seq) == 1 and fails([]):
        return []
    return _drop_windows(seq, fails)


def _drop_windows(seq: list[int], fails: Callable[[list[int]], bool], limit: int = 60) -> list[int]:
    """Try dropping every contiguous window, longest first.

    Delta debugging removes aligned chunks only; a detour such as "partition, delete, force-delete,
    recreate, heal, reschedule" must go as a whole, wherever it starts.
    """
    size = len(seq) - 1
    while 1 <= size and len(seq) <= limit:
        for start in range(len(seq) - size + 1):
            cand = seq[:start] + seq[start + size:]
            if fails(cand):
                seq = cand
                break
        else:
            size -= 1
        size = min(size, len(seq) - 1)
    return seq


def _actions(m: ClusterModel, path: Sequence[int]) -> Actions:
    return [(m.system.transitions[i].action.kind, dict(m.system.transitions[i].action.args)) for i in path]


def replay_code(m: ClusterModel, actions: Actions, adapter: Adapter | None = None) -> str:
    """A test body that rebuilds the model, replays ``actions`` and re-runs the checks."""
    imp, cfg = config_code(m.config)
    lines = ["from kubelife.stateful import check_trace", "from kubelife.profiles import build, get",
             "from kubelife.model.k8s.trace import replay", imp]
    if adapter is not None:
        adapter_import, adapter_expr = adapter_code(adapter)
        if adapter_import:
            lines.append(adapter_import)
    semantics = ""
    name = getattr(m.semantics, "mutant", None)
    if name:
        semantics = f", get({m.config.profile!r}).mutant({name!r})"
    elif m.semantics is not get(m.config.profile).semantics:
        semantics = f", {m.semantics.__name__}  # the semantics under test"
    steps = ",\n    ".join(f"({k!r}, {a!r})" for k, a in actions)
    listed = f"[\n    {steps},\n]" if actions else "[]"  # no steps: the initial state already fails
    lines += ["", f"model = build({cfg}{semantics})", f"trace = replay(model, {listed})"]
    if adapter is not None:
        lines.append(f"check_trace(model, trace, adapter={adapter_expr})  # the implementation under test")
    else:
        lines.append("check_trace(model, trace)")
    return "\n".join(lines)


def failure(checks: ModelChecks, path: Sequence[int], violation: Violation, adapter: Adapter | None = None,
            shorten: bool = True) -> ModelViolation:
    """The exception to raise for ``violation`` at the end of ``path``, shortened if asked."""
    m = checks.m
    seq = list(path)
    if shorten:
        def fails(cand: list[int]) -> bool:
            hit = replay_violation(checks, cand, adapter)
            return hit is not None and hit[1].key == violation.key and hit[0] == len(cand)

        # Cut at the first occurrence, then drop what the failure does not need.
        hit = replay_violation(checks, seq, adapter)
        if hit is not None and hit[1].key == violation.key:
            seq = seq[:hit[0]]
            if fails(seq):
                seq = minimize(seq, fails)
                violation = replay_violation(checks, seq, adapter)[1]  # type: ignore[index]
    actions = _actions(m, seq)
    return ModelViolation(violation, replay(m, actions), replay_code(m, actions, adapter))


def check_trace(m: ClusterModel, trace: Trace | Actions, adapter: Adapter | None = None) -> Trace:
    """Replay a trace (or ``[(kind, args), ...]``) and run every check; raise :class:`ModelViolation` on failure."""
    t = trace if isinstance(trace, Trace) else replay(m, trace)
    checks = checks_for(m)
    path = [m.transition_index(s.action.kind, **dict(s.action.args)) for s in t.steps]
    hit = replay_violation(checks, [i for i in path if i is not None], adapter)
    if hit is not None:
        k, v = hit
        raise failure(checks, [i for i in path if i is not None][:k], v, adapter, shorten=False)
    return t
