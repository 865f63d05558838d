"""Reading traces: format detection, streaming readers and line diagnostics.

Every reader yields :class:`Record` (one observation of one object, with the line it started on)
and :class:`Diagnostic` (a line or object that could not be used, why, and a ``kind`` to group
problems by).  All formats go through :func:`kubelife.oracle.jsonscan.split_values`, which hands
out each JSON value as soon as its last line arrives and reads every byte once (so a live
``kubectl get pods -w -o json`` gets verdicts as it goes, and a 10,000-pod List is read in linear
time, item by item).  A UTF-8 byte order mark at the start of the input (or of a line) is skipped;
UTF-16 text with a byte order mark is decoded.  Objects whose fields the oracle reads have the
wrong type are skipped with a diagnostic (:mod:`kubelife.oracle.shapes`).
"""

from __future__ import annotations

import codecs
import itertools
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import IO, Any

from kubelife.oracle.diagnose import classify
from kubelife.oracle.jsonscan import ITEM, LIST_END, TOP, BadJSON, Splitter, decode
from kubelife.oracle.normalise import is_snake, normalise
from kubelife.oracle.shapes import preview, problem

__all__ = ["Record", "Diagnostic", "FORMATS", "detect_format", "read_records", "read_lines", "numbered_lines",
           "follow", "KNOWN_KINDS", "trace_schema"]

FORMATS = ("kubelife", "watch", "objects")
KNOWN_KINDS = ("Pod", "Node", "Event", "PodDisruptionBudget")
WATCH_TYPES = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
_OBJECT_TYPES = ("ADDED", "MODIFIED", "DELETED")
_BOM8 = b"\xef\xbb\xbf"
_DETECT_MAX = 1 << 20
_OWN_OPS = {"observe": "MODIFIED", "delete": "DELETED", "event": "ADDED"}


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    kind: str  # Pod, Node, Event, or a control record: BOOKMARK, ERROR, LIST, EOF (last: ``line`` = lines read)
    type: str  # ADDED, MODIFIED, DELETED, BOOKMARK, ERROR, LISTED
    obj: dict[str, Any]
    time: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    line: int
    message: str
    kind: str = ""  # what sort of problem (``YAML``, ``unknown kind 'Deployment'``): the summary groups by it

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    @property
    def group(self) -> str:
        return self.kind or self.message


@cache
def trace_schema() -> dict[str, Any]:
    text = resources.files("kubelife").joinpath("schemas/trace-v1.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(trace_schema())


# -- lines --------------------------------------------------------------------------------


def numbered_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)``; byte order marks at line starts dropped, UTF-16 (with a BOM) re-encoded."""
    it = iter(stream)
    first = next(it, None)
    if first is None:
        return
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield from _utf16(first, it)
        return
    bom = _BOM8
    for n, raw in enumerate(itertools.chain((first,), it), 1):
        yield n, raw[3:] if raw.startswith(bom) else raw


def _utf16(first: bytes, rest: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    dec = codecs.getincrementaldecoder("utf-16")(errors="replace")
    pending, n = "", 0
    for raw in itertools.chain((first,), rest):
        *done, pending = (pending + dec.decode(raw)).split("\n")
        for text in done:
            n += 1
            yield n, (text + "\n").encode("utf-8")
    pending += dec.decode(b"", final=True)
    if pending:
        yield n + 1, pending.encode("utf-8")


def follow(stream: IO[bytes], poll: float = 0.2) -> Iterator[bytes]:
    """The lines of a file that is still being written, as ``tail -f`` shows them; ends only on Ctrl-C."""
    pending = b""
    while True:
        raw = stream.readline()
        if not raw:
            time.sleep(poll)
            continue
        if not raw.endswith(b"\n"):  # the writer is mid-line: wait for the rest
            pending += raw
            continue
        yield pending + raw
        pending = b""


def detect_format(head: bytes) -> str:
    """``kubelife``, ``watch`` or ``objects`` from the first bytes (the first non-blank line) of a trace."""
    if head[:3] == _BOM8:
        head = head[3:]
    first = next((ln for ln in head.splitlines() if ln.strip()), b"")
    try:
        value = decode(first)
    except BadJSON:
        return "objects"
    if isinstance(value, dict):
        if value.get("format") == "kubelife-trace":
            return "kubelife"
        if "type" in value and ("object" in value or "raw_object" in value):
            return "watch"
    return "objects"


# -- values -----------------------------------------------------------------------------


def _bad_value(n: int, e: BadJSON) -> Diagnostic:
    kind, msg = classify(e.head, e.reason, e.truncated)
    if e.offset > 0 and kind in ("not valid JSON", "byte order mark"):
        msg += f" (line {n + e.offset})"
    return Diagnostic(n, msg + "; skipped", kind)


def _kind_of(obj: dict[str, Any]) -> str | None:
    kind = obj.get("kind")
    if isinstance(kind, str):
        return kind
    # The client's to_dict() of a model built in Python may carry no kind: infer it from the fields.
    spec, status = obj.get("spec"), obj.get("status")
    if "involvedObject" in obj:
        return "Event"
    if isinstance(spec, dict) and "containers" in spec:
        return "Pod"
    if isinstance(status, dict) and ("nodeInfo" in status or "daemonEndpoints" in status):
        return "Node"
    return None


def _name(obj: dict[str, Any]) -> str:
    md = obj.get("metadata")
    if not isinstance(md, dict):
        return ""
    ns, name = md.get("namespace"), md.get("name")
    if not isinstance(name, str):
        return ""
    return f" {ns}/{name}" if isinstance(ns, str) and ns else f" {name}"


def _is_list(obj: dict[str, Any]) -> bool:
    kind = obj.get("kind")
    return kind is None or (isinstance(kind, str) and kind.endswith("List"))


def _object_records(obj: Any, line: int, type_: str, time: str | None) -> Iterator[Record | Diagnostic]:
    """One decoded object: a Pod/Node/Event, or a List of them."""
    if not isinstance(obj, dict):
        yield Diagnostic(line, f"expected a JSON object, found {preview(obj)}; skipped", "not an object")
        return
    if is_snake(obj):
        try:
            obj = normalise(obj)
        except RecursionError:
            yield Diagnostic(line, "object nested too deeply to read; skipped", "nested too deeply")
            return
    items = obj.get("items")
    if isinstance(items, list) and _is_list(obj):
        # A List on one line was decoded whole: give its items out from a reversed list, so that each is
        # freed once checked and memory falls as the List is read.
        items.reverse()
        while items:
            yield from _object_records(items.pop(), line, "LISTED", time)
        yield Record(line, "LIST", "LISTED", obj, time)
        return
    kind = _kind_of(obj)
    if kind is None:
        yield Diagnostic(line, "object has no kind and is not recognisable as a Pod, Node or Event; skipped",
                         "not a Pod, Node or Event")
    elif kind not in KNOWN_KINDS:
        shown = preview(kind)
        yield Diagnostic(line, f"unknown kind {shown}; the oracle reads Pod, Node and Event objects "
                         "(kubectl get pods,nodes,events); skipped", f"unknown kind {shown}")
    elif not isinstance(obj.get("metadata"), dict):
        yield Diagnostic(line, f"{kind} object has no metadata; skipped", "no metadata")
    else:
        err = problem(obj, kind)
        if err is None:
            yield Record(line, kind, type_, obj, time)
        else:
            where = err.split(" is ", 1)[0]
            group = "".join(c for c in where if not c.isdigit()).replace("[]", "[*]")
            yield Diagnostic(line, f"{kind}{_name(obj)}: {err}; skipped", f"wrong type of {kind} {group}")


def _watch_event(ev: dict[str, Any], line: int) -> Iterator[Record | Diagnostic]:
    t = ev.get("type")
    if not isinstance(t, str) or t not in WATCH_TYPES:
        yield Diagnostic(line, f"watch event type {preview(t)} is not one of {', '.join(WATCH_TYPES)}; skipped",
                         "unknown watch event type")
        return
    obj = ev.get("object")
    if t in ("BOOKMARK", "ERROR"):
        yield Record(line, t, t, obj if isinstance(obj, dict) else {})
        return
    if obj is None and "raw_object" in ev:  # python client Watch().stream() item
        obj = ev["raw_object"]
    yield from _object_records(obj, line, t, None)


def _own_record(rec: dict[str, Any], line: int) -> Iterator[Record | Diagnostic]:
    try:
        err = next(iter(_validator().iter_errors(rec)), None)
    except RecursionError:
        yield Diagnostic(line, "record nested too deeply to read; skipped", "nested too deeply")
        return
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "record"
        msg = err.message if len(err.message) <= 160 else err.message[:157] + "..."
        yield Diagnostic(line, f"does not match the kubelife trace schema at {where}: {msg}; skipped",
                         "not a kubelife trace record")
        return
    if "format" in rec:
        return
    yield from _object_records(rec["object"], line, _OWN_OPS[rec["op"]], rec.get("time"))


def _value(n: int, value: Any, where: str, own: bool) -> Iterator[Record | Diagnostic]:
    """The records in one decoded top-level value (``where`` from :func:`split_values`)."""
    if isinstance(value, BadJSON):
        yield _bad_value(n, value)
    elif where == ITEM:
        yield from _object_records(value, n, "LISTED", None)
    elif where == LIST_END:
        if isinstance(value, dict) and _is_list(value):
            yield Record(n, "LIST", "LISTED", value)
        else:  # an object of another kind with an "items" array: its items went out, now say what it is
            yield from _object_records(value, n, "MODIFIED", None)
    elif type(value) is not dict:
        if isinstance(value, list) and value and all(type(x) is dict for x in value) and not own:
            for x in value:  # a JSON array of objects on one line
                yield from _value(n, x, where, own)
        else:
            yield Diagnostic(n, f"expected a JSON object, found {preview(value)}; skipped", "not an object")
    elif own:
        yield from _own_record(value, n)
    elif "type" in value and ("object" in value or "raw_object" in value or value.get("type") in ("BOOKMARK",
                                                                                                   "ERROR")):
        yield from _watch_event(value, n)
    else:
        yield from _object_records(value, n, "MODIFIED", None)


def read_lines(lines: Iterable[tuple[int, bytes]], fmt: str) -> Iterator[Record | Diagnostic]:
    """Records and diagnostics from numbered lines of a trace in a known format."""
    own = fmt == "kubelife"
    splitter = Splitter()
    for n, value, where in splitter.values(lines):
        if where is TOP and not own and type(value) is dict:
            # The common case, an API watch event in wire form, goes the short way.
            t, obj = value.get("type"), value.get("object")
            if type(t) is str and t in _OBJECT_TYPES and type(obj) is dict and "apiVersion" in obj:
                kind, md = obj.get("kind"), obj.get("metadata")
                if type(kind) is str and kind in KNOWN_KINDS and type(md) is dict and problem(obj, kind) is None:
                    yield Record(n, kind, t, obj)
                    continue
        try:
            yield from _value(n, value, where, own)
        except RecursionError:  # only without orjson's depth limit, on values nested near Python's own
            yield Diagnostic(n, "value nested too deeply to read; skipped", "nested too deeply")
    yield Record(splitter.last, "EOF", "EOF", {})  # how many lines there were


def read_records(stream: Iterable[bytes], fmt: str | None = None) -> tuple[str, Iterator[Record | Diagnostic]]:
    """Detect (unless given) the format of a binary stream (or of its lines) and read it lazily.

    Detection reads the first non-blank line only, so on a live pipe it waits for that line and no more.
    """
    lines = numbered_lines(stream)
    head: list[tuple[int, bytes]] = []
    if fmt is None:
        for item in lines:
            head.append(item)
            if item[1].strip():
                break
        first = head[-1][1] if head else b""
        # A kubelife header or a watch event is never this long; an object or List may be (compact, on one line),
        # and is read as "objects" anyway: do not decode it twice.
        fmt = detect_format(first) if len(first) < _DETECT_MAX else "objects"
    return fmt, read_lines(itertools.chain(head, lines), fmt)
