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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Property", "Kind"]

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
