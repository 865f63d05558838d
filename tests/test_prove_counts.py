"""The counting abstraction: exact against enumeration, and proofs for any number of containers."""

from __future__ import annotations

from collections import Counter
from itertools import combinations_with_replacement

from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import Policy
from kubelife.profiles import build
from kubelife.profiles.seed.counts import CLASSES, COUNT_PROPERTIES, EXIT_ROWS, phase_of_counts, prove_counts
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.phase import phase_of_values


def test_counting_matches_the_phase_function_on_every_pod_up_to_four_containers() -> None:
    rules = build(Config.uniform()).rules
    checked = 0
    for n in range(1, 5):
        for pod in combinations_with_replacement(CLASSES, n):
            counts = Counter(pod)
            for pol in Policy:
                got = phase_of_counts(rules, {c: counts.get(c, 0) for c in CLASSES}, pol)
                assert got == phase_of_values(list(pod), pol), (pod, pol)
                checked += 1
    assert checked == 3 * sum(len(list(combinations_with_replacement(CLASSES, n))) for n in range(1, 5))


def test_all_count_properties_proved() -> None:
    res = prove_counts()
    assert set(COUNT_PROPERTIES) | set(EXIT_ROWS.values()) <= set(res)
    assert {k: v.status for k, v in res.items()} == dict.fromkeys(res, "proved")


def test_crashloop_mutant_refuted_for_some_count() -> None:
    res = prove_counts(MUTANTS["crashloop-pending"])
    v = res["a crash-looping container keeps the pod Running (policy Always or OnFailure, all started)"]
    assert v.status == "refuted"
    assert v.counterexample is not None and v.counterexample["phase"] == "Pending"


def test_restart_guard_mutants_refuted() -> None:
    assert prove_counts(MUTANTS["never-restarts"])["policy Never never restarts a container"].status == "refuted"
    res = prove_counts(MUTANTS["onfailure-restarts-success"])
    assert res["OnFailure never restarts a container that exited ok"].status == "refuted"


def test_exit_rows_for_any_count_catch_restart_mutants() -> None:
    res = prove_counts(MUTANTS["onfailure-restarts-success"])
    v = res[EXIT_ROWS[Policy.ON_FAILURE]]
    assert v.status == "refuted" and v.counterexample is not None and v.counterexample["code"] == "ok"
    assert res[EXIT_ROWS[Policy.ALWAYS]].status == "proved"
    assert prove_counts(MUTANTS["never-restarts"])[EXIT_ROWS[Policy.NEVER]].status == "refuted"
