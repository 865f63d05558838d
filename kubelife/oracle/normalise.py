"""Wire camelCase from either spelling of a Kubernetes object.

The Python ``kubernetes`` client's ``to_dict()`` gives snake_case keys, None
for every unset field and ``datetime`` objects; the oracle reads wire
camelCase.  Renaming is generic (``restart_count`` -> ``restartCount``) with
the API's initialisms (``ID``, ``IP``, ``IPs``) restored; maps whose keys are
user data (labels, annotations, capacity ...) are left alone.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

__all__ = ["is_snake", "to_camel_key", "normalise"]

# Map-valued fields whose keys are data, not field names.
_DATA_MAPS = frozenset({
    "labels", "annotations", "capacity", "allocatable", "node_selector", "nodeSelector", "limits", "requests",
    "data", "binary_data", "string_data", "allocated_resources", "allocatedResources", "selector",
    "match_labels", "matchLabels",
})
_VERBATIM = frozenset({"fields_v1", "fieldsV1"})  # managed fields: wire names behind "f:", kept as they are
_SUFFIX = {"Id": "ID", "Ip": "IP", "Ips": "IPs", "Uid": "UID"}
_SNAKE_MARKERS = ("api_version", "container_statuses", "restart_count", "involved_object", "resource_version",
                  "node_name", "restart_policy", "owner_references", "last_state", "first_timestamp")


_CAMEL: dict[str, str] = {}  # the same few hundred field names come back in every object


def to_camel_key(key: str) -> str:
    out = _CAMEL.get(key)
    if out is not None:
        return out
    if "_" not in key:
        return key
    head, *rest = key.split("_")
    parts = [p[:1].upper() + p[1:] for p in rest if p]
    if parts and parts[-1] in _SUFFIX:
        parts[-1] = _SUFFIX[parts[-1]]
    out = head + "".join(parts)
    if len(_CAMEL) < 10_000:
        _CAMEL[key] = out
    return out


def is_snake(obj: dict[str, Any]) -> bool:
    """Whether an object (or watch event) is in the client's snake_case form."""
    if "apiVersion" in obj:  # the wire form always has it; to_dict() spells it api_version
        return False
    for d in (obj, obj.get("metadata"), obj.get("spec"), obj.get("status"), obj.get("object")):
        if isinstance(d, dict) and any(m in d for m in _SNAKE_MARKERS):
            return True
    return False


def _value(v: Any, parent: str) -> Any:
    if parent in _VERBATIM:
        return v
    if isinstance(v, dict):
        if parent in _DATA_MAPS:
            return {k: _value(x, "") for k, x in v.items() if x is not None}
        return normalise(v, parent)
    if isinstance(v, list):
        return [_value(x, parent) for x in v]
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(_dt.UTC)
        return v.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return v


def normalise(obj: dict[str, Any], parent: str = "") -> dict[str, Any]:
    """Recursively rename snake_case keys to camelCase and drop None values."""
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if v is None:
            continue
        key = "Port" if parent == "kubelet_endpoint" and k == "port" else to_camel_key(k)
        out[key] = _value(v, k)
    return out
