"""One partition of a distributed breadth-first search (the body of a Ray actor).

A partition owns the states whose key hashes to it: their visited keys, the
id-ordered record (id, state, order key) that rebuilds paths, and its share
of the frontier.  Each level it expands its frontier in id order, runs the
edge checks, keeps successors it owns and hands the rest back as NumPy
batches for their owners.

To give the same answers as :func:`kubelife.model.engine.explore.explore` -- down to
the same counterexample -- every state gets the id the single-machine
search would give it.  An edge's *order key* ``src_id * T + transition`` is
its position in single-machine discovery order; a state's parent is the
edge with the smallest order key, and a level's ids are the ranks of its
order keys.  The partitions rank them among themselves, without the driver:
the keys of a level lie in ``[lo * T, (lo + n) * T)``, where ``lo .. lo + n``
are the ids of the level expanded, and partition ``j`` merges the keys of
the ``j``-th of ``parts`` equal slices of that range (:meth:`Partition.settle`,
:meth:`Partition.rank`, :meth:`Partition.commit`).
"""

from __future__ import annotations

import pickle
import resource
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kubelife.model.engine.compile import (
    StatePred,
    StepPred,
    compile_state_checks,
    compile_step_checks,
    compile_successors,
)
from kubelife.model.engine.distributed.native import NativeCore, NativeSpec, native_core
from kubelife.model.engine.distributed.store import VisitedSet, from_words, keys_of, owners_of, to_words, words_for
from kubelife.model.engine.explore import Observer, _negate, _negate_step
from kubelife.model.engine.system import TransitionSystem

__all__ = ["Problem", "Partition", "Batch"]

Batch = tuple[np.ndarray, np.ndarray] | None  # (states (n, words) uint64, order keys int64)
_COMPACT_AT = 1 << 20  # candidate rows held before deduplicating mid-level


@dataclass
class Problem:
    """What to explore and check; built inside every worker by a picklable factory.

    Observers see ``visit(src_id, s, i, t, -1)``: the successor's id is not
    known when the edge is expanded.  ``snapshot``/``restore`` turn the
    observers' findings into picklable data (for merging and checkpoints).
    ``canonical`` maps a packed state to its symmetry representative.
    """

    system: TransitionSystem
    invariants: Sequence[StatePred] = ()
    steps: Sequence[StepPred] = ()
    sometimes: Sequence[StatePred] = ()
    sometimes_steps: Sequence[StepPred] = ()
    observers: Sequence[Observer] = ()
    snapshot: Callable[[Sequence[Observer]], Any] | None = None
    restore: Callable[[Sequence[Observer], Any], None] | None = None
    canonical: Callable[[int], int] | None = None
    # The compiled core (same C as the single-machine fast engine); ``merge`` folds its observer
    # results into ``observers``.  Without a C compiler the partition runs the Python-compiled model.
    native: NativeSpec | None = None
    merge: Callable[[Sequence[Observer], list[Any]], None] | None = None


_EMPTY_OK = np.empty(0, dtype=np.int64)


class Partition:
    def __init__(self, index: int, parts: int, factory: Callable[[], Problem]) -> None:
        p = factory()
        self.problem = p
        self.index, self.parts = index, parts
        layout = p.system.layout
        self.words = words_for(layout.bits)
        self.T = len(p.system.transitions)
        self.by_transition: dict[int, list[Observer]] = {}
        for ob in p.observers:
            for i in ob.transitions:
                self.by_transition.setdefault(i, []).append(ob)
        self.visited = VisitedSet()
        self.native: NativeCore | None = native_core(p.system, p.native)  # None without cc (any width)
        if self.native is None:  # the Python-compiled model
            self.succ = compile_successors(p.system)
            self.check_inv = compile_state_checks(layout, p.invariants) if p.invariants else None
            self.check_step = compile_step_checks(layout, p.steps) if p.steps else None
            self.wit = compile_state_checks(layout, [_negate(q) for q in p.sometimes]) if p.sometimes else None
            self.wit_step = (compile_step_checks(layout, [_negate_step(q) for q in p.sometimes_steps])
                             if p.sometimes_steps else None)
        self.rec_ids: list[np.ndarray] = []
        self.rec_states: list[np.ndarray] = []
        self.rec_okeys: list[np.ndarray] = []
        self.frontier = np.empty((0, self.words), dtype=np.uint64)
        self.frontier_ids = _EMPTY_OK
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        self.new: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.acc: dict[str, Any] = {
            "fired": [0] * self.T, "edges": 0, "deadlocks": 0, "first_deadlock": None,
            "state_violations": {}, "state_witnesses": {}, "step_violations": {}, "step_witnesses": {},
            "bytes_out": 0,
        }
        self.base = 0  # ids handed out so far, in all partitions
        self.span = (-1, 1)  # (first id, count) of the level last committed; the seed's parent is -1

    def close(self) -> None:
        """Let go of the compiled core's visited set now, not when the object is collected."""
        if self.native is not None:
            self.native.close()

    # -- one level -------------------------------------------------------------------------

    def seed(self, state: int) -> None:
        if self.native is not None:
            self.native.offer(to_words([state], self.words), np.array([-1], dtype=np.int64))
            return
        self.pending.append((to_words([state], self.words), np.array([-1], dtype=np.int64)))

    def expand_level(self, chunk: int) -> list[Batch]:
        """Expand the whole frontier, ``chunk`` states a call into the core; one batch per partition
        (``None`` for this one), each the concatenation of the chunks' batches for that owner.

        One batch per owner a level, not one a chunk: every message costs milliseconds on Ray.
        """
        got: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(self.parts)]
        for lo in range(0, len(self.frontier_ids), chunk):
            for j, b in enumerate(self.expand(lo, lo + chunk)):
                if b is not None:
                    got[j].append(b)
        return [(np.concatenate([b[0] for b in bs]), np.concatenate([b[1] for b in bs])) if bs else None
                for bs in got]

    def settle(self, *batches: Batch) -> list[Any]:
        """End of a level here: take the others' batches and settle this partition's new states.

        Returns ``parts + 1`` values: this partition's order keys in each partition's slice of the
        level's key range (ascending), then ``(new states, first findings it has, edges so far)``.
        """
        self.receive(*batches)
        okeys, found = self.finish_level()
        lo, n = self.span
        bounds = np.array([(lo + n * j // self.parts) * self.T for j in range(1, self.parts)], dtype=np.int64)
        slices = np.split(okeys, np.searchsorted(okeys, bounds))
        self.acc["bytes_out"] += sum(a.nbytes for j, a in enumerate(slices) if j != self.index)
        return [*slices, (len(okeys), found, self.acc["edges"])]

    def rank(self, *slices: np.ndarray) -> list[Any]:
        """Rank the keys of this partition's slice, one ascending run from each partition.

        Returns ``parts + 1`` values: how many keys the slice has, then each partition's ranks.
        """
        ranks = _ranks(list(slices))
        back = np.split(ranks, np.cumsum([len(a) for a in slices[:-1]]))
        self.acc["bytes_out"] += sum(a.nbytes for j, a in enumerate(back) if j != self.index)
        return [len(ranks), *back]

    def expand(self, lo: int, hi: int) -> list[Batch]:
        """Expand frontier entries ``lo:hi``; one batch per partition (``None`` for this one)."""
        if self.native is not None:
            return self._expand_native(lo, hi)
        acc, succ, canon, T = self.acc, self.succ, self.problem.canonical, self.T
        fired, sv, sw = acc["fired"], acc["step_violations"], acc["step_witnesses"]
        check_step, wit_step, obs_of = self.check_step, self.wit_step, self.by_transition
        n_wit_steps = len(self.problem.sometimes_steps)
        ts: list[int] = []
        oks: list[int] = []
        for sid, s in zip(self.frontier_ids[lo:hi].tolist(), from_words(self.frontier[lo:hi])):
            out = succ(s)
            if not out:
                acc["deadlocks"] += 1
                if acc["first_deadlock"] is None:
                    acc["first_deadlock"] = sid
            base = sid * T
            for i, t in out:
                fired[i] += 1
                c = t if canon is None else canon(t)
                # Checks see the concrete edge; the stored (and recorded) successor is canonical.
                if check_step is not None:
                    for k in check_step(s, t):
                        if k not in sv:
                            sv[k] = (sid, i, c)
                if wit_step is not None and len(sw) < n_wit_steps:
                    for k in wit_step(s, t):
                        if k not in sw:
                            sw[k] = (sid, i, c)
                obs = obs_of.get(i)
                if obs:
                    for ob in obs:
                        ob.visit(sid, s, i, t, -1)
                ts.append(c)
                oks.append(base + i)
        acc["edges"] += len(ts)
        # Send each successor once per chunk (with its first edge): most BFS edges lead to known states.
        arr, okeys, keys = _first_per_state(to_words(ts, self.words), np.array(oks, dtype=np.int64))
        return self._route(arr, okeys, owners_of(keys, self.parts))

    def _expand_native(self, lo: int, hi: int) -> list[Batch]:
        assert self.native is not None
        acc, p = self.acc, self.problem
        arr, okeys, owner, rec = self.native.expand(self.frontier[lo:hi], self.frontier_ids[lo:hi],
                                                    self.parts, self.index)
        acc["fired"] = [a + int(b) for a, b in zip(acc["fired"], rec.fired)]
        acc["edges"] += rec.edges
        acc["deadlocks"] += rec.deadlocks
        if acc["first_deadlock"] is None:
            acc["first_deadlock"] = rec.first_deadlock
        for name, found in (("step_violations", rec.step_violations), ("step_witnesses", rec.step_witnesses)):
            for k, r in found.items():
                acc[name].setdefault(k, r)  # chunks come in id order: the first record stays
        if p.merge is not None:
            p.merge(p.observers, rec.observers)
        return self._route(arr, okeys, owner)  # the C core kept this partition's own

    def _route(self, arr: np.ndarray, okeys: np.ndarray, owner: np.ndarray) -> list[Batch]:
        """Keep the successors this partition owns; one batch per other owner."""
        acc = self.acc
        out_batches: list[Batch] = []
        for j in range(self.parts):
            sel = owner == j
            if not sel.any():
                out_batches.append(None)
                continue
            b = (arr[sel], okeys[sel])
            if j == self.index:
                self.receive(b)
                out_batches.append(None)
            else:
                acc["bytes_out"] += b[0].nbytes + b[1].nbytes
                out_batches.append(b)
        return out_batches

    def receive(self, *batches: Batch) -> None:
        if self.native is not None:
            for b in batches:
                if b is not None and len(b[1]):
                    self.native.offer(b[0], b[1])
            return
        for b in batches:
            if b is not None and len(b[1]):
                self.pending.append(b)
        if sum(len(b[1]) for b in self.pending) > _COMPACT_AT:
            self.pending = [self._dedup()]

    def _dedup(self) -> tuple[np.ndarray, np.ndarray]:
        """Pending candidates minus visited ones, one per state: the one with the smallest order key."""
        arr, ok, keys = _first_per_state(np.concatenate([b[0] for b in self.pending]),
                                         np.concatenate([b[1] for b in self.pending]))
        self.pending = []
        new = ~self.visited.contains(keys)
        return arr[new], ok[new]

    def finish_level(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Settle this level's new states; return their order keys, ascending, and (compiled core)
        which first findings this partition has."""
        if self.native is not None:
            states, okn = self.native.take()
            order = np.argsort(okn)
            arr1, okn = states[order], okn[order]
            self.new = (arr1, arr1[:, 0], okn)  # the keys are not used: the native set has them
            return okn, self.native.found()
        if not self.pending:
            self.new = (np.empty((0, self.words), dtype=np.uint64), None, _EMPTY_OK)  # type: ignore[assignment]
            return _EMPTY_OK, None
        arr, ok = self._dedup()
        order = np.argsort(ok)
        arr, ok = arr[order], ok[order]
        self.new = (arr, keys_of(arr), ok)
        return ok, None

    def commit(self, *parts: Any) -> int:
        """Give the new states their ids; they become the frontier.  Returns how many there are.

        ``parts``: every slice's key count, this partition's ranks from every slice, and every
        partition's ``settle`` summary (for the first findings some partition has: this one stops
        looking for them).
        """
        w = self.parts
        counts, ranks, sums = parts[:w], parts[w:2 * w], parts[2 * w:]
        offsets = self.base + np.concatenate([[0], np.cumsum(counts[:-1], dtype=np.int64)])
        ids = np.concatenate([o + r for o, r in zip(offsets.tolist(), ranks)]).astype(np.int64)
        flags = [f for _, f, _ in sums if f is not None]
        self.span = (self.base, int(sum(counts)))
        self.base += self.span[1]
        return self._commit(ids, np.logical_or.reduce(flags) if flags else None)

    def _commit(self, ids: np.ndarray, found: np.ndarray | None) -> int:
        assert self.new is not None
        if found is not None and self.native is not None:
            self.native.stop_looking(found)
        arr, keys, ok = self.new
        self.new = None
        if len(ids):
            if self.native is None:  # the native set marked them visited when they were taken
                self.visited.add(keys)
            self.rec_ids.append(ids)
            self.rec_states.append(arr)
            self.rec_okeys.append(ok)
            self._check_states(ids, arr)
        self.frontier, self.frontier_ids = arr, ids
        return len(ids)

    def _check_states(self, ids: np.ndarray, arr: np.ndarray) -> None:
        if self.native is not None:
            self.native.check_states(arr, ids)
            return
        acc, inv, wit = self.acc, self.check_inv, self.wit
        if inv is None and wit is None:
            return
        viol, wits, n_wit = acc["state_violations"], acc["state_witnesses"], len(self.problem.sometimes)
        for sid, t in zip(ids.tolist(), from_words(arr)):
            if inv is not None:
                for k in inv(t):
                    viol.setdefault(k, sid)
            if wit is not None and len(wits) < n_wit:
                for k in wit(t):
                    wits.setdefault(k, sid)

    # -- afterwards: paths, results, statistics -----------------------------------------------

    def locate(self, sid: int) -> tuple[int, int] | None:
        """``(packed state, order key)`` of the state with global id ``sid``, if this partition owns it."""
        for ids, arr, ok in zip(self.rec_ids, self.rec_states, self.rec_okeys):
            if len(ids) and ids[0] <= sid <= ids[-1]:
                i = int(np.searchsorted(ids, sid))
                if ids[i] == sid:
                    return from_words(arr[i:i + 1])[0], int(ok[i])
        return None

    def id_of(self, state: int) -> int | None:
        key = keys_of(to_words([state], self.words))
        for ids, arr in zip(self.rec_ids, self.rec_states):
            hit = np.flatnonzero(keys_of(arr) == key[0])
            if len(hit):
                return int(ids[hit[0]])
        return None

    def summary(self) -> dict[str, Any]:
        p = self.problem
        if self.native is not None:
            self.acc["state_violations"], self.acc["state_witnesses"] = self.native.state_findings()
        return {**self.acc, "observers": p.snapshot(p.observers) if p.snapshot else None,
                "states": int(sum(len(i) for i in self.rec_ids)), **self.stats()}

    def stats(self) -> dict[str, int]:
        table = self.native.nbytes if self.native is not None else self.visited.nbytes
        held = table + sum(a.nbytes for r in (self.rec_ids, self.rec_states, self.rec_okeys) for a in r)
        return {"peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "held_bytes": held,
                "bytes_out": self.acc["bytes_out"]}

    # -- checkpoints -----------------------------------------------------------------------------

    def save(self, path: str) -> None:
        p = self.problem
        if self.native is not None:  # its set is rebuilt from the records on load
            self.acc["state_violations"], self.acc["state_witnesses"] = self.native.state_findings()
        data = {"acc": self.acc, "runs": self.visited.runs, "ids": self.rec_ids, "states": self.rec_states,
                "okeys": self.rec_okeys, "frontier": self.frontier, "frontier_ids": self.frontier_ids,
                "observers": p.snapshot(p.observers) if p.snapshot else None, "base": self.base, "span": self.span}
        tmp = Path(path + ".tmp")
        with tmp.open("wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    def load(self, path: str) -> int:
        with open(path, "rb") as f:
            data = pickle.load(f)  # noqa: S301 - our own checkpoint
        self.acc, self.visited.runs = data["acc"], data["runs"]
        self.rec_ids, self.rec_states, self.rec_okeys = data["ids"], data["states"], data["okeys"]
        self.frontier, self.frontier_ids = data["frontier"], data["frontier_ids"]
        self.base, self.span = data["base"], data["span"]
        if self.native is not None:
            for arr in self.rec_states:
                self.native.add_done(arr)
            for k, sid in self.acc["state_violations"].items():
                self.native.inv[k] = sid
            for k, sid in self.acc["state_witnesses"].items():
                self.native.wit[k] = sid
            self.visited.runs = []
        p = self.problem
        if p.restore is not None and data["observers"] is not None:
            p.restore(p.observers, data["observers"])
        return len(self.frontier_ids)


def _first_per_state(arr: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per distinct state, the one with the smallest order key; returns (states, order keys, keys)."""
    keys = keys_of(arr)
    order = np.argsort(ok, kind="stable")
    order = order[np.argsort(keys[order], kind="stable")]
    ks = keys[order]
    first = np.ones(len(ks), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    sel = order[first]
    return arr[sel], ok[sel], keys[sel]


def _ranks(runs: list[np.ndarray]) -> np.ndarray:
    """Each key's rank among all of them, for ascending runs of distinct keys (a state's order key is
    its first edge's, and an edge leads to one state).  A stable argsort of the concatenation merges
    the runs (timsort finds them): linear, not a full sort."""
    allk = np.concatenate(runs) if runs else _EMPTY_OK
    ranks = np.empty(len(allk), dtype=np.int64)
    ranks[np.argsort(allk, kind="stable")] = np.arange(len(allk), dtype=np.int64)
    return ranks
