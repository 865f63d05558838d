"""What an unreadable line is, in words a user can act on.

A line that is not JSON is most often something else a user had at hand: YAML (``kubectl get -o
yaml``), the ``repr`` of a Python dict (``print(pod.to_dict())``), a UTF-8 byte order mark (some
Windows editors and PowerShell write one), binary data.  Each gets its own kind (the key the
summary groups problems by) and a sentence that says what to give instead.
"""

from __future__ import annotations

import re

__all__ = ["classify"]

_YAML = re.compile(rb"^(---|\.\.\.)\s*$|^\s*(- )?[A-Za-z_][\w./-]*:(\s|$)")
_PY_REPR = re.compile(rb"^\s*[\[{(]\s*'|\bdatetime\.datetime\(|\btzutc\(\)|[:,\[]\s*(None|True|False)\s*[,}\]]")
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1f]")


def classify(head: bytes, reason: str, truncated: bool) -> tuple[str, str]:
    """``(kind, message)`` for a value that could not be decoded, from its first line and the decoder's reason."""
    if "byte order mark" in reason:
        return "byte order mark", reason
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16", ("UTF-16 text (byte order mark 0x" + head[:2].hex() + "); the oracle reads UTF-8 "
                          "(convert with iconv -f UTF-16 -t UTF-8)")
    if truncated:
        return "truncated JSON", reason
    m = _BINARY.search(head)
    if m is not None:
        return "binary data", f"binary data, not JSON text (byte 0x{head[m.start()]:02x} at byte {m.start() + 1})"
    if reason.startswith("not UTF-8"):
        return "not UTF-8", reason
    if "nested" in reason:
        return "nested too deeply", reason
    if "digits" in reason:
        return "number too long", reason
    if _PY_REPR.search(head):
        return "Python repr", ("a Python repr of a dict (single quotes, None, datetime), not JSON; write "
                               "json.dumps(obj, default=str), or json.dumps(ApiClient().sanitize_for_serialization"
                               "(obj)) for a kubernetes client object")
    if _YAML.match(head):
        return "YAML", "YAML, not JSON; the oracle reads JSON (kubectl get ... -o json, or -w -o json)"
    return "not valid JSON", reason
