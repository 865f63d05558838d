"""States of several 64-bit words in the compiled engine: the same answers as the Python explorer.

The configurations are wide (two to five words a state) and small (thousands of states): a pod slot
that is never filled (uncontrolled, not initial) still takes its bits in every state.
"""

from __future__ import annotations

import ctypes
import functools
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from kubelife.check import check_model
from kubelife.cli import main
from kubelife.model.engine import fast
from kubelife.model.engine.distributed.partition import Partition
from kubelife.model.engine.explore import MemoryBudgetExceeded, explore
from kubelife.model.engine.fast_c import c_source
from kubelife.model.engine.graph import explore_graph
from kubelife.model.engine.promela import promela_model, run_spin
from kubelife.model.engine.system import Field, Layout, TransitionSystem
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build, properties_for_profile
from kubelife.ray_engine import _problem
from tests.test_fast_engine import _same, _summary

pytestmark = pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")


@pytest.fixture(autouse=True)
def _full_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about width: the never-filled slots would otherwise be narrowed away
    (tests/test_narrow.py covers narrowing)."""
    monkeypatch.setenv("KUBELIFE_NO_NARROW", "1")


def _wide(profile: str, policy: Policy, nodes: int = 1, live: int = 2, empty: int = 2, **extra: Any) -> Config:
    """``live`` controlled slots, then ``empty`` six-container slots nothing ever fills."""
    slots = (SlotSpec(policy=policy, **extra),) * live + \
        (SlotSpec(policy=policy, controlled=False, initial=False, containers=6, **extra),) * empty
    return Config(nodes, slots, replicas=1, profile=profile)


def _props(m: ClusterModel) -> dict[str, Any]:
    props = properties_for_profile(m)
    inv = [p for p in props if not p.is_step]
    stp = [p for p in props if p.is_step]
    return dict(invariants=[p.pred for p in inv], steps=[p.pred for p in stp],
                sometimes=[p.witness for p in inv], sometimes_steps=[p.witness for p in stp])


# Every policy of the seed, one of the modern profile (a modern model takes gcc 5-20 s; the other
# policies are below, in many words of a smaller model, and here under -m slow).
WIDE = [pytest.param(_wide("seed", p), id=f"seed-{p.label}") for p in Policy] + [
    pytest.param(_wide("seed", Policy.ALWAYS, nodes=2, live=1), id="seed-2n", marks=pytest.mark.slow),
    pytest.param(_wide("modern", Policy.ALWAYS, live=1, empty=1), id="modern-Always"),
    *(pytest.param(_wide("modern", p, live=1, empty=1), id=f"modern-{p.label}", marks=pytest.mark.slow)
      for p in (Policy.ON_FAILURE, Policy.NEVER)),
    pytest.param(_wide("modern", Policy.NEVER, live=1, empty=3, inits=1, sidecars=1), id="modern-5-words",
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("cfg", WIDE)
def test_wide_check_is_the_python_explorers(cfg: Config) -> None:
    """Whole reports: counts, verdicts, first counterexamples and witnesses, row hits, witnesses and failures."""
    m = build(cfg)
    assert m.shape.layout.words >= 2
    fast_r = check_model(m, engine="fast")
    assert fast_r.meta["engine"] == "fast" and fast_r.exploration.memory is not None
    assert json.dumps(_summary(fast_r), sort_keys=True) == \
        json.dumps(_summary(check_model(m, engine="python")), sort_keys=True)


def _in_words(m: ClusterModel, word_bits: int) -> TransitionSystem:
    """``m``'s system packed with at most ``word_bits`` bits a word (so in more words)."""
    return TransitionSystem(Layout(m.system.layout.fields, word_bits=word_bits), m.system.initial,
                            m.system.transitions, m.system.meta)


@pytest.mark.parametrize("words", [2, 4])
def test_many_words_of_one_model_give_the_same_exploration(words: int) -> None:
    # The same seed model packed in 2 or 4 words (fewer bits a word): the same ids, parents and findings.
    m = build(Config.uniform(nodes=1, slots=2, policy=Policy.ON_FAILURE))
    system = _in_words(m, {2: 20, 4: 8}[words])
    assert system.layout.words == words
    got, _ = fast.fast_explore(system, **_props(m))
    _same(got, explore(system, **_props(m)))


@pytest.mark.parametrize("policy", list(Policy), ids=[p.label for p in Policy])
def test_modern_in_five_words_every_policy(policy: Policy) -> None:
    # One node, one slot with an init container and a sidecar, in five words: ids, parents, the first
    # violation of each property (one is expected to fail) and every witness.
    m = build(Config.uniform(nodes=1, slots=1, policy=policy, profile="modern", inits=1, sidecars=1))
    system = _in_words(m, 10)
    assert system.layout.words == 5
    ref = explore(system, **_props(m))
    assert ref.state_violations  # the expected violation: first counterexamples are compared too
    got, _ = fast.fast_explore(system, **_props(m))
    _same(got, ref)


def test_wide_symmetry_reduction_is_the_python_one() -> None:
    from kubelife.symmetry import canonicalizer, symmetry_spec

    m = build(_wide("seed", Policy.ALWAYS, nodes=2, live=1, empty=2))
    assert m.shape.layout.words == 2 and not symmetry_spec(m).trivial
    canon = canonicalizer(m, native=False)
    got, _ = fast.fast_explore(m.system, symmetry=symmetry_spec(m), canon=canon, **_props(m))
    ref = explore(m.system, canon=canon, **_props(m))
    _same(got, ref)
    assert ref.states < explore(m.system).states  # the reduction did something


def test_wide_graph_is_the_python_graph() -> None:
    m = build(_wide("seed", Policy.ON_FAILURE, nodes=2, live=1))
    got, ref = fast.fast_graph(m.system), explore_graph(m.system)
    assert got.packed == ref.packed
    for a in ("src", "dst", "tr", "parent", "via"):
        assert getattr(got, a).tolist() == getattr(ref, a).tolist(), a


def test_wide_partitions_give_the_single_machine_search() -> None:
    from tests.test_partition_core import _run

    m = build(_wide("seed", Policy.ON_FAILURE))
    factory = functools.partial(_problem, m.config, m.semantics, False, True)
    problem = factory()
    one = explore(m.system, invariants=problem.invariants, steps=problem.steps, sometimes=problem.sometimes,
                  sometimes_steps=problem.sometimes_steps)
    parts = [Partition(j, 2, factory) for j in range(2)]
    assert all(p.native is not None and p.words == 2 for p in parts)
    ids = _run(parts, m.system.layout.pack(m.system.initial), 97)
    assert [ids[i] for i in range(len(ids))] == [int(x) for x in one.packed]
    sums = [p.summary() for p in parts]
    assert sum(s["edges"] for s in sums) == one.transitions


@pytest.mark.parametrize("words", [1, 2, 3])
def test_c_owners_are_the_ray_drivers(words: int) -> None:
    # The driver seeds the initial state at store.py's owner; the C core routes every successor by its own.
    import numpy as np

    from kubelife.model.engine.distributed.store import keys_of, owners_of, to_words

    fields = [Field(f"x{i}", 1 << 15) for i in range(4 * words - 1)]
    system = TransitionSystem(Layout(fields), (0,) * len(fields), ())
    assert system.layout.words == words
    lib = fast.build(c_source(system))
    assert lib is not None
    lib.kl_owners.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    rng = np.random.default_rng(7)
    states = [system.layout.pack(rng.integers(0, 1 << 15, len(fields)).tolist()) for _ in range(2000)]
    rows = to_words(states, words)
    got = np.empty(len(states), dtype=np.int64)
    lib.kl_owners(rows.ctypes.data, len(states), 5, got.ctypes.data)
    assert got.tolist() == owners_of(keys_of(rows), 5).tolist()
    assert len(set(got.tolist())) == 5


def test_a_wrong_word_split_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # A mutant of the generated C that compares only the first word of two states: states that differ
    # only in a later word are taken as one, which the comparison with the Python explorer sees.
    m = build(Config.uniform(nodes=1, slots=2))
    system = TransitionSystem(Layout(m.system.layout.fields, word_bits=12), m.system.initial,
                              m.system.transitions, m.system.meta)
    ref = explore(system)
    original = fast.c_source
    eq = "for (int k = 0; k < WORDS; k++) if (a.w[k] != b.w[k]) return 0;"

    def mutant(*a: Any, **k: Any) -> str:
        src = original(*a, **k)
        assert eq in src
        return src.replace(eq, "if (a.w[0] != b.w[0]) return 0;")

    monkeypatch.setattr(fast, "c_source", mutant)
    got, _ = fast.fast_explore(system)
    assert got.states < ref.states
    monkeypatch.undo()
    got, _ = fast.fast_explore(system)
    assert (got.states, got.transitions) == (ref.states, ref.transitions)


def test_the_memory_budget_stops_the_search() -> None:
    big = build(Config.uniform(nodes=1, slots=4, policy=Policy.ALWAYS))  # 1,562,983 states, ~40 MB
    with pytest.raises(MemoryBudgetExceeded, match=r"memory budget of 16\.0 MiB with [0-9,]+ states stored; raise it"):
        fast.fast_explore(big.system, memory_budget=16 << 20)
    with pytest.raises(MemoryBudgetExceeded):
        fast.fast_graph(big.system, memory_budget=16 << 20)
    m = build(Config.uniform(nodes=1, slots=3, policy=Policy.ALWAYS))
    ex, _ = fast.fast_explore(m.system, memory_budget=0)  # 0: no budget
    assert ex.states == 73_878 and ex.memory is not None
    assert ex.memory["peak_bytes"] <= 64 << 20 and 8 < ex.memory["bytes_per_state"] < 200


WIDE_CLI = ["check", "--nodes", "4", "--slots", "4", "--no-liveness", "--engine", "fast"]  # 69 bits a state


@pytest.mark.slow  # its C (68 transitions, every row) takes gcc 20-80 s here
def test_cli_wide_runs_compiled_and_stops_at_the_state_limit(capsys: pytest.CaptureFixture[str]) -> None:
    # Compiled (no "the state needs 69 bits"), stopped by the state limit, in one sentence.
    assert main([*WIDE_CLI, "--max-states", "2000"]) == 2
    assert capsys.readouterr().err.strip().endswith("raise the limit or shrink the configuration.")


def test_cli_stops_at_the_memory_budget(capsys: pytest.CaptureFixture[str]) -> None:
    # nodes 1, slots 4: 1.56 million states, about 90 MB: past a budget of 16M, one sentence, exit 2.
    assert main(["check", "--nodes", "1", "--slots", "4", "--no-liveness", "--engine", "fast",
                 "--memory-budget", "16M"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.search(r"memory budget of 16\.0 MiB with [0-9,]+ states stored; raise it with --memory-budget", err)
    assert err.count(".") == 2
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("bad", ["8Q", "0", "1K", "lots", "-4G"])
def test_cli_bad_memory_budget(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*WIDE_CLI, f"--memory-budget={bad}"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"--memory-budget {bad} is not a size" in err and len(err.splitlines()) == 1


def test_cli_json_reports_memory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--nodes", "1", "--slots", "3", "--no-liveness", "--engine", "fast", "--json",
                 "--memory-budget", "2G"]) == 0
    mem = json.loads(capsys.readouterr().out)["memory"]
    assert mem["peak_bytes"] > 0 and mem["bytes_per_state"] == pytest.approx(mem["peak_bytes"] / 73_878, abs=0.1)


@pytest.mark.slow
def test_cli_modern_example_of_issue_16_runs_compiled(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--profile", "modern", "--nodes", "1", "--slots", "2", "--inits", "1", "--sidecars", "1",
                 "--no-liveness", "--engine", "fast", "--max-states", "100000"]) == 2
    assert capsys.readouterr().err.strip().endswith("raise the limit or shrink the configuration.")


@pytest.mark.spin
@pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None, reason="needs spin and gcc")
def test_spin_agrees_on_a_wide_modern_configuration(tmp_path: Path) -> None:
    m = build(_wide("modern", Policy.NEVER, live=1, empty=1, inits=1, sidecars=1))
    assert m.shape.layout.words >= 2
    ex, _ = fast.fast_explore(m.system)
    spin = run_spin(promela_model(m.system, m.name), tmp_path, cflags=("-O0",))
    assert spin.errors == 0
    assert (spin.states, spin.transitions) == (ex.states, ex.transitions + 1)


def test_a_model_past_what_gcc_compiles_is_refused_in_one_sentence(capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The largest configuration the flags accept: refused before any C is written.
    for cmd in (["check", "--no-liveness"], ["liveness"]):
        assert main([*cmd, "--profile", "modern", "--nodes", "8", "--slots", "12", "--replicas", "6",
                     "--containers", "6"]) == 2
        err = capsys.readouterr().err.strip()
        assert "compiles to more than 12.0 MiB of C" in err and len(err.splitlines()) == 1
    # Nearer the line the generator stops at the byte limit (here lowered to 20 kB).
    import kubelife.model.engine.fast_c as fast_c

    monkeypatch.setattr(fast_c, "MAX_C_BYTES", 20_000)
    assert main(["check", "--nodes", "2", "--slots", "2", "--no-liveness", "--engine", "fast"]) == 2
    err = capsys.readouterr().err.strip()
    assert "compiles to more than 19.5 KiB of C" in err and len(err.splitlines()) == 1
