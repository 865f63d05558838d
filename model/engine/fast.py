"""The fast engine: the model compiled to C at run time, breadth-first search in C.

The C source comes from :mod:`kubelife.model.engine.fast_c` (the same builders and
predicates, printed through a C ``Ops`` backend), is compiled once with the
system C compiler and cached by the hash of its text, and is loaded with
:mod:`ctypes`.  Results are those of :func:`kubelife.model.engine.explore.explore`:
same state ids, counts, first violations and witnesses, so the traces built
from them are identical.  A state is as many 64-bit words as its layout needs
(:class:`~kubelife.model.engine.system.Layout`); with one word, ``packed`` is a uint64
array, with more a :class:`WideStates` view that reads each state as a Python int.
Without a C compiler, :func:`available` is false and callers use the Python explorer.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kubelife.model.engine.compile import StatePred, StepPred
from kubelife.model.engine.explore import Exploration, MemoryBudgetExceeded, ModelTooLarge, Progress, StateLimitExceeded
from kubelife.model.engine.fast_c import MAX_C_BYTES, EdgeSpec, c_source, canon_source
from kubelife.model.engine.graph import Graph
from kubelife.model.engine.narrow import Narrowing, narrow
from kubelife.model.engine.symmetry import SymmetrySpec
from kubelife.model.engine.system import Layout, TransitionSystem

__all__ = ["available", "fast_explore", "fast_graph", "ObserverResult", "compiler", "cache_dir", "FastEngineError",
           "build", "check_size", "native_canonicalizer", "default_memory_budget", "set_memory_budget",
           "WideStates", "words_of", "int_of"]

CFLAGS = ("-O1", "-shared", "-fPIC", "-w")  # -O2 compiles large models 4x slower and runs no faster


class FastEngineError(RuntimeError):
    pass


def compiler() -> str | None:
    """The C compiler to use (``$CC`` or gcc/cc), or ``None``; ``KUBELIFE_NO_CC=1`` disables it."""
    if os.environ.get("KUBELIFE_NO_CC"):
        return None
    for cc in (os.environ.get("CC"), "gcc", "cc"):
        if cc and shutil.which(cc):
            return cc
    return None


def available() -> bool:
    """A C compiler is there and the BFS source shipped with the package."""
    from importlib import resources

    return compiler() is not None and resources.files("kubelife.model.engine").joinpath("fast_bfs.c").is_file()


def cache_dir() -> Path:
    base = os.environ.get("KUBELIFE_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    d = root / "kubelife" if not os.environ.get("KUBELIFE_CACHE") else root
    try:
        d.mkdir(parents=True, exist_ok=True)
        return d
    except OSError:  # read-only home: fall back to the temp dir
        d = Path(tempfile.gettempdir()) / f"kubelife-{os.getuid()}"
        d.mkdir(parents=True, exist_ok=True)
        return d


def _library_path(src: str) -> Path:
    cc = compiler()
    if cc is None:
        raise FastEngineError("no C compiler found; install gcc or use the python engine")
    digest = hashlib.sha256((" ".join((cc, *CFLAGS)) + "\n" + src).encode()).hexdigest()[:24]
    return cache_dir() / f"kl_{digest}.so"


def build(src: str, *, only_if_cached: bool = False) -> ctypes.CDLL | None:
    """Compile ``src`` to a shared library (cached by hash) and load it; with ``only_if_cached``,
    ``None`` instead of compiling."""
    cc = compiler()
    so = _library_path(src)
    if not so.exists() and only_if_cached:
        return None
    if not so.exists():
        with tempfile.TemporaryDirectory(dir=so.parent) as tmp:
            c_file, tmp_so = Path(tmp) / "model.c", Path(tmp) / "model.so"
            c_file.write_text(src)
            r = subprocess.run([str(cc), *CFLAGS, "-o", str(tmp_so), str(c_file)], capture_output=True, text=True)
            if r.returncode != 0:
                raise FastEngineError(f"the C compiler failed: {r.stderr.strip()[:2000]}")
            os.replace(tmp_so, so)  # atomic: concurrent runs see a whole library or none
    lib = ctypes.CDLL(str(so))
    lib.kl_canon_w.argtypes = [_P, _P]
    if hasattr(lib, "kl_canon"):  # one-word states: one ctypes call a state
        lib.kl_canon.restype = ctypes.c_uint64
        lib.kl_canon.argtypes = [ctypes.c_uint64]
    if not hasattr(lib, "kl_explore"):
        return lib
    lib.kl_explore.restype = ctypes.c_int64
    lib.kl_explore.argtypes = [_P, ctypes.c_int64, ctypes.c_int64, _P, _P, _P, _P, _PROGRESS, ctypes.c_int64,
                               ctypes.c_int, ctypes.c_int64]
    lib.kl_graph.restype = ctypes.c_int64
    lib.kl_graph.argtypes = [_P, ctypes.c_int64, ctypes.c_int64, _P, *([_P] * 6), _PROGRESS]
    lib.kl_free.argtypes = [_P]
    lib.kl_unmap.argtypes = [_P]
    lib.kl_successors.restype = ctypes.c_int
    lib.kl_successors.argtypes = [_P, _P, _P]
    return lib


_P = ctypes.c_void_p
_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64)

# The search puts its expander on a second thread past this many states (smaller searches end
# before a thread pays for itself).
THREAD_AFTER = 1 << 16


def default_threads() -> int:
    """Threads for one search: ``KUBELIFE_THREADS`` if set, else 2 on a machine with two cores or more.

    The search is an expander (successors, checks, observers) and an inserter (the visited table);
    two threads give each its core (docs/scaling.md has the measurements)."""
    env = os.environ.get("KUBELIFE_THREADS", "")
    if env.isdigit() and int(env) >= 1:
        return min(2, int(env))
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def default_memory_budget() -> int:
    """75% of the machine's memory (``MemTotal``), the compiled engine's default budget."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024 * 3 // 4
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4
    except (ValueError, OSError, AttributeError):
        return 0  # unknown: no budget


def words_of(state: int, words: int) -> np.ndarray:
    """A packed state as its ``words`` uint64 words, low word first (the C engine's ``st_t``)."""
    return np.array([(state >> (64 * k)) & _M64 for k in range(words)], dtype=np.uint64)


_M64 = (1 << 64) - 1


def int_of(words: Any) -> int:
    """The packed state whose uint64 words (low first) these are: the inverse of :func:`words_of`."""
    return sum(int(w) << (64 * k) for k, w in enumerate(words))


class WideStates(Sequence[int]):
    """States of several words as Python ints, over an ``(n, words)`` uint64 array (no copy)."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return int_of(self.rows[i])

    def index_of(self, state: int) -> int:
        """The id of ``state``: one pass over the first words, then the few candidates' other words."""
        w = words_of(state, self.rows.shape[1])
        cand = np.flatnonzero(self.rows[:, 0] == w[0])
        return int(cand[(self.rows[cand] == w).all(axis=1)][0])


class ExpandedStates(Sequence[int]):
    """The states of a narrowed search (:mod:`~kubelife.model.engine.narrow`) read as the original's."""

    def __init__(self, inner: Any, nar: Narrowing) -> None:
        self.inner, self.nar = inner, nar

    def __len__(self) -> int:
        return len(self.inner)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self.nar.expand(int(self.inner[i]))

    def index_of(self, state: int) -> int:
        return _index_of(self.inner, self.nar.compress(state))


# Generated C grows about as transitions x fields (400-700 bytes each, measured on both profiles from
# 1,000 to 300,000): past this product the C would pass MAX_C_BYTES many times over.
MAX_TRANSITIONS_X_FIELDS = 40_000


def check_size(system: TransitionSystem) -> None:
    """Raise :class:`ModelTooLarge` at once for a model whose C would be far past what gcc compiles in
    minutes (generating it would itself take minutes); nearer the line, generation stops at the limit."""
    if len(system.transitions) * len(system.layout) > MAX_TRANSITIONS_X_FIELDS:
        raise ModelTooLarge(MAX_C_BYTES)


def _index_of(packed: Any, state: int) -> int:
    if isinstance(packed, (WideStates, ExpandedStates)):
        return packed.index_of(state)
    return int(np.flatnonzero(packed == np.uint64(state))[0])


@dataclass
class ObserverResult:
    """What one observer saw: hits, the first hit ``(src id, transition, t)`` and the first failure
    ``(src id, transition, t, focus index)``."""

    hits: int
    witness: tuple[int, int, int] | None
    failure: tuple[int, int, int, int] | None


def native_canonicalizer(layout: Layout, spec: SymmetrySpec) -> Callable[[int], int]:
    """The C canonical form as a Python callable (same results as the Python one, tested)."""
    lib = build(canon_source(layout, spec))
    assert lib is not None
    if layout.words == 1:
        return lib.kl_canon  # type: ignore[no-any-return]  # ctypes never unloads the library
    words = layout.words
    buf_in, buf_out = (ctypes.c_uint64 * words)(), (ctypes.c_uint64 * words)()
    f = lib.kl_canon_w

    def canon(s: int) -> int:
        for k in range(words):
            buf_in[k] = (s >> (64 * k)) & _M64
        f(buf_in, buf_out)
        return int_of(buf_out)

    return canon


def _adopt(lib: ctypes.CDLL, status: int, max_states: int | None, budget: int,
           arrays: list[tuple[Any, int, Any]], mapped: int = 3, states: int | None = None) -> list[np.ndarray]:
    """The arrays a search returned (pointer, length, dtype) as NumPy arrays over the C memory, freed
    when the last view goes (no copy: the copy was a third of the peak); raises, after freeing them,
    for a search that stopped (3: past the budget, 2: out of memory, 1: past ``max_states``).  The
    first ``mapped`` are the store's reserved rows (``kl_unmap``), the others malloc'd (``kl_free``)."""
    frees = [lib.kl_unmap if k < mapped else lib.kl_free for k in range(len(arrays))]
    if status:
        for (ptr, _, _), free in zip(arrays, frees):
            free(ptr)
        if status == 4:
            raise KeyboardInterrupt
        if status == 3:
            raise MemoryBudgetExceeded(budget, states)
        if status == 2:
            raise MemoryError("the fast engine ran out of memory (or past 2**31 states)")
        raise StateLimitExceeded(max_states or 0)
    out = []
    for (ptr, k, dt), free in zip(arrays, frees):
        nbytes = max(1, k * np.dtype(dt).itemsize)
        buf = (ctypes.c_uint8 * nbytes).from_address(ptr.value)
        weakref.finalize(buf, free, ptr.value)
        out.append(np.frombuffer(buf, dtype=dt, count=k))
    return out


_budget_override: int | None = None


def set_memory_budget(budget: int | None) -> None:
    """The budget of every later search in this process that is not given one (``None``: the default);
    the CLI's ``--memory-budget``."""
    global _budget_override
    _budget_override = budget


def _budget(memory_budget: int | None) -> int:
    if memory_budget is not None:
        return memory_budget
    return default_memory_budget() if _budget_override is None else _budget_override


def _states(arr: np.ndarray, words: int) -> Any:
    return arr if words == 1 else WideStates(arr.reshape(-1, words))


def fast_explore(
    system: TransitionSystem,
    *,
    invariants: Sequence[StatePred] = (),
    steps: Sequence[StepPred] = (),
    sometimes: Sequence[StatePred] = (),
    sometimes_steps: Sequence[StepPred] = (),
    observers: Sequence[EdgeSpec] = (),
    symmetry: SymmetrySpec | None = None,
    canon: Callable[[int], int] | None = None,
    progress: Progress | None = None,
    progress_every: int = 50_000,
    max_states: int | None = None,
    only_if_cached: bool = False,
    memory_budget: int | None = None,
    threads: int | None = None,
    thread_after: int | None = None,
) -> tuple[Exploration, list[ObserverResult]] | None:
    """Like :func:`~kubelife.model.engine.explore.explore`, with observers given as compiled edge checks.

    ``symmetry`` stores canonical representatives (compiled to C); ``canon``
    is the matching Python canonicalizer, used to map traces back to
    concrete steps.  ``only_if_cached``: return ``None`` rather than run the C compiler.
    ``memory_budget`` (bytes; default :func:`default_memory_budget`, 0 for none): the search stops
    with :class:`MemoryBudgetExceeded` before allocating past it.  ``threads`` (default
    :func:`default_threads`): 2 runs the expander on its own thread once the search passes
    ``thread_after`` states (default :data:`THREAD_AFTER`); the results are the same.  Ctrl-C stops
    the search (``KeyboardInterrupt``) at its next progress call, every ``progress_every`` states.
    """
    check_size(system)
    nar = _narrowing(system, symmetry)
    run = system
    if nar is not None:  # the same search over fewer bits; states are expanded on the way out
        run, symmetry = nar.system, nar.symmetry
        invariants, sometimes = [nar.state_pred(p) for p in invariants], [nar.state_pred(p) for p in sometimes]
        steps, sometimes_steps = [nar.step_pred(p) for p in steps], [nar.step_pred(p) for p in sometimes_steps]
        observers = [{i: [(nar.state_pred(a), nar.step_pred(b)) for a, b in checks] for i, checks in spec.items()}
                     for spec in observers]
    src = c_source(run, invariants=invariants, steps=steps,
                   sometimes=sometimes, sometimes_steps=sometimes_steps,
                   observers=observers, symmetry=symmetry)
    lib = build(src, only_if_cached=only_if_cached)
    if lib is None:
        return None
    words, budget = run.layout.words, _budget(memory_budget)
    nt, ni, ns, nw, nws, nob = (len(system.transitions), len(invariants), len(steps), len(sometimes),
                                len(sometimes_steps), len(observers))
    out = np.zeros(8 + nt + ni + nw + 2 * ns + 2 * nws + 6 * max(1, nob), dtype=np.int64)
    recs = np.zeros(max(1, (2 * nob + ns + nws) * words), dtype=np.uint64)
    ptrs = [ctypes.c_void_p() for _ in range(2)]
    start = time.perf_counter()
    init = words_of(run.layout.pack(run.initial), words)
    with _Interrupt() as stop:
        cb = _PROGRESS(_progress_call(progress, start, progress_every, stop))
        status = lib.kl_explore(init.ctypes.data, max_states or 0, budget, out.ctypes.data, recs.ctypes.data,
                                *(ctypes.byref(p) for p in ptrs), cb, min(max(1, progress_every), 1 << 15),
                                threads or default_threads(),
                                THREAD_AFTER if thread_after is None else thread_after)
        if status == 4:  # stopped: free its arrays now (raises KeyboardInterrupt)
            _adopt(lib, status, max_states, 0, [(p, 0, np.uint8) for p in ptrs])
    seconds = time.perf_counter() - start
    vals = out.tolist()
    n = vals[0]
    flat, parent = _adopt(lib, status, max_states, budget, [(ptrs[0], n * words, np.uint64), (ptrs[1], n, np.int32)],
                          states=n)
    packed = _states(flat, words)
    if nar is not None:
        packed = ExpandedStates(packed, nar)
    res = Exploration(system)
    res.canon = canon
    res.states, res.transitions, res.depth, res.deadlocks = vals[0], vals[1], vals[2], vals[3]
    res.first_deadlock = vals[4] if vals[4] >= 0 else None
    res.seconds = seconds
    res.peak_bytes = vals[6]
    res.compact_table = bool(vals[7])
    at = 8
    res.fired = vals[at:at + nt]
    at += nt
    res.state_violations = {k: x for k, x in enumerate(vals[at:at + ni]) if x >= 0}
    at += ni
    res.state_witnesses = {k: x for k, x in enumerate(vals[at:at + nw]) if x >= 0}
    at += nw
    rec = [int_of(recs[r * words:(r + 1) * words]) for r in range(2 * nob + ns + nws)]
    if nar is not None:
        rec = [nar.expand(r) for r in rec]
    obt, svt, swt = rec[:2 * nob], rec[2 * nob:2 * nob + ns], rec[2 * nob + ns:]

    def edge_record(src: int, target: int) -> tuple[int, int]:  # C names the target by its stored state
        return src, _index_of(packed, target)

    res.step_violations = {k: edge_record(vals[at + 2 * k], svt[k]) for k in range(ns) if vals[at + 2 * k] >= 0}
    at += 2 * ns
    res.step_witnesses = {k: edge_record(vals[at + 2 * k], swt[k]) for k in range(nws) if vals[at + 2 * k] >= 0}
    at += 2 * nws
    ob = vals[at:at + 6 * nob]
    results = []
    for o in range(nob):
        h, ws, wi, fs, fi, fk = ob[6 * o:6 * o + 6]
        results.append(ObserverResult(h, (ws, wi, obt[2 * o]) if ws >= 0 else None,
                                      (fs, fi, obt[2 * o + 1], fk) if fs >= 0 else None))
    res.packed, res.parent = packed, parent  # type: ignore[assignment]
    res.via = FirstTransitions(packed, parent, _successors_fn(lib, nt, words, nar))  # type: ignore[assignment]
    if progress is not None:
        progress(res.states, res.transitions, 0, res.seconds)
    return res, results


class FirstTransitions(Sequence[int]):
    """The transition by which each state was first reached (``Exploration.via``), recomputed from its
    parent when asked: the compiled search does not store it (2 bytes a state, for the few states a
    trace visits).  ``successors(state)`` gives ``(transition, target)`` in the order the search
    inserted them; the first whose target is the state is the edge the search found it by."""

    def __init__(self, packed: Any, parent: np.ndarray, successors: Callable[[int], list[tuple[int, int]]]) -> None:
        self.packed, self.parent, self.successors = packed, parent, successors

    def __len__(self) -> int:
        return len(self.parent)

    def __getitem__(self, sid: Any) -> Any:
        if isinstance(sid, slice):
            return [self[k] for k in range(*sid.indices(len(self)))]
        sid = int(sid)
        if sid == 0:
            return -1
        target = int(self.packed[sid])
        for i, t in self.successors(int(self.packed[int(self.parent[sid])])):
            if t == target:
                return i
        raise AssertionError(f"state {sid} is not a successor of its parent")


def _successors_fn(lib: ctypes.CDLL, nt: int, words: int,
                   nar: Narrowing | None) -> Callable[[int], list[tuple[int, int]]]:
    """The compiled successors of a state in the caller's packing (``nar`` narrows and expands)."""
    out, tr = np.zeros((nt + 1) * words, dtype=np.uint64), np.zeros(nt + 1, dtype=np.int32)

    def successors(state: int) -> list[tuple[int, int]]:
        s = words_of(nar.compress(state) if nar is not None else state, words)
        k = lib.kl_successors(s.ctypes.data, out.ctypes.data, tr.ctypes.data)
        got = [(int(tr[e]), int_of(out[e * words:(e + 1) * words])) for e in range(k)]
        return [(i, nar.expand(t)) for i, t in got] if nar is not None else got

    return successors


class _Interrupt:
    """Ctrl-C during a compiled search: a SIGINT handler that only sets a flag, which the search's
    callback answers with "stop".

    Python runs signal handlers in the main thread between bytecodes, and that includes the first
    bytecode of the callback, before any ``try`` in it could catch a ``KeyboardInterrupt`` (an
    exception leaving a ctypes callback is printed and dropped, and the search would go on).  So
    while the search runs, SIGINT sets :attr:`hit`; afterwards the usual handler is back and the
    search's caller raises ``KeyboardInterrupt``.  Outside the main thread, or under another
    handler than Python's default, nothing is installed and the callback catches what it can.
    """

    def __init__(self) -> None:
        self.hit = False
        self._old: Any = None

    def __enter__(self) -> _Interrupt:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._old = signal.signal(signal.SIGINT, self._set)
        return self

    def _set(self, signum: int, frame: Any) -> None:
        self.hit = True

    def __exit__(self, *exc: Any) -> None:
        import signal

        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        if self.hit and exc[0] is None:
            raise KeyboardInterrupt


def _progress_call(progress: Progress | None, start: float, every: int,
                   interrupt: _Interrupt | None = None) -> Callable[[int, int, int], int]:
    """The C search's progress function: reports every ``every`` expanded states, and answers 1
    (stop) once Ctrl-C was pressed (:class:`_Interrupt`).

    A callback is always passed, even without progress to show: Python runs its SIGINT handler
    only when it runs Python code, and this is where the search lets it."""
    due = [every]

    def call(n: int, e: int, q: int) -> int:
        try:
            if interrupt is not None and interrupt.hit:
                return 1
            if progress is not None and n - q >= due[0]:
                due[0] = n - q + every
                progress(n, e, q, time.perf_counter() - start)
            return 1 if interrupt is not None and interrupt.hit else 0
        except KeyboardInterrupt:
            return 1

    return call


_NARROWED: dict[tuple[int, SymmetrySpec | None], tuple[TransitionSystem, Narrowing | None]] = {}


def _narrowing(system: TransitionSystem, symmetry: SymmetrySpec | None) -> Narrowing | None:
    """The narrowed form of ``system`` (None: nothing to narrow, or ``KUBELIFE_NO_NARROW`` set), kept per
    system and symmetry (by value: callers build equal specs afresh)."""
    if os.environ.get("KUBELIFE_NO_NARROW"):
        return None
    key = (id(system), symmetry)
    hit = _NARROWED.get(key)
    if hit is None or hit[0] is not system:
        if len(_NARROWED) > 32:
            _NARROWED.clear()
        hit = _NARROWED[key] = (system, narrow(system, symmetry))
    return hit[1]


def fast_graph(system: TransitionSystem, *, symmetry: SymmetrySpec | None = None,
               max_states: int | None = None, memory_budget: int | None = None) -> Graph:
    """:func:`kubelife.model.engine.graph.explore_graph` in C: the same ids, edges and parents (tested).

    ``symmetry`` stores canonical representatives (the C form of the canonicaliser the caller
    uses to map paths back); ``memory_budget`` as :func:`fast_explore`'s."""
    check_size(system)
    nar = _narrowing(system, symmetry)
    run, spec = (nar.system, nar.symmetry) if nar is not None else (system, symmetry)
    lib = build(c_source(run, symmetry=spec))
    assert lib is not None
    words, budget = run.layout.words, _budget(memory_budget)
    out = np.zeros(4, dtype=np.int64)
    ptrs = [ctypes.c_void_p() for _ in range(6)]
    start = time.perf_counter()
    init = words_of(run.layout.pack(run.initial), words)
    with _Interrupt() as stop:
        cb = _PROGRESS(_progress_call(None, start, 1, stop))  # lets Ctrl-C stop the graph search too
        status = lib.kl_graph(init.ctypes.data, max_states or 0, budget, out.ctypes.data,
                              *(ctypes.byref(x) for x in ptrs), cb)
        if status == 4:
            _adopt(lib, status, max_states, 0, [(p, 0, np.uint8) for p in ptrs])
    n, m = int(out[0]), int(out[1])
    flat, parent, via, dst, tr, deg = _adopt(lib, status, max_states, budget, list(zip(
        ptrs, (n * words, n, n, m, m, n), (np.uint64, np.int32, np.int16, np.int32, np.int16, np.int32))), states=n)
    src = np.repeat(np.arange(n, dtype=np.int32), deg)
    if nar is not None:
        flat, words = nar.expand_words(flat.reshape(-1, words)).reshape(-1), system.layout.words
    states = flat.tolist() if words == 1 else list(WideStates(flat.reshape(-1, words)))
    g = Graph(system, states, src, dst, tr, parent.astype(np.int64), via.astype(np.int64),
              reduced=symmetry is not None and not symmetry.trivial)
    g.seconds = time.perf_counter() - start
    g.peak_bytes = int(out[3])
    return g
