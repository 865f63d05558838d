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

__all__ = ["problem", "explain", "preview"]

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
        err = _strs(c, ("type", "status"), f"{path}conditions[{i}].")
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


# -- the fast path: a yes/no answer in straight-line code (every trace line goes through it) ---------

_MD_KEYS = ("name", "namespace", "uid", "resourceVersion", "deletionTimestamp")
_INT_MAX = INT32[1]


def _strs_ok(d: dict[str, Any], keys: tuple[str, ...]) -> bool:
    for k in keys:
        v = d.get(k)
        if v is not None and type(v) is not str:
            return False
    return True


def _dicts(v: Any) -> list[dict[str, Any]] | None:
    """The objects of a list field (None entries dropped), or None when the field is of the wrong shape."""
    if v is None:
        return []
    if type(v) is not list:
        return None
    for x in v:
        if type(x) is not dict and x is not None:
            return None
    return v if None not in v else [x for x in v if x is not None]


def _term_ok(t: Any) -> bool:
    if t is None:
        return True
    if type(t) is not dict:
        return False
    r, code = t.get("reason"), t.get("exitCode")
    return (r is None or type(r) is str) and (code is None or (type(code) is int and INT32[0] <= code <= _INT_MAX))


def _conditions_ok(status: dict[str, Any]) -> bool:
    conds = _dicts(status.get("conditions"))
    return conds is not None and all(_strs_ok(c, ("type", "status")) for c in conds)


def _status_list_ok(css: Any) -> bool:
    if css is None:
        return True
    if type(css) is not list:
        return False
    for cs in css:
        if cs is None:
            continue
        if type(cs) is not dict:
            return False
        g = cs.get
        name, rc, state, last = g("name"), g("restartCount"), g("state"), g("lastState")
        if name is not None and type(name) is not str:
            return False
        if rc is not None and (type(rc) is not int or not 0 <= rc <= _INT_MAX):
            return False
        if state is not None:
            if type(state) is not dict:
                return False
            w, r, t = state.get("waiting"), state.get("running"), state.get("terminated")
            if r is not None and type(r) is not dict:
                return False
            if w is not None and (type(w) is not dict or not _strs_ok(w, ("reason",))):
                return False
            if t is not None and not _term_ok(t):
                return False
        if last is not None and (type(last) is not dict or not _term_ok(last.get("terminated"))):
            return False
    return True


def _fine(obj: dict[str, Any], kind: str) -> bool:
    # Straight-line on purpose: this runs on every observation, and a Pod has some thirty fields to look at.
    md = obj["metadata"]
    g = md.get
    for v in (g("name"), g("namespace"), g("uid"), g("resourceVersion"), g("deletionTimestamp")):
        if v is not None and type(v) is not str:
            return False
    owners = g("ownerReferences")
    if owners is not None:
        if type(owners) is not list:
            return False
        for o in owners:
            if type(o) is dict:
                k = o.get("kind")
                if k is not None and type(k) is not str:
                    return False
            elif o is not None:
                return False
    if kind == "Event":
        inv, count = obj.get("involvedObject"), obj.get("count")
        return ((inv is None or (type(inv) is dict and _strs_ok(inv, ("kind", "name", "namespace", "uid"))))
                and _strs_ok(obj, ("reason",)) and (count is None or (type(count) is int and 0 <= count <= _INT_MAX)))
    spec, status = obj.get("spec"), obj.get("status")
    if spec is not None and type(spec) is not dict:
        return False
    if status is not None and type(status) is not dict:
        return False
    if kind == "Node":
        if spec is not None:
            taints = _dicts(spec.get("taints"))
            if taints is None or not all(_strs_ok(t, ("key", "effect")) for t in taints):
                return False
        return status is None or _conditions_ok(status)
    if spec is not None:
        rp, nn = spec.get("restartPolicy"), spec.get("nodeName")
        if (rp is not None and type(rp) is not str) or (nn is not None and type(nn) is not str):
            return False
        for key in ("containers", "initContainers"):
            cs = spec.get(key)
            if cs is None:
                continue
            if type(cs) is not list:
                return False
            for c in cs:
                if type(c) is dict:
                    name, rp = c.get("name"), c.get("restartPolicy")
                    if (name is not None and type(name) is not str) or (rp is not None and type(rp) is not str):
                        return False
                elif c is not None:
                    return False
    if status is not None:
        phase, reason, conds = status.get("phase"), status.get("reason"), status.get("conditions")
        if (phase is not None and type(phase) is not str) or (reason is not None and type(reason) is not str):
            return False
        if conds is not None:
            if type(conds) is not list:
                return False
            for c in conds:
                if type(c) is dict:
                    t, st = c.get("type"), c.get("status")
                    if (t is not None and type(t) is not str) or (st is not None and type(st) is not str):
                        return False
                elif c is not None:
                    return False
        if not (_status_list_ok(status.get("containerStatuses"))
                and _status_list_ok(status.get("initContainerStatuses"))):
            return False
    return True


def problem(obj: dict[str, Any], kind: str) -> str | None:
    """The first field the oracle reads whose type is wrong, as a sentence; None when all are right.

    ``obj["metadata"]`` must already be an object (the reader checks that first).
    """
    if _fine(obj, kind):
        return None
    return explain(obj, kind) or f"a field of this {kind} has the wrong type"


def explain(obj: dict[str, Any], kind: str) -> str | None:
    """:func:`problem`'s slow path: which field is wrong, and what is accepted there."""
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
