"""Static narrowing: fields that never change leave the packed state, others keep only the bits they use.

A profile declares each field's domain for every configuration it might be in; a given configuration
often uses less (no image-pull errors: the pull field stays 0; a restart reason that never occurs).
:func:`field_values` over-approximates each field's reachable values by running every builder on
*sets* of values (:class:`SetOps`, an independent-attribute abstract interpretation) until nothing
grows.  :func:`narrow` then builds a smaller system over the same builders: a field with one
reachable value becomes a constant the builders see (so the C compiler folds what depends on it), a
field whose values stay below its domain is packed in fewer bits.  Values are not renumbered, so a
narrowed state expands to the full record by moving bits (:meth:`Narrowing.expand`).

Soundness: every reachable state's field values lie in the computed sets (each transition's effects
are evaluated on supersets of the values it can meet), so the narrowed system has exactly the
reachable states of the original, field for field; effects on a constant field can only write its
constant and are dropped.  The compiled engine runs the narrowed system and hands back full states,
so counts, ids and traces are unchanged (the tests compare it with the Python explorer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import product
from typing import Any

import numpy as np

from kubelife.model.engine.compile import StatePred, StepPred
from kubelife.model.engine.symmetry import BlockClass, SymmetrySpec
from kubelife.model.engine.system import Field, Layout, Transition, TransitionSystem

__all__ = ["SetOps", "field_values", "Narrowing", "narrow"]

_Set = frozenset

# Past this many values an operand is "anything" for the operators that multiply sets.
_MAX_PRODUCT = 1 << 12


def _s(x: Any) -> frozenset[Any]:
    return x if isinstance(x, frozenset) else frozenset((x,))


def _lift(f: Any, *xs: Any) -> frozenset[Any]:
    sets = [_s(x) for x in xs]
    return frozenset(f(*c) for c in product(*sets))


def _may(x: Any, value: bool) -> bool:
    return any(bool(v) == value for v in _s(x))


class SetOps:
    """Ops over sets of values: each result holds every value the operation can give on the operands.

    Booleans and integers are kept as Python values inside the sets (``True``/``False``, ``0..n``).
    """

    def eq(self, a: Any, b: Any) -> Any:
        return _lift(lambda x, y: x == y, a, b)

    def ne(self, a: Any, b: Any) -> Any:
        return _lift(lambda x, y: x != y, a, b)

    def lt(self, a: Any, b: Any) -> Any:
        return _lift(lambda x, y: x < y, a, b)

    def le(self, a: Any, b: Any) -> Any:
        return _lift(lambda x, y: x <= y, a, b)

    def and_(self, *xs: Any) -> Any:
        if any(not _may(x, True) for x in xs):
            return _Set((False,))
        return _Set((True,)) if all(not _may(x, False) for x in xs) else _Set((True, False))

    def or_(self, *xs: Any) -> Any:
        if any(not _may(x, False) for x in xs):
            return _Set((True,))
        return _Set((False,)) if all(not _may(x, True) for x in xs) else _Set((True, False))

    def not_(self, x: Any) -> Any:
        return frozenset(not v for v in _s(x))

    def implies(self, a: Any, b: Any) -> Any:
        return self.or_(self.not_(a), b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        out: frozenset[Any] = frozenset()
        if _may(c, True):
            out |= _s(a)
        if _may(c, False):
            out |= _s(b)
        return out

    def add(self, *xs: Any) -> Any:
        acc = frozenset((0,))
        for x in xs:
            acc = frozenset(int(p) + int(q) for p in acc for q in _s(x))
        return acc

    def count(self, bs: Iterable[Any]) -> Any:
        return self.add(*(frozenset(int(v) for v in _s(b)) for b in bs))

    def min_(self, a: Any, b: Any) -> Any:
        return _lift(lambda x, y: min(int(x), int(y)), a, b)

    def truth(self, v: Any) -> Any:
        return self.eq(v, 1)


SET_OPS = SetOps()


def field_values(system: TransitionSystem) -> list[frozenset[int]]:
    """For each field, a superset of the values it takes in reachable states."""
    reach: list[set[int]] = [{int(v)} for v in system.initial]
    changed = True
    while changed:
        changed = False
        for t in system.transitions:
            view = [frozenset(r) for r in reach]
            guard, eff = t.build(view, SET_OPS)
            if not _may(guard, True):
                continue
            for k, v in eff.items():
                new = {int(x) for x in _s(v)} - reach[k]
                if new:
                    reach[k] |= new
                    changed = True
    return [frozenset(r) for r in reach]


@dataclass(frozen=True)
class Narrowing:
    """A narrowed system and the maps between its states and the original's."""

    original: TransitionSystem
    layout: Layout  # of the narrowed fields
    keep: tuple[int, ...]  # original index of each narrowed field
    consts: dict[int, int]  # original index -> its only value
    symmetry: SymmetrySpec | None  # the original's, over the narrowed fields

    @cached_property
    def system(self) -> TransitionSystem:
        """The same transitions over the narrowed fields: each builder sees the constants in place."""
        pos = {k: j for j, k in enumerate(self.keep)}

        def wrap(t: Transition) -> Transition:
            def build(view: Sequence[Any], ops: Any) -> tuple[Any, dict[int, Any]]:
                guard, eff = t.build(self.full_view(view), ops)
                return guard, {pos[k]: v for k, v in eff.items() if k in pos}
            return Transition(t.action, build)

        sys = self.original
        return TransitionSystem(self.layout, tuple(sys.initial[k] for k in self.keep),
                                tuple(wrap(t) for t in sys.transitions), dict(sys.meta))

    @cached_property
    def _template(self) -> tuple[Any, ...]:
        t: list[Any] = [0] * len(self.original.layout)
        for k, v in self.consts.items():
            t[k] = v
        return tuple(t)

    def full_view(self, view: Sequence[Any]) -> list[Any]:
        full = list(self._template)
        for j, k in enumerate(self.keep):
            full[k] = view[j]
        return full

    def expand(self, s: int) -> int:
        """A narrowed packed state as the original's packed state."""
        src, dst = self.layout, self.original.layout
        out = self._const_bits
        for j, k in enumerate(self.keep):
            out |= ((s >> src.shifts[j]) & src.mask(j)) << dst.shifts[k]
        return out

    def compress(self, s: int) -> int:
        src, dst = self.original.layout, self.layout
        out = 0
        for j, k in enumerate(self.keep):
            out |= ((s >> src.shifts[k]) & dst.mask(j)) << dst.shifts[j]
        return out

    @cached_property
    def _const_bits(self) -> int:
        lay = self.original.layout
        return sum(v << lay.shifts[k] for k, v in self.consts.items())

    def expand_words(self, rows: np.ndarray) -> np.ndarray:
        """Narrowed states as an ``(n, words)`` uint64 array to the original's ``(n, words)`` array."""
        src, dst = self.layout, self.original.layout
        out = np.zeros((rows.shape[0], dst.words), dtype=np.uint64)
        for k, v in self.consts.items():
            if v:
                w, sh = divmod(dst.shifts[k], 64)
                out[:, w] |= np.uint64(v << sh)
        for j, k in enumerate(self.keep):
            sw, ssh = divmod(src.shifts[j], 64)
            dw, dsh = divmod(dst.shifts[k], 64)
            out[:, dw] |= ((rows[:, sw] >> np.uint64(ssh)) & np.uint64(src.mask(j))) << np.uint64(dsh)
        return out

    def state_pred(self, p: StatePred) -> StatePred:
        return lambda v, o: p(self.full_view(v), o)

    def step_pred(self, p: StepPred) -> StepPred:
        return lambda a, b, o: p(self.full_view(a), self.full_view(b), o)


def _groups(n: int, spec: SymmetrySpec | None) -> list[list[int]]:
    """Fields that must be narrowed alike: the same position in interchangeable blocks (the canonical
    form sorts those blocks field by field, so they need the same widths and the same kept fields)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(blocks: Sequence[Sequence[int]]) -> None:
        for pos in zip(*blocks):
            for f in pos[1:]:
                parent[find(f)] = find(pos[0])

    if spec is not None:
        union(spec.owners)
        for c in spec.members:
            union(c.blocks)
    out: dict[int, list[int]] = {}
    for f in range(n):
        out.setdefault(find(f), []).append(f)
    return list(out.values())


def narrow(system: TransitionSystem, symmetry: SymmetrySpec | None = None) -> Narrowing | None:
    """The narrowed system, or ``None`` when every field is needed at its full width."""
    values = field_values(system)
    fields = system.layout.fields
    n = len(fields)
    keep_ref = set()
    if symmetry is not None:
        for c in symmetry.members:
            if c.ref is not None:
                keep_ref |= {b[c.ref] for b in c.blocks}
    consts: dict[int, int] = {}
    size = [f.size for f in fields]
    for group in _groups(n, symmetry):
        vals = frozenset().union(*(values[f] for f in group))
        if len(vals) == 1 and not keep_ref & set(group):
            consts.update({f: next(iter(vals)) for f in group})
        else:
            for f in group:
                size[f] = min(size[f], max(vals) + 1)
    narrowed = [Field(f.name, size[k]) for k, f in enumerate(fields) if k not in consts]
    if not consts and all(a.width == b.width for a, b in zip(narrowed, fields)):
        return None
    keep = tuple(k for k in range(n) if k not in consts)
    pos = {k: j for j, k in enumerate(keep)}
    spec = None
    if symmetry is not None:
        spec = SymmetrySpec(
            tuple(tuple(pos[f] for f in b if f in pos) for b in symmetry.owners),
            tuple(BlockClass(tuple(tuple(pos[f] for f in b if f in pos) for b in c.blocks),
                             None if c.ref is None else
                             sum(1 for f in c.blocks[0][:c.ref] if f in pos)) for c in symmetry.members))
    return Narrowing(system, Layout(narrowed, system.layout.word_bits), keep, consts, spec)
