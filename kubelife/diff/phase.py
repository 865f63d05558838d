"""Phase-function differences: container-status combinations where two semantics give different phases.

Every pod shape both sides accept (each restart policy; 1 to 3 containers; with one init
container and one sidecar where both model them) and every combination of the container
statuses both phase functions read.  Containers of one role are a multiset (order does not
matter to a phase function), so each combination is counted once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations_with_replacement, product
from typing import Any

from kubelife.diff.variant import Variant, one_slot
from kubelife.model.k8s.types import Policy
from kubelife.profiles import ProfileError

__all__ = ["PhaseClass", "PhaseDiff", "phase_diff"]

ROLES = ("sidecar", "init container", "container")


@dataclass
class PhaseClass:
    """Combinations with the same policy, the same roles (containers, init containers, sidecars) and the
    same two phases; ``common`` are the statuses every one of them has, per role."""

    policy: str
    roles: tuple[str, ...]
    phase_from: str
    phase_to: str
    count: int = 0
    example: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, statuses) of the smallest combination
    common: dict[str, set[str]] = field(default_factory=dict)

    @property
    def shape(self) -> str:
        return ", ".join(f"{role}s" for role in self.roles)

    @property
    def common_text(self) -> str:
        parts = [f"{role} {' and '.join(sorted(st))}" for role, st in self.common.items() if st]
        return "; ".join(parts) or "-"

    @property
    def example_text(self) -> str:
        return "; ".join(f"{role}s [{', '.join(st)}]" for role, st in self.example)

    def add(self, combo: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.count += 1
        if not self.example:
            self.example = combo
            self.common = {r: set(st) for r, st in combo}
        else:
            for r, st in combo:
                self.common[r] &= set(st)

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "roles": list(self.roles), "from": self.phase_from, "to": self.phase_to,
                "combinations": self.count, "every_one_has": {r: sorted(s) for r, s in self.common.items() if s},
                "example": {r: list(s) for r, s in self.example}}


@dataclass
class PhaseDiff:
    statuses: tuple[str, ...]  # the shared status vocabulary
    shapes: list[str]
    combinations: int = 0
    classes: list[PhaseClass] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"statuses": list(self.statuses), "shapes": self.shapes, "combinations": self.combinations,
                "differing": sum(c.count for c in self.classes), "classes": [c.to_json() for c in self.classes]}


def _shapes(a: Variant, b: Variant, max_containers: int) -> Iterator[tuple[Policy, int, int, int]]:
    both = a.profile.slot_options & b.profile.slot_options
    extra = [(i, s) for i in ((0, 1) if "inits" in both else (0,)) for s in ((0, 1) if "sidecars" in both else (0,))]
    for policy in Policy:
        for inits, sidecars in extra:
            # With an init container or a sidecar, fewer main containers already show every interplay.
            most = max_containers if not inits and not sidecars else 2 if not (inits and sidecars) else 1
            for mains in range(1, most + 1):
                yield policy, sidecars, inits, mains


def _combos(statuses: Sequence[str], sidecars: int, inits: int, mains: int) -> Iterator[tuple[tuple[str, ...], ...]]:
    for sc in product(statuses, repeat=sidecars):
        for ic in product(statuses, repeat=inits):
            for mc in combinations_with_replacement(statuses, mains):
                yield sc, ic, mc


def phase_diff(a: Variant, b: Variant, max_containers: int = 3) -> PhaseDiff:
    oa, ob = a.observation, b.observation
    statuses = tuple(s for s in oa.statuses if s in ob.statuses)
    out = PhaseDiff(statuses, [])
    classes: dict[tuple[Any, ...], PhaseClass] = {}
    for policy, sidecars, inits, mains in _shapes(a, b, max_containers):
        try:  # a shape one side refuses (sidecars with SidecarContainers off) is not compared
            ma, mb = one_slot(a, policy, mains, inits, sidecars), one_slot(b, policy, mains, inits, sidecars)
        except ProfileError:
            continue
        out.shapes.append(f"{policy.label}: {sidecars} sidecar(s), {inits} init container(s), {mains} container(s)")
        for combo in _combos(statuses, sidecars, inits, mains):
            flat = [s for part in combo for s in part]
            pa, pb = oa.phase(ma, flat), ob.phase(mb, flat)
            out.combinations += 1
            if pa == pb:
                continue
            parts = tuple((role, part) for role, part in zip(ROLES, combo) if part)
            key = (policy.label, tuple(r for r, _ in parts), pa, pb)
            if key not in classes:
                classes[key] = PhaseClass(policy.label, key[1], pa, pb)
            classes[key].add(parts)
    out.classes = sorted(classes.values(), key=lambda c: (list(Policy).index(Policy.parse(c.policy)),
                                                           len(c.roles), c.roles, c.phase_from, c.phase_to))
    return out
