"""JSON values out of a stream of lines, in one pass, each as soon as its last line arrives.

The forms a trace comes in are one value per line (watch streams, JSON Lines), values spread over
lines one after another (``kubectl get -w -o json`` indents each object), and Lists whose items
may run to tens of megabytes (``kubectl get pods -o json``).  :func:`split_values` tracks the
bracket depth of each line (strings removed, in C by a regular expression) and decodes a value once,
when the depth returns to where it started: every byte is scanned once and parsed once, so reading
is linear in the input.  The items of a top-level ``"items": [`` array (or of a top-level ``[``
array), one per line group as ``json.dumps(indent=...)`` and kubectl print them, are decoded and
handed out one by one, so a List is never held whole.

Values are decoded with ``orjson`` (the standard library reads what it refuses, such as integers
past 64 bits, for the message); every failure, including nesting too deep for either, is a
:class:`BadJSON` with a one-line reason, never another exception.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

__all__ = ["BadJSON", "Splitter", "decode", "split_values", "TOP", "ITEM", "LIST_END", "MAX_DEPTH"]

TOP, ITEM, LIST_END = "top", "item", "list-end"
MAX_DEPTH = 1024  # orjson's nesting limit; no Kubernetes object comes near it
_BIG = 1 << 20  # a value this long (a List on one line) is decoded with the garbage collector paused

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(rb"[\[\]{}]")
_ITEMS = re.compile(rb'\s*"items"\s*:\s*\[\s*$')
_BOM = "\ufeff"


class BadJSON(ValueError):
    """A value that cannot be read; ``offset`` is the line within the value where it went wrong."""

    def __init__(self, reason: str, offset: int = 0, truncated: bool = False, head: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset
        self.truncated = truncated
        self.head = head[:512]  # the start of the text, for telling YAML or a Python repr from broken JSON


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads_big(raw: bytes) -> Any:
    # Decoding makes no reference cycles, so the collector has nothing to find among the new objects, yet
    # scans them all, over and over as they pile up: a 37 MB List decodes 3x faster with it paused.
    paused = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(raw)
    finally:
        if paused:
            gc.enable()


def decode(raw: bytes) -> Any:
    """One JSON value from bytes, or :class:`BadJSON`."""
    try:
        return orjson.loads(raw) if len(raw) < _BIG else _loads_big(raw)
    except orjson.JSONDecodeError as e:
        if "depth limit" in str(e):
            raise BadJSON(f"JSON nested more than {MAX_DEPTH:,} deep; no Kubernetes object is") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadJSON(f"not UTF-8 (byte 0x{raw[e.start]:02x} at byte {e.start + 1})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadJSON("JSON nested too deeply to read") from None
    except json.JSONDecodeError as e:
        if e.msg.startswith("Unexpected UTF-8 BOM") or (0 <= e.pos < len(text) and text[e.pos] == _BOM):
            raise BadJSON(f"a UTF-8 byte order mark inside the JSON (line {e.lineno}, column {e.colno}); "
                          "only one at the very start of the input is allowed", e.lineno - 1) from None
        cut = e.pos >= len(text.rstrip())
        why = "truncated JSON (it ends before the value does)" if cut else \
            f"not valid JSON ({e.msg} at column {e.colno})"
        raise BadJSON(why, e.lineno - 1, truncated=cut) from None
    except ValueError as e:  # an integer past Python's 4,300 digits, NaN, Infinity
        msg = str(e).split(";")[0]
        raise BadJSON(f"not valid JSON for the oracle ({msg})") from None


def _net(line: bytes) -> int:
    """Brackets opened minus closed on a line, outside strings."""
    if _BRACKET.search(line) is None:
        return 0
    if b'"' in line:
        line = _STRING.sub(b"", line)
    return line.count(b"{") + line.count(b"[") - line.count(b"}") - line.count(b"]")


def _several(text: bytes, offset: int = 0) -> Iterator[tuple[int, Any]]:
    """Values one after another in one piece of text (``{..}{..}`` or ``{..}, {..}``): (line offset, value)."""
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError as e:
        yield offset, BadJSON(f"not UTF-8 (byte 0x{text[e.start]:02x} at byte {e.start + 1})", offset, head=text)
        return
    dec = json.JSONDecoder(parse_constant=_no_constant)
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in " \t\r\n,":
            i += 1
        if i >= n:
            return
        here = offset + s.count("\n", 0, i)
        try:
            value, i = dec.raw_decode(s, i)
        except RecursionError:
            yield here, BadJSON("JSON nested too deeply to read", head=text)
            return
        except json.JSONDecodeError as e:
            if s[e.pos:e.pos + 1] == _BOM:
                why, cut = ("a UTF-8 byte order mark inside the JSON; only one at the very start of the input "
                            "is allowed"), False
            else:
                cut = e.pos >= len(s.rstrip())
                why = "truncated JSON (it ends before the value does)" if cut else \
                    f"not valid JSON ({e.msg} at column {e.colno})"
            yield here, BadJSON(why, offset + e.lineno - 1 - here, truncated=cut,
                                head=s[i:i + 512].encode())
            return
        except ValueError as e:
            yield here, BadJSON(f"not valid JSON for the oracle ({str(e).split(';')[0]})", head=text)
            return
        yield here, value


class _Value:
    """The lines of one value being read.

    A pretty-printed value (its first line a lone ``{`` or ``[``) ends at the first line holding
    just the matching bracket at the same indentation; lines indented past its keys are taken
    without looking at them, which is what makes indented input fast.  Any other line shape, or a
    value not pretty-printed, is followed by counting brackets, which is always right.
    """

    __slots__ = ("lines", "start", "fast", "indent", "close", "keys", "deeper", "depth")

    def __init__(self, n: int, line: bytes, stripped: bytes) -> None:
        self.lines = [line]
        self.start = n
        self.deeper: tuple[bytes, ...] | None = None  # lines starting so are inside (while ``fast``)
        self.keys = b""  # the indentation of the value's own keys, from its first inner line
        self.fast = stripped in (b"{", b"[")  # following indentation, not counting
        self.depth = 0 if self.fast else _net(stripped)  # brackets still open (when counting)
        self.indent = line[: len(line) - len(line.lstrip())]
        end = self.indent + (b"}" if stripped == b"{" else b"]")
        self.close = (end, end + b",")

    def add(self, line: bytes) -> bool:
        """Add a line; True when the value is complete (``depth < 0`` after: it closed more than it opened)."""
        self.lines.append(line)
        if self.fast:
            s = line.rstrip()
            if s in self.close:
                self.fast = False
                return True
            if not s:
                return False
            if not self.keys:
                ws = s[: len(s) - len(s.lstrip())]
                if len(ws) > len(self.indent) and ws.startswith(self.indent):
                    self.keys = ws
                    self.deeper = (ws + b" ", ws + b"\t")
                    return False
            elif line.startswith(self.keys) and line[len(self.keys):len(self.keys) + 1] not in b" \t":
                return False
            # Not the shape of a pretty-printed value after all: count what is there.
            self.fast, self.deeper = False, None
            self.depth = sum(_net(x) for x in self.lines)
            return self.depth <= 0
        self.depth += _net(line)
        return self.depth <= 0

    def text(self) -> bytes:
        return b"".join(self.lines)


class Splitter:
    """Values out of numbered lines (:meth:`values`); ``last`` is the number of the last line read."""

    def __init__(self) -> None:
        self.last = 0
        self.top: _Value | None = None  # a top-level value being read (a List's header while its items stream)
        self.elem: _Value | None = None  # an element of a streamed array being read
        self.items = False  # streaming the elements of an array: the List's items, or a top-level array's
        self.where = TOP  # what those elements are
        self.bare = False  # the streamed array is a top-level one (no header)
        self.listing = False  # the top-level value is a List whose items were streamed

    def values(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, Any, str]]:
        deeper: tuple[bytes, ...] | None = None
        acc: list[bytes] = []
        n = 0
        decode_ = decode
        for n, line in lines:
            if deeper is not None:
                if line.startswith(deeper):
                    acc.append(line)  # deep inside a pretty-printed value: nothing to look at
                    continue
            elif self.top is None and not self.items and line[:1] == b"{":
                try:  # the common line of a watch stream or JSON Lines: one whole value
                    yield n, decode_(line), TOP
                    continue
                except BadJSON:
                    pass
            self.last = n
            yield from self._line(n, line)
            cur = self.elem if self.items else self.top
            deeper = cur.deeper if cur is not None and cur.fast else None
            if cur is not None:
                acc = cur.lines
        self.last = n
        yield from self.cut("the input ends first")

    def _line(self, n: int, line: bytes) -> Iterator[tuple[int, Any, str]]:
        if self.items:
            yield from self._in_items(n, line)
            return
        top = self.top
        if top is None:
            yield from self._fresh(n, line)
            return
        if line[:1] == b"{" and top.lines[0][:1] == b"{":
            # A value at column 0 inside another: the one before was cut short (a restarted kubectl).
            yield from self.cut(f"cut short by the value that starts on line {n}")
            yield from self._fresh(n, line)
            return
        at_keys = line.startswith(top.keys) if top.fast else top.depth == 1
        if at_keys and not self.listing and top.lines[0][:1] == b"{" and _ITEMS.match(line):
            top.add(line)  # a List's items: handed out one by one, not kept
            self.items, self.where, self.bare, self.listing = True, ITEM, False, True
            return
        if top.add(line):
            yield from self._done()

    def _fresh(self, n: int, line: bytes) -> Iterator[tuple[int, Any, str]]:
        # Most lines of a watch stream or of JSON Lines are one whole value: try that first.
        if line[:1] == b"{":
            try:
                yield n, decode(line), TOP
                return
            except BadJSON:
                pass
        s = line.strip()
        if not s:
            return
        if s == b"[":  # a top-level array: its elements are values of their own
            self.items, self.where, self.bare = True, TOP, True
            return
        v = _Value(n, line, s)
        if not v.fast and v.depth <= 0:
            yield from _whole(n, s, TOP)
            return
        if v.depth > MAX_DEPTH:
            yield n, BadJSON(f"JSON nested more than {MAX_DEPTH:,} deep; no Kubernetes object is", head=s), TOP
            return
        self.top = v

    def _done(self) -> Iterator[tuple[int, Any, str]]:
        top = self.top
        assert top is not None
        listed = self.listing
        self.top, self.listing = None, False
        yield from _whole(top.start, top.text(), LIST_END if listed else TOP)

    def _in_items(self, n: int, line: bytes) -> Iterator[tuple[int, Any, str]]:
        el = self.elem
        if el is None:
            s = line.strip()
            if not s:
                return
            if s[:1] == b"]":  # the array ends
                self.items = False
                if self.bare or self.top is None:
                    self.bare = False
                    return
                if self.top.add(line):
                    yield from self._done()
                return
            if line[:1] == b"{" and not self.bare:  # a new value at column 0: the List was cut short
                yield from self.cut(f"cut short by the value that starts on line {n}")
                yield from self._fresh(n, line)
                return
            el = _Value(n, line, s)
            if el.fast or el.depth > 0:
                self.elem = el
                return
        elif el.fast and line.rstrip() == el.lines[0].rstrip():
            # The opening line of a new element at this one's indentation: this one was cut short.
            yield el.start, BadJSON(f"truncated JSON (cut short by the value that starts on line {n})",
                                    truncated=True, head=el.lines[0]), self.where
            self.elem = _Value(n, line, line.strip())
            return
        elif not el.add(line):
            return
        self.elem = None
        text = el.text().strip()
        if el.depth >= 0:
            yield from _whole(el.start, text.rstrip(b","), self.where)
            return
        # The last element and the end of the array on one line (``}]``): split them apart.
        cut = text.rfind(b"]")
        for off, v in _several(text[:cut]):
            yield el.start + off, v, self.where
        self.items = False
        if self.bare or self.top is None:
            self.bare = False
            return
        if self.top.add(text[cut:] + b"\n"):
            yield from self._done()

    def cut(self, why: str) -> Iterator[tuple[int, Any, str]]:
        """The value being read ends here unfinished."""
        if self.elem is not None:
            el = self.elem
            yield el.start, BadJSON(f"truncated JSON ({why})", truncated=True, head=el.lines[0]), self.where
        elif self.top is not None and self.items:
            yield self.top.start, BadJSON(f"a List cut short after its last whole item ({why})", truncated=True,
                                          head=self.top.lines[0]), TOP
        elif self.top is not None:
            yield self.top.start, BadJSON(f"truncated JSON ({why})", truncated=True, head=self.top.lines[0]), TOP
        self.top, self.elem, self.items, self.bare, self.listing = None, None, False, False, False


def _whole(n: int, text: bytes, where: str) -> Iterator[tuple[int, Any, str]]:
    try:
        yield n, decode(text), where
        return
    except BadJSON:
        pass
    for off, v in _several(text):
        yield n + off, v, where


def split_values(lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, Any, str]]:
    """``(first line, value or BadJSON, where)`` for each value in numbered lines of JSON text.

    ``where`` is :data:`TOP` for a value of its own (elements of a top-level array included),
    :data:`ITEM` for an element of a List's ``items``, and :data:`LIST_END` for the List object
    itself once its items are done (with ``items`` empty).
    """
    return Splitter().values(lines)
