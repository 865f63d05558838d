"""``kubelife diff``: what changes between two semantics, on the observable projection both share.

:func:`diff` compares two :class:`~kubelife.diff.variant.Variant` s (a profile, a Kubernetes version or
gate setting of one, a mutant) on one or more configurations: the phase functions over the
container statuses both read (:mod:`.phase`), the observable steps each can take, with shortest
replayable witnesses (:mod:`.steps`), and the verdicts of shared properties, rows and liveness
properties (:mod:`.verdicts`).  ``docs/diff.md`` describes the output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from kubelife.diff.phase import PhaseDiff, phase_diff
from kubelife.diff.steps import Projection, StepClass, explore_space, initial_difference, merge_classes, step_classes
from kubelife.diff.variant import Variant, resolve_pair
from kubelife.diff.verdicts import VerdictDiff, merge_verdicts, verdict_diffs
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.model.k8s.types import Policy
from kubelife.profiles import ProfileError

__all__ = ["diff", "DiffResult", "Variant", "resolve_pair", "variant_model", "DEFAULT_SUITE", "shared_kinds",
           "REQUIRED_KINDS"]

# One node, one pod of one container, under each restart policy: small enough to run in seconds on any
# profile, and every lifecycle step of a pod and its node happens in it.
DEFAULT_SUITE = tuple(Config.uniform(nodes=1, slots=1, replicas=1, containers=1, policy=p) for p in Policy)
REQUIRED_KINDS = frozenset({"pod.phase", "container.state"})  # without these there is nothing to compare


def shared_kinds(a: Variant, b: Variant) -> frozenset[str]:
    """The observation kinds both sides fill; one sentence when they share no observable vocabulary."""
    ka, kb = a.observation.kinds, b.observation.kinds
    shared = ka & kb
    if not REQUIRED_KINDS <= shared:
        have = ", ".join(sorted(shared)) or "nothing"
        raise ProfileError(f"{a.label} and {b.label} do not share an observable vocabulary (both must observe "
                           f"{' and '.join(sorted(REQUIRED_KINDS))}; they share {have}).")
    return shared


def config_name(config: Config) -> str:
    """The configuration as both sides share it (its name, or its bounds and any init containers or sidecars)."""
    if config.name:
        return config.name
    s = config.slots[0]
    extra = "".join(f" {k}={getattr(s, k)}" for k in ("inits", "sidecars") if getattr(s, k))
    return config.describe() + extra + "".join(f" {f}" for f in slot_flags(config))


def slot_flags(config: Config) -> tuple[str, ...]:
    """The boolean slot options (environment events such as ``user_deletes``) every slot turns on."""
    names = [f.name for f in dataclasses.fields(SlotSpec) if f.type in ("bool", bool) and f.name not in
             ("controlled", "initial")]
    return tuple(n for n in names if all(getattr(s, n) for s in config.slots))


def with_slot_flags(config: Config, flags: tuple[str, ...]) -> Config:
    on: dict[str, Any] = {f: True for f in flags}
    return dataclasses.replace(config, slots=tuple(dataclasses.replace(s, **on) for s in config.slots))


def config_code(config: Config) -> str:
    """Keyword arguments of :func:`variant_model` that rebuild ``config``."""
    s = config.slots[0]
    if config.name:
        return f"preset={config.name!r}"
    flags = slot_flags(config)
    if any(x != s for x in config.slots) or not s.controlled or s.initial or s.container_policies or \
            with_slot_flags(dataclasses.replace(config, slots=(SlotSpec(s.policy, s.containers, inits=s.inits,
                                                                        sidecars=s.sidecars),) * len(config.slots)),
                            flags) != config:
        return "config=...  # this configuration is not a uniform one: build it with kubelife.model.k8s.config.Config"
    extra = "".join(f", {k}={getattr(s, k)}" for k in ("inits", "sidecars") if getattr(s, k))
    extra += f", slot_flags={flags!r}" if flags else ""
    return (f"nodes={config.nodes}, slots={len(config.slots)}, replicas={config.replicas}, "
            f"containers={s.containers}, policy={s.policy.label!r}, restart_cap={config.restart_cap}{extra}")


def variant_model(spec: str, config: Config | None = None, *, preset: str | None = None,
                  slot_flags: tuple[str, ...] = (), **uniform: Any) -> ClusterModel:
    """The model of one configuration under a variant spec (``modern:mutant=no-backoff``): what the
    replay code ``kubelife diff`` prints runs against."""
    v, _ = resolve_pair(spec, spec)
    if preset is not None:
        return v.build(v.profile.preset(preset))
    if config is None:
        policy = uniform.pop("policy", "Always")
        config = Config.uniform(policy=Policy.parse(policy) if isinstance(policy, str) else policy, **uniform)
    return v.build(with_slot_flags(config, slot_flags))


@dataclass
class DiffResult:
    a: Variant
    b: Variant
    configs: list[Config]
    kinds: frozenset[str]  # compared on these
    unshared: dict[str, list[str]]  # side -> kinds only it observes
    phases: PhaseDiff
    steps: list[StepClass]
    verdicts: list[VerdictDiff]
    initial: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # configurations seen differently
    sizes: list[tuple[str, int, int]] = field(default_factory=list)  # configuration, states --from, states --to
    liveness: bool = True

    @property
    def differ(self) -> bool:
        return bool(self.phases.classes or self.steps or self.verdicts or self.initial)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.a.label, "to": self.b.label, "differ": self.differ,
            "configurations": [config_name(c) for c in self.configs],
            "states": {name: {"from": x, "to": y} for name, x, y in self.sizes},
            "observed": sorted(self.kinds), "not_compared": self.unshared,
            "initial": [{"configuration": n, **d} for n, d in self.initial],
            "phase": self.phases.to_json(),
            "steps": [c.to_json() for c in self.steps],
            "verdicts": [v.to_json() for v in self.verdicts], "liveness_compared": self.liveness,
        }


def diff(a: Variant, b: Variant, configs: list[Config] | None = None, *, liveness: bool = True,
         max_states: int | None = None, phases: bool = True, verdicts: bool = True) -> DiffResult:
    """Everything that differs between ``a`` and ``b`` on the shared projection (see the module).

    ``phases=False`` or ``verdicts=False`` leave out the phase-function or the verdict comparison."""
    kinds = shared_kinds(a, b)
    configs = list(configs or DEFAULT_SUITE)
    for c in configs:  # both sides must accept every configuration: say so before any search
        a.configure(c)
        b.configure(c)
    unshared = {"from": sorted(a.observation.kinds - kinds), "to": sorted(b.observation.kinds - kinds)}
    proj = Projection(kinds)
    phase = phase_diff(a, b) if phases else PhaseDiff(tuple(), [])
    res = DiffResult(a, b, configs, kinds, unshared, phase, [], [], liveness=liveness and verdicts)
    per_steps, per_verdicts = [], []
    for c in configs:
        name = config_name(c)
        spaces = (explore_space(a, c, proj, max_states), explore_space(b, c, proj, max_states))
        res.sizes.append((name, spaces[0].graph.n_states, spaces[1].graph.n_states))
        init = initial_difference(spaces, proj)
        if init is not None:
            res.initial.append((name, dict(init)))
        per_steps.append(step_classes(spaces, proj, name))
        if verdicts:
            per_verdicts.append(verdict_diffs(spaces[0].model, spaces[1].model, name, liveness,
                                              (spaces[0].graph.n_states, spaces[1].graph.n_states)))
    res.steps = merge_classes(per_steps)
    res.verdicts = merge_verdicts(per_verdicts)
    return res
