"""The ``modern`` profile: today's kubelet, node lifecycle controller, taint eviction and PodGC.

Its own shape (:mod:`.shape`), phase function (:mod:`.phase`, the kubelet's
``getPhase``) and semantics (:mod:`.semantics`), written over ``Ops`` like the
seed profile so every engine consumes the same definition.
"""

from __future__ import annotations

from typing import Any

from kubelife.profiles import LivenessSpec, Profile, ProveSpec, ReportSpec, StatefulSpec
from kubelife.profiles.modern import liveness as _liveness
from kubelife.profiles.modern import presets as _presets
from kubelife.profiles.modern import versions as _versions
from kubelife.profiles.modern.mutants import MODERN_MUTANTS
from kubelife.profiles.modern.observe import OBSERVE
from kubelife.profiles.modern.oracle import ModernAbstraction
from kubelife.profiles.modern.properties import EXPECTED_VIOLATION, modern_properties
from kubelife.profiles.modern.rows import MODERN_ROWS, ROW_NOTES
from kubelife.profiles.modern.semantics import ModernSemantics
from kubelife.profiles.modern.stateful import MODERN_KIND_WEIGHTS, bring_up
from kubelife.profiles.modern.strengthening import modern_auxiliary_for
from kubelife.profiles.modern.symmetry import symmetry_spec
from kubelife.profiles.modern.vectors import modern_vectors

__all__ = ["PROFILE"]


def _lifecycles() -> tuple[Any, ...]:
    from kubelife.report.modern_diagrams import modern_diagrams  # drawn only when a report asks

    return modern_diagrams(_presets.MODERN_PRESETS)

PROFILE = Profile(
    name=ModernSemantics.profile,
    title="today's kubelet and controllers (getPhase, back-off, conditions, deletion, taints, PodGC, ReplicaSet)",
    semantics=ModernSemantics,
    presets=_presets.MODERN_PRESETS,
    check_suite=_presets.MODERN_SUITE,
    properties=modern_properties,
    rows=MODERN_ROWS,
    mutants=MODERN_MUTANTS,
    # The whole default suite: each configuration is small for Z3 (about a second), and together
    # they make every row non-vacuous (S3/S4 need the two-container pods).
    prove=ProveSpec(suite=_presets.MODERN_SUITE, auxiliary=modern_auxiliary_for,
                    expected_violation=EXPECTED_VIOLATION),
    liveness=LivenessSpec(suite=_presets.MODERN_LIVENESS_SUITE, properties=_liveness.MODERN_LIVENESS_PROPERTIES,
                          fairness=_liveness.MODERN_FAIRNESS, bundles=_liveness.MODERN_BUNDLES),
    symmetry=symmetry_spec,
    oracle=ModernAbstraction(),
    vectors=modern_vectors,
    stateful=StatefulSpec(configs={"modern-large": _presets.MODERN_LARGE,
                                   "modern-clients-large": _presets.MODERN_CLIENTS_LARGE}, large="modern-large",
                          weights=MODERN_KIND_WEIGHTS, bring_up=bring_up, node_fault=True),
    report=ReportSpec(out="reports/modern", suite=_presets.MODERN_SUITE, lifecycles=_lifecycles),
    refines="seed",
    versions=_versions.VERSIONS,
    gates=_versions.GATES,
    validate_config=_versions.validate,
    observe=OBSERVE,
    row_notes=ROW_NOTES,
    docs="docs/modern.md, docs/fidelity.md",
)
