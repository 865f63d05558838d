"""Table cells shared by the report's sections: text, a verdict class, a link, a tooltip."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["Cell", "TableRow", "CHECKER_TITLES", "MATRIX_CHECKERS", "ORACLE_HEAD", "MATRIX_WORD", "status_class",
           "kind_order", "describe"]

CHECKER_TITLES = {"exhaustive": "Exhaustive", "z3": "Z3", "hypothesis": "Hypothesis", "oracle": "Oracle"}
MATRIX_CHECKERS = ("exhaustive", "z3", "hypothesis")
ORACLE_HEAD = ("trace", "oracle verdict", "transitions used", "abstract pod states")

_OK = {"pass", "holds", "proved", "violated as expected", "refuted as expected", "refuted-as-expected"}
_BAD = {"fail", "violated", "refuted", "error"}
# The matrix speaks one language (pass / fail / not run); the checker's own word stays in the tooltip.
MATRIX_WORD = {"proved": "pass", "refuted": "fail"}


def status_class(status: str) -> str:
    if status == "not run":
        return "none"
    return "ok" if status in _OK else "bad" if status in _BAD else "warn"


@dataclass(frozen=True)
class Cell:
    text: str
    cls: str = ""  # ok | bad | warn | none | "" (plain text)
    link: str = ""  # an anchor in the report (without '#')
    title: str = ""


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]


def kind_order(k: str) -> tuple[str, int]:
    """Spec order of transition kinds: N1..N6, P1..P5, R1."""
    return (k[0], int(k[1:]) if k[1:].isdigit() else 0)


def describe(key: str, v: dict[str, Any]) -> str:
    lines = [f"{key}: {v.get('status')}"]
    for k, x in v.items():
        if k == "status":
            continue
        if isinstance(x, (dict, list)):
            x = json.dumps(x, indent=2, sort_keys=True, default=str)
        lines.append(f"{k}: {x}")
    return "\n".join(lines)
