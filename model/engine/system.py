"""Transition systems over records of small integer fields.

A state is a fixed record of fields, each with a finite domain ``0..size-1``.
The record packs into one Python ``int`` (:class:`Layout`), which keeps a
visited set of millions of states compact and hashing cheap.

A :class:`Transition` is a named action (:class:`Action`) plus a *builder*:
a function ``(view, ops) -> (guard, effects)`` written against an
:class:`~kubelife.model.engine.ops.Ops` backend, where ``view[i]`` reads field ``i``
and ``effects`` maps field indices to new values.  Fields not in ``effects``
keep their value.  Because the builder only speaks through ``ops``, the
same transition is interpreted, compiled, encoded in Z3 or printed as
Promela without a second copy of the semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelife.model.engine.ops import PY, Ops

__all__ = ["Field", "Layout", "Action", "Transition", "TransitionSystem", "Builder", "apply"]

Builder = Callable[[Sequence[Any], Ops], tuple[Any, Mapping[int, Any]]]


@dataclass(frozen=True)
class Field:
    """One state variable with domain ``0..size-1``."""

    name: str
    size: int

    @property
    def width(self) -> int:
        return max(1, (self.size - 1).bit_length())


class Layout:
    """Field names, domains and the bit packing of a state record.

    Fields are packed in order, low bits first, in 64-bit words: no field straddles a word
    boundary and word 0 leaves its top bit free, so the packed int's words (bits ``64k ..
    64k + 63``) are exactly the compiled engine's words and its first word plus one is never 0
    (the empty mark of its tables).  A record of at most 63 bits is packed without gaps.
    ``word_bits`` fills fewer bits of each word (tests use it to force many words on small models).
    A field wider than a word is packed across words (only the Python engines take such a layout).
    """

    def __init__(self, fields: Sequence[Field], word_bits: int = 64) -> None:
        self.fields: tuple[Field, ...] = tuple(fields)
        self.shifts: tuple[int, ...]
        self.word_bits = word_bits
        shifts, at = [], 0
        self.wide_field: Field | None = None  # a field wider than a word (the compiled engine refuses it)
        for f in self.fields:
            room = min(word_bits, 63) if at < 64 else word_bits
            if f.width > room:
                self.wide_field = self.wide_field or f  # packed where it stands, across words
            elif at % 64 + f.width > room:
                at = (at // 64 + 1) * 64
            shifts.append(at)
            at += f.width
        self.shifts = tuple(shifts)
        self.bits = at
        self.words = max(1, -(-at // 64))
        self._by_name = {f.name: i for i, f in enumerate(self.fields)}

    def __len__(self) -> int:
        return len(self.fields)

    def index(self, name: str) -> int:
        return self._by_name[name]

    def mask(self, i: int) -> int:
        return (1 << self.fields[i].width) - 1

    def pack(self, values: Sequence[int]) -> int:
        s = 0
        for v, sh in zip(values, self.shifts):
            s |= int(v) << sh
        return s

    def unpack(self, s: int) -> tuple[int, ...]:
        return tuple((s >> sh) & self.mask(i) for i, sh in enumerate(self.shifts))

    def in_domain(self, values: Sequence[int]) -> bool:
        return len(values) == len(self.fields) and all(
            0 <= v < f.size for v, f in zip(values, self.fields)
        )


@dataclass(frozen=True)
class Action:
    """A named step: which transition, for what arguments, by whom, with what event.

    ``kind`` is the spec's id (``P1``), ``name`` its verb (``schedule``),
    ``actor`` the Kubernetes component and ``reasons`` the Event reasons the
    step emits (empty when Kubernetes records none).
    """

    kind: str
    name: str
    actor: str
    reasons: tuple[str, ...] = ()
    args: tuple[tuple[str, Any], ...] = ()

    def arg(self, key: str) -> Any:
        for k, v in self.args:
            if k == key:
                return v
        raise KeyError(key)

    def __str__(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.args)
        return f"{self.kind} {self.name}({inner})"


@dataclass(frozen=True)
class Transition:
    action: Action
    build: Builder


@dataclass
class TransitionSystem:
    """Initial record, transitions and the layout that packs them."""

    layout: Layout
    initial: tuple[int, ...]
    transitions: tuple[Transition, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(t.action for t in self.transitions)

    def step(self, values: Sequence[int], i: int, ops: Ops = PY) -> tuple[int, ...] | None:
        """Interpret transition ``i`` on a concrete record; ``None`` if disabled."""
        guard, eff = self.transitions[i].build(values, ops)
        if not guard:
            return None
        out = list(values)
        for k, v in eff.items():
            out[k] = int(v)
        return tuple(out)

    def successors(self, values: Sequence[int]) -> list[tuple[int, tuple[int, ...]]]:
        """All enabled transitions of a concrete record, in transition order."""
        out = []
        for i in range(len(self.transitions)):
            t = self.step(values, i)
            if t is not None:
                out.append((i, t))
        return out


def apply(transition: Transition, view: Sequence[Any], ops: Ops) -> tuple[Any, list[Any]]:
    """Guard and successor view of one transition, in any backend.

    The successor is only meaningful where the guard holds; scenario rows use
    this to follow a short known continuation ("restart, then start again").
    """
    guard, eff = transition.build(view, ops)
    out = list(view)
    for k, v in eff.items():
        out[k] = v
    return guard, out
