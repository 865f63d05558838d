"""The compiled search on two threads (an expander and an inserter) gives the one-thread search's
answers, and Ctrl-C stops the compiled search."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubelife.check import check_model
from kubelife.model.engine import fast
from kubelife.model.engine.explore import explore
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build, get
from kubelife.symmetry import canonicalizer, symmetry_spec
from tests.test_fast_engine import _same, _summary

pytestmark = pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")


def _props(m: Any) -> dict[str, Any]:
    props = get(m.config.profile).properties(m)
    return dict(invariants=[p.pred for p in props if not p.is_step], steps=[p.pred for p in props if p.is_step],
                sometimes=[p.witness for p in props if not p.is_step],
                sometimes_steps=[p.witness for p in props if p.is_step])


CONFIGS = [
    pytest.param(Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), False, id="seed-never"),
    pytest.param(Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), True, id="seed-never-symmetry"),
    pytest.param(Config.uniform(nodes=1, slots=3, policy=Policy.ON_FAILURE), False, id="seed-onfailure"),
    pytest.param(Config(1, (SlotSpec(Policy.ON_FAILURE, inits=1),), replicas=1, profile="modern"), False,
                 id="modern-init"),
]


@pytest.mark.parametrize(("cfg", "symmetric"), CONFIGS)
def test_two_threads_from_the_start_give_the_python_explorers_search(cfg: Config, symmetric: bool) -> None:
    m = build(cfg)
    canon = canonicalizer(m, native=False) if symmetric else None
    ref = explore(m.system, canon=canon, **_props(m))
    got, _ = fast.fast_explore(m.system, symmetry=symmetry_spec(m) if symmetric else None, canon=canon,
                               threads=2, thread_after=0, **_props(m))
    _same(got, ref)
    one, _ = fast.fast_explore(m.system, symmetry=symmetry_spec(m) if symmetric else None, canon=canon,
                               threads=1, **_props(m))
    _same(one, ref)


@pytest.mark.parametrize(("mutant", "cfg"), [
    ("never-restarts", Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.NEVER)),  # a row fails
    ("terminal-restart", Config.uniform(nodes=1, slots=2, policy=Policy.ON_FAILURE)),  # a step property fails
])
def test_rows_and_counterexamples_of_a_threaded_check_are_the_python_ones(
        mutant: str, cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "THREAD_AFTER", 0)
    monkeypatch.setenv("KUBELIFE_THREADS", "2")
    m = build(cfg, get(cfg.profile).mutant(mutant))
    assert _summary(check_model(m, engine="fast")) == _summary(check_model(m, engine="python"))


def test_a_progress_function_that_is_interrupted_stops_the_search() -> None:
    m = build(Config.uniform(nodes=1, slots=3))
    calls: list[int] = []

    def progress(n: int, e: int, q: int, s: float) -> None:
        calls.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fast.fast_explore(m.system, progress=progress, progress_every=1000, threads=2, thread_after=0)
    assert len(calls) == 1 and calls[0] < 73_878


def test_ctrl_c_stops_a_compiled_check(tmp_path: Path) -> None:
    # nodes 4, slots 2: 20 million states, many seconds of search; compiled (and cached) first.
    args = [sys.executable, "-m", "kubelife", "check", "--nodes", "4", "--slots", "2", "--no-liveness",
            "--engine", "fast"]
    env = {**os.environ, "KUBELIFE_CACHE": str(tmp_path)}
    subprocess.run([*args, "--max-states", "1000"], capture_output=True, env=env, cwd=tmp_path, timeout=600)
    proc = subprocess.Popen([*args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=tmp_path)
    try:
        proc.wait(timeout=4)  # start-up and into the search
    except subprocess.TimeoutExpired:
        pass
    assert proc.poll() is None, "the search ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().endswith("kubelife: interrupted") and out == ""


def test_the_graph_search_stops_when_its_callback_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # The callback answers "stop" as it does once Ctrl-C was pressed (kubelife liveness's graphs).
    m = build(Config.uniform(nodes=1, slots=3))  # 73,878 states: past the first call at 32,768
    monkeypatch.setattr(fast, "_progress_call", lambda *args: lambda n, e, q: 1)
    with pytest.raises(KeyboardInterrupt):
        fast.fast_graph(m.system)
    monkeypatch.undo()
    assert fast.fast_graph(m.system).n_states == 73_878
