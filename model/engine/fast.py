"""The fast engine: the model compiled to C at run time, breadth-first search in C.

The C source comes from :mod:`kubelife.model.engine.fast_c` (the same builders and
predicates, printed through a C ``Ops`` backend), is compiled once with the
system C compiler and cached by the hash of its text, and is loaded with
:mod:`ctypes`.  Results are those of :func:`kubelife.model.engine.explore.explore`:
same state ids, counts, first violations and witnesses, so the traces built
from them are identical.  Without a C compiler, :func:`available` is false
and callers use the Python explorer.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kubelife.model.engine.compile import StatePred, StepPred
from kubelife.model.engine.explore import Exploration, Progress, StateLimitExceeded
from kubelife.model.engine.fast_c import EdgeSpec, c_source, canon_source
from kubelife.model.engine.graph import Graph
from kubelife.model.engine.symmetry import SymmetrySpec
from kubelife.model.engine.system import Layout, TransitionSystem

__all__ = ["available", "fast_explore", "fast_graph", "ObserverResult", "compiler", "cache_dir", "FastEngineError",
           "build", "native_canonicalizer"]

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
    lib.kl_canon.restype = ctypes.c_uint64
    lib.kl_canon.argtypes = [ctypes.c_uint64]
    if not hasattr(lib, "kl_explore"):
        return lib
    lib.kl_explore.restype = ctypes.c_int64
    lib.kl_explore.argtypes = [
        ctypes.c_uint64, ctypes.c_int64, ctypes.POINTER(ctypes.c_int64),
        ctypes.POINTER(ctypes.POINTER(ctypes.c_uint64)), ctypes.POINTER(ctypes.POINTER(ctypes.c_int32)),
        ctypes.POINTER(ctypes.POINTER(ctypes.c_int16)), _PROGRESS, ctypes.c_int64,
    ]
    lib.kl_free.argtypes = [ctypes.c_void_p]
    return lib


_PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64)


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
    return lib.kl_canon  # type: ignore[no-any-return]  # ctypes never unloads the library


def _take(lib: ctypes.CDLL, status: int, max_states: int | None,
          arrays: list[tuple[Any, int]]) -> list[np.ndarray]:
    """Copies of the arrays a search returned (pointer, length), which are then freed; raises for a
    search that stopped (2: out of memory, 1: past ``max_states``)."""
    try:
        if status == 2:
            raise MemoryError("the fast engine ran out of memory (or past 2**31 states)")
        if status == 1:
            raise StateLimitExceeded(max_states or 0)
        return [np.ctypeslib.as_array(ptr, shape=(k,)).copy() for ptr, k in arrays]
    finally:
        for ptr, _ in arrays:
            lib.kl_free(ptr)


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
) -> tuple[Exploration, list[ObserverResult]] | None:
    """Like :func:`~kubelife.model.engine.explore.explore`, with observers given as compiled edge checks.

    ``symmetry`` stores canonical representatives (compiled to C); ``canon``
    is the matching Python canonicalizer, used to map traces back to
    concrete steps.  ``only_if_cached``: return ``None`` rather than run the C compiler.
    """
    src = c_source(system, invariants=invariants, steps=steps,
                   sometimes=sometimes, sometimes_steps=sometimes_steps,
                   observers=observers, symmetry=symmetry)
    lib = build(src, only_if_cached=only_if_cached)
    if lib is None:
        return None
    nt, ni, ns, nw, nws, nob = (len(system.transitions), len(invariants), len(steps), len(sometimes),
                                len(sometimes_steps), len(observers))
    out = (ctypes.c_int64 * (6 + nt + ni + nw + 2 * ns + 2 * nws + 8 * max(1, nob)))()
    states_p = ctypes.POINTER(ctypes.c_uint64)()
    parent_p = ctypes.POINTER(ctypes.c_int32)()
    via_p = ctypes.POINTER(ctypes.c_int16)()
    start = time.perf_counter()
    cb = _PROGRESS(lambda n, e, q: progress(n, e, q, time.perf_counter() - start)) if progress else _PROGRESS()
    init = system.layout.pack(system.initial)
    status = lib.kl_explore(init, max_states or 0, out, ctypes.byref(states_p), ctypes.byref(parent_p),
                            ctypes.byref(via_p), cb, progress_every)
    seconds = time.perf_counter() - start
    n = out[0]
    packed, parent, via = _take(lib, status, max_states, [(states_p, n), (parent_p, n), (via_p, n)])
    vals = list(out)
    res = Exploration(system)
    res.canon = canon
    res.states, res.transitions, res.depth, res.deadlocks = vals[0], vals[1], vals[2], vals[3]
    res.first_deadlock = vals[4] if vals[4] >= 0 else None
    res.seconds = seconds
    at = 6
    res.fired = vals[at:at + nt]
    at += nt
    res.state_violations = {k: x for k, x in enumerate(vals[at:at + ni]) if x >= 0}
    at += ni
    res.state_witnesses = {k: x for k, x in enumerate(vals[at:at + nw]) if x >= 0}
    at += nw

    def edge_record(src: int, target: int) -> tuple[int, int]:  # C names the target by its stored state
        return src, int(np.flatnonzero(packed == np.uint64(target))[0])

    res.step_violations = {k: edge_record(vals[at + 2 * k], vals[at + 2 * k + 1]) for k in range(ns)
                           if vals[at + 2 * k] >= 0}
    at += 2 * ns
    res.step_witnesses = {k: edge_record(vals[at + 2 * k], vals[at + 2 * k + 1]) for k in range(nws)
                          if vals[at + 2 * k] >= 0}
    at += 2 * nws
    ob, obt_at = vals[at:at + 6 * nob], at + 6 * max(1, nob)
    obt = [x & 0xFFFFFFFFFFFFFFFF for x in vals[obt_at:obt_at + 2 * nob]]
    results = []
    for o in range(nob):
        h, ws, wi, fs, fi, fk = ob[6 * o:6 * o + 6]
        results.append(ObserverResult(h, (ws, wi, obt[2 * o]) if ws >= 0 else None,
                                      (fs, fi, obt[2 * o + 1], fk) if fs >= 0 else None))
    res.packed, res.parent, res.via = packed, parent, via  # type: ignore[assignment]
    if progress is not None:
        progress(res.states, res.transitions, 0, res.seconds)
    return res, results


def fast_graph(system: TransitionSystem, *, symmetry: SymmetrySpec | None = None,
               max_states: int | None = None) -> Graph:
    """:func:`kubelife.model.engine.graph.explore_graph` in C: the same ids, edges and parents (tested).

    ``symmetry`` stores canonical representatives (the C form of the canonicaliser the caller
    uses to map paths back)."""
    lib = build(c_source(system, symmetry=symmetry))
    assert lib is not None
    p = ctypes.POINTER
    lib.kl_graph.restype = ctypes.c_int64
    lib.kl_graph.argtypes = [ctypes.c_uint64, ctypes.c_int64, p(ctypes.c_int64), p(p(ctypes.c_uint64)),
                             p(p(ctypes.c_int32)), p(p(ctypes.c_int16)), p(p(ctypes.c_int32)),
                             p(p(ctypes.c_int16)), p(p(ctypes.c_int32))]
    out = (ctypes.c_int64 * 3)()
    ptrs = [ctypes.POINTER(t)() for t in (ctypes.c_uint64, ctypes.c_int32, ctypes.c_int16, ctypes.c_int32,
                                          ctypes.c_int16, ctypes.c_int32)]
    start = time.perf_counter()
    status = lib.kl_graph(system.layout.pack(system.initial), max_states or 0, out, *(ctypes.byref(x) for x in ptrs))
    n, m = out[0], out[1]
    states, parent, via, dst, tr, deg = _take(lib, status, max_states, list(zip(ptrs, (n, n, n, m, m, n))))
    src = np.repeat(np.arange(n, dtype=np.int32), deg)
    g = Graph(system, states.tolist(), src, dst, tr, parent.astype(np.int64), via.astype(np.int64),
              reduced=symmetry is not None and not symmetry.trivial)
    g.seconds = time.perf_counter() - start
    return g
