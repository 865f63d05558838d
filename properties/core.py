"""Properties as named data.

A :class:`Property` has a sentence for a name (the key everywhere: CLI,
JSON, reports, Z3), a kind, a predicate written over ``Ops`` and a
*witness*: a ``sometimes`` predicate whose reachability shows the property
is not vacuous (it describes the situation the property constrains).

Kinds:

``invariant``
    ``pred(view, ops)`` holds in every reachable state.
``step``
    ``pred(before, after, ops)`` holds on every reachable step.
``expected-violation``
    a state predicate Kubernetes is *known* to break; the checker must find
    a counterexample, and finding it is a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kubelife.model.engine.ops import Ops
    from kubelife.model.engine.system import Action
    from kubelife.model.k8s.cluster import ClusterModel
    from kubelife.model.k8s.types import Policy

V = Sequence[Any]

__all__ = ["Property", "Kind", "Row"]

Kind = Literal["invariant", "step", "expected-violation"]


@dataclass(frozen=True)
class Property:
    name: str
    kind: Kind
    pred: Callable[..., Any]
    witness: Callable[..., Any]
    spec: str
    doc: str = ""

    @property
    def is_step(self) -> bool:
        return self.kind == "step"

    @property
    def expected_to_hold(self) -> bool:
        return self.kind != "expected-violation"


@dataclass(frozen=True)
class Row:
    """One checkable line of the scenario table.

    ``focus(m, action)`` lists the pods or nodes the event may be about;
    ``pre(m, v, o, focus, action)`` and ``outcome(m, before, after, o, focus, action)``
    are predicates over ``Ops``.
    """

    id: str
    title: str
    kinds: frozenset[str]
    event: Callable[[Action], bool]
    focus: Callable[[ClusterModel, Action], list[Any]]
    pre: Callable[[ClusterModel, V, Ops, Any, Action], Any]
    outcome: Callable[[ClusterModel, V, V, Ops, Any, Action], Any]
    expect: str
    policy: Policy | None = None
    containers: int | None = None
    controlled: bool = False

    def applies(self, m: ClusterModel, pod: Any) -> bool:
        spec = m.config.slots[pod.p]
        return ((self.policy is None or spec.policy is self.policy)
                and (self.containers is None or spec.containers == self.containers)
                and (not self.controlled or spec.controlled))
