"""The driver of a distributed search: one Ray actor (a :class:`Peer`) per partition, checkpoints.

The driver starts the peers and watches: they run the levels among
themselves, sending batches, key slices and ranks to each other directly.
It never holds states nor order keys; it reads each level's totals (to write
checkpoint meta files, drive progress and call a per-level hook) and the
small per-partition summaries at the end.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
import ray.exceptions

from kubelife.model.engine.distributed.partition import Problem
from kubelife.model.engine.distributed.peer import Peer
from kubelife.model.engine.distributed.store import keys_of, owners_of, to_words

__all__ = ["WorkerLost", "CheckpointMismatch", "DistributedRun", "run_distributed", "connect"]

_LOST = tuple(getattr(ray.exceptions, n) for n in (
    "RayActorError", "WorkerCrashedError", "ObjectLostError", "OwnerDiedError", "ActorUnavailableError",
    "NodeDiedError") if hasattr(ray.exceptions, n))

LevelHook = Callable[[int, list[Any]], None]  # (depth just completed, actor handles)


class WorkerLost(RuntimeError):
    """A partition's process or node died; the run has no verdict."""


class CheckpointMismatch(ValueError):
    """Bad input for a run: a checkpoint of another run, or a cluster address that does not answer."""


def connect(address: str | None, workers: int) -> None:
    """Join the Ray cluster at ``address``, or start a local instance with ``workers`` CPUs."""
    if ray.is_initialized():
        return
    kw: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": False, "include_dashboard": False}
    if address:
        try:
            ray.init(address=address, **kw)
        except (ConnectionError, RuntimeError, ValueError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise CheckpointMismatch(f"could not join the Ray cluster at --address {address!r} ({first}); "
                                     "give the address of a running cluster, or leave --address out") from None
    else:
        ray.init(num_cpus=workers, **kw)


@dataclass
class DistributedRun:
    actors: list[Any]
    transitions: int
    states: int = 0
    depth: int = 0
    seconds: float = 0.0
    resumed_from: int | None = None
    summaries: list[dict[str, Any]] = field(default_factory=list)

    def locate(self, sid: int) -> tuple[int, int]:
        for hit in ray.get([a.locate.remote(sid) for a in self.actors]):
            if hit is not None:
                return hit  # type: ignore[no-any-return]
        raise KeyError(sid)

    def path(self, sid: int) -> list[tuple[int | None, int]]:
        """The single-machine ``Exploration.path``: parents come from order keys."""
        out: list[tuple[int | None, int]] = []
        while True:
            state, okey = self.locate(sid)
            if okey < 0:
                out.append((None, state))
                break
            sid, via = divmod(okey, self.transitions)
            out.append((via, state))
        out.reverse()
        return out

    def id_of(self, state: int) -> int:
        owner = int(owners_of(keys_of(to_words([state], self._words)), len(self.actors))[0])
        sid = ray.get(self.actors[owner].id_of.remote(state))
        assert sid is not None, "an expanded successor was never committed"
        return int(sid)

    _words: int = 1

    pool_key: tuple[Any, ...] | None = None

    def close(self, *, broken: bool = False) -> None:
        """Hand the actors back to the pool (fresh processes cost seconds), or kill them if ``broken``."""
        if self.actors and not broken and self.pool_key is not None:
            # Waited for: an async actor need not run one submitter's calls in order, and the next
            # run's reset must come after this one.
            ray.get([a.reset.remote(None) for a in self.actors])
            _POOL[self.pool_key] = self.actors
        else:
            for a in self.actors:
                ray.kill(a)
        self.actors = []


_POOL: dict[tuple[Any, ...], list[Any]] = {}


def _actors(workers: int, factory: Callable[[], Problem], cpus: float) -> tuple[list[Any], tuple[Any, ...]]:
    """Idle partitions of this Ray session, re-armed with the new problem; else new actors."""
    ctx = ray.get_runtime_context()
    key = (ctx.get_node_id(), ctx.get_job_id(), workers, cpus)  # this cluster and driver only
    pool = _POOL.pop(key, None)
    if pool is not None:
        ray.get([a.reset.remote(factory, j, workers) for j, a in enumerate(pool)])
        return pool, key
    for idle in _POOL.values():  # idle actors still hold their CPUs: free them for the new ones
        for a in idle:
            ray.kill(a)
    _POOL.clear()
    Actor = ray.remote(num_cpus=cpus, max_restarts=0)(Peer)
    return [Actor.remote(j, workers, factory) for j in range(workers)], key


# Bumped whenever the parts' contents or the owner of a state change: an older checkpoint is refused,
# never misread.  2: ids ranked between the partitions, owner from the table hash.
_FORMAT = 2


def _meta_path(d: Path) -> Path:
    return d / "meta.json"


def run_distributed(factory: Callable[[], Problem], *, workers: int, signature: str,
                    checkpoint: str | None = None, chunk: int = 20_000,
                    progress: Callable[[int, int, int, float], None] | None = None,
                    max_states: int | None = None, on_level: LevelHook | None = None,
                    too_many: Callable[[int], Exception] | None = None) -> DistributedRun:
    """Explore breadth-first over ``workers`` partitions; the caller must :func:`connect` first.

    With ``checkpoint``, every completed level is saved there, and a run that
    finds a checkpoint of the same ``signature`` and worker count resumes
    from it.  A lost worker raises :class:`WorkerLost`, never a partial result.
    """
    problem = factory()
    layout = problem.system.layout
    init = layout.pack(problem.system.initial)
    if problem.canonical is not None:
        init = problem.canonical(init)
    # One CPU per partition, or a fair share when there are more partitions than CPUs (never a hang).
    cpus = min(1.0, int(1000 * float(ray.cluster_resources().get("CPU", 1.0)) / workers) / 1000)
    ckdir = Path(checkpoint) if checkpoint else None
    meta = _read_meta(ckdir, signature, workers) if ckdir else None
    if ckdir:
        ckdir.mkdir(parents=True, exist_ok=True)
    actors, pool_key = _actors(workers, factory, cpus)
    run = DistributedRun(actors, len(problem.system.transitions), pool_key=pool_key)
    run._words = max(1, -(-layout.bits // 64))
    try:
        ray.get([a.ready.remote() for a in actors])  # built and compiled: the clock times the search
    except _LOST:
        run.close(broken=True)
        raise WorkerLost("a Ray worker was lost while it started, so there is no verdict; re-run.") from None
    start = time.perf_counter()
    done_level = -1
    try:
        if meta is not None:
            ray.get([a.load.remote(str(ckdir / f"part-{j}.L{meta['level']}.pkl"))  # type: ignore[operator]
                     for j, a in enumerate(actors)])
            run.depth, run.states, run.resumed_from = meta["level"], meta["states"], meta["level"]
            start -= meta["seconds"]
            first, owner = run.depth + 1, -1
        else:
            first, owner = 0, int(owners_of(keys_of(to_words([init], run._words)), workers)[0])
        done_level = run.depth
        # The peers run the levels among themselves; the driver only watches their progress (and, with
        # a per-level hook, lets each level go on once the hook has seen it).
        pause = on_level is not None
        runs = [a.run.remote(actors, first, chunk, init if j == owner else None, str(ckdir) if ckdir else None,
                             max_states, pause) for j, a in enumerate(actors)]
        seen = first - 1
        poll = 0.05 if pause else 0.2  # the peers wait for a paused level's go; else polls only cost CPU
        while True:
            finished, _ = ray.wait(runs, num_returns=len(runs), timeout=poll)
            ray.get(finished)  # a peer that failed raises here, rather than leave the others waiting for it
            reports = ray.get([a.progress.remote() for a in actors])
            for d in sorted(set.intersection(*(set(r) for r in reports))):
                if d <= seen:
                    continue
                seen = d
                states, edges, n_new = reports[0][d]
                run.states, run.depth = states, d
                if ckdir:
                    _save_meta(ckdir, run, signature, workers, edges, time.perf_counter() - start)
                done_level = d
                if d > 0 and progress is not None:
                    progress(run.states, edges, n_new, time.perf_counter() - start)
                if d > 0 and on_level is not None:
                    on_level(d, actors)
                if pause:
                    for a in actors:
                        a.go.remote(d)
            if len(finished) == len(runs):
                break
        if "limit" in ray.get(runs) and too_many is not None:
            raise too_many(max_states)  # type: ignore[arg-type]
        run.summaries = ray.get([a.summary.remote() for a in actors])
    except _LOST as e:
        run.close(broken=True)
        resume = (f"re-run with the same --checkpoint to resume from level {done_level}" if ckdir
                  else "re-run, adding --checkpoint DIR to make the run resumable")
        raise WorkerLost(f"a Ray worker was lost while exploring level {done_level + 1} "
                         f"({type(e).__name__}), so there is no verdict; {resume}.") from None
    except BaseException:
        run.close(broken=True)
        raise
    run.seconds = time.perf_counter() - start
    return run


def _read_meta(d: Path, signature: str, workers: int) -> dict[str, Any] | None:
    p = _meta_path(d)
    if not p.exists():
        return None
    meta: dict[str, Any] = json.loads(p.read_text())
    if meta.get("format") != _FORMAT:
        raise CheckpointMismatch(
            f"checkpoint {str(d)!r} was written in format {meta.get('format', 1)} by another kubelife version, "
            f"and this one reads format {_FORMAT} only; use an empty directory.")
    if meta["signature"] != signature or meta["workers"] != workers:
        raise CheckpointMismatch(
            f"checkpoint {str(d)!r} holds a run of {meta['signature']!r} on {meta['workers']} workers, not "
            f"{signature!r} on {workers}; use an empty directory or the same configuration and --workers.")
    return meta


def _save_meta(d: Path, run: DistributedRun, signature: str, workers: int, edges: int, seconds: float) -> None:
    """Once every part of level ``run.depth`` is on disk: the meta file makes it current, then older
    parts go."""
    level = run.depth
    meta = {"format": _FORMAT, "signature": signature, "workers": workers, "level": level, "states": run.states,
            "edges": edges, "seconds": seconds}
    tmp = d / "meta.json.tmp"
    tmp.write_text(json.dumps(meta))
    tmp.replace(_meta_path(d))
    _drop_parts(d, level)


def _drop_parts(d: Path, level: int) -> None:
    """Parts of levels before ``level`` go; later ones stay (peers save ahead of the driver's meta file)."""
    for old in d.glob("part-*.L*.pkl"):
        if int(old.name[:-len(".pkl")].rsplit(".L", 1)[1]) < level:
            old.unlink()
