"""The conformance oracle: check traces of other implementations against the model.

``check_trace(source)`` reads a trace (a path, bytes, or Python objects),
follows every Pod and Node through it and returns an :class:`OracleResult`;
``coverage(result)`` says which model transitions and abstract pod states the
trace exercised.  See ``docs/oracle.md``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from kubelife.oracle.abstract import Abstraction
from kubelife.oracle.checker import BadInput, Oracle
from kubelife.oracle.readers import FORMATS, Diagnostic, Record, read_records
from kubelife.oracle.verdict import Divergence, ObjectVerdict, OracleResult

__all__ = ["check_trace", "check_stream", "coverage", "Oracle", "OracleResult", "ObjectVerdict", "Divergence",
           "BadInput", "Diagnostic", "Record", "FORMATS", "Abstraction"]


def check_stream(stream: IO[bytes], *, fmt: str | None = None, profile_name: str | None = None,
                 unseen_nodes: str = "healthy", max_hidden: int = 12, strict: bool = False, kubernetes: str = "",
                 gates: tuple[tuple[str, bool], ...] = ()) -> OracleResult:
    """Check a binary stream; raises :class:`BadInput` in strict mode at the first bad line.

    ``kubernetes`` and ``gates``: the version and feature gates the profile follows (if it models them).
    """
    oracle = Oracle(profile_name, unseen_nodes=unseen_nodes, max_hidden=max_hidden, strict=strict,
                    kubernetes=kubernetes, gates=gates)
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type,type-var]
    fmt, items = read_records(stream, fmt)
    feed = oracle.feed
    for item in items:
        feed(item)
    oracle.finish()
    return oracle.result(fmt)


def _to_plain(x: Any) -> Any:
    if hasattr(x, "to_dict"):  # a kubernetes client model object
        return x.to_dict()
    if isinstance(x, dict):
        return {k: _to_plain(v) for k, v in x.items()}
    return x


def check_trace(source: str | Path | bytes | Iterable[Any], **kw: Any) -> OracleResult:
    """Check a trace given as a file path, the bytes of a trace, or an iterable of objects / watch events."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            return check_stream(f, **kw)
    if isinstance(source, bytes):
        return check_stream(io.BytesIO(source), **kw)
    text = "".join(json.dumps(_to_plain(x), default=str) + "\n" for x in source)
    return check_stream(io.BytesIO(text.encode()), **kw)


def coverage(result: OracleResult) -> dict[str, Any]:
    """Which model transition kinds and actions the trace's explanations used, and which abstract pod states."""
    return {
        "kinds": dict(sorted(result.kinds.items())),
        "actions": dict(sorted(result.actions.items())),
        "states": sorted(result.states),
    }
