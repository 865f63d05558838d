"""The vocabulary of liveness properties and the fairness assumptions they need, as named data.

A :class:`Fairness` names a set of actions (by spec id, optionally by exit
code) and how they are assumed to behave forever:

``weak``      continuously enabled implies eventually taken (WF);
``strong``    enabled infinitely often implies taken infinitely often (SF);
``finitely``  an environment assumption: taken only finitely often ("disruptions
              eventually stop"); it constrains the cycle of a behaviour, never its prefix.

``per`` says which action arguments tell one fairness *group* from another:
``("pod",)`` gives the scheduler one group per pod (a pod is not starved by
others being scheduled), ``()`` one group for the whole action set.  A
group keyed by pod is unchanged by renaming nodes, a group keyed by nothing
also by renaming slots; that decides where symmetry reduction may be used.

A :class:`LivenessProperty` is ``P ~> Q`` (leads-to), ``[]<> Q`` (always
eventually, i.e. ``true ~> Q``) or ``<>[] Q`` (eventually always), instantiated per pod or once per configuration, with
optional cycle hypotheses ``[]<> H`` ("a healthy, ready node exists
infinitely often"), and *cases*: fairness sets under which it is expected to
hold or to fail.  Adding assumptions only removes behaviours, so a property
expected to hold under ``A`` is expected to hold under any superset of ``A``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kubelife.model.engine.ops import Ops
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config

__all__ = ["Fairness", "fairness", "expand_fairness", "Instance", "Case", "LivenessProperty", "SYMMETRIES"]

V = Sequence[Any]
StatePred = Callable[[V, Ops], Any]
FairKind = Literal["weak", "strong", "finitely"]
SYMMETRIES = frozenset({"nodes", "slots"})


@dataclass(frozen=True)
class Fairness:
    name: str
    kind: FairKind
    kinds: frozenset[str]
    per: tuple[str, ...]
    doc: str
    codes: frozenset[str] | None = None  # P3 only: these exit codes

    def selects(self, a: Action) -> bool:
        if a.kind not in self.kinds:
            return False
        return self.codes is None or a.kind != "P3" or a.arg("code") in self.codes

    def groups(self, actions: Sequence[Action]) -> list[frozenset[int]]:
        """Transition indices per group (one group per value of the ``per`` arguments)."""
        by: dict[tuple[Any, ...], set[int]] = {}
        for i, a in enumerate(actions):
            if self.selects(a):
                args = dict(a.args)
                key = tuple(a.kind if k == "kind" else args.get(k) for k in self.per)
                by.setdefault(key, set()).add(i)
        return [frozenset(s) for _, s in sorted(by.items(), key=lambda kv: repr(kv[0]))]

    @property
    def invariant_under(self) -> frozenset[str]:
        out = set()
        if "node" not in self.per:
            out.add("nodes")
        if not {"pod", "slot"} & set(self.per):
            out.add("slots")
        return frozenset(out)


def fairness(name: str, kind: FairKind, kinds: str, per: tuple[str, ...], doc: str,
       codes: Iterable[str] | None = None) -> Fairness:
    return Fairness(name, kind, frozenset(kinds.split()), per, doc, frozenset(codes) if codes else None)


def expand_fairness(names: Iterable[str], table: Mapping[str, Fairness],
                    bundles: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Assumption names with bundles expanded, in a stable order; ``ValueError`` names a bad one."""
    out: list[str] = []
    for n in names:
        n = n.strip()
        if not n:
            continue
        if n in bundles:
            out += bundles[n]
        elif n in table:
            out.append(n)
        else:
            known = ", ".join([*table, *bundles])
            raise ValueError(f"fairness assumption {n!r} is not known; use names from: {known}")
    order = list(table)
    return tuple(sorted(set(out), key=order.index))


@dataclass(frozen=True)
class Instance:
    """One concrete obligation: ``p ~> q`` (or ``<>[] q``) for one pod or the whole cluster."""

    label: str
    p: StatePred
    q: StatePred
    visits: tuple[StatePred, ...] = ()


@dataclass(frozen=True)
class Case:
    """Under ``fairness`` the property holds (or not); ``when`` limits the case to some configurations."""

    fairness: tuple[str, ...]
    holds: bool
    why: str
    when: Callable[[Config], bool] | None = None

    def applies(self, config: Config | None) -> bool:
        return self.when is None or config is None or self.when(config)


@dataclass(frozen=True)
class LivenessProperty:
    name: str
    kind: Literal["leads-to", "always-eventually", "eventually-always"]
    instances: Callable[[ClusterModel], list[Instance]]
    invariant_under: frozenset[str]
    cases: tuple[Case, ...]
    doc: str
    hypothesis: str = ""
    # The fairness table and bundles the cases name (the profile's own).
    tables: tuple[Mapping[str, Fairness], Mapping[str, tuple[str, ...]]] = field(default=({}, {}), compare=False)

    def cases_for(self, config: Config | None) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.applies(config))

    def expected(self, fairness: Sequence[str], config: Config | None = None) -> bool | None:
        """What the cases imply for these assumptions (``None``: nothing declared covers them)."""
        have = set(expand_fairness(fairness, *self.tables))
        for c in self.cases_for(config):
            need = set(expand_fairness(c.fairness, *self.tables))
            if c.holds and need <= have:
                return True
            if not c.holds and have <= need:
                return False
        return None
