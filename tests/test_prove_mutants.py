"""Every mutant is refuted by Z3 on a row or property that guards it, with a counterexample.

A row counterexample is re-checked in the explicit semantics: the state Z3
found satisfies the row's precondition and the event's guard under ``PyOps``
and the outcome fails there.  A refuted property comes with a BMC run that
replays step by step.
"""

from __future__ import annotations

import pytest
from prove_checks import assert_refutation_is_genuine

from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.presets import DEFAULT_SUITE, PRESETS
from kubelife.profiles.seed.rows import ROWS, row_by_id
from kubelife.prove import prove_model

# The default-suite configuration where each mutant's guard applies.
WHERE = {
    "onfailure-restarts-success": "OnFailure-2c", "never-restarts": "Never-2c", "crashloop-pending": "Always-1c",
    "disk-failure-keeps-running": "Always-2c", "lost-node-keeps-pods": "Always-2c", "no-replacement": "Always-1c",
    "terminal-restart": "Always-2c",
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_refuted(name: str) -> None:
    sem = MUTANTS[name]
    guards = set(sem.caught_by)  # type: ignore[attr-defined]
    # A mutant added later without a place here is tried on every default-suite configuration.
    where = [PRESETS[WHERE[name]]] if name in WHERE else list(DEFAULT_SUITE)
    for cfg in where:
        m = build(cfg, sem)
        proof = prove_model(m, rows=[r for r in ROWS if r.id in guards], expected=False)
        verdicts = {**proof.rows, **proof.properties, **proof.auxiliary}
        refuted = [k for k in guards if k in verdicts and verdicts[k].status == "refuted"]
        if refuted:
            break
    assert refuted, {k: verdicts[k].status if k in verdicts else "not a Z3 obligation" for k in guards}
    for k in refuted:
        assert_refutation_is_genuine(m, verdicts[k], row_by_id(k) if k in {r.id for r in ROWS} else None)
