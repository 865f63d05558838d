"""Operation backends over which the semantics is written once.

The Kubernetes transitions, properties and scenario rows are plain Python
functions that never compute with values directly: they call an ``Ops``
object (``o.eq``, ``o.and_``, ``o.ite`` ...).  Which ``Ops`` they are handed
decides what the same definition becomes:

* :class:`PyOps` with constant arguments evaluates (an interpreter);
* :class:`PyOps` with code-string arguments emits a Python expression, which
  :mod:`kubelife.model.engine.compile` turns into a fast successor function;
* :mod:`kubelife.model.engine.symbolic` gives Z3 terms, other backends Promela text.

Values are non-negative small integers; booleans are a separate kind so that
typed backends (Z3) can keep their sorts apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["Ops", "PyOps", "PY"]


class Ops(Protocol):
    """What a backend provides. ``V`` values are integers, ``B`` booleans."""

    def eq(self, a: Any, b: Any) -> Any: ...
    def ne(self, a: Any, b: Any) -> Any: ...
    def lt(self, a: Any, b: Any) -> Any: ...
    def le(self, a: Any, b: Any) -> Any: ...
    def and_(self, *xs: Any) -> Any: ...
    def or_(self, *xs: Any) -> Any: ...
    def not_(self, x: Any) -> Any: ...
    def implies(self, a: Any, b: Any) -> Any: ...
    def ite(self, c: Any, a: Any, b: Any) -> Any: ...
    def add(self, *xs: Any) -> Any: ...
    def count(self, bs: Iterable[Any]) -> Any: ...
    def min_(self, a: Any, b: Any) -> Any: ...
    def truth(self, v: Any) -> Any: ...


def _is_const(x: object) -> bool:
    return not isinstance(x, str)


class PyOps:
    """Python backend with constant folding.

    Arguments are either constants (``int``/``bool``) or Python expression
    strings.  Constant arguments are folded, so a call on constants returns
    the value itself: the same class is the interpreter and the code generator.
    """

    def eq(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return a == b
        return f"({a} == {b})"

    def ne(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return a != b
        return f"({a} != {b})"

    def lt(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return a < b
        return f"({a} < {b})"

    def le(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return a <= b
        return f"({a} <= {b})"

    def and_(self, *xs: Any) -> Any:
        parts: list[str] = []
        for x in xs:
            if _is_const(x):
                if not x:
                    return False
                continue
            if x not in parts:
                parts.append(x)
        if not parts:
            return True
        if len(parts) == 1:
            return parts[0]
        return "(" + " and ".join(parts) + ")"

    def or_(self, *xs: Any) -> Any:
        parts: list[str] = []
        for x in xs:
            if _is_const(x):
                if x:
                    return True
                continue
            if x not in parts:
                parts.append(x)
        if not parts:
            return False
        if len(parts) == 1:
            return parts[0]
        return "(" + " or ".join(parts) + ")"

    def not_(self, x: Any) -> Any:
        if _is_const(x):
            return not x
        return f"(not {x})"

    def implies(self, a: Any, b: Any) -> Any:
        return self.or_(self.not_(a), b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if _is_const(c):
            return a if c else b
        if a == b and type(a) is type(b):
            return a
        return f"({a} if {c} else {b})"

    def add(self, *xs: Any) -> Any:
        total = 0
        parts: list[str] = []
        for x in xs:
            if _is_const(x):
                total += int(x)
            else:
                parts.append(x)
        if not parts:
            return total
        if total:
            parts.append(str(total))
        return "(" + " + ".join(parts) + ")" if len(parts) > 1 else parts[0]

    def count(self, bs: Iterable[Any]) -> Any:
        # Python booleans add as integers, so a condition counts as itself.
        return self.add(*(int(b) if _is_const(b) else b for b in bs))

    def min_(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return min(int(a), int(b))
        return f"min({a}, {b})"

    def truth(self, v: Any) -> Any:
        """An integer 0/1 field read as a boolean."""
        return self.eq(v, 1)


PY = PyOps()
