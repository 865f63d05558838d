"""Type checks of the fields the oracle reads, so that no object can make it fail.

The profiles read a few dozen fields of each Pod, Node and Event (``kubelife/oracle/abstract.py``,
``kubelife/profiles/modern/oracle.py``); an object from an unknown producer may hold anything
there (``restartPolicy: ["Never"]``, ``resourceVersion: {}``, ``restartCount: "3"``).  Each field
is checked against the type the Kubernetes API gives it (``staging/src/k8s.io/api/core/v1/types.go``:
strings, int32 counts and exit codes, lists of objects); :func:`problem` names the first that is
wrong, and the reader skips the observation with that sentence.  ``null`` is an absent field, as
for the API server.  Fields the oracle does not read are not checked.
"""

from __future__ import annotations

from typing import Any

__all__ = ["problem", "preview"]

INT32 = (-(1 << 31), (1 << 31) - 1)
_COUNT = (0, INT32[1])


def preview(v: Any) -> str:
    """A short, safe rendering of any decoded JSON value (no recursion, no huge numbers)."""
    if isinstance(v, str):
        return repr(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, bool) or v is None:
        return {True: "true", False: "false", None: "null"}[v]
    if isinstance(v, int):
        digits = int(v.bit_length() * 0.30103) + 1
        return str(v) if digits <= 20 else f"a number of about {digits:,} digits"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        if len(v) <= 3 and all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in v):
            return "[" + ", ".join(preview(x) for x in v) + "]"
        return f"a list of {len(v):,}"
    if isinstance(v, dict):
        return "an object" if v else "{}"
    return type(v).__name__


def _what(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "a number"
    return {str: "a string", float: "a number", list: "a list", dict: "an object"}.get(type(v), type(v).__name__)


def _bad(path: str, v: Any, want: str) -> str:
    shown = preview(v)
    what = _what(v)
    value = what if shown in ("an object", "{}") or shown.startswith(("a list", "a number of")) else \
        f"{what} ({shown})" if not isinstance(v, str) else shown
    return f"{path} is {value}; {want} is accepted"


def _str(d: dict[str, Any], key: str, path: str) -> str | None:
    v = d.get(key)
    if v is None or type(v) is str:
        return None
    return _bad(f"{path}{key}", v, "a string")


def _int(d: dict[str, Any], key: str, path: str, lo: int, hi: int) -> str | None:
    v = d.get(key)
    if v is None or (type(v) is int and lo <= v <= hi):
        return None
    want = "a whole number from 0" if lo == 0 else "a whole number"
    return _bad(f"{path}{key}", v, f"{want} up to {hi:,}")


def _obj(d: dict[str, Any], key: str, path: str) -> tuple[dict[str, Any] | None, str | None]:
    v = d.get(key)
    if v is None:
        return None, None
    if type(v) is dict:
        return v, None
    return None, _bad(f"{path}{key}", v, "an object")


def _objects(d: dict[str, Any], key: str, path: str) -> tuple[list[dict[str, Any]], str | None]:
    """A list of objects (``null`` entries are skipped by the readers, as are absent lists)."""
    v = d.get(key)
    if v is None:
        return [], None
    if type(v) is not list:
        return [], _bad(f"{path}{key}", v, "a list of objects")
    for i, x in enumerate(v):
        if x is not None and type(x) is not dict:
            return [], _bad(f"{path}{key}[{i}]", x, "an object")
    return [x for x in v if x is not None], None


def _strs(d: dict[str, Any], keys: tuple[str, ...], path: str) -> str | None:
    for k in keys:
        v = d.get(k)
        if v is not None and type(v) is not str:
            return _bad(f"{path}{k}", v, "a string")
    return None


def _conditions(status: dict[str, Any], path: str) -> str | None:
    conds, err = _objects(status, "conditions", path)
    if err:
        return err
    for i, c in enumerate(conds):
        err = _strs(c, ("type", "status", "reason"), f"{path}conditions[{i}].")
        if err:
            return err
    return None


def _terminated(d: dict[str, Any], path: str) -> str | None:
    t, err = _obj(d, "terminated", path)
    if err or t is None:
        return err
    return _strs(t, ("reason",), f"{path}terminated.") or _int(t, "exitCode", f"{path}terminated.", *INT32)


def _container_status(cs: dict[str, Any], path: str) -> str | None:
    err = _strs(cs, ("name",), path) or _int(cs, "restartCount", path, *_COUNT)
    if err:
        return err
    state, err = _obj(cs, "state", path)
    if err:
        return err
    if state is not None:
        for k in ("waiting", "running"):
            sub, err = _obj(state, k, f"{path}state.")
            if err:
                return err
            if k == "waiting" and sub is not None and (err := _strs(sub, ("reason",), f"{path}state.waiting.")):
                return err
        if err := _terminated(state, f"{path}state."):
            return err
    last, err = _obj(cs, "lastState", path)
    if err:
        return err
    if last is not None:
        return _terminated(last, f"{path}lastState.")
    return None


def _metadata(obj: dict[str, Any]) -> str | None:
    md = obj["metadata"]
    err = _strs(md, ("name", "namespace", "uid", "resourceVersion", "deletionTimestamp"), "metadata.")
    if err:
        return err
    owners, err = _objects(md, "ownerReferences", "metadata.")
    if err:
        return err
    for i, o in enumerate(owners):
        if err := _strs(o, ("kind",), f"metadata.ownerReferences[{i}]."):
            return err
    return None


def _pod(obj: dict[str, Any]) -> str | None:
    spec, err = _obj(obj, "spec", "")
    if err:
        return err
    if spec is not None:
        if err := _strs(spec, ("restartPolicy", "nodeName"), "spec."):
            return err
        for key in ("containers", "initContainers"):
            specs, err = _objects(spec, key, "spec.")
            if err:
                return err
            for i, c in enumerate(specs):
                if err := _strs(c, ("name", "restartPolicy"), f"spec.{key}[{i}]."):
                    return err
    status, err = _obj(obj, "status", "")
    if err:
        return err
    if status is not None:
        if err := _strs(status, ("phase", "reason"), "status.") or _conditions(status, "status."):
            return err
        for key in ("containerStatuses", "initContainerStatuses"):
            css, err = _objects(status, key, "status.")
            if err:
                return err
            for i, one in enumerate(css):
                if err := _container_status(one, f"status.{key}[{i}]."):
                    return err
    return None


def _node(obj: dict[str, Any]) -> str | None:
    spec, err = _obj(obj, "spec", "")
    if err:
        return err
    if spec is not None:
        taints, err = _objects(spec, "taints", "spec.")
        if err:
            return err
        for i, t in enumerate(taints):
            if err := _strs(t, ("key", "effect"), f"spec.taints[{i}]."):
                return err
    status, err = _obj(obj, "status", "")
    if err:
        return err
    return _conditions(status, "status.") if status is not None else None


def _event(obj: dict[str, Any]) -> str | None:
    inv, err = _obj(obj, "involvedObject", "")
    if err:
        return err
    if inv is not None and (err := _strs(inv, ("kind", "name", "namespace", "uid"), "involvedObject.")):
        return err
    return _strs(obj, ("reason",), "") or _int(obj, "count", "", *_COUNT)


def problem(obj: dict[str, Any], kind: str) -> str | None:
    """The first field the oracle reads whose type is wrong, as a sentence; None when all are right.

    ``obj["metadata"]`` must already be an object (the reader checks that first).
    """
    err = _metadata(obj)
    if err:
        return err
    if kind == "Pod":
        return _pod(obj)
    if kind == "Node":
        return _node(obj)
    if kind == "Event":
        return _event(obj)
    return None
