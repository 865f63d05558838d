"""Hypothesis stateful testing from the same model (issue 4).

``machine_for(model_or_config, adapter=None)`` builds a ``RuleBasedStateMachine``
whose rules are the model's transitions, whose invariants are the model's
properties and which asserts every scenario row whenever a step matches it.
See docs/hypothesis.md.
"""

from kubelife.stateful.checks import ModelChecks, Violation, checks_for
from kubelife.stateful.configs import config_named, large_for
from kubelife.stateful.failure import ModelViolation, check_trace, minimize, replay_code
from kubelife.stateful.machine import Tally, machine_for
from kubelife.stateful.run import (
    PROFILES,
    StatefulRun,
    check_implementation,
    profile_settings,
    run_coverage,
    run_rows,
    run_stateful,
)

__all__ = [
    "machine_for", "Tally", "ModelChecks", "Violation", "checks_for", "large_for", "config_named",
    "ModelViolation", "check_trace", "minimize", "replay_code", "PROFILES", "StatefulRun", "check_implementation",
    "profile_settings", "run_coverage", "run_rows", "run_stateful",
]
