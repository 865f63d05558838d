"""What every registered profile promises, checked the same way for each (the built-in ones and the
toy of ``tests/profiles``); facts that belong to one profile stay in its own test files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from kubelife import profiles
from kubelife.check import check_model
from kubelife.cli import main
from kubelife.stateful import large_for, machine_for
from tests.profiles import toy

NAMES = [*profiles.names(), toy.PROFILE.name]


@pytest.fixture(params=NAMES)
def profile(request: pytest.FixtureRequest) -> Iterator[profiles.Profile]:
    added = request.param == toy.PROFILE.name
    if added:
        profiles.register(toy.PROFILE)
    yield profiles.get(request.param)
    if added:
        profiles.unregister(toy.PROFILE.name)


def _smallest(prof: profiles.Profile) -> object:
    return min(prof.check_suite, key=lambda c: (c.nodes * len(c.slots), c.nodes, c.name))


def test_the_smallest_suite_configuration_checks_as_expected(profile: profiles.Profile) -> None:
    r = check_model(profile.build(_smallest(profile)))  # type: ignore[arg-type]
    assert r.ok, [p.name for p in r.properties if not p.ok] + [x.id for x in r.rows if x.status == "fail"]
    assert r.exploration.states > 1 and r.model.config.profile == profile.name


def test_every_row_and_property_has_a_name_and_every_row_an_expectation(profile: profiles.Profile) -> None:
    m = profile.build(profile.check_suite[0])
    assert all(p.name and p.spec for p in profile.properties(m))
    assert all(r.id and r.expect and r.kinds for r in profile.rows)


def test_presets_are_configurations_of_the_profile(profile: profiles.Profile) -> None:
    for name in profile.presets:
        assert profile.preset(name).profile == profile.name
    with pytest.raises(profiles.ProfileError, match=f"preset 'nope' is not known in the {profile.name} profile"):
        profile.preset("nope")


def test_mutants_build_and_differ_from_the_semantics(profile: profiles.Profile) -> None:
    for name, cls in profile.mutants.items():
        assert profile.mutant(name) is cls and cls is not profile.semantics
        assert issubclass(cls, profile.semantics), f"{name} is a variant of the profile's semantics"
        profile.build(profile.check_suite[0], cls).system  # noqa: B018 - builds its transitions


@pytest.mark.slow  # a minute for the modern vectors; each profile's own tests write its vectors too
def test_vectors_name_their_profile(profile: profiles.Profile, tmp_path: Path) -> None:
    if profile.vectors is None:
        pytest.skip(f"the {profile.name} profile declares no vectors")
    assert main(["vectors", "--profile", profile.name, "--out", str(tmp_path)]) == 0
    for f in sorted(tmp_path.glob("*.json")):
        doc = json.loads(f.read_text())
        assert doc["profile"] == profile.name and doc["format"] == "kubelife-vectors"


def test_a_short_hypothesis_run_finds_nothing_wrong(profile: profiles.Profile) -> None:
    if profile.stateful is None:
        pytest.skip(f"the {profile.name} profile declares no Hypothesis machine")
    run_state_machine_as_test(machine_for(large_for(profile.name)), settings=settings(
        max_examples=3, stateful_step_count=15, deadline=None, phases=[Phase.generate], derandomize=True,
        suppress_health_check=list(HealthCheck)))
