"""Semantics variants named on the command line: a profile, a version or gate setting of one, a mutant.

``seed``, ``modern``, ``kubernetes=1.29``, ``modern:kubernetes=1.29,gates=SidecarContainers=false``,
``mutant=no-backoff``.  A spec that names no profile takes the other side's (or the default); one
that sets gates or a mutant but no version takes the other side's version (the same profile's).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from kubelife import profiles
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config, SlotSpec
from kubelife.profiles import ObserveSpec, Profile, ProfileError

__all__ = ["Variant", "parse_spec", "resolve_pair", "SETTINGS"]

SETTINGS = ("kubernetes", "gates", "mutant")
# Settings are separated by commas; a gate list has commas of its own, so split only before a setting name.
_SPLIT = re.compile(r",(?=\s*(?:" + "|".join(SETTINGS) + r")\s*=)")


@dataclass(frozen=True)
class Variant:
    """One semantics: a profile with a Kubernetes version, gate overrides and a mutant (all optional)."""

    profile: Profile
    kubernetes: str = ""
    gates: tuple[tuple[str, bool], ...] = ()
    mutant: str = ""

    @property
    def label(self) -> str:
        """The canonical spec, e.g. ``modern:kubernetes=1.29,mutant=no-backoff``."""
        parts = [f"kubernetes={self.kubernetes}"] if self.kubernetes else []
        if self.gates:
            parts.append("gates=" + ",".join(f"{g}={str(v).lower()}" for g, v in self.gates))
        if self.mutant:
            parts.append(f"mutant={self.mutant}")
        return self.profile.name + (":" + ",".join(parts) if parts else "")

    @property
    def semantics(self) -> type:
        return self.profile.mutant(self.mutant) if self.mutant else self.profile.semantics

    @property
    def observation(self) -> ObserveSpec:
        spec = self.profile.observe
        if spec is None:
            have = [n for n in profiles.names() if profiles.get(n).observe is not None]
            raise ProfileError(f"the {self.profile.name} profile declares no observable projection, so it shares no "
                               f"observable vocabulary with another; profiles that do: {', '.join(have) or '(none)'}.")
        return spec

    def configure(self, config: Config) -> Config:
        """``config`` under this variant's profile, version and gates (one sentence if it refuses them)."""
        gates = tuple(sorted({**dict(config.gates), **dict(self.gates)}.items()))
        tuned = dataclasses.replace(config, profile=self.profile.name, kubernetes=self.kubernetes or config.kubernetes,
                                    gates=gates)
        return self.profile.configure(tuned)

    def build(self, config: Config) -> ClusterModel:
        return self.profile.build(self.configure(config), self.semantics)


def parse_spec(text: str, flag: str) -> tuple[str, dict[str, str]]:
    """``(profile name or "", {setting: value})`` from a spec; one sentence for a malformed one."""
    body = text.strip()
    head, colon, rest = body.partition(":")
    if colon and "=" not in head:
        name, body = head.strip(), rest.strip()
    elif "=" not in body:
        name, body = body, ""
    else:
        name = ""
    if not name and not body:
        raise ProfileError(f"{flag} {text!r} is empty; give a profile ({', '.join(profiles.names())}), "
                           "kubernetes=1.N, gates=NAME=true|false,... or mutant=NAME, optionally after PROFILE:.")
    settings: dict[str, str] = {}
    for part in filter(str.strip, _SPLIT.split(body)) if body else ():
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq or key not in SETTINGS or not value.strip():
            raise ProfileError(f"{flag} {text!r} has {part.strip()!r}, which is not a setting; use kubernetes=1.N, "
                               "gates=NAME=true|false,... or mutant=NAME.")
        settings[key] = value.strip()
    return name, settings


def _gates(value: str, flag: str, text: str) -> tuple[tuple[str, bool], ...]:
    out: dict[str, bool] = {}
    for part in filter(str.strip, value.split(",")):
        g, eq, v = part.strip().partition("=")
        if not eq or v.strip().lower() not in ("true", "false") or not g.strip():
            raise ProfileError(f"{flag} {text!r} sets gate {part.strip()!r}, which is not NAME=true or NAME=false.")
        out[g.strip()] = v.strip().lower() == "true"
    return tuple(sorted(out.items()))


def _variant(prof: Profile, settings: dict[str, str], flag: str, text: str) -> Variant:
    version = settings.get("kubernetes", "")
    version = version[1:] if version.lower().startswith("v") else version
    v = Variant(prof, version, _gates(settings.get("gates", ""), flag, text), settings.get("mutant", ""))
    try:
        if v.mutant:
            prof.mutant(v.mutant)
        v.configure(prof.check_suite[0])  # the version and gates, checked against the profile
    except ProfileError as e:
        raise ProfileError(f"{flag} {text!r}: {str(e)[0].lower()}{str(e)[1:]}") from None
    return v


def _profile(name: str, flag: str, text: str) -> Profile:
    try:
        return profiles.get(name)
    except ProfileError:
        raise ProfileError(f"{flag} {text!r} names no profile; use one of: {', '.join(profiles.names())} "
                           "(or kubernetes=, gates=, mutant=).") from None


def resolve_pair(a: str, b: str) -> tuple[Variant, Variant]:
    """The two variants ``--from a --to b`` name; a side without a profile takes the other's."""
    (na, sa), (nb, sb) = parse_spec(a, "--from"), parse_spec(b, "--to")
    pa = _profile(na, "--from", a) if na else None
    pb = _profile(nb, "--to", b) if nb else None
    pa = pa or pb or profiles.default()
    pb = pb or pa
    if pa is pb:  # gates or a mutant without a version vary the other side's version
        for mine, theirs in ((sa, sb), (sb, sa)):
            if "kubernetes" not in mine and "kubernetes" in theirs and ("gates" in mine or "mutant" in mine):
                mine["kubernetes"] = theirs["kubernetes"]
    return _variant(pa, sa, "--from", a), _variant(pb, sb, "--to", b)


def one_slot(v: Variant, policy: object, containers: int, inits: int = 0, sidecars: int = 0) -> ClusterModel:
    """A one-node, one-pod model under ``v`` (for evaluating its phase function)."""
    spec = SlotSpec(policy=policy, containers=containers, inits=inits, sidecars=sidecars)  # type: ignore[arg-type]
    return v.build(Config(1, (spec,), 0, 1))
