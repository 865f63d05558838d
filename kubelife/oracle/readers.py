"""Reading traces: format detection, streaming readers and line diagnostics.

Every reader yields :class:`Record` (one observation of one object, with
the line it started on) and :class:`Diagnostic` (a line that could not be
used, and why).  Line formats (the project's own JSON Lines, API watch
streams) are read a line at a time; ``kubectl get -w -o json`` output
(indented objects one after another) and ``-o json`` lists go through
``json.JSONDecoder.raw_decode`` on a sliding buffer.  Memory stays bounded
by the largest object, never by the length of the trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import IO, Any

from kubelife.oracle.normalise import is_snake, normalise

_fast_loads: Any = None
try:  # several times faster than the standard library on large objects; optional
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the environment
    pass

__all__ = ["Record", "Diagnostic", "FORMATS", "detect_format", "read_records", "KNOWN_KINDS", "trace_schema"]

FORMATS = ("kubelife", "watch", "objects")
KNOWN_KINDS = ("Pod", "Node", "Event")
WATCH_TYPES = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
_CHUNK = 1 << 16
_OBJECT_TYPES = frozenset({"ADDED", "MODIFIED", "DELETED"})


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    kind: str  # Pod, Node, Event, or a control record: BOOKMARK, ERROR, LIST-END
    type: str  # ADDED, MODIFIED, DELETED, BOOKMARK, ERROR, LISTED
    obj: dict[str, Any]
    time: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@cache
def trace_schema() -> dict[str, Any]:
    text = resources.files("kubelife").joinpath("schemas/trace-v1.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(trace_schema())


def _kind_of(obj: dict[str, Any]) -> str | None:
    kind = obj.get("kind")
    if isinstance(kind, str):
        return kind
    # The client's to_dict() of a model built in Python may carry no kind: infer it from the fields.
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if "involvedObject" in obj:
        return "Event"
    if isinstance(spec, dict) and "containers" in spec:
        return "Pod"
    if isinstance(status, dict) and ("nodeInfo" in status or "daemonEndpoints" in status):
        return "Node"
    return None


def _object_records(obj: Any, line: int, type_: str, time: str | None) -> Iterator[Record | Diagnostic]:
    """One decoded object: a Pod/Node/Event, or a List of them."""
    if not isinstance(obj, dict):
        yield Diagnostic(line, f"expected a JSON object, found {type(obj).__name__}; skipped")
        return
    if is_snake(obj):
        obj = normalise(obj)
    items = obj.get("items")
    if isinstance(items, list) and (str(obj.get("kind", "List")).endswith("List")):
        for it in items or []:
            yield from _object_records(it, line, "LISTED", time)
        yield Record(line, "LIST", "LISTED", obj, time)
        return
    kind = _kind_of(obj)
    if kind is None:
        yield Diagnostic(line, "object has no kind and is not recognisable as a Pod, Node or Event; skipped")
    elif kind not in KNOWN_KINDS:
        yield Diagnostic(line, f"unknown kind {kind!r}; the oracle reads {', '.join(KNOWN_KINDS)}; skipped")
    elif not isinstance(obj.get("metadata"), dict):
        yield Diagnostic(line, f"{kind} object has no metadata; skipped")
    else:
        yield Record(line, kind, type_, obj, time)


def _watch_event(ev: dict[str, Any], line: int) -> Iterator[Record | Diagnostic]:
    t = ev.get("type")
    if t not in WATCH_TYPES:
        yield Diagnostic(line, f"watch event type {t!r} is not one of {', '.join(WATCH_TYPES)}; skipped")
        return
    obj = ev.get("object")
    if t in ("BOOKMARK", "ERROR"):
        yield Record(line, str(t), str(t), obj if isinstance(obj, dict) else {})
        return
    if obj is None and "raw_object" in ev:  # python client Watch().stream() item
        obj = ev["raw_object"]
    yield from _object_records(obj, line, str(t), None)


def _own_record(rec: Any, line: int) -> Iterator[Record | Diagnostic]:
    err = next(iter(_validator().iter_errors(rec)), None)
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "record"
        yield Diagnostic(line, f"does not match the kubelife trace schema at {where}: {err.message}; skipped")
        return
    if "format" in rec:
        return
    op = rec["op"]
    t = {"observe": "MODIFIED", "delete": "DELETED", "event": "ADDED"}[op]
    yield from _object_records(rec["object"], line, t, rec.get("time"))


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None, str]]:
    """``(line number, text or None, error)`` for each line; bytes that are not UTF-8 give an error."""
    for n, raw in enumerate(stream, 1):
        try:
            yield n, raw.decode("utf-8"), ""
        except UnicodeDecodeError as e:
            yield n, None, f"not UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}); skipped"


def _json_error(text: str, e: json.JSONDecodeError, last: bool) -> str:
    if last and not text.endswith("\n"):
        return "truncated JSON at the end of the file; skipped"
    return f"not valid JSON ({e.msg} at column {e.colno}); skipped"


def _read_lines(stream: IO[bytes], fmt: str) -> Iterator[Record | Diagnostic]:
    """One JSON value per line.  The common case (a wire-form watch event) takes a fast path."""
    loads = _fast_loads if _fast_loads is not None else json.loads
    own = fmt == "kubelife"
    for n, raw in enumerate(stream, 1):
        try:
            value = loads(raw)
        except ValueError:
            if raw.strip():
                yield from _bad_line(n, raw)
            continue
        if not own and type(value) is dict:
            t = value.get("type")
            obj = value.get("object")
            if t in _OBJECT_TYPES and type(obj) is dict and "apiVersion" in obj:
                kind = obj.get("kind")
                if kind in KNOWN_KINDS and type(obj.get("metadata")) is dict:
                    yield Record(n, kind, t, obj)
                    continue
        yield from _one_value(n, value, fmt)


def _bad_line(n: int, raw: bytes) -> Iterator[Diagnostic]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        yield Diagnostic(n, f"not UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}); skipped")
        return
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        yield Diagnostic(n, _json_error(text, e, last=not raw.endswith(b"\n")))
    except ValueError as e:
        yield Diagnostic(n, f"not valid JSON ({e}); skipped")


def _one_value(n: int, value: Any, fmt: str) -> Iterator[Record | Diagnostic]:
    if not isinstance(value, dict):
        yield Diagnostic(n, f"expected a JSON object, found {type(value).__name__}; skipped")
    elif fmt == "kubelife":
        yield from _own_record(value, n)
    elif "type" in value and ("object" in value or value.get("type") in ("BOOKMARK", "ERROR")):
        yield from _watch_event(value, n)
    else:
        yield from _object_records(value, n, "MODIFIED", None)


def _loads(text: str) -> Any:
    if _fast_loads is not None:
        return _fast_loads(text)
    return json.loads(text)


def _read_objects(stream: IO[bytes]) -> Iterator[Record | Diagnostic]:
    """Concatenated (possibly indented) JSON values, as ``kubectl get -w -o json`` prints them."""
    dec = json.JSONDecoder()
    buf, line, eof = "", 1, False
    lines = _lines(stream)
    while True:
        while not eof and len(buf) < _CHUNK:
            nxt = next(lines, None)
            if nxt is None:
                eof = True
                break
            n, text, err = nxt
            if text is None:
                yield Diagnostic(n, err)
                text = "\n"  # keep line numbers right
            buf += text
        i = len(buf) - len(buf.lstrip())
        line += buf.count("\n", 0, i)
        buf = buf[i:]
        if not buf:
            return
        try:
            value, end = dec.raw_decode(buf)
        except json.JSONDecodeError as e:
            if not eof and len(buf) >= _CHUNK:  # an object longer than the buffer: read more
                more = next(lines, None)
                if more is not None:
                    buf += more[1] if more[1] is not None else "\n"
                    continue
                eof = True
                continue
            msg = ("truncated JSON at the end of the file; skipped" if eof and e.pos >= len(buf.rstrip()) - 1
                   else f"not valid JSON ({e.msg} at line {line + e.lineno - 1}); skipped up to the next object")
            yield Diagnostic(line, msg)
            # Resynchronise at the next object that starts a line.
            j = buf.find("\n{", max(1, e.pos))
            if j < 0:
                if eof:
                    return
                line += buf.count("\n")
                buf = ""
                continue
            line += buf.count("\n", 0, j + 1)
            buf = buf[j + 1:]
            continue
        if isinstance(value, dict) and "type" in value and "object" in value:
            yield from _watch_event(value, line)
        else:
            yield from _object_records(value, line, "MODIFIED", None)
        line += buf.count("\n", 0, end)
        buf = buf[end:]


def detect_format(head: bytes) -> str:
    """``kubelife``, ``watch`` or ``objects`` from the first bytes of a trace."""
    text = head.decode("utf-8", errors="replace").lstrip()
    first = text.split("\n", 1)[0]
    try:
        value = json.loads(first)
    except json.JSONDecodeError:
        return "objects"
    if isinstance(value, dict):
        if value.get("format") == "kubelife-trace":
            return "kubelife"
        if "type" in value and ("object" in value or "raw_object" in value):
            return "watch"
    return "objects"


def read_records(stream: IO[bytes], fmt: str | None = None) -> tuple[str, Iterable[Record | Diagnostic]]:
    """Detect (unless given) the format of a binary stream and read it lazily."""
    if fmt is None:
        peek = getattr(stream, "peek", None)
        head = peek(_CHUNK)[:_CHUNK] if peek is not None else b""
        fmt = detect_format(head)
    if fmt == "objects":
        return fmt, _read_objects(stream)
    return fmt, _read_lines(stream, fmt)
