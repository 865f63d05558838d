"""The exported Promela model agrees with kubelife: SPIN reaches exactly the same states.

SPIN runs an exhaustive safety search without partial-order reduction, so
its stored states are the reachable states of the exported model; kubelife's
count comes from the reference Python explorer.  SPIN counts one extra
transition (the step into the initial state).  CI installs ``spin`` and ``gcc``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kubelife.cli import main
from kubelife.model.engine.explore import explore
from kubelife.model.engine.promela import PROMELA, promela_model, run_spin
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS

needs_spin = pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None,
                                reason="needs spin and gcc (CI installs both)")

CONFIGS = [
    pytest.param(dict(nodes=1, slots=2, policy=pol), id=f"n1s2-{pol.label}") for pol in Policy
] + [
    pytest.param(dict(nodes=2, slots=1, containers=2, policy=pol), id=f"n2s1c2-{pol.label}") for pol in Policy
] + [pytest.param(dict(nodes=1, slots=2, replicas=2, restart_cap=2, policy=Policy.ON_FAILURE), id="n1s2r2cap2")]


@pytest.mark.spin
@needs_spin
@pytest.mark.parametrize("kw", CONFIGS)
def test_spin_reaches_the_same_states(tmp_path: Path, kw: dict[str, object]) -> None:
    m = build(Config.uniform(**kw))  # type: ignore[arg-type]
    ex = explore(m.system)
    spin = run_spin(promela_model(m.system, m.name), tmp_path, cflags=("-O0",))  # counts need no optimiser
    assert spin.errors == 0
    assert spin.states == ex.states
    assert spin.transitions == ex.transitions + 1


@pytest.mark.spin
@needs_spin
def test_spin_agrees_on_a_mutant(tmp_path: Path) -> None:
    m = build(Config.uniform(nodes=2, slots=1), MUTANTS["lost-node-keeps-pods"])
    ex = explore(m.system)
    assert ex.states != explore(build(m.config).system).states  # the mutant really changes the graph
    spin = run_spin(promela_model(m.system, m.name), tmp_path, cflags=("-O0",))  # counts need no optimiser
    assert (spin.states, spin.transitions) == (ex.states, ex.transitions + 1)


def test_promela_ops_print_promela() -> None:
    o = PROMELA
    assert o.ite(o.eq("x", 1), 2, "y") == "((x == 1) -> 2 : y)"
    assert o.and_("a", True, o.not_("b")) == "(a && (!b))"
    assert o.or_("a", False) == "a"
    assert o.min_("x", 3) == "((x < 3) -> x : 3)"
    assert o.ite(True, 1, 2) == 1


def test_export_promela_has_one_d_step_per_enabled_transition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--preset", "R1"]) == 0
    text = capsys.readouterr().out
    m = build(Config.uniform(nodes=1, slots=2))
    assert text.count(":: d_step") == len(m.system.transitions)
    assert "active proctype" in text and "end:" in text


def test_export_dot_lists_every_state(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--nodes", "1", "--slots", "1", "--format", "dot"]) == 0
    text = capsys.readouterr().out
    ex = explore(build(Config.uniform(nodes=1, slots=1)).system)
    assert text.startswith("digraph")
    assert text.count(" [label=\"nodes[") == ex.states
    assert text.count(" -> ") == ex.transitions


@pytest.mark.parametrize(("argv", "needle"), [
    (["export"], "one configuration"),
    (["export", "--nodes", "2", "--format", "dot", "--max-states", "10"], "more than 10"),
    (["export", "--preset", "R1", "--format", "xml"], "invalid choice"),
])
def test_export_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    assert main(argv) == 2
    assert needle in capsys.readouterr().err
