"""The hidden-step search: which model paths explain the change between two observations.

A watch stream coalesces updates, so two observations of one object may be
several model steps apart.  From the set of model states the previous
observation left possible, :func:`search` runs the model's own compiled
successor function (no second copy of the semantics) breadth first, up to a
bound, and keeps every state that matches the new observation.  Restart
counts are exact: the search counts the restarts each container makes on the
path and only accepts paths with exactly the observed increase, so the bound
on restarts is the observed one, not the model's saturating counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelife.model.engine.compile import compile_successors
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Exit
from kubelife.oracle.abstract import Abstraction
from kubelife.profiles import build

__all__ = ["LocalModel", "Target", "SearchResult", "search", "local_model", "searched", "SEARCHED_RESTARTS"]

_CBITS = 8  # bits per container restart counter in a search key
_MAXC = (1 << _CBITS) - 1
ANY_COUNT = 1 << 20  # a container whose restartCount was not observed
# Hidden restarts of one container the search follows step by step: every one up to EXACT_RESTARTS
# (as before issue 17), else SEARCHED_RESTARTS.  A larger jump in restartCount is explained
# arithmetically: every restart is an exit and a start that bring the container back to the abstract
# state it left (the model's count saturates, back-off stays on), so k restarts are possible exactly
# when two are; the other k - 2 are further turns of the same crash loop.
EXACT_RESTARTS = 8
SEARCHED_RESTARTS = 2


def searched(d: int) -> int:
    """A container's restartCount increase as the search follows it (``ANY_COUNT`` and decreases kept)."""
    return SEARCHED_RESTARTS if EXACT_RESTARTS < d < ANY_COUNT else d


class LocalModel:
    """A small configuration (one pod, its node) with its compiled successor function."""

    def __init__(self, config: Config, profile: Abstraction) -> None:
        self.model: ClusterModel = build(config, profile.semantics)
        self.shape = self.model.shape
        self.layout = self.shape.layout
        self.bits = self.layout.bits
        self.full = (1 << self.bits) - 1
        self.succ = compile_successors(self.model.system)
        self.initial = self.layout.pack(self.model.system.initial)
        # Transition index -> (container, shift, mask, nonzero): the step is a restart when
        # that field's being nonzero equals ``nonzero``.
        self.restarts = {i: (c, self.layout.shifts[f], self.layout.mask(f), nz)
                         for i, (c, f, nz) in profile.restart_steps(self.model).items()}

    def action(self, i: int) -> Any:
        return self.model.system.transitions[i].action

    def field(self, s: int, i: int) -> int:
        return (s >> self.layout.shifts[i]) & self.layout.mask(i)


_MODELS: dict[tuple[Any, ...], LocalModel] = {}


def local_model(key: tuple[Any, ...], config: Config, profile: Abstraction) -> LocalModel:
    lm = _MODELS.get(key)
    if lm is None:
        lm = _MODELS[key] = LocalModel(config, profile)
    return lm


@dataclass(frozen=True, eq=False)
class Target:
    """Allowed values per constrained field; a field with no entry is free.

    Compared by identity: the oracle interns its targets, which keeps the search cache's keys cheap.
    """

    fields: tuple[tuple[int, frozenset[int]], ...]

    def compiled(self, lm: LocalModel) -> list[tuple[int, int, frozenset[int]]]:
        return [(lm.layout.shifts[i], lm.layout.mask(i), vs) for i, vs in self.fields]

    def distance(self, lm: LocalModel, s: int) -> int:
        return sum(1 for sh, m, vs in self.compiled(lm) if ((s >> sh) & m) not in vs)


@dataclass(frozen=True)
class SearchResult:
    matches: frozenset[int]  # packed states (restart counters stripped)
    path: tuple[int, ...]  # transition indices of a shortest explaining path
    start: int  # the state that path starts from
    exhausted: bool  # every state within reach was seen: no longer path can help
    explored: int
    closest: int | None = None  # when nothing matched: the nearest state reached
    closest_path: tuple[int, ...] = ()
    closest_start: int | None = None
    info: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # filled by the oracle


def _path(parent: dict[int, tuple[int, int] | None], k: int) -> tuple[tuple[int, ...], int]:
    out = []
    while True:
        p = parent[k]
        if p is None:
            break
        k, i = p
        out.append(i)
    out.reverse()
    return tuple(out), k


_CACHE: dict[tuple[Any, ...], SearchResult] = {}
_CACHE_MAX = 1 << 14
_CNT_BITS = _CBITS * 6  # counters of up to six containers sit above the state bits, the node index above them

NodeSeq = tuple[tuple[tuple[int, frozenset[int]], ...], ...]


def search(lm: LocalModel, starts: frozenset[int], target: Target, deltas: Sequence[int], bound: int,
           node_seq: NodeSeq = ((),), max_states: int = 200_000) -> SearchResult:
    """States reachable from ``starts`` in at most ``bound`` hidden steps that match ``target``.

    ``deltas[c]`` is how many restarts container ``c`` made (``ANY_COUNT``: not observed).
    ``node_seq`` lists the observations of the pod's node since the pod was last seen, oldest first
    (the first is the one the start states match; ``()`` constrains nothing): every state on the path
    must match the current one, and the path ends at the last, so each visible node change on the
    path is one the trace shows.  Results are cached: traces repeat the same abstract changes.
    """
    key = (id(lm), starts, target, tuple(deltas), bound, node_seq)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    res = _search(lm, starts, target, deltas, bound, node_seq, max_states)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = res
    return res


def _search(lm: LocalModel, starts: frozenset[int], target: Target, deltas: Sequence[int], bound: int,
            node_seq: NodeSeq, max_states: int) -> SearchResult:
    bits, full, succ, restarts = lm.bits, lm.full, lm.succ, lm.restarts
    checks = target.compiled(lm)
    nodes = [Target(c).compiled(lm) for c in node_seq]
    last = len(nodes) - 1
    ish = bits + _CNT_BITS
    cmask = (1 << _CNT_BITS) - 1
    if any(d != ANY_COUNT and not 0 <= d <= _MAXC for d in deltas):  # a count went down, or past what we count
        want = -1
    else:
        want = sum(d << (_CBITS * c) for c, d in enumerate(deltas) if d != ANY_COUNT)
    counted = [d != ANY_COUNT for d in deltas]
    free_mask = sum(_MAXC << (_CBITS * c) for c, d in enumerate(deltas) if d == ANY_COUNT)

    def fits(s: int, j: int) -> bool:
        return all(((s >> sh) & m) in vs for sh, m, vs in nodes[j])

    parent: dict[int, tuple[int, int] | None] = {s: None for s in starts}
    frontier = list(starts)
    matches: list[int] = []
    depth = 0
    while True:
        for k in frontier:
            if (k >> ish) == last and ((k >> bits) & cmask & ~free_mask) == want:
                s = k & full
                if all(((s >> sh) & m) in vs for sh, m, vs in checks):
                    matches.append(k)
        if depth == bound or not frontier or len(parent) > max_states:
            break
        depth += 1
        nxt = []
        for k in frontier:
            s = k & full
            j = k >> ish
            cnt = (k >> bits) & cmask
            for i, t in succ(s):
                r = restarts.get(i)
                if r is not None and (((s >> r[1]) & r[2]) != Exit.NONE) == r[3]:
                    c = r[0]
                    if counted[c]:
                        if ((cnt >> (_CBITS * c)) & _MAXC) >= deltas[c]:
                            continue  # more restarts than observed
                        tc = t | ((cnt + (1 << (_CBITS * c))) << bits)
                    else:
                        tc = t | (cnt << bits)
                else:
                    tc = t | (cnt << bits)
                for jj in (j, j + 1):
                    if jj > last or not fits(t, jj):
                        continue
                    nk = tc | (jj << ish)
                    if nk not in parent:
                        parent[nk] = (k, i)
                        nxt.append(nk)
        frontier = nxt
    exhausted = not frontier
    if matches:
        path, start = _path(parent, matches[0])
        return SearchResult(frozenset(k & full for k in matches), path, start & full, exhausted, len(parent))

    def score(k: int) -> tuple[int, int, int]:
        # Fewest differing fields, then fewest steps, then the state that allows the most
        # (a reachable, healthy node says more about what the model would have done).
        s = k & full
        wrong = sum((((s >> sh) & m) not in vs) for sh, m, vs in checks)
        wrong += sum((((s >> sh) & m) not in vs) for sh, m, vs in nodes[last])
        return wrong + (((k >> bits) & cmask & ~free_mask) != want), _depth(parent, k), -len(succ(s))

    best = min(parent, key=score)
    cpath, cstart = _path(parent, best)
    return SearchResult(frozenset(), (), next(iter(starts)), exhausted, len(parent), best & full, cpath,
                        cstart & full)


def _depth(parent: dict[int, tuple[int, int] | None], k: int) -> int:
    n = 0
    while (p := parent[k]) is not None:
        k = p[0]
        n += 1
    return n
