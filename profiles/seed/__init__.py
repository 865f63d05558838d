"""The ``seed`` profile: pod and node lifecycles of the early Kubernetes concept pages (2014/2015).

Transitions N1-N6, P1-P5 and R1 of ``shared/spec/lifecycle-semantics.md``; this package
holds everything the profile supplies, declared in :data:`PROFILE`.
"""

from __future__ import annotations

from kubelife.profiles import LivenessSpec, Profile, ProveSpec, StatefulSpec
from kubelife.profiles.seed import liveness as _liveness
from kubelife.profiles.seed import presets as _presets
from kubelife.profiles.seed.counts import prove_counts
from kubelife.profiles.seed.liveness_mutants import LIVENESS_MUTANTS
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.observe import OBSERVE
from kubelife.profiles.seed.oracle import SeedAbstraction
from kubelife.profiles.seed.properties import EXPECTED_VIOLATION, properties_for
from kubelife.profiles.seed.report import REPORT
from kubelife.profiles.seed.rows import ROWS
from kubelife.profiles.seed.semantics import SeedSemantics
from kubelife.profiles.seed.stateful import KIND_WEIGHTS, bring_up
from kubelife.profiles.seed.strengthening import auxiliary_for
from kubelife.profiles.seed.symmetry import symmetry_spec
from kubelife.profiles.seed.vectors import seed_vectors

__all__ = ["PROFILE"]

PROFILE = Profile(
    name=SeedSemantics.profile,
    title="the 2014/2015 Kubernetes concept pages (pod-states, node, replication-controller)",
    semantics=SeedSemantics,
    presets=_presets.PRESETS,
    check_suite=_presets.DEFAULT_SUITE,
    properties=properties_for,
    rows=ROWS,
    default=True,
    mutants=MUTANTS,
    prove=ProveSpec(suite=_presets.PROVE_SUITE, auxiliary=auxiliary_for, expected_violation=EXPECTED_VIOLATION,
                    counts=prove_counts),
    liveness=LivenessSpec(suite=_presets.LIVENESS_SUITE, properties=_liveness.LIVENESS_PROPERTIES,
                          fairness=_liveness.FAIRNESS, bundles=_liveness.BUNDLES, mutants=LIVENESS_MUTANTS),
    symmetry=symmetry_spec,
    oracle=SeedAbstraction(),
    vectors=seed_vectors,
    stateful=StatefulSpec(configs={"large": _presets.LARGE}, large="large", weights=KIND_WEIGHTS,
                          bring_up=bring_up),
    report=REPORT,
    observe=OBSERVE,
    docs="shared/spec/lifecycle-semantics.md",
)
