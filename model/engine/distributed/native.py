"""The compiled core of a partition: expansion, checks and the visited set in C.

The library is the very one the single-machine fast engine builds
(:func:`kubelife.model.engine.fast_c.c_source`: same text, same cache entry); this
module only drives its ``kl_expand``, ``kl_check_states`` and ``kl_pset_*``
functions on NumPy arrays, a chunk of thousands of states per call.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kubelife.model.engine.compile import StatePred, StepPred
from kubelife.model.engine.fast import ObserverResult, available, build
from kubelife.model.engine.fast_c import EdgeSpec, c_source
from kubelife.model.engine.symmetry import SymmetrySpec
from kubelife.model.engine.system import TransitionSystem

__all__ = ["NativeSpec", "NativeCore", "native_core"]

_P = ctypes.c_void_p
_I64 = ctypes.c_int64


@dataclass
class NativeSpec:
    """What the C library is compiled from: the inputs of the single-machine fast engine."""

    invariants: Sequence[StatePred] = ()
    steps: Sequence[StepPred] = ()
    sometimes: Sequence[StatePred] = ()
    sometimes_steps: Sequence[StepPred] = ()
    observers: Sequence[EdgeSpec] = ()
    symmetry: SymmetrySpec | None = None


@dataclass
class Records:
    """What one expand call counted, and the first findings it made (step records name their target state)."""

    fired: np.ndarray  # per transition
    edges: int
    deadlocks: int
    first_deadlock: int | None
    step_violations: dict[int, tuple[int, int, int]]  # k -> (source id, -1, canonical successor)
    step_witnesses: dict[int, tuple[int, int, int]]
    observers: list[ObserverResult]


def native_core(system: TransitionSystem, spec: NativeSpec | None) -> NativeCore | None:
    """The compiled core, or ``None`` (no spec, no C compiler, or a field wider than a word); states of
    any width."""
    if spec is None or not available() or system.layout.wide_field is not None:
        return None
    return NativeCore(system, spec)


class NativeCore:
    def __init__(self, system: TransitionSystem, spec: NativeSpec) -> None:
        self.T = len(system.transitions)
        self.words = system.layout.words  # a state is a row of this many uint64 words
        self.ns, self.nws, self.nob = len(spec.steps), len(spec.sometimes_steps), len(spec.observers)
        self.ni, self.nw = len(spec.invariants), len(spec.sometimes)
        lib = build(c_source(system, invariants=spec.invariants, steps=spec.steps, sometimes=spec.sometimes,
                             sometimes_steps=spec.sometimes_steps, observers=spec.observers,
                             symmetry=spec.symmetry))
        assert lib is not None
        lib.kl_pset_new.restype = _P
        lib.kl_pset_free.argtypes = [_P]
        lib.kl_pset_bytes.argtypes, lib.kl_pset_bytes.restype = [_P], _I64
        lib.kl_pset_offer.argtypes, lib.kl_pset_offer.restype = [_P, _P, _P, _I64], _I64
        lib.kl_pset_pending.argtypes, lib.kl_pset_pending.restype = [_P], _I64
        lib.kl_pset_take.argtypes = [_P, _P, _P]
        lib.kl_pset_new.argtypes = []
        lib.kl_pset_add_done.argtypes, lib.kl_pset_add_done.restype = [_P, _P, _I64], _I64
        lib.kl_expand.argtypes = [_P, _P, _I64, *([_P] * 11), ctypes.c_int, _P, _I64, _I64]  # 11: succ .. scratch
        lib.kl_expand.restype = _I64
        lib.kl_check_states.argtypes = [_P, _P, _I64, _P, _P]
        self.lib = lib
        self.pset = lib.kl_pset_new()
        if not self.pset:
            raise MemoryError("could not allocate a partition's visited set")
        self.inv = np.full(max(1, self.ni), -1, dtype=np.int64)
        self.wit = np.full(max(1, self.nw), -1, dtype=np.int64)
        self.sbits = 13  # 2^13 slots (128 KiB): deduplication within a chunk stays in cache
        self.scratch = np.zeros((self.words + 1) << self.sbits, dtype=np.uint64)  # (key words, id) slots
        self.cap = 0
        self.buf: tuple[np.ndarray, ...] = ()
        # First findings persist across calls (a found one is not searched for again); `seen_*` says
        # which have been turned into records already.
        self.sv = np.full(2 * max(1, self.ns), -1, dtype=np.int64)
        self.sw = np.full(2 * max(1, self.nws), -1, dtype=np.int64)
        self.ob = np.full(6 * max(1, self.nob), -1, dtype=np.int64)
        self.ob[0::6] = 0
        # Targets of the first records, a row each: observers' (2 each), then step properties, witnesses.
        self.recs = np.zeros((max(1, 2 * self.nob + self.ns + self.nws), self.words), dtype=np.uint64)
        self.seen_sv: set[int] = set()
        self.seen_sw: set[int] = set()
        self.seen_ob: set[tuple[int, int]] = set()

    def close(self) -> None:
        if self.pset:
            self.lib.kl_pset_free(self.pset)
            self.pset = None

    def __del__(self) -> None:
        self.close()

    # -- visited set ------------------------------------------------------------------------------

    def _rows(self, states: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(states, dtype=np.uint64).reshape(-1, self.words)

    def offer(self, states: np.ndarray, okeys: np.ndarray) -> None:
        """``states``: ``(n, words)`` rows."""
        s, o = self._rows(states), np.ascontiguousarray(okeys, dtype=np.int64)
        if self.lib.kl_pset_offer(self.pset, s.ctypes.data, o.ctypes.data, len(s)):
            raise MemoryError("a partition's visited set ran out of memory")

    def take(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.lib.kl_pset_pending(self.pset)
        states, okeys = np.empty((n, self.words), dtype=np.uint64), np.empty(n, dtype=np.int64)
        self.lib.kl_pset_take(self.pset, states.ctypes.data, okeys.ctypes.data)
        return states, okeys

    def add_done(self, states: np.ndarray) -> None:
        s = self._rows(states)
        if self.lib.kl_pset_add_done(self.pset, s.ctypes.data, len(s)):
            raise MemoryError("a partition's visited set ran out of memory")

    @property
    def nbytes(self) -> int:
        return int(self.lib.kl_pset_bytes(self.pset))

    # -- checks -------------------------------------------------------------------------------------

    def check_states(self, states: np.ndarray, ids: np.ndarray) -> None:
        s, i = self._rows(states), np.ascontiguousarray(ids, dtype=np.int64)
        self.lib.kl_check_states(s.ctypes.data, i.ctypes.data, len(s), self.inv.ctypes.data, self.wit.ctypes.data)

    def state_findings(self) -> tuple[dict[int, int], dict[int, int]]:
        return ({k: int(x) for k, x in enumerate(self.inv[:self.ni]) if x >= 0},
                {k: int(x) for k, x in enumerate(self.wit[:self.nw]) if x >= 0})

    def found(self) -> np.ndarray:
        """Which edge findings this core has: step violations, step witnesses, row witnesses, row failures."""
        return np.concatenate([self.sv[0:2 * self.ns:2] >= 0, self.sw[0:2 * self.nws:2] >= 0,
                               self.ob[1:6 * self.nob:6] >= 0, self.ob[3:6 * self.nob:6] >= 0])

    def stop_looking(self, found: np.ndarray) -> None:
        """Mark findings made elsewhere as found here (without a record of this core's own)."""
        parts = np.split(found, np.cumsum([self.ns, self.nws, self.nob]))
        for arr, n, seen, flags in ((self.sv, self.ns, self.seen_sv, parts[0]),
                                    (self.sw, self.nws, self.seen_sw, parts[1])):
            for k in np.flatnonzero(flags & (arr[0:2 * n:2] < 0)):
                arr[2 * k] = 0  # any id >= 0 switches the C check off
                seen.add(int(k))
        for col, kind in ((1, 0), (3, 1)):
            for o in np.flatnonzero(parts[2 + kind] & (self.ob[col:6 * self.nob:6] < 0)):
                self.ob[6 * o + col] = 0
                self.seen_ob.add((int(o), kind))

    # -- expansion ----------------------------------------------------------------------------------

    def expand(self, states: np.ndarray, ids: np.ndarray, parts: int,
               me: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, Records]:
        """Expand ``states`` (``(n, words)`` rows): successors owned by partition ``me`` go into its set;
        the others come back once per chunk run as ``(states, order keys, owners)``, with this call's
        new findings."""
        n = len(states)
        cap = max(1, n * self.T)
        if cap > self.cap:  # buffers live across calls: fresh ones cost a page fault per 4 KiB
            self.cap = cap
            w = self.words
            self.buf = (np.empty((cap, w), dtype=np.uint64), np.empty(cap, dtype=np.int64),
                        np.empty(cap, dtype=np.int32), np.empty((cap, w), dtype=np.uint64),
                        np.empty(cap, dtype=np.int64))
        succ, okeys, owner, own_c, own_k = self.buf
        s, i = self._rows(states), np.ascontiguousarray(ids, dtype=np.int64)
        acc = np.zeros(self.T + 3, dtype=np.int64)
        acc[self.T + 2] = -1
        hits_before = self.ob[0::6].copy()
        out = (succ, okeys, owner, own_c, own_k, acc, self.sv, self.sw, self.ob, self.recs, self.scratch)
        m = self.lib.kl_expand(s.ctypes.data, i.ctypes.data, n, *(a.ctypes.data for a in out), self.sbits,
                               self.pset, parts, me)
        if m < 0:
            raise MemoryError("a partition's visited set ran out of memory")

        def target(row: int) -> int:
            return sum(int(x) << (64 * k) for k, x in enumerate(self.recs[row]))

        def new_records(arr: np.ndarray, count: int, seen: set[int], at: int) -> dict[int, tuple[int, int, int]]:
            out = {}
            for k in range(count):
                if arr[2 * k] >= 0 and k not in seen:
                    seen.add(k)
                    # (source, transition, target); the transition is not kept, and not needed: a
                    # source is expanded by one partition only, so sources alone order the records.
                    out[k] = (int(arr[2 * k]), -1, target(at + k))
            return out

        obs = []
        for o in range(self.nob):
            h, ws, wi, fs, fi, fk = (int(x) for x in self.ob[6 * o:6 * o + 6])
            wit = fail = None
            if ws >= 0 and (o, 0) not in self.seen_ob:
                self.seen_ob.add((o, 0))
                wit = (ws, wi, target(2 * o))
            if fs >= 0 and (o, 1) not in self.seen_ob:
                self.seen_ob.add((o, 1))
                fail = (fs, fi, target(2 * o + 1), fk)
            obs.append(ObserverResult(h - int(hits_before[o]), wit, fail))
        dead = int(acc[self.T + 2])
        rec = Records(acc[:self.T], int(acc[self.T]), int(acc[self.T + 1]), dead if dead >= 0 else None,
                      new_records(self.sv, self.ns, self.seen_sv, 2 * self.nob),
                      new_records(self.sw, self.nws, self.seen_sw, 2 * self.nob + self.ns), obs)
        return succ[:m].copy(), okeys[:m].copy(), owner[:m].copy(), rec
