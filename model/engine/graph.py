"""Explore a transition system and keep its whole edge list, compactly.

Liveness needs the graph, not just the visited set: strongly connected
components, backward closures and cycles all run over the edges.  Edges are
kept as three flat NumPy arrays (``src``, ``dst`` as 4-byte state ids, ``tr``
= 2-byte transition index), 10 bytes an edge, so graphs of millions of edges
fit easily where a networkx ``DiGraph`` needs hundreds of bytes an edge.

Steps that leave the state unchanged are not stored: they are stuttering,
which the liveness algorithm grants every state anyway.  With a
canonicaliser ``canon`` (symmetry reduction) states are orbit
representatives and an edge ``s -i-> canon(t)`` records the concrete
transition ``i`` taken from the representative ``s``; :func:`concretize`
maps a path of representatives back to concrete replayable steps.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kubelife.model.engine.compile import compile_successors
from kubelife.model.engine.system import TransitionSystem

__all__ = ["Graph", "explore_graph", "concretize", "concretize_lasso", "Path"]

Path = list[tuple[int | None, int]]  # [(None, initial packed), (transition, packed), ...]
IntArray = npt.NDArray[np.integer[Any]]


@dataclass
class Graph:
    """Reachable states (dense ids in breadth-first order) and every non-stuttering edge."""

    system: TransitionSystem
    packed: list[int]
    src: IntArray
    dst: IntArray
    tr: IntArray
    parent: IntArray
    via: IntArray
    reduced: bool = False
    seconds: float = 0.0
    peak_bytes: int | None = None  # the compiled engine's peak allocation (fast_graph)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # derived tables

    @property
    def n_states(self) -> int:
        return len(self.packed)

    @property
    def n_edges(self) -> int:
        return int(self.src.shape[0])

    def path(self, sid: int) -> Path:
        """Shortest path of stored states from the initial one to ``sid``."""
        out: Path = []
        while sid > 0:
            out.append((int(self.via[sid]), self.packed[sid]))
            sid = int(self.parent[sid])
        out.append((None, self.packed[0]))
        out.reverse()
        return out


def explore_graph(system: TransitionSystem, *, canon: Callable[[int], int] | None = None,
                  max_states: int | None = None) -> Graph:
    """Breadth-first exploration keeping every edge; ``canon`` reduces by symmetry."""
    from kubelife.model.engine.explore import StateLimitExceeded

    succ = compile_successors(system)
    start = time.perf_counter()
    init = system.layout.pack(system.initial)
    if canon is not None:
        init = canon(init)
    index: dict[int, int] = {init: 0}
    packed = [init]
    parent, via = array("q", [-1]), array("q", [-1])
    # 4-byte state ids and 2-byte transition indices where they fit: 10 bytes an edge once src is rebuilt.
    dst, out_degree = array("i"), array("i")
    tr = array("h" if len(system.transitions) < 2**15 else "i")
    seen: dict[int, int] = {}
    # Bound methods: this loop runs once per edge, millions of times.
    lookup, add_dst, add_tr, add_deg = index.get, dst.append, tr.append, out_degree.append
    head = 0
    while head < len(packed):
        sid, s = head, packed[head]
        head += 1
        k = 0
        for i, t in succ(s):
            if t == s:
                continue  # a no-op step is stuttering
            if canon is not None:
                c = seen.get(t)  # many edges reach the same concrete state: canonicalise it once
                if c is None:
                    c = seen[t] = canon(t)
                t = c
            tid = lookup(t)
            if tid is None:
                tid = len(packed)
                index[t] = tid
                packed.append(t)
                parent.append(sid)
                via.append(i)
                if max_states is not None and tid >= max_states:
                    raise StateLimitExceeded(max_states)
            add_dst(tid)
            add_tr(i)
            k += 1
        add_deg(k)
    if len(packed) >= 2**31:
        raise OverflowError("more than 2**31 states do not fit the graph's 4-byte state ids")
    dst_a, tr_a, deg = (np.frombuffer(a, dtype=np.dtype(a.typecode)) for a in (dst, tr, out_degree))
    src = np.repeat(np.arange(len(packed), dtype=np.int32), deg)
    g = Graph(system, packed, src, dst_a, tr_a, np.frombuffer(parent, dtype=np.int64),
              np.frombuffer(via, dtype=np.int64), reduced=canon is not None)
    g.seconds = time.perf_counter() - start
    return g


def concretize(system: TransitionSystem, path: Path, canon: Callable[[int], int],
               prefer: Callable[[int, int], int] | None = None) -> Path:
    """Concrete steps whose canonical forms follow ``path`` (a path of representatives).

    From each concrete state pick a successor whose canonical form is the next
    representative; among several, the highest ``prefer(stored transition,
    candidate transition)`` wins (e.g. the same kind of action).
    """
    succ = compile_successors(system)
    cur = system.layout.pack(system.initial)
    if canon(cur) != path[0][1]:
        raise ValueError("the path does not start at the initial state's representative")
    out: Path = [(None, cur)]
    return _follow(succ, canon, cur, path[1:], out, prefer)


def _follow(succ: Callable[[int], list[tuple[int, int]]], canon: Callable[[int], int], cur: int,
            steps: Sequence[tuple[int | None, int]], out: Path,
            prefer: Callable[[int, int], int] | None) -> Path:
    for i, rep in steps:
        cands = [(j, t) for j, t in succ(cur) if t != cur and canon(t) == rep]
        if not cands:
            raise ValueError(f"no concrete successor of {cur} reaches representative {rep}")
        if prefer is not None and i is not None:
            cands.sort(key=lambda c: -prefer(i, c[0]))
        j, cur = cands[0]
        out.append((j, cur))
    return out


def concretize_lasso(system: TransitionSystem, prefix: Path, cycle: Sequence[tuple[int, int]],
                     canon: Callable[[int], int], prefer: Callable[[int, int], int] | None = None,
                     max_rounds: int = 64) -> tuple[Path, int]:
    """A concrete lasso ``(path, loop_at)`` from a reduced one.

    The reduced cycle returns to the same *orbit*; concretely it may end in a
    permuted copy of its start, so it is followed again until a concrete
    state repeats (at most the order of the permutation).
    """
    succ = compile_successors(system)
    path = concretize(system, prefix, canon, prefer)
    if not cycle:
        return path, len(path) - 1
    starts = {path[-1][1]: len(path) - 1}
    for _ in range(max_rounds):
        _follow(succ, canon, path[-1][1], cycle, path, prefer)
        end = path[-1][1]
        if end in starts:
            return path, starts[end]
        starts[end] = len(path) - 1
    raise ValueError("the concrete cycle did not close")

