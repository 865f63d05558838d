"""Symmetry reduction: canonical representatives under permutations of field blocks.

A :class:`SymmetrySpec` names *owner* blocks (interchangeable as a whole,
e.g. machines) and classes of *member* blocks (interchangeable within a
class, e.g. jobs).  A member block may hold a *reference* field whose value
is ``owner index + 1`` (``0`` = no owner), so permuting owners relabels it.

The canonical form sorts owners by a signature that does not depend on the
labelling (the owner's own fields plus, per member class, the sorted
member contents that point at it), relabels references, then sorts each
member class.  Owners with equal signatures carry equal multisets of
members, so the order chosen among them does not change the result: the
form is a function of the orbit, and it is a member of the orbit.

The engine knows nothing of what the blocks mean; the model says which
blocks are interchangeable and why that is sound.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kubelife.model.engine.system import TransitionSystem

__all__ = ["BlockClass", "SymmetrySpec", "canonical_values", "apply_permutation",
           "orbit", "concretize"]


@dataclass(frozen=True)
class BlockClass:
    """Interchangeable member blocks; ``ref`` is the position of the owner reference in each block."""

    blocks: tuple[tuple[int, ...], ...]
    ref: int | None = None

    def __post_init__(self) -> None:
        if len({len(b) for b in self.blocks}) > 1:
            raise ValueError("blocks of one class must have the same number of fields")


@dataclass(frozen=True)
class SymmetrySpec:
    owners: tuple[tuple[int, ...], ...] = ()
    members: tuple[BlockClass, ...] = ()

    @property
    def group_size(self) -> int:
        """Order of the permutation group (owner permutations times member permutations per class)."""
        size = math.factorial(len(self.owners))
        for c in self.members:
            size *= math.factorial(len(c.blocks))
        return size

    @property
    def trivial(self) -> bool:
        return self.group_size == 1

    def to_json(self) -> dict[str, object]:
        return {"owners": len(self.owners), "member_classes": [len(c.blocks) for c in self.members if c.blocks],
                "group_size": self.group_size}


_PAD = 1 << 62  # sorts after every real field value


def _padded(xs: list[tuple[int, ...]], size: int) -> tuple[tuple[int, ...], ...]:
    return tuple(xs) + ((_PAD,),) * (size - len(xs))


def _drop(b: tuple[int, ...], r: int | None) -> tuple[int, ...]:
    return b if r is None else b[:r] + b[r + 1:]


def canonical_values(spec: SymmetrySpec, v: Sequence[int]) -> list[int]:
    """The canonical record of the orbit of ``v``."""
    out = list(v)
    mem = [[tuple(v[f] for f in blk) for blk in c.blocks] for c in spec.members]
    n = len(spec.owners)
    if n > 1:
        def sig(j: int) -> tuple[object, ...]:
            tag = j + 1
            # Padded to the class size so the order matches the C engine's fixed-width keys.
            per_class = tuple(_padded(sorted(_drop(b, c.ref) for b in bs if b[c.ref] == tag), len(bs))
                              if c.ref is not None else () for c, bs in zip(spec.members, mem))
            return (tuple(v[f] for f in spec.owners[j]), per_class)

        order = sorted(range(n), key=sig)
        relabel = [0] * (n + 1)
        for new, old in enumerate(order):
            relabel[old + 1] = new + 1
            for dst, src in zip(spec.owners[new], spec.owners[old]):
                out[dst] = v[src]
        for k, c in enumerate(spec.members):
            r = c.ref
            if r is not None:
                mem[k] = [b[:r] + (relabel[b[r]],) + b[r + 1:] for b in mem[k]]
    for c, bs in zip(spec.members, mem):
        if len(bs) > 1:
            bs = sorted(bs)
        for blk, vals in zip(c.blocks, bs):
            for f, x in zip(blk, vals):
                out[f] = x
    return out


def apply_permutation(spec: SymmetrySpec, v: Sequence[int], owner_perm: Sequence[int],
                      member_perms: Sequence[Sequence[int]]) -> list[int]:
    """The record with owner ``j`` moved to ``owner_perm[j]`` and member ``i`` of class ``k`` to
    ``member_perms[k][i]``; references follow their owner."""
    out = list(v)
    relabel = [0] + [p + 1 for p in owner_perm]
    for j, dst in enumerate(owner_perm):
        for fd, fs in zip(spec.owners[dst], spec.owners[j]):
            out[fd] = v[fs]
    for c, perm in zip(spec.members, member_perms):
        for i, dst in enumerate(perm):
            vals = [v[f] for f in c.blocks[i]]
            if c.ref is not None:
                vals[c.ref] = relabel[vals[c.ref]]
            for f, x in zip(c.blocks[dst], vals):
                out[f] = x
    return out


def orbit(spec: SymmetrySpec, v: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every image of ``v`` under the group (with repeats); for tests on small groups."""
    for op in itertools.permutations(range(len(spec.owners))):
        for mps in itertools.product(*(itertools.permutations(range(len(c.blocks))) for c in spec.members)):
            yield tuple(apply_permutation(spec, v, op, mps))


_COMPILED: dict[int, tuple[TransitionSystem, Callable[[int], list[tuple[int, int]]]]] = {}


def _successors_of(system: TransitionSystem) -> Callable[[int], list[tuple[int, int]]]:
    """Compiled successors, kept per system (traces of one run share them)."""
    hit = _COMPILED.get(id(system))
    if hit is None or hit[0] is not system:
        from kubelife.model.engine.compile import compile_successors

        if len(_COMPILED) > 32:
            _COMPILED.clear()
        hit = _COMPILED[id(system)] = (system, compile_successors(system))
    return hit[1]


def concretize(system: TransitionSystem, canon: Callable[[int], int], path: Sequence[tuple[int | None, int]],
               accept: Callable[[int, int, int], bool] | None = None) -> list[tuple[int | None, int]]:
    """Map a path of stored representatives to concrete, replayable steps from the initial state.

    Step ``k`` of the result is a successor of the previous concrete state in the orbit of the
    ``k``-th stored state; same-orbit is a bisimulation, so one always exists.  Among candidates the
    stored transition is preferred, then one of the same kind; ``accept(s, i, t)`` filters the last
    edge (the one a violation or witness was found on).
    """
    successors = _successors_of(system)
    cur = system.layout.pack(system.initial)
    if canon(cur) != canon(path[0][1]):
        raise ValueError("the path does not start in the orbit of the initial state")
    out: list[tuple[int | None, int]] = [(None, cur)]
    for k, (i, state) in enumerate(path[1:], 1):
        assert i is not None
        target, kind = canon(state), system.transitions[i].action.kind
        cands = [(j, t) for j, t in successors(cur) if canon(t) == target]
        last = k == len(path) - 1
        ranked = sorted(cands, key=lambda c: (
            not (last and accept is not None and accept(cur, c[0], c[1])),
            c[0] != i, system.transitions[c[0]].action.kind != kind))
        if not ranked:
            raise ValueError(f"no concrete successor for step {k} of the stored path")
        j, cur = ranked[0]
        out.append((j, cur))
    return out
