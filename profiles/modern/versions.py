"""Kubernetes versions and feature gates of the ``modern`` profile, and the behaviour switches they set.

A configuration names a minor version (``Config.kubernetes``, empty = the newest modelled) and gate
overrides (``Config.gates``).  Everything version-dependent in the semantics, the phase function,
the oracle and the vectors asks one of the small functions here, so a rule changes in one place.
Sources are in ``docs/fidelity.md`` section C (the versioned gate table
``defaultVersionedKubernetesFeatureGates`` in ``pkg/features/kube_features.go``) and B1-B3.
"""

from __future__ import annotations

from kubelife.model.k8s.config import Config

__all__ = ["VERSIONS", "DEFAULT_VERSION", "GATES", "STAGES", "version", "minor", "gate", "effective_gates",
           "validate", "initialization_rule", "regular_inits_hold", "own_policies", "disruption_condition",
           "SANDBOX", "API_STARTED"]

VERSIONS: tuple[str, ...] = ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35")
DEFAULT_VERSION = VERSIONS[-1]

# The gates that change what the model does (name -> what it changes), as `kubelife --help` shows them.
GATES: dict[str, str] = {
    "SidecarContainers": "init containers with restartPolicy Always run as sidecars (off: they are refused); "
                         "beta 1.29-1.32, locked on from 1.33",
    "PodDisruptionConditions": "evictions by the kubelet, the taint manager and PodGC add the DisruptionTarget "
                               "condition; beta 1.29-1.30, locked on from 1.31",
    "ContainerRestartRules": "a main container's own restartPolicy, and getPhase's restartable-container rule; "
                             "alpha 1.34, beta 1.35, absent before",
}

# Stage per version: "B" beta (on, settable), "A" alpha (off, settable), "GA" (locked on),
# "-" absent (the behaviour is fixed: off for ContainerRestartRules, on for PodDisruptionConditions,
# whose gate was removed after GA).
_V = VERSIONS
STAGES: dict[str, dict[str, str]] = {
    "SidecarContainers": dict(zip(_V, ("B", "B", "B", "B", "GA", "GA", "GA"))),
    "PodDisruptionConditions": dict(zip(_V, ("B", "B", "GA", "GA", "GA", "-", "-"))),
    "ContainerRestartRules": dict(zip(_V, ("-", "-", "-", "-", "-", "A", "B"))),
}
_ABSENT_MEANS = {"SidecarContainers": True, "PodDisruptionConditions": True, "ContainerRestartRules": False}

# podHasInitialized: 1.33+ asks the runtime's active sandbox (HasAnyActiveRegularContainerStarted),
# 1.28-1.32 the API statuses (HasAnyRegularContainerStarted).
SANDBOX, API_STARTED = "active-sandbox", "api-started"


def version(config: Config) -> str:
    """The effective minor version: the configuration's, else the newest modelled."""
    return config.kubernetes or DEFAULT_VERSION


def minor(config: Config) -> int:
    return int(version(config).split(".")[1])


def _default(name: str, v: str) -> bool:
    stage = STAGES[name].get(v, "-")
    return _ABSENT_MEANS[name] if stage == "-" else stage != "A"


def gate(config: Config, name: str) -> bool:
    """The gate's value: the configuration's override, else the version's default."""
    for g, value in config.gates:
        if g == name:
            return value
    return _default(name, version(config))


def effective_gates(config: Config) -> dict[str, bool]:
    """Every modelled gate with its value in this configuration."""
    return {name: gate(config, name) for name in GATES}


def validate(config: Config) -> None:
    """Refuse, in one sentence, a gate set against its lock in the chosen version (``Profile.validate_config``)."""
    from kubelife.profiles import ProfileError

    v = version(config)
    for name, value in config.gates:
        stage = STAGES.get(name, {}).get(v)
        if stage == "GA" and not value:
            raise ProfileError(f"--feature-gates {name}=false is not possible in Kubernetes {v}: the gate is "
                               f"locked on (GA); use a version where it is beta, or leave it unset.")
        if stage == "-":
            raise ProfileError(f"--feature-gates {name} does not exist in Kubernetes {v}; its behaviour is fixed "
                               f"({'on' if _ABSENT_MEANS[name] else 'off'}) there: leave it unset.")
    if not gate(config, "SidecarContainers") and any(s.sidecars for s in config.slots):
        raise ProfileError("--sidecars needs SidecarContainers=true (with the gate off the API server refuses "
                           "restartPolicy on init containers); drop the sidecars or the gate override.")


def initialization_rule(config: Config) -> str:
    """How the kubelet computes ``podHasInitialized`` for ``getPhase`` (docs/fidelity.md B1)."""
    return SANDBOX if minor(config) >= 33 else API_STARTED


def regular_inits_hold(config: Config) -> bool:
    """Whether a pending regular init container keeps the pod Pending once initialized (B2: 1.32+)."""
    return minor(config) >= 32


def own_policies(config: Config) -> bool:
    """Per-container restartPolicy and getPhase's restartable branch (ContainerRestartRules)."""
    return gate(config, "ContainerRestartRules")


def disruption_condition(config: Config) -> bool:
    """Whether evictions add the DisruptionTarget condition (PodDisruptionConditions)."""
    return gate(config, "PodDisruptionConditions")
