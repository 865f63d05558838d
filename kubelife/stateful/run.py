"""Running the machine: Hypothesis profiles, row reports and implementation checks.

``ci`` is fast and derandomized, so reports generated from it are
reproducible; ``deep`` runs many more and longer examples with a random seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from kubelife.adapter import Adapter
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.profiles import build, rows_for
from kubelife.stateful.configs import large_for
from kubelife.stateful.machine import Tally, machine_for

__all__ = ["PROFILES", "profile_settings", "StatefulRun", "run_stateful", "run_rows", "run_coverage",
           "check_implementation"]

_COMMON: dict[str, Any] = {
    "deadline": None,  # wall-clock limits make CI flaky; speed is measured by bench/
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

PROFILES: dict[str, dict[str, Any]] = {
    "ci": {**_COMMON, "max_examples": 100, "stateful_step_count": 40, "derandomize": True, "database": None,
           "print_blob": False},
    "deep": {**_COMMON, "max_examples": 1000, "stateful_step_count": 100},
}
"""Keyword arguments of ``hypothesis.settings`` per profile; tests/conftest.py registers them."""


def profile_settings(profile: str = "ci", **overrides: Any) -> settings:
    if profile not in PROFILES:
        raise ValueError(f"profile {profile!r} is not known; use one of: {', '.join(PROFILES)}.")
    return settings(**{**PROFILES[profile], **overrides})


@dataclass
class StatefulRun:
    model: ClusterModel
    tally: Tally
    error: str | None = None

    @property
    def row_ids(self) -> tuple[str, ...]:
        """The ids of the model's profile's rows, in their order."""
        return tuple(r.id for r in rows_for(self.model.config.profile))

    @property
    def rows(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for rid in self.row_ids:
            hits = self.tally.hits.get(rid, 0)
            status = "fail" if rid in self.tally.failures else "pass" if hits else "not hit"
            out[rid] = {"status": status, "hits": hits}
            if rid in self.tally.failures:
                out[rid]["detail"] = self.tally.failures[rid]
        return out

    @property
    def coverage(self) -> dict[str, Any]:
        t, acts = self.tally, self.model.system.actions
        kinds = sorted({a.kind for a in acts}, key=lambda k: (k[0], int(k[1:])))
        return {
            "config": self.model.name,
            "examples": t.examples,
            "steps": t.steps,
            "distinct_states": len(t.states),
            "kinds": {k: t.kinds.get(k, 0) for k in kinds},
            "transitions_fired": len(t.fired),
            "transitions": len(acts),
            "never_fired": [str(acts[i]) for i in range(len(acts)) if i not in t.fired],
            "rows_hit": sum(1 for r in self.row_ids if t.hits.get(r)),
            "rows": len(self.row_ids),
            "known_violations_seen": sorted(t.known),
            "error": self.error,
        }


def run_stateful(config: Config | None = None, profile: str = "ci",
                 semantics: type | None = None, strict: bool = False,
                 settings_: settings | None = None, semantics_profile: str | None = None,
                 **overrides: Any) -> StatefulRun:
    """Run the machine once and tally rows and coverage; a stopping failure is kept in ``error``.

    ``profile`` names the Hypothesis profile; ``semantics_profile`` (a registered profile; ``None`` is
    the default) picks the large configuration when ``config`` is ``None`` (a given config carries its own).
    ``semantics`` defaults to the config's profile's semantics.  ``settings_`` replaces the named
    profile (tests pass the loaded one). Shrinking is off: a tally wants coverage, and a stopping
    failure is shortened on its own (see ``failure``).
    """
    m = build(config or large_for(semantics_profile), semantics)
    tally = Tally()
    run = StatefulRun(m, tally)
    base = settings_ if settings_ is not None else profile_settings(profile)
    try:
        run_state_machine_as_test(machine_for(m, tally=tally, strict=strict),
                                  settings=settings(base, phases=[Phase.generate], **overrides))
    except AssertionError as e:
        run.error = str(e).splitlines()[0]
    return run


@lru_cache(maxsize=8)
def _cached(config: Config | None, profile: str, semantics_profile: str) -> StatefulRun:
    return run_stateful(config, profile, semantics_profile=semantics_profile)


def run_rows(config: Config | None = None, profile: str = "ci",
             semantics_profile: str | None = None) -> dict[str, dict[str, Any]]:
    """``{row_id: {"status": "pass"|"fail"|"not hit", "hits": n}}`` for every row of the profile.

    Deterministic for ``ci`` (derandomized); the default configuration is the large one of
    ``semantics_profile`` (:func:`~kubelife.stateful.configs.large_for`; a given ``config`` carries its profile).
    """
    return _cached(config, profile, semantics_profile).rows


def run_coverage(config: Config | None = None, profile: str = "ci",
                 semantics_profile: str | None = None) -> dict[str, Any]:
    """Which transition kinds fired, how many distinct states were seen (same run as :func:`run_rows`)."""
    return _cached(config, profile, semantics_profile).coverage


def check_implementation(adapter: Adapter, config: Config | None = None,
                         settings_: settings | None = None, semantics_profile: str | None = None) -> None:
    """Drive ``adapter`` with the machine and compare it with the model after every step.

    Raises :class:`~kubelife.stateful.failure.ModelViolation` with a shrunk trace and replay code
    on the first divergence (or a property or row failure of the model itself).  ``settings_``
    defaults to the loaded Hypothesis profile without a deadline.  Without ``config`` the bounds are
    the large configuration of ``semantics_profile`` (a registered profile; ``None`` is the default).
    """
    m = build(config or large_for(semantics_profile))
    if settings_ is None:  # the loaded profile (so --hypothesis-profile applies), without a deadline
        settings_ = settings(settings.default, deadline=None, suppress_health_check=_COMMON["suppress_health_check"])
    run_state_machine_as_test(machine_for(m, adapter), settings=settings_)
