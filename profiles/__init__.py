"""Semantics profiles as plug-ins: the :class:`Profile` contract, its validation and the registry.

A profile is one folder (a package) that declares everything one semantics supplies
in a :class:`Profile` value named ``PROFILE``: the transition builders and their
shape, properties, scenario rows, presets and suites, and the optional capabilities
(Z3 proofs, liveness, symmetry, the oracle's abstraction, vectors, reports,
Hypothesis steering).  The engines, checkers and commands take a ``Profile`` and
never name one; they find profiles here.

Profiles are found through the ``kubelife.profiles`` entry-point group (the built-in
ones are registered that way in ``pyproject.toml``), through ``KUBELIFE_PROFILES``
(``module:attribute`` references, for a profile that is not installed), or registered
in code with :func:`register`.  See ``docs/architecture.md``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, ConfigError, SlotSpec
from kubelife.properties.core import Property, Row

if TYPE_CHECKING:  # only for annotations: the contract imports no application module
    from kubelife.model.engine.symmetry import SymmetrySpec
    from kubelife.properties.liveness import Fairness, LivenessProperty

__all__ = ["Profile", "ObserveSpec", "ProveSpec", "LivenessSpec", "StatefulSpec", "ReportSpec", "ProfileError",
           "register", "get", "names", "default", "validate", "build", "resolve", "require", "ENTRY_POINTS", "ENV",
           "unregister", "CAPABILITIES", "properties_for_profile", "rows_for", "row_by_id_for"]

ENTRY_POINTS = "kubelife.profiles"
ENV = "KUBELIFE_PROFILES"  # comma-separated "module:attribute" references, for profiles not installed

# Slot options every profile reads; anything else a SlotSpec can say must be declared by the profile.
_BASE_SLOT_FIELDS = frozenset({"policy", "containers", "controlled", "initial"})
_OPTIONAL_SLOT_FIELDS = frozenset(f.name for f in dataclasses.fields(SlotSpec)) - _BASE_SLOT_FIELDS


class ProfileError(ConfigError):
    """A profile that is unknown, incomplete or inconsistent, or lacks what was asked of it."""


@dataclass(frozen=True)
class ProveSpec:
    """Z3: the suite ``kubelife prove`` covers, candidate strengthenings, the properties BMC hunts."""

    suite: tuple[Config, ...]
    auxiliary: Callable[[ClusterModel], list[Property]]
    expected_violation: str  # the property BMC looks for (a shortest counterexample)
    # Phase-function proofs for any number of containers (counting abstraction); optional.
    counts: Callable[[type], dict[str, Any]] | None = None


@dataclass(frozen=True)
class LivenessSpec:
    """Liveness: properties, named fairness assumptions and bundles of them, the default suite."""

    suite: tuple[Config, ...]
    properties: tuple[LivenessProperty, ...]
    fairness: Mapping[str, Fairness]
    bundles: Mapping[str, tuple[str, ...]]
    mutants: Mapping[str, type] = field(default_factory=dict)  # broken only in a liveness sense


@dataclass(frozen=True)
class StatefulSpec:
    """Hypothesis: named configurations (``large`` is the default run's) and the machine's steering."""

    configs: Mapping[str, Config]
    large: str
    weights: Mapping[str, int]  # transition kind -> how often the machine draws it
    # Per pod: the steps that bring it up, drawn exits among them, and a step budget.
    bring_up: Callable[[ClusterModel], tuple[dict[int, list[Any]], dict[int, list[Any]], dict[int, int]]]
    node_fault: bool = False  # steer once per example into a node fault under a Running controlled pod


@dataclass(frozen=True)
class ReportSpec:
    """What ``kubelife report`` draws and says for this profile; ``None`` hooks get generic defaults."""

    out: str  # default output folder, relative to the working directory
    suite: tuple[Config, ...]
    intro: tuple[str, ...] | None = None  # the report's opening paragraphs
    matrix_intro: str | None = None  # the sentence above the scenario matrix (without its ending)
    scenario_ids: tuple[str, ...] | None = None  # rows in the scenario matrix (default: all but N-*)
    lifecycles: Callable[[], Sequence[Any]] | None = None  # lifecycle diagrams (kubelife.report.diagram)
    reading: Callable[[], list[Any]] | None = None  # the "how to read a row" table
    kinds_config: Config | None = None  # one action per kind is taken from here (default: the suite's)
    property_specs: Callable[[], list[tuple[str, str, str]]] | None = None  # (name, kind, spec), in order


@dataclass(frozen=True)
class ObserveSpec:
    """The observable projection ``kubelife diff`` compares two semantics on (``docs/diff.md``).

    ``observe(model, values)`` gives, for a state's field values (what ``model.shape.decode`` takes),
    ``{(where, kind): value}``: ``where`` names an object
    (``n0``, ``p0``, ``p0.c0``), ``kind`` what is seen of it (``node.ready``, ``pod.phase``,
    ``container.state`` ...), ``kinds`` every kind this profile fills; two profiles are compared on
    the kinds both fill.  ``statuses`` are the container statuses its phase function reads, spelt
    ``Waiting``, ``Waiting(last Error)``, ``Running``, ``Terminated(Completed)`` ...; and
    ``phase(model, statuses)`` is the phase the model's semantics gives its first pod when its
    containers (in ``observe``'s order: sidecars, init containers, then the others) have them.
    """

    kinds: frozenset[str]
    observe: Callable[[ClusterModel, Sequence[int]], Mapping[tuple[str, str], str]]
    statuses: tuple[str, ...]
    phase: Callable[[ClusterModel, Sequence[str]], str]


@dataclass(frozen=True)
class Profile:
    """Everything one semantics supplies; optional capabilities are ``None`` when absent."""

    name: str
    title: str  # one line: what the profile follows
    semantics: type  # builds transitions: ``semantics(shape).transitions()``; ``shape_class`` gives the layout
    presets: Mapping[str, Config]
    check_suite: tuple[Config, ...]
    properties: Callable[[ClusterModel], list[Property]]
    rows: tuple[Row, ...]
    default: bool = False  # the profile commands use when none is named
    mutants: Mapping[str, type] = field(default_factory=dict)
    prove: ProveSpec | None = None
    liveness: LivenessSpec | None = None
    symmetry: Callable[..., SymmetrySpec] | None = None
    oracle: Any = None  # the oracle's abstraction of Pod and Node objects (kubelife.oracle.abstract)
    vectors: Callable[[], dict[str, dict[str, Any]]] | None = None  # file name -> document
    stateful: StatefulSpec | None = None
    report: ReportSpec | None = None
    docs: str = ""  # where the profile's semantics is written down
    # Kubernetes minor versions the semantics follows, oldest first (the last is the default), and the
    # feature gates that change it (name -> what it changes).  Empty: the profile has no version axis.
    versions: tuple[str, ...] = ()
    gates: Mapping[str, str] = field(default_factory=dict)
    # Further checks of a configuration's version and gates (a gate locked in that version ...);
    # raises ProfileError with one sentence.
    validate_config: Callable[[Config], None] | None = None
    observe: ObserveSpec | None = None  # the observable projection (kubelife diff)
    refines: str = ""  # the profile whose rows this one restates (same row ids), if any
    row_notes: Mapping[str, str] = field(default_factory=dict)  # row id -> what changed from ``refines``

    # -- configurations --------------------------------------------------------------------

    def configure(self, config: Config) -> Config:
        """The configuration, named for this profile and checked against what the profile reads."""
        if config.profile and config.profile != self.name:
            raise ProfileError(f"the configuration is for profile {config.profile!r}, not {self.name!r}.")
        self._check_version(config)
        for s in config.slots:
            extra = sorted(f for f in _OPTIONAL_SLOT_FIELDS - self.slot_options if getattr(s, f))
            if extra:
                others = [p.name for p in _all() if set(extra) <= p.slot_options]
                where = f"; profiles that have them: {', '.join(others)}" if others else ""
                raise ProfileError(f"{', '.join(_flag(f) for f in extra)} are not part of the {self.name} "
                                   f"profile{where}.")
        return config if config.profile == self.name else dataclasses.replace(config, profile=self.name)

    def _check_version(self, config: Config) -> None:
        if config.kubernetes and config.kubernetes not in self.versions:
            have = f"use one of: {', '.join(self.versions)}" if self.versions else "it has no Kubernetes versions"
            raise ProfileError(f"--kubernetes-version {config.kubernetes} is not modelled by the {self.name} "
                               f"profile; {have}.")
        for gate, _ in config.gates:
            if gate not in self.gates:
                have = f"use one of: {', '.join(self.gates)}" if self.gates else "it has no feature gates"
                raise ProfileError(f"--feature-gates {gate} is not a gate of the {self.name} profile; {have}.")
        if self.validate_config is not None:
            self.validate_config(config)

    @property
    def default_version(self) -> str:
        return self.versions[-1] if self.versions else ""

    def build(self, config: Config, semantics: type | None = None) -> ClusterModel:
        """The model of one configuration under this profile's semantics (or one of its variants)."""
        return ClusterModel(self.configure(config), semantics or self.semantics)

    def preset(self, name: str) -> Config:
        try:
            return self.configure(self.presets[name])
        except KeyError:
            raise ProfileError(f"preset {name!r} is not known in the {self.name} profile; use one of: "
                               f"{', '.join(self.presets)}.") from None

    def mutant(self, name: str) -> type:
        table = {**self.mutants, **(self.liveness.mutants if self.liveness else {})}
        if name not in table:
            raise ProfileError(f"--mutant {name!r} is not known in the {self.name} profile; use one of: "
                               f"{', '.join(table) or '(none)'}.")
        return table[name]

    def row(self, rid: str) -> Row:
        for r in self.rows:
            if r.id == rid:
                return r
        raise KeyError(f"unknown row {rid!r} in the {self.name} profile")

    @property
    def slot_options(self) -> frozenset[str]:
        """SlotSpec options beyond policy, size and ownership that the semantics reads."""
        return frozenset(getattr(self.semantics, "slot_options", frozenset()))

    def capabilities(self) -> tuple[str, ...]:
        return tuple(c for c, attr in CAPABILITIES.items() if getattr(self, attr) is not None)


# capability name (as commands say it) -> Profile attribute
CAPABILITIES = {"Z3 proofs": "prove", "liveness": "liveness", "symmetry reduction": "symmetry",
                "the conformance oracle": "oracle", "conformance vectors": "vectors",
                "Hypothesis state machines": "stateful", "reports": "report",
                "an observable projection": "observe"}


def _flag(f: str) -> str:
    return "--" + f.replace("_", "-")


def require(profile: Profile, capability: str) -> Any:
    """The capability's value, or a one-sentence :class:`ProfileError` when the profile lacks it."""
    value = getattr(profile, CAPABILITIES[capability])
    if value is None:
        have = [p.name for p in _all() if getattr(p, CAPABILITIES[capability]) is not None]
        raise ProfileError(f"the {profile.name} profile does not offer {capability}; profiles that do: "
                           f"{', '.join(have) or '(none)'}.")
    return value


# -- validation -----------------------------------------------------------------------------


def validate(profile: Profile) -> list[str]:
    """What is wrong with a profile (empty when it is complete and consistent)."""
    problems: list[str] = []
    if not profile.name or not profile.name.replace("-", "").replace("_", "").isalnum():
        problems.append(f"name {profile.name!r} is not a simple word")
    sem = profile.semantics
    if not callable(getattr(sem, "transitions", None)):
        problems.append("semantics has no transitions() builder")
    if not isinstance(getattr(sem, "shape_class", None), type):
        problems.append("semantics has no shape_class")
    unknown = profile.slot_options - _OPTIONAL_SLOT_FIELDS
    if unknown:
        problems.append(f"slot_options names unknown SlotSpec fields: {', '.join(sorted(unknown))}")
    if not profile.check_suite:
        problems.append("check_suite is empty")
    ids = [r.id for r in profile.rows]
    if len(set(ids)) != len(ids):
        problems.append("scenario row ids repeat")
    for what, configs in (("check_suite", profile.check_suite), ("presets", tuple(profile.presets.values())),
                          ("prove.suite", profile.prove.suite if profile.prove else ()),
                          ("liveness.suite", profile.liveness.suite if profile.liveness else ())):
        for c in configs:
            try:
                profile.configure(c)
            except ConfigError as e:
                problems.append(f"{what}: {c.name or c.describe()}: {e}")
    if profile.prove and not profile.prove.expected_violation:
        problems.append("prove.expected_violation is empty")
    if profile.liveness:
        fair = set(profile.liveness.fairness)
        for b, members in profile.liveness.bundles.items():
            missing = set(members) - fair - set(profile.liveness.bundles)
            if missing:
                problems.append(f"liveness bundle {b!r} names unknown fairness {', '.join(sorted(missing))}")
    if profile.stateful and not profile.stateful.configs:
        problems.append("stateful.configs is empty")
    if profile.check_suite and not problems:
        try:  # the semantics must build on its own suite: a transition list and a shape
            m = profile.build(profile.check_suite[0])
            if not m.system.transitions:
                problems.append("the semantics builds no transitions")
            props = profile.properties(m)
            names = [p.name for p in props]
            if len(set(names)) != len(names):
                problems.append("property names repeat")
            if profile.prove and profile.prove.expected_violation not in names:
                problems.append(f"prove.expected_violation {profile.prove.expected_violation!r} is not a property")
        except Exception as e:  # noqa: BLE001 - any failure to build is a problem to list, not a crash
            problems.append(f"building {profile.check_suite[0].describe()} fails: {type(e).__name__}: {e}")
    return problems


# -- the registry -----------------------------------------------------------------------------

_REGISTRY: dict[str, Profile] = {}
_LOADED = False


def register(profile: Profile) -> Profile:
    """Register a profile after validating it; raises :class:`ProfileError` listing what is wrong."""
    problems = validate(profile)
    if problems:
        raise ProfileError(f"profile {profile.name!r} is not valid: " + "; ".join(problems) + ".")
    _REGISTRY[profile.name] = profile
    return profile


def unregister(name: str) -> None:
    """Forget a profile registered in code (tests use it to keep the registry as they found it)."""
    _REGISTRY.pop(name, None)


def _reference(ref: str) -> Profile:
    module, _, attr = ref.strip().partition(":")
    try:
        obj = getattr(import_module(module), attr or "PROFILE")
    except (ImportError, AttributeError) as e:
        raise ProfileError(f"{ENV} names {ref.strip()!r}, which cannot be loaded ({e}); give module:attribute "
                           "of a kubelife.profiles.Profile.") from None
    if not isinstance(obj, Profile):
        raise ProfileError(f"{ENV} names {ref.strip()!r}, which is not a kubelife.profiles.Profile.")
    return obj


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for ep in metadata.entry_points(group=ENTRY_POINTS):
        if ep.name not in _REGISTRY:
            obj = ep.load()
            register(obj if isinstance(obj, Profile) else import_module(ep.value.split(":")[0]).PROFILE)
    for ref in filter(str.strip, os.environ.get(ENV, "").split(",")):
        prof = _reference(ref)
        if prof.name not in _REGISTRY:
            register(prof)


def _all() -> list[Profile]:
    _load()
    return list(_REGISTRY.values())


def names() -> tuple[str, ...]:
    """Registered profile names, the default first."""
    return tuple(p.name for p in sorted(_all(), key=lambda p: (not p.default, p.name)))


def default() -> Profile:
    for p in _all():
        if p.default:
            return p
    raise ProfileError("no registered profile is marked as the default.")


def get(name: str | None = None) -> Profile:
    """A registered profile by name (case-insensitive); ``None`` or ``""`` gives the default."""
    if not name:
        return default()
    _load()
    prof = _REGISTRY.get(name) or _REGISTRY.get(name.lower())
    if prof is None:
        raise ProfileError(f"--profile {name!r} is not known; use one of: {', '.join(names())}.")
    return prof


def resolve(profile: Profile | str | None) -> Profile:
    return profile if isinstance(profile, Profile) else get(profile)


def build(config: Config, semantics: type | None = None) -> ClusterModel:
    """The model of a configuration under the profile it names (the default when it names none)."""
    return get(config.profile).build(config, semantics)


def properties_for_profile(m: ClusterModel) -> list[Property]:
    """The safety properties of a model's profile."""
    return get(m.config.profile).properties(m)


def rows_for(profile: str | None) -> tuple[Row, ...]:
    """The scenario rows of a profile (by name; ``None`` is the default)."""
    return get(profile).rows


def row_by_id_for(rid: str, profile: str | None) -> Row:
    return get(profile).row(rid)
