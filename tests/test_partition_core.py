"""The distributed search's partitions, driven in one process (no Ray): the compiled C core and the
Python-compiled model give the single-machine explorer's ids, counts and first findings."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from kubelife.model.engine import fast
from kubelife.model.engine.distributed.partition import Partition
from kubelife.model.engine.distributed.store import from_words, keys_of, owners_of, to_words
from kubelife.model.engine.explore import explore
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.presets import preset
from kubelife.ray_engine import _problem


def _run(parts: list[Partition], init: int, chunk: int) -> dict[int, int]:
    """The coordinator's loop without Ray; returns global id -> packed state."""
    w = len(parts)
    owner = int(owners_of(keys_of(to_words([init], parts[0].words)), w)[0])
    parts[owner].seed(init)
    batches: list[list[Any]] = [[] for _ in parts]
    while True:
        settled = [p.settle(*b) for p, b in zip(parts, batches)]
        ranked = [p.rank(*[s[j] for s in settled]) for j, p in enumerate(parts)]
        sizes = [p.commit(*[r[0] for r in ranked], *[r[1 + k] for r in ranked], *[s[w] for s in settled])
                 for k, p in enumerate(parts)]
        if not sum(sizes):
            break
        outs = [p.expand_level(chunk) for p in parts]
        batches = [[out[k] for j, out in enumerate(outs) if j != k] for k in range(w)]
    ids: dict[int, int] = {}
    for p in parts:
        for i, arr in zip(p.rec_ids, p.rec_states):
            ids.update(zip(i.tolist(), from_words(arr)))
    return ids


def _first(records: list[Any]) -> Any:
    got = [r for r in records if r is not None]
    return min(got, key=lambda r: r[0]) if got else None  # a source is expanded by one partition only


@pytest.mark.parametrize("compiled", [True, False], ids=["c-core", "python"])
@pytest.mark.parametrize("name,config,mutant", [
    ("R1", preset("R1"), None),
    ("never-restarts", Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.NEVER), "never-restarts"),
    ("terminal-restart", Config.uniform(nodes=2, slots=1), "terminal-restart"),
])
def test_partitions_give_the_single_machine_search(compiled: bool, name: str, config: Config,
                                                   mutant: str | None) -> None:
    if compiled and not fast.available():
        pytest.fail("the compiled core needs a C compiler, which .ci/run installs")
    m = build(config, MUTANTS[mutant] if mutant else None)
    factory = functools.partial(_problem, m.config, m.semantics, False, compiled)
    problem = factory()
    one = explore(m.system, invariants=problem.invariants, steps=problem.steps, sometimes=problem.sometimes,
                  sometimes_steps=problem.sometimes_steps, observers=problem.observers)
    for n_parts, chunk in ((2, 97), (3, 1000)):
        parts = [Partition(j, n_parts, factory) for j in range(n_parts)]
        assert all((p.native is not None) == compiled for p in parts)
        ids = _run(parts, m.system.layout.pack(m.system.initial), chunk)
        # Every state has the id the single-machine search gives it.
        assert [ids[i] for i in range(len(ids))] == list(one.packed)
        sums = [p.summary() for p in parts]
        assert sum(s["edges"] for s in sums) == one.transitions
        assert [sum(col) for col in zip(*(s["fired"] for s in sums))] == list(one.fired)
        assert sum(s["deadlocks"] for s in sums) == one.deadlocks
        for attr in ("state_violations", "state_witnesses"):
            merged: dict[int, int] = {}
            for s in sums:
                for k, sid in s[attr].items():
                    merged[k] = min(sid, merged.get(k, sid))
            assert merged == getattr(one, attr), attr
        for attr in ("step_violations", "step_witnesses"):
            keys = {k for s in sums for k in s[attr]}
            assert keys == set(getattr(one, attr)), attr
            for k in keys:
                src, _, target = _first([s[attr].get(k) for s in sums])
                assert (src, one.packed.index(target)) == getattr(one, attr)[k], (attr, k)
        for j, ob in enumerate(problem.observers):  # row hits, first witness and first failure
            seen = [s["observers"][j] for s in sums]
            assert sum(h for h, _, _ in seen) == ob.hits
            assert _first([w for _, w, _ in seen]) == ob.witness
            assert _first([f for _, _, f in seen]) == ob.failure
        if mutant:
            assert any(s["state_violations"] or s["step_violations"] for s in sums) or any(
                f is not None for s in sums for _, _, f in s["observers"])
