"""Symmetry reduction: canonical forms, soundness against the full graph, verdicts, concrete traces."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from kubelife.check import CheckResult, check_model
from kubelife.cli import main
from kubelife.model.engine.compile import compile_successors
from kubelife.model.engine.symmetry import BlockClass, SymmetrySpec, canonical_values, orbit
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.trace import Trace, replay
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.symmetry import canonicalizer, symmetry_group_size, symmetry_spec


def reachable(m: ClusterModel, canon: Any = None) -> set[int]:
    succ = compile_successors(m.system)
    init = m.shape.layout.pack(m.system.initial)
    if canon is not None:
        init = canon(init)
    seen, queue = {init}, [init]
    for s in queue:
        for _, t in succ(s):
            c = t if canon is None else canon(t)
            if c not in seen:
                seen.add(c)
                queue.append(c)
    return seen


SMALL = [
    pytest.param(Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), id="n2s2-Never"),
    pytest.param(Config.uniform(nodes=3, slots=1, policy=Policy.ON_FAILURE), id="n3s1-OnFailure"),
    pytest.param(Config.uniform(nodes=1, slots=3, replicas=2, policy=Policy.NEVER), id="n1s3r2-Never"),
    # Controlled slots of two kinds: R1's slot order is visible, so only nodes are permuted.
    pytest.param(Config(2, (SlotSpec(Policy.NEVER), SlotSpec(Policy.ON_FAILURE)), replicas=1), id="mixed",
                 marks=pytest.mark.slow),
    # Two interchangeable uncontrolled pods that exist from the start.
    pytest.param(Config(2, (SlotSpec(Policy.NEVER, controlled=False, initial=True),) * 2, replicas=0),
                 id="initial-pods"),
]


def test_group_sizes() -> None:
    assert symmetry_group_size(build(Config.uniform(nodes=2, slots=3, replicas=2))) == 2 * 6
    assert symmetry_group_size(build(Config.uniform(nodes=1, slots=2))) == 2
    m = build(Config(2, (SlotSpec(Policy.NEVER), SlotSpec(Policy.ON_FAILURE)), replicas=1))
    assert symmetry_group_size(m) == 2  # nodes only
    assert symmetry_group_size(build(Config.uniform(nodes=3, slots=2)), slots=False) == 6


@pytest.mark.parametrize("cfg", SMALL)
def test_reduced_graph_is_the_quotient_of_the_full_graph(cfg: Config) -> None:
    assert_quotient(cfg)


def assert_quotient(cfg: Config) -> None:
    """Soundness, empirically: the reduced search stores exactly one state per reachable orbit."""
    m = build(cfg)
    canon = canonicalizer(m, native=False)
    full = reachable(m)
    reduced = reachable(m, canon)
    assert reduced == {canon(s) for s in full}
    assert len(reduced) < len(full)


@pytest.mark.parametrize("cfg", SMALL[:3])
def test_canonical_form_is_a_function_of_the_orbit(cfg: Config) -> None:
    m = build(cfg)
    spec, layout = symmetry_spec(m), m.shape.layout
    rng = random.Random(7)
    for s in rng.sample(sorted(reachable(m)), 60):
        v = layout.unpack(s)
        c = canonical_values(spec, v)
        images = set(orbit(spec, v))
        assert tuple(c) in images
        assert all(canonical_values(spec, w) == c for w in images)


def test_canonical_form_relabels_node_references() -> None:
    # Two owners (fields 0 and 1), two members (fields 2,3 and 4,5), the member's second field
    # names its owner (index + 1).  Owner values differ, so the order of owners is forced.
    spec = SymmetrySpec(((0,), (1,)), (BlockClass(((2, 3), (4, 5)), ref=1),))
    assert canonical_values(spec, [2, 1, 7, 1, 5, 2]) == [1, 2, 5, 1, 7, 2]


def _verdicts(r: CheckResult) -> tuple[Any, Any]:
    props = {p.name: (p.status, len(p.counterexample) if p.counterexample else None,
                      len(p.witness) if p.witness else None) for p in r.properties}
    rows = {v.id: (v.status, len(v.witness) if v.witness else None,
                   len(v.counterexample) if v.counterexample else None) for v in r.rows}
    return props, rows


def _replays(r: CheckResult) -> None:
    traces: list[Trace | None] = [t for p in r.properties for t in (p.counterexample, p.witness)]
    traces += [t for v in r.rows for t in (v.witness, v.counterexample)]
    for t in traces:
        if t is not None:
            again = replay(r.model, [(s.action.kind, dict(s.action.args)) for s in t.steps])
            assert again.states() == t.states()


@pytest.mark.parametrize(("cfg", "mutant"), [
    (Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), None),
    (Config.uniform(nodes=2, slots=1, containers=2, policy=Policy.NEVER), "never-restarts"),
    (Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), "lost-node-keeps-pods"),
])
def test_verdicts_and_trace_lengths_agree_and_traces_replay(cfg: Config, mutant: str | None) -> None:
    assert_same_verdicts(build(cfg, MUTANTS[mutant]) if mutant else build(cfg), broken=mutant is not None)


def assert_same_verdicts(m: ClusterModel, broken: bool) -> None:
    """With and without reduction: the same verdicts and trace lengths; reduced traces replay."""
    full = check_model(m, engine="python")
    reduced = check_model(m, engine="python", symmetry=True)
    assert reduced.exploration.states < full.exploration.states
    assert _verdicts(reduced) == _verdicts(full)
    if broken:
        assert not reduced.ok and not full.ok
    _replays(reduced)
    assert reduced.meta["symmetry"]["on"] and not full.meta["symmetry"]["on"]


def test_cli_symmetry_opt_in_and_no_symmetry_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--nodes", "1", "--json", "--engine", "python", "--symmetry"]) == 0
    on = json.loads(capsys.readouterr().out)
    assert main(["check", "--nodes", "1", "--json", "--engine", "python"]) == 0
    off = json.loads(capsys.readouterr().out)
    assert (on["states"], off["states"]) == (1750, 3389)
    assert on["symmetry"] == {"on": True, "owners": 1, "member_classes": [2], "group_size": 2}
    assert off["symmetry"]["on"] is False
    assert {k: v["status"] for k, v in on["rows"].items()} == {k: v["status"] for k, v in off["rows"].items()}


def test_native_and_python_canonicalizers_agree() -> None:
    m = build(Config.uniform(nodes=2, slots=2, policy=Policy.NEVER))
    native, python = canonicalizer(m), canonicalizer(m, native=False)
    assert all(native(s) == python(s) for s in reachable(m))
