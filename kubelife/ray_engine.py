"""``kubelife check --engine ray``: the exhaustive check on a Ray cluster.

The search runs in :mod:`kubelife.model.engine.distributed`; this module builds the
per-worker problem (model, properties, row observers, symmetry) from the
configuration, so workers compile everything themselves and nothing but
states and small summaries crosses the network.  Verdicts and traces come
out of :func:`kubelife.check.check_model` unchanged: the distributed run
gives every state its single-machine id, so it is a drop-in explorer.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

from kubelife.check import CheckResult, RowObserver, check_model
from kubelife.model.engine.explore import Exploration, Progress, StateLimitExceeded
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.profiles import build

__all__ = ["ray_available", "INSTALL_HINT", "check_model_ray", "RayExplorer", "RayExploration"]

INSTALL_HINT = "--engine ray needs Ray, which is not installed; install it with: pip install 'kubelife[ray]'."


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def _problem(config: Config, semantics: type, symmetry: bool, compiled: bool = True) -> Any:
    """Built inside every worker: the same lists, in the same order, as ``check_model`` builds."""
    from kubelife.model.engine.distributed.native import NativeSpec
    from kubelife.model.engine.distributed.partition import Problem
    from kubelife.profiles import properties_for_profile, rows_for
    from kubelife.symmetry import canonicalizer, symmetry_spec

    m = build(config, semantics)
    props = properties_for_profile(m)
    inv = [p for p in props if not p.is_step]
    stp = [p for p in props if p.is_step]
    observers = [o for o in (RowObserver(m, r) for r in rows_for(config.profile)) if o.transitions]
    native = NativeSpec([p.pred for p in inv], [p.pred for p in stp], [p.witness for p in inv],
                        [p.witness for p in stp], [o.specs for o in observers],
                        symmetry_spec(m) if symmetry else None) if compiled else None
    return Problem(
        m.system, invariants=[p.pred for p in inv], steps=[p.pred for p in stp],
        sometimes=[p.witness for p in inv], sometimes_steps=[p.witness for p in stp],
        observers=observers, snapshot=_snapshot, restore=_restore,
        canonical=canonicalizer(m) if symmetry else None, native=native, merge=_merge,
    )


def _merge(observers: Sequence[Any], results: Sequence[Any]) -> None:
    """Fold one compiled expand call's observer results in (calls come in id order)."""
    for o, r in zip(observers, results):
        hits, wit, fail = o.hits, o.witness, o.failure
        o.absorb(r)
        o.hits += hits
        o.witness = wit or o.witness
        o.failure = fail or o.failure


def _snapshot(observers: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(o.hits, o.witness, o.failure) for o in observers]


def _restore(observers: Sequence[Any], snap: list[tuple[Any, ...]]) -> None:
    for o, (hits, wit, fail) in zip(observers, snap):
        o.hits, o.witness, o.failure = hits, wit, fail


def _first(items: Sequence[Any]) -> Any:
    """The record met first in single-machine order: smallest (source id, transition)."""
    got = [x for x in items if x is not None]
    return min(got, key=lambda x: (x[0], x[1])) if got else None


class RayExploration(Exploration):
    """An :class:`Exploration` whose paths are rebuilt by asking the partitions."""

    run: Any = None

    def _raw(self, sid: int) -> list[tuple[int | None, int]]:
        return self.run.path(sid)  # type: ignore[no-any-return]


class RayExplorer:
    """Has :func:`kubelife.model.engine.explore.explore`'s signature; runs the search on Ray."""

    def __init__(self, m: ClusterModel, *, symmetry: bool, workers: int = 2, checkpoint: str | None = None,
                 chunk: int = 20_000, on_level: Callable[[int, list[Any]], None] | None = None,
                 compiled: bool = True) -> None:
        self.m, self.symmetry, self.workers, self.checkpoint = m, symmetry, workers, checkpoint
        self.compiled = compiled
        self.chunk, self.on_level = chunk, on_level
        self.run: Any = None

    def __call__(self, system: Any, *, invariants: Sequence[Any] = (), steps: Sequence[Any] = (),
                 sometimes: Sequence[Any] = (), sometimes_steps: Sequence[Any] = (),
                 observers: Sequence[RowObserver] = (), progress: Progress | None = None,
                 max_states: int | None = None, canon: Callable[[int], int] | None = None) -> Exploration:
        from kubelife.model.engine.distributed.coordinator import run_distributed

        factory = functools.partial(_problem, self.m.config, self.m.semantics, self.symmetry, self.compiled)
        mine = factory()
        if (len(mine.invariants), len(mine.steps), len(mine.observers)) != (len(invariants), len(steps),
                                                                            len(observers)):
            raise ValueError("the Ray engine checks the default properties and rows only")
        if (canon is None) == self.symmetry:
            raise ValueError("symmetry setting and canonicaliser disagree")
        signature = f"{self.m.name} profile={self.m.config.profile} symmetry={self.symmetry}"
        self.run = run = run_distributed(
            factory, workers=self.workers, signature=signature, checkpoint=self.checkpoint, chunk=self.chunk,
            progress=progress, max_states=max_states, on_level=self.on_level, too_many=StateLimitExceeded)
        sums = run.summaries
        ex = RayExploration(system, canon=canon)
        ex.run = run
        ex.states, ex.depth, ex.seconds = run.states, run.depth, run.seconds
        ex.transitions = sum(s["edges"] for s in sums)
        ex.fired = [sum(col) for col in zip(*(s["fired"] for s in sums))]
        ex.deadlocks = sum(s["deadlocks"] for s in sums)
        dead = [s["first_deadlock"] for s in sums if s["first_deadlock"] is not None]
        ex.first_deadlock = min(dead) if dead else None
        for name in ("state_violations", "state_witnesses"):
            merged: dict[int, int] = {}
            for s in sums:
                for k, sid in s[name].items():
                    merged[k] = min(sid, merged.get(k, sid))
            setattr(ex, name, merged)
        for name in ("step_violations", "step_witnesses"):
            firsts: dict[int, tuple[int, int]] = {}
            for k in sorted({k for s in sums for k in s[name]}):
                src, _, c = _first([s[name].get(k) for s in sums])
                firsts[k] = (src, run.id_of(c))
            setattr(ex, name, firsts)
        for j, ob in enumerate(observers):
            ob.hits = sum(s["observers"][j][0] for s in sums)
            ob.witness = _first([s["observers"][j][1] for s in sums])
            ob.failure = _first([s["observers"][j][2] for s in sums])
        return ex

    def stats(self) -> list[dict[str, Any]]:
        return [{k: s[k] for k in ("states", "peak_rss", "held_bytes", "bytes_out")} for s in self.run.summaries]

    def close(self) -> None:
        if self.run is not None:
            self.run.close()


def check_model_ray(m: ClusterModel, *, workers: int = 2, address: str | None = None, checkpoint: str | None = None,
                    symmetry: bool = True, progress: Progress | None = None, max_states: int | None = None,
                    chunk: int = 20_000, on_level: Callable[[int, list[Any]], None] | None = None,
                    compiled: bool = True) -> CheckResult:
    """``check_model`` with the search spread over ``workers`` Ray actors (raises WorkerLost if one dies).

    ``compiled``: partitions run the model compiled to C (as the fast engine) when a compiler is
    there; ``False`` keeps them on the Python-compiled model."""
    from kubelife.model.engine.distributed.coordinator import connect

    connect(address, workers)
    explorer = RayExplorer(m, symmetry=symmetry, workers=workers, checkpoint=checkpoint, chunk=chunk,
                           on_level=on_level, compiled=compiled)
    try:
        r = check_model(m, progress=progress, max_states=max_states, symmetry=symmetry, engine="python",
                        explorer=explorer)
        r.meta["engine"] = "ray"
        r.meta["ray"] = {"workers": workers, "resumed_from_level": explorer.run.resumed_from,
                         "partitions": explorer.stats()}
        return r
    finally:
        explorer.close()


def add_ray_args(p: Any) -> None:
    """The ``--engine ray`` options of ``kubelife check``."""
    g = p.add_argument_group("--engine ray (distributed; pip install 'kubelife[ray]')")
    g.add_argument("--address", default=None, help="Ray cluster to join, e.g. ray://head:10001 or auto "
                   "(default: start a local Ray instance)")
    g.add_argument("--workers", type=int, default=2, help="partitions, one Ray actor each (default 2)")
    g.add_argument("--checkpoint", metavar="DIR", default=None,
                   help="save every completed level in DIR and resume from it after a lost worker")


def check_for_args(m: ClusterModel, args: Any, progress: Progress | None) -> CheckResult:
    """``kubelife check --engine ray``: bad input and lost workers end in one sentence (exit 2)."""
    from kubelife.cli import usage_error

    if not ray_available():
        usage_error(INSTALL_HINT)
    if args.workers < 1:
        usage_error(f"--workers {args.workers} is out of range; give a whole number from 1 up.")
    from kubelife.model.engine.distributed.coordinator import CheckpointMismatch, WorkerLost

    try:
        return check_model_ray(m, workers=args.workers, address=args.address, checkpoint=args.checkpoint,
                               symmetry=args.symmetry, progress=progress, max_states=args.max_states)
    except (WorkerLost, CheckpointMismatch) as e:
        usage_error(str(e)[0].upper() + str(e)[1:])
