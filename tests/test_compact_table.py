"""The compiled search's visited table holds keys while they fit the memory budget and is rebuilt as
4-byte ids when they would not; the answers are the same either way (docs/scaling.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubelife.cli import main
from kubelife.model.engine import fast
from kubelife.model.engine.explore import MemoryBudgetExceeded, explore
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.symmetry import canonicalizer, symmetry_spec
from tests.test_fast_engine import _same
from tests.test_fast_threads import _props
from tests.test_wide_engine import _in_words

pytestmark = pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")

CONFIGS = [
    pytest.param(Config.uniform(nodes=1, slots=3, policy=Policy.ON_FAILURE), False, id="seed"),
    pytest.param(Config.uniform(nodes=2, slots=2, policy=Policy.NEVER), True, id="seed-symmetry"),
    pytest.param(Config(1, (SlotSpec(Policy.ON_FAILURE, inits=1),), replicas=1, profile="modern"), False,
                 id="modern-init"),
]


def _peak_with_keys(system: Any, **kw: Any) -> int:
    ex, _ = fast.fast_explore(system, memory_budget=0, **kw)
    assert not ex.compact_table and ex.peak_bytes is not None
    return ex.peak_bytes


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(("cfg", "symmetric"), CONFIGS)
def test_a_budget_one_byte_short_of_the_keys_gives_the_same_search_with_ids(
        cfg: Config, symmetric: bool, threads: int) -> None:
    m = build(cfg)
    canon = canonicalizer(m, native=False) if symmetric else None
    kw = dict(symmetry=symmetry_spec(m) if symmetric else None, canon=canon, **_props(m))
    peak = _peak_with_keys(m.system, **kw)
    # One byte short: the allocation that set the peak fails, the table is rebuilt as ids mid-search,
    # and the search goes on from where it was to the same end.
    got, _ = fast.fast_explore(m.system, memory_budget=peak - 1, threads=threads, thread_after=0, **kw)
    assert got.compact_table and got.peak_bytes is not None and got.peak_bytes < peak
    assert got.memory is not None and got.memory["visited_table"] == "ids"
    _same(got, explore(m.system, canon=canon, **_props(m)))


def test_wide_states_rebuild_as_ids_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBELIFE_NO_NARROW", "1")  # keeps the state as wide as it is packed
    m = build(Config.uniform(nodes=1, slots=3, policy=Policy.ON_FAILURE))
    system = _in_words(m, 16)
    assert system.layout.words >= 2
    peak = _peak_with_keys(system, **_props(m))
    got, _ = fast.fast_explore(system, memory_budget=peak - 1, **_props(m))
    assert got.compact_table and got.peak_bytes is not None and got.peak_bytes < peak
    _same(got, explore(system, **_props(m)))


def test_past_what_even_ids_fit_the_search_stops_with_the_states_it_stored() -> None:
    m = build(Config.uniform(nodes=1, slots=4))  # 1,562,983 states
    peak = _peak_with_keys(m.system)
    with pytest.raises(MemoryBudgetExceeded) as stop:
        fast.fast_explore(m.system, memory_budget=peak // 2)
    assert stop.value.states is not None and 500_000 < stop.value.states < 1_562_983
    assert f"with {stop.value.states:,} states stored" in str(stop.value)


def test_check_json_says_which_table_it_used(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--nodes", "1", "--slots", "4", "--no-liveness", "--engine", "fast", "--json"]
    assert main(args) == 0
    full = json.loads(capsys.readouterr().out)
    assert full["memory"]["visited_table"] == "keys"
    peak = full["memory"]["peak_bytes"]
    assert main([*args, "--memory-budget", str(peak - 1)]) == 0  # a plain number is bytes
    small = json.loads(capsys.readouterr().out)
    assert small["memory"]["visited_table"] == "ids" and small["memory"]["peak_bytes"] < peak
    assert (small["states"], small["transitions"]) == (full["states"], full["transitions"])


def test_the_rebuild_as_ids_asks_whether_to_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C during a rebuild (minutes at hundreds of millions of states) stops the search there: the
    # rebuild calls back with (states, 0, states), and a callback that answers "stop" ends the search.
    m = build(Config.uniform(nodes=1, slots=4))
    peak = _peak_with_keys(m.system)
    asked: list[tuple[int, int, int]] = []

    def call_for(*_: Any) -> Any:
        def call(n: int, e: int, q: int) -> int:
            asked.append((n, e, q))
            return 1 if e == 0 and q == n else 0
        return call

    monkeypatch.setattr(fast, "_progress_call", call_for)
    with pytest.raises(KeyboardInterrupt):
        fast.fast_explore(m.system, memory_budget=peak - 1)
    assert asked[-1][1] == 0 and asked[-1][0] == asked[-1][2] > 0
