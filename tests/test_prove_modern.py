"""``kubelife prove`` on the ``modern`` profile: rows, invariants, strengthenings, BMC, mutants.

The modern suite is proved as data from :mod:`kubelife.profiles.modern.properties`,
:mod:`kubelife.profiles.modern.rows` and :mod:`kubelife.profiles.modern.strengthening`; each
modern mutant is refuted on a row or property of its ``caught_by`` in its
``caught_in`` configuration, with a counterexample re-checked in the explicit
semantics (rows) or a BMC run that replays (properties).
"""

from __future__ import annotations

from typing import Any

import pytest
from prove_checks import assert_refutation_is_genuine

from kubelife.model.k8s.trace import replay
from kubelife.profiles import build, row_by_id_for
from kubelife.profiles.modern.mutants import MODERN_MUTANTS
from kubelife.profiles.modern.presets import MODERN_PRESETS
from kubelife.profiles.modern.presets import MODERN_SUITE as MODERN_PROVE_SUITE
from kubelife.profiles.modern.properties import EXPECTED_VIOLATION, SIDECAR_VIOLATION
from kubelife.profiles.modern.rows import MODERN_ROWS
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.strengthening import MODERN_AUXILIARY_NAMES
from kubelife.prove import ProveResult, prove_all, prove_model


@pytest.fixture(scope="module")
def modern() -> ProveResult:
    return prove_all(semantics=ModernSemantics)


def test_every_modern_row_and_property_proved(modern: ProveResult) -> None:
    assert [c.model.config for c in modern.configs] == list(MODERN_PROVE_SUITE)
    assert modern.ok and modern.strict
    assert list(modern.rows) == [r.id for r in MODERN_ROWS]
    assert {k: v.status for k, v in modern.rows.items() if v.status != "proved"} == {}
    bad = {k: v.status for k, v in modern.properties.items()
           if v.status != ("refuted-as-expected" if k in (EXPECTED_VIOLATION, SIDECAR_VIOLATION) else "proved")}
    assert bad == {}
    assert set(modern.auxiliary) == set(MODERN_AUXILIARY_NAMES)
    assert all(v.status == "proved" for v in modern.auxiliary.values())
    assert modern.any_containers == {}


def test_strengthenings_are_used(modern: ProveResult) -> None:
    # getPhase consistency is scoped to healthy nodes; its proof needs the unscoped form.
    needs = modern.properties["the phase is what the kubelet's getPhase gives"].strengthening
    assert "a pod that is not terminal has the phase getPhase gives, wherever it is bound" in needs
    assert modern.rows["S7-controlled"].strengthening  # the replacement needs well-formed empty slots


def test_known_violations_found_by_bmc_and_replay(modern: ProveResult) -> None:
    for name, length in ((EXPECTED_VIOLATION, 12), (SIDECAR_VIOLATION, None)):
        v = modern.properties[name]
        assert v.trace is not None
        if length is not None:  # the explicit checker's breadth-first counterexample has 12 steps
            # (11 in the drain preset: an evicted pod's replacement starts while it still runs).
            assert len(v.trace) == (11 if v.config == "modern-drain" else length)
        m = build(MODERN_PRESETS[v.config])
        again = replay(m, [(s.action.kind, dict(s.action.args)) for s in v.trace.steps])
        assert again.final == v.trace.final
    j = modern.to_json()
    assert j["bmc"]["status"] == "refuted-as-expected" and j["properties"][SIDECAR_VIOLATION]["trace_length"] >= 1


def test_timeouts_are_unknown_not_proved() -> None:
    # One millisecond per query: whatever the solver cannot finish is reported unknown, never proved
    # or refuted on the strength of a weakened assumption.
    r = prove_all([MODERN_PRESETS["modern-Never-init-sidecar"]], ModernSemantics, depth=1, timeout_ms=1)
    statuses = {v.status for g in (r.rows, r.properties, r.auxiliary) for v in g.values()}
    assert "unknown" in statuses and "refuted" not in statuses and not r.ok


# The init/sidecar configurations take several seconds each (BMC over a bigger relation).
_SLOW = {"sidecar-counts-as-main", "init-failure-fails-pod", "mains-skip-inits"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in _SLOW else n
                                  for n in sorted(MODERN_MUTANTS)])
def test_modern_mutant_refuted(name: str) -> None:
    sem: Any = MODERN_MUTANTS[name]
    guards = set(sem.caught_by)
    m = build(MODERN_PRESETS[sem.caught_in], sem)
    row_ids = {r.id for r in MODERN_ROWS}
    proof = prove_model(m, rows=[r for r in MODERN_ROWS if r.id in guards], expected=False)
    verdicts = {**proof.rows, **proof.properties, **proof.auxiliary}
    refuted = [k for k in guards if k in verdicts and verdicts[k].status == "refuted"]
    assert refuted, {k: verdicts[k].status if k in verdicts else "not a Z3 obligation" for k in guards}
    for k in refuted:
        assert_refutation_is_genuine(m, verdicts[k], row_by_id_for(k, "modern") if k in row_ids else None)
