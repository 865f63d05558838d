"""Compile a transition system to straight-line Python over packed states.

Each builder is run once with :class:`~kubelife.model.engine.ops.PyOps` on field
*names* instead of values; the expression strings it returns become the
body of a generated function.  Constant folding removes everything the
configuration fixes (policies, which slots are controlled), so the generated
successor function does only the work the current state needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubelife.model.engine.ops import PY
from kubelife.model.engine.system import Layout, TransitionSystem

__all__ = [
    "compile_successors", "compile_state_checks", "compile_step_checks", "compile_edge_checks", "StatePred", "StepPred",
]

StatePred = Callable[[Sequence[Any], Any], Any]
StepPred = Callable[[Sequence[Any], Sequence[Any], Any], Any]


def _unpack_lines(layout: Layout, src: str, prefix: str) -> list[str]:
    return [
        f"    {prefix}{i} = ({src} >> {sh}) & {layout.mask(i)}" if sh else f"    {prefix}{i} = {src} & {layout.mask(i)}"
        for i, sh in enumerate(layout.shifts)
    ]


def _names(layout: Layout, prefix: str) -> list[str]:
    return [f"{prefix}{i}" for i in range(len(layout))]


def _repack(layout: Layout, eff: dict[int, Any]) -> str:
    keep = ~0
    consts = 0
    parts: list[str] = []
    for k, v in sorted(eff.items()):
        m, sh = layout.mask(k), layout.shifts[k]
        keep &= ~(m << sh)
        if isinstance(v, str):
            parts.append(f"({v} << {sh})" if sh else f"({v})")
        else:
            consts |= int(v) << sh
    full = (1 << layout.bits) - 1
    expr = f"(s & {keep & full})"
    if consts:
        expr += f" | {consts}"
    for p in parts:
        expr += f" | {p}"
    return expr


def _load(src: str, name: str) -> Any:
    env: dict[str, Any] = {}
    exec(compile(src, f"<kubelife:{name}>", "exec"), env)  # noqa: S102 - generated from our own model
    return env[name]


def compile_successors(system: TransitionSystem) -> Callable[[int], list[tuple[int, int]]]:
    """``successors(s) -> [(transition index, next packed state), ...]`` in transition order."""
    layout = system.layout
    view = _names(layout, "f")
    lines = ["def successors(s):", *_unpack_lines(layout, "s", "f"), "    out = []"]
    for i, t in enumerate(system.transitions):
        guard, eff = t.build(view, PY)
        if guard is False:
            continue
        # Drop effects that write a field back unchanged.
        eff = {k: v for k, v in eff.items() if v != view[k]}
        body = f"out.append(({i}, {_repack(layout, eff)}))"
        if guard is True:
            lines.append(f"    {body}")
        else:
            lines.append(f"    if {guard}:")
            lines.append(f"        {body}")
    lines.append("    return out")
    return _load("\n".join(lines), "successors")  # type: ignore[no-any-return]


def compile_state_checks(layout: Layout, preds: Sequence[StatePred]) -> Callable[[int], list[int]]:
    """``check(s) -> indices of the predicates that are false in s``."""
    view = _names(layout, "f")
    lines = ["def check(s):", *_unpack_lines(layout, "s", "f"), "    bad = []"]
    for i, p in enumerate(preds):
        expr = p(view, PY)
        if expr is True:
            continue
        lines.append(f"    if not {expr}:")
        lines.append(f"        bad.append({i})")
    lines.append("    return bad")
    return _load("\n".join(lines), "check")  # type: ignore[no-any-return]


def compile_step_checks(layout: Layout, preds: Sequence[StepPred]) -> Callable[[int, int], list[int]]:
    """``check(s, t) -> indices of the step predicates false on the step s -> t``."""
    a, b = _names(layout, "f"), _names(layout, "g")
    lines = [
        "def check(s, t):",
        *_unpack_lines(layout, "s", "f"),
        *_unpack_lines(layout, "t", "g"),
        "    bad = []",
    ]
    for i, p in enumerate(preds):
        expr = p(a, b, PY)
        if expr is True:
            continue
        lines.append(f"    if not {expr}:")
        lines.append(f"        bad.append({i})")
    lines.append("    return bad")
    return _load("\n".join(lines), "check")  # type: ignore[no-any-return]


def compile_edge_checks(
    layout: Layout, checks: Sequence[tuple[StatePred, StepPred]]
) -> Callable[[int, int], list[tuple[int, bool]]] | None:
    """``check(s, t) -> [(k, outcome holds), ...]`` for the checks ``k`` whose precondition holds in ``s``.

    Returns ``None`` when constant folding shows no precondition can ever hold.
    """
    a, b = _names(layout, "f"), _names(layout, "g")
    body: list[str] = []
    for k, (pre, post) in enumerate(checks):
        p = pre(a, PY)
        if p is False:
            continue
        q = post(a, b, PY)
        body.append(f"    if {p}:" if p is not True else "    if True:")
        body.append(f"        hits.append(({k}, bool({q})))")
    if not body:
        return None
    lines = [
        "def check(s, t):",
        *_unpack_lines(layout, "s", "f"),
        *_unpack_lines(layout, "t", "g"),
        "    hits = []",
        *body,
        "    return hits",
    ]
    return _load("\n".join(lines), "check")  # type: ignore[no-any-return]
