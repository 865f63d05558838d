"""Static narrowing (model/engine/narrow.py): constant fields out of the compiled state, fewer bits
for the rest, and the same answers as the Python explorer, which never narrows."""

from __future__ import annotations

from typing import Any

import pytest

from kubelife.model.engine import fast
from kubelife.model.engine import narrow as narrow_mod
from kubelife.model.engine.explore import explore
from kubelife.model.engine.narrow import field_values, narrow
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build, get

pytestmark = pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")

MODERN_1211 = Config(1, (SlotSpec(inits=1, sidecars=1),) * 2, replicas=1, profile="modern")
SMALL = [
    pytest.param(Config(1, (SlotSpec(Policy.NEVER), SlotSpec(Policy.NEVER, controlled=False)), replicas=1,
                        profile="modern"), id="modern-never"),
    pytest.param(Config(1, (SlotSpec(Policy.ON_FAILURE, inits=1),), replicas=1, profile="modern"),
                 id="modern-init"),
    pytest.param(Config(2, (SlotSpec(),) * 2, replicas=1, profile="seed"), id="seed"),
]


def _reachable_values(system: Any) -> list[set[int]]:
    ex = explore(system)
    out: list[set[int]] = [set() for _ in system.layout.fields]
    for s in ex.packed:
        for k, v in enumerate(system.layout.unpack(s)):
            out[k].add(v)
    return out


@pytest.mark.parametrize("cfg", SMALL)
def test_field_values_cover_every_reachable_value(cfg: Config) -> None:
    m = build(cfg)
    approx = field_values(m.system)
    for k, (seen, bound) in enumerate(zip(_reachable_values(m.system), approx)):
        assert seen <= bound, m.system.layout.fields[k].name


def test_the_modern_example_of_issue_16_fits_one_word() -> None:
    m = build(MODERN_1211)
    assert m.system.layout.words == 2
    nar = narrow(m.system)
    assert nar is not None and nar.system.layout.words == 1
    pulls = {m.system.layout.fields[k].name for k in nar.consts if m.system.layout.fields[k].name.endswith(".pull")}
    assert len(pulls) == 6  # no image-pull errors asked for: the pull state never leaves 0
    s = m.system.layout.pack(m.system.initial)
    assert nar.expand(nar.compress(s)) == s


@pytest.mark.parametrize("cfg", SMALL[:2])
def test_narrowed_search_is_the_python_explorers(cfg: Config) -> None:
    m = build(cfg)
    assert narrow(m.system) is not None
    props = get(cfg.profile).properties(m)
    inv = [p.pred for p in props if not p.is_step]
    stp = [p.pred for p in props if p.is_step]
    ref = explore(m.system, invariants=inv, steps=stp)
    got, _ = fast.fast_explore(m.system, invariants=inv, steps=stp)
    assert (got.states, got.transitions, got.depth, got.deadlocks) == \
        (ref.states, ref.transitions, ref.depth, ref.deadlocks)
    assert list(got.fired) == list(ref.fired)
    assert got.state_violations == ref.state_violations and got.step_violations == ref.step_violations
    assert [int(x) for x in got.packed] == [int(x) for x in ref.packed]
    g = fast.fast_graph(m.system)
    assert list(g.packed) == [int(x) for x in ref.packed]


def test_a_field_wrongly_taken_as_constant_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant of the analysis: a field that changes (a container's state) said to keep its first
    value.  The narrowed search then misses states, and the comparison with the Python explorer sees it."""
    cfg = Config(1, (SlotSpec(Policy.NEVER),), replicas=1, profile="modern")
    m = build(cfg)
    real = narrow_mod.field_values
    victim = m.system.layout.index("p0.c0.state")

    def wrong(system: Any) -> list[frozenset[int]]:
        vals = real(system)
        vals[victim] = frozenset((system.initial[victim],))
        return vals

    monkeypatch.setattr(narrow_mod, "field_values", wrong)
    fast._NARROWED.clear()
    got, _ = fast.fast_explore(m.system)
    fast._NARROWED.clear()
    assert got.states < explore(m.system).states
