"""Symmetry reduction on the modern profile: soundness against the full graph on small configurations
of every optional event, the same verdicts and trace lengths, and the compiled engine (narrowed and
reduced) against the Python explorer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubelife.cli import main
from kubelife.model.engine import fast
from kubelife.model.engine.explore import explore
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build, get
from kubelife.symmetry import canonicalizer, symmetry_spec
from tests.test_symmetry import assert_quotient, assert_same_verdicts


def _cfg(nodes: int, slots: int, replicas: int = 1, **kw: Any) -> Config:
    cluster = {k: kw.pop(k) for k in ("cordons", "node_shutdowns", "pdb_min_available", "pdb_others") if k in kw}
    return Config(nodes, (SlotSpec(**kw),) * slots, replicas=replicas, profile="modern", **cluster)


SMALL = [
    pytest.param(_cfg(2, 1), id="n2s1"),
    pytest.param(_cfg(1, 2, replicas=2), id="n1s2r2"),
    pytest.param(_cfg(2, 1, evictions=True), id="evictions"),
    pytest.param(_cfg(2, 1, user_deletes=True, image_pull_errors=True, unknown_exits=True, admission_rejects=True,
                      storage_evictions=True, pressure_evictions=True, force_deletes=True), id="kubelet-events"),
    pytest.param(Config(1, (SlotSpec(controlled=False, initial=True),) * 2, profile="modern"), id="initial-pods"),
    pytest.param(_cfg(2, 1, cordons=True, node_shutdowns=True), id="cordon-shutdown", marks=pytest.mark.slow),
    pytest.param(_cfg(1, 2, replicas=2, evictions=True, pdb_min_available=1), id="pdb", marks=pytest.mark.slow),
    pytest.param(_cfg(2, 2, replicas=2, preemptions=True), id="preemption", marks=pytest.mark.slow),
]


def test_modern_declares_nodes_and_slots_interchangeable() -> None:
    m = build(_cfg(2, 3, replicas=2))
    assert symmetry_spec(m).group_size == 2 * 6
    mixed = build(Config(2, (SlotSpec(Policy.NEVER), SlotSpec(Policy.ON_FAILURE)), replicas=1, profile="modern"))
    assert symmetry_spec(mixed).group_size == 2  # controlled slots of two kinds stay put


@pytest.mark.parametrize("cfg", SMALL)
def test_reduced_graph_is_the_quotient_of_the_full_graph(cfg: Config) -> None:
    assert_quotient(cfg)


@pytest.mark.parametrize(("cfg", "mutant"), [
    (_cfg(2, 1, policy=Policy.NEVER), None),
    (_cfg(2, 1, evictions=True), "eviction-fails-pod"),
    (_cfg(1, 2, replicas=2), "restart-while-terminating"),
    (_cfg(1, 2, policy=Policy.NEVER), "remove-without-terminal-phase"),
])
def test_verdicts_and_trace_lengths_agree_and_traces_replay(cfg: Config, mutant: str | None) -> None:
    assert_same_verdicts(build(cfg, get("modern").mutant(mutant)) if mutant else build(cfg), broken=mutant is not None)


@pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")
@pytest.mark.parametrize("cfg", [_cfg(2, 2, replicas=2, policy=Policy.NEVER), _cfg(2, 1, policy=Policy.NEVER, inits=1)],
                         ids=["n2s2r2", "init"])
def test_compiled_narrowed_and_reduced_search_is_the_python_one(cfg: Config) -> None:
    m = build(cfg)
    props = get("modern").properties(m)
    inv = [p.pred for p in props if not p.is_step]
    stp = [p.pred for p in props if p.is_step]
    canon = canonicalizer(m, native=False)
    ref = explore(m.system, canon=canon, invariants=inv, steps=stp)
    got, _ = fast.fast_explore(m.system, symmetry=symmetry_spec(m), canon=canon, invariants=inv, steps=stp,
                               threads=2, thread_after=0)
    assert (got.states, got.transitions, got.depth) == (ref.states, ref.transitions, ref.depth)
    assert [int(x) for x in got.packed] == [int(x) for x in ref.packed]
    assert got.state_violations == ref.state_violations and got.step_violations == ref.step_violations


def test_cli_modern_symmetry(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--profile", "modern", "--nodes", "2", "--slots", "1", "--json", "--engine", "python",
            "--no-liveness"]
    code_on = main([*args, "--symmetry"])
    on = json.loads(capsys.readouterr().out)
    code_off = main(args)
    off = json.loads(capsys.readouterr().out)
    assert code_on == code_off and on["ok"] == off["ok"]
    assert (on["states"], off["states"]) == (6420, 12816)
    assert on["symmetry"]["on"] and on["symmetry"]["group_size"] == 2
    assert {k: v["status"] for k, v in on["rows"].items()} == {k: v["status"] for k, v in off["rows"].items()}
