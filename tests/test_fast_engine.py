"""The compiled C engine gives the reference explorer's answers: counts, ids, first findings, traces."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from kubelife.check import check_model
from kubelife.cli import main
from kubelife.model.engine import fast
from kubelife.model.engine.explore import explore
from kubelife.model.engine.fast_c import C, c_source
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.presets import preset
from kubelife.profiles.seed.properties import properties_for
from kubelife.symmetry import canonicalizer, symmetry_spec

needs_cc = pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")


def _props(m: ClusterModel) -> dict[str, Any]:
    props = properties_for(m)
    inv = [p for p in props if not p.is_step]
    stp = [p for p in props if p.is_step]
    return dict(invariants=[p.pred for p in inv], steps=[p.pred for p in stp],
                sometimes=[p.witness for p in inv], sometimes_steps=[p.witness for p in stp])


def _same(a: Any, b: Any) -> None:
    assert (a.states, a.transitions, a.depth, a.deadlocks, a.first_deadlock) == \
        (b.states, b.transitions, b.depth, b.deadlocks, b.first_deadlock)
    assert list(a.fired) == list(b.fired)
    assert a.state_violations == b.state_violations and a.state_witnesses == b.state_witnesses
    assert a.step_violations == b.step_violations and a.step_witnesses == b.step_witnesses
    assert [int(x) for x in a.packed] == [int(x) for x in b.packed]
    assert [int(x) for x in a.parent] == [int(x) for x in b.parent]
    # The compiled search recomputes the first transition from the parent (it stores none): a sample.
    sample = range(0, a.states, max(1, a.states // 300))
    assert [int(a.via[k]) for k in sample] == [int(b.via[k]) for k in sample]


@needs_cc
@pytest.mark.parametrize("symmetric", [False, True], ids=["full", "symmetry"])
@pytest.mark.parametrize("policy", list(Policy), ids=[p.label for p in Policy])
def test_same_exploration_as_the_python_explorer(policy: Policy, symmetric: bool) -> None:
    m = build(Config.uniform(nodes=2, slots=2, policy=policy) if policy is Policy.NEVER
              else Config.uniform(nodes=1, slots=2, policy=policy))
    canon = canonicalizer(m, native=False) if symmetric else None  # the Python form, against C
    ref = explore(m.system, canon=canon, **_props(m))
    got, _ = fast.fast_explore(m.system, symmetry=symmetry_spec(m) if symmetric else None, canon=canon,
                               **_props(m))
    _same(got, ref)  # with symmetry this also pins the C canonical form to the Python one


def _summary(r: Any) -> dict[str, Any]:
    j = r.to_json()
    for k in ("seconds", "engine", "memory"):
        j.pop(k)
    return j


@needs_cc
@pytest.mark.parametrize(("mutant", "cfg"), [
    (None, Config.uniform(nodes=2, slots=2, policy=Policy.NEVER)),
    ("never-restarts", Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.NEVER)),  # a row fails
    ("disk-failure-keeps-running", Config.uniform(nodes=2, slots=1, policy=Policy.NEVER)),
    ("terminal-restart", Config.uniform(nodes=1, slots=2, policy=Policy.ON_FAILURE)),  # a step property fails
], ids=["seed", "never-restarts", "disk-failure-keeps-running", "terminal-restart"])
def test_check_results_identical_including_rows_and_traces(mutant: str | None, cfg: Config) -> None:
    m = build(cfg, MUTANTS[mutant]) if mutant else build(cfg)
    for symmetric in (False, True):
        py = check_model(m, engine="python", symmetry=symmetric)
        c = check_model(m, engine="fast", symmetry=symmetric)
        assert c.meta["engine"] == "fast" and py.meta["engine"] == "python"
        assert _summary(c) == _summary(py)
        assert c.ok == (mutant is None)


@needs_cc
def test_c_canonical_form_matches_python_on_many_states() -> None:
    # Three nodes and three interchangeable slots exercise ties between nodes.
    m = build(Config.uniform(nodes=3, slots=3, replicas=2, policy=Policy.NEVER))
    spec, canon = symmetry_spec(m), canonicalizer(m, native=False)
    lib = fast.build(c_source(m.system, symmetry=spec))
    layout, rng = m.shape.layout, random.Random(3)
    states = [layout.pack([rng.randrange(f.size) for f in layout.fields]) for _ in range(3000)]
    assert all(lib.kl_canon(s) == canon(s) for s in states)


def test_c_ops_spelling() -> None:
    assert C.and_("a", True, "b") == "(a && b)"
    assert C.or_("a", C.not_("b")) == "(a || (!b))"
    assert C.ite("c", True, 2) == "(c ? 1 : 2)"
    assert C.and_("a", False) is False
    assert C.min_("x", 1) == "min(x, 1)"


def test_without_a_compiler_auto_falls_back_to_python(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KUBELIFE_NO_CC", "1")
    assert not fast.available()
    r = check_model(build(Config.uniform(nodes=1, slots=1)), engine="auto")
    assert r.meta["engine"] == "python" and r.ok
    assert main(["check", "--nodes", "1", "--engine", "fast"]) == 2
    assert "C compiler" in capsys.readouterr().err


@needs_cc
def test_cli_engine_fast_reference_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--nodes", "1", "--json", "--engine", "fast", "--no-symmetry"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["states"], out["transitions"], out["depth"], out["engine"]) == (3389, 17452, 27, "fast")


@needs_cc
@pytest.mark.slow
def test_b1_full_count() -> None:
    r = check_model(build(preset("B1")), engine="fast")
    assert r.exploration.states == 4_672_044 and r.ok
