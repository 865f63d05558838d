"""Reading traces: every form in one pass, what each unusable line is, and no traceback from the cases seen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle_objects import completed, indented, node, pod, restart_under_never, watch_line, with_field

import kubelife.oracle.jsonscan as jsonscan
from kubelife.cli import main
from kubelife.oracle import check_trace
from kubelife.oracle.jsonscan import ITEM, LIST_END, TOP, BadJSON, split_values
from kubelife.oracle.normalise import normalise
from kubelife.oracle.readers import Diagnostic, Record, read_records


def _lines(data: bytes) -> list[tuple[int, bytes]]:
    return list(enumerate(data.splitlines(keepends=True), 1))


def _values(data: bytes) -> list[tuple[int, Any, str]]:
    return list(split_values(_lines(data)))


# -- splitting JSON text into values ------------------------------------------------------------

_text = st.text(alphabet=st.sampled_from('ab {}[]",:\\\n\t\u00e9\u2028items'), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_text, kids, max_size=4),
    max_leaves=12)
_objects = st.lists(st.dictionaries(_text, _json, max_size=4), min_size=1, max_size=4)
_styles = st.sampled_from([None, 2, 4, "\t"])


def _dump(v: Any, style: int | str | None) -> str:
    return json.dumps(v, separators=(",", ":")) if style is None else json.dumps(v, indent=style)


def _reassembled(got: list[tuple[int, Any, str]]) -> list[tuple[int, Any]]:
    """Top-level values again: a List's items (handed out one by one) put back into it."""
    out, items = [], []
    for n, v, w in got:
        if w == ITEM:
            items.append(v)
        elif w == LIST_END:
            out.append((n, {**v, "items": items}))
            items = []
        else:
            out.append((n, v))
    return out


@given(_objects, st.lists(_styles, min_size=4, max_size=4))
def test_values_one_after_another_in_any_layout(objs: list[dict[str, Any]], styles: list[Any]) -> None:
    text = "".join(_dump(o, s) + "\n" for o, s in zip(objs, styles))
    got = _reassembled(_values(text.encode()))  # an object with an "items" array counts as a List
    assert [v for _, v in got] == objs
    starts = [1 + sum(_dump(o, s).count("\n") + 1 for o, s in zip(objs[:i], styles)) for i in range(len(objs))]
    assert [n for n, _ in got] == starts


@given(_objects, _styles)
def test_a_lists_items_come_one_by_one(objs: list[dict[str, Any]], style: Any) -> None:
    doc = {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    got = _values((_dump(doc, style) + "\n").encode())
    if style is None:  # one line: the List is one value
        assert got == [(1, doc, TOP)]
        return
    assert [v for _, v, w in got if w == ITEM] == objs
    assert got[-1] == (1, {**doc, "items": []}, LIST_END)


@given(_objects)
def test_a_top_level_array_gives_its_elements(objs: list[dict[str, Any]]) -> None:
    got = _values((json.dumps(objs, indent=2) + "\n").encode())
    assert [(v, w) for _, v, w in got] == [(o, TOP) for o in objs]


def test_reading_decodes_each_byte_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear reading, shown without a clock: the bytes handed to the JSON decoder add up to the input, once."""
    pods = [pod(name=f"web-{i}", rv=100 + i) for i in range(300)]
    forms = {
        "list-indented": indented({"apiVersion": "v1", "items": pods, "kind": "List", "metadata": {}}),
        "kubectl-w": b"".join(indented(p) for p in pods),
        "watch": b"".join(watch_line(p) for p in pods),
    }
    for form, data in forms.items():
        decoded: list[int] = []
        real = jsonscan.decode

        def counting(raw: bytes, real: Any = real, decoded: list[int] = decoded) -> Any:
            decoded.append(len(raw))
            return real(raw)

        monkeypatch.setattr(jsonscan, "decode", counting)
        got = [x for x in read_records(iter(data.splitlines(keepends=True)))[1] if isinstance(x, Record)]
        monkeypatch.undo()
        assert sum(1 for x in got if x.kind == "Pod") == 300, form
        # Each value once, plus a failed attempt on each one-character opening line ("{").
        assert sum(decoded) <= len(data) + 2 * len(decoded), form


# -- the forms a trace comes in -----------------------------------------------------------------


def _snake(v: Any, parent: str = "") -> Any:
    """The Python client's to_dict(): snake_case names, every unset field None."""
    if isinstance(v, dict):
        if parent in ("labels", "requests", "capacity", "allocatable", "fieldsV1"):
            return dict(v)  # data, not field names (the client keeps fieldsV1 as it came)
        out = {"".join("_" + c.lower() if c.isupper() else c for c in k): _snake(x, k) for k, x in v.items()}
        return {**out, "deletion_timestamp": None} if parent == "metadata" else out
    if isinstance(v, list):
        return [_snake(x, parent) for x in v]
    return v


def _forms() -> dict[str, bytes]:
    objs = [node(), pod(rv=1), pod(rv=2, restarts=1, last_exit=1)]
    listed = {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    return {
        "watch": b"".join(watch_line(o) for o in objs),
        "kubectl-w": b"".join(indented(o) for o in objs),
        "list-indented": indented(listed),
        "list-compact": json.dumps(listed).encode() + b"\n",
        "client-snake": b"".join(json.dumps(_snake(o)).encode() + b"\n" for o in objs),
        "client-snake-list": json.dumps(_snake({**listed, "kind": "PodList"}), indent=2).encode() + b"\n",
        "bom": b"\xef\xbb\xbf" + b"".join(watch_line(o) for o in objs),
        "utf-16": "".join(json.dumps(o) + "\r\n" for o in objs).encode("utf-16"),
        "array": json.dumps(objs, indent=2).encode() + b"\n",
    }


@pytest.mark.parametrize("form", list(_forms()))
def test_every_form_reads_the_same_observations(form: str) -> None:
    r = check_trace(_forms()[form])
    assert r.diagnostics == [] and r.verdict == "conformant", (form, r.diagnostics)
    pod_verdict = next(o for o in r.objects if o.kind == "Pod")
    assert pod_verdict.observations == 2 and r.counts()["conformant"] == 2


def test_snake_case_objects_read_as_the_wire_form() -> None:
    p = pod(rv=7, restarts=1, last_exit=0)
    back = normalise(_snake(p))
    assert back["status"]["containerStatuses"] == p["status"]["containerStatuses"]
    assert back["metadata"]["managedFields"] == p["metadata"]["managedFields"]  # fieldsV1 keys kept as they are


# -- what each unusable line is (issue 17, item 4) ----------------------------------------------

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "uid": "5c0e7a2d-1f3b-4c5d-9e8f-7a6b5c4d3e2f",
                 "resourceVersion": "48100", "generation": 3, "creationTimestamp": "2026-03-01T09:00:00Z",
                 "labels": {"app": "web"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "registry.example/web:1.4.2"}]}}},
    "status": {"availableReplicas": 3, "readyReplicas": 3, "replicas": 3, "updatedReplicas": 3,
               "observedGeneration": 3,
               "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]},
}

POD_YAML = b"""apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2026-03-02T10:00:00Z"
  name: web-7c9d8f6b5d-x2k9q
  namespace: shop
  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: web-7c9d8f6b5d
spec:
  containers:
  - image: registry.example/web:1.4.2
    name: web
  nodeName: worker-1
  restartPolicy: Always
status:
  phase: Running
"""


def _problems(data: bytes) -> dict[str, tuple[int, int, str]]:
    """Kind of problem -> (first line, how many, message)."""
    r = check_trace(data)
    return {d.group: (d.line, n, d.message) for d, n in r.problems}


def test_a_deployment_among_pods_is_named_with_its_line() -> None:
    # kubectl get all -o json: a List of several kinds, indented.
    listed = {"apiVersion": "v1", "kind": "List", "metadata": {},
              "items": [pod(rv=1), DEPLOYMENT, {**DEPLOYMENT, "metadata": {**DEPLOYMENT["metadata"], "name": "api"}}]}
    data = indented(listed)
    got = _problems(data)
    line, count, message = got["unknown kind 'Deployment'"]
    first_deployment = data.decode().splitlines().index("        {", 10) + 1  # the second item's opening line
    assert (line, count) == (first_deployment, 2)
    assert "the oracle reads Pod, Node and Event" in message
    assert check_trace(data).counts()["conformant"] == 1


def test_yaml_is_named_as_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _problems(POD_YAML)
    assert list(got) == ["YAML"] and got["YAML"][:2] == (1, POD_YAML.count(b"\n"))
    assert "YAML, not JSON" in got["YAML"][2] and "-o json" in got["YAML"][2]
    path = tmp_path / "pod.yaml"
    path.write_bytes(POD_YAML)
    assert main(["oracle", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no Pod, Node or Event could be read (line 1: YAML, not JSON" in err and "Traceback" not in err


def test_a_leading_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + indented(node()) + indented(pod(rv=1))
    r = check_trace(data)
    assert r.diagnostics == [] and r.verdict == "conformant" and r.records == 2


def test_a_byte_order_mark_inside_a_line_is_named() -> None:
    data = watch_line(node()) + b'{"type": "MODIFIED",\xef\xbb\xbf "object": {}}\n' + watch_line(pod(rv=1))
    got = _problems(data)
    assert list(got) == ["byte order mark"] and got["byte order mark"][0] == 2


def test_a_python_repr_is_named() -> None:
    snake = _snake(pod(rv=1))
    text = repr(snake).replace("'2026-03-02T10:00:00Z'", "datetime.datetime(2026, 3, 2, 10, 0, tzinfo=tzutc())")
    got = _problems(text.encode() + b"\n" + watch_line(node()))
    assert list(got) == ["Python repr"] and got["Python repr"][:2] == (1, 1)
    assert "json.dumps(obj, default=str)" in got["Python repr"][2]


def test_an_object_that_is_not_a_pod_node_or_event() -> None:
    config_map = {"metadata": {"name": "settings", "namespace": "shop"}, "data": {"LOG_LEVEL": "info"}}
    got = _problems(watch_line(node()) + json.dumps(config_map).encode() + b"\n")
    assert got["not a Pod, Node or Event"][:2] == (2, 1)


def test_each_kind_of_problem_is_listed_once_with_its_first_line(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    data = (watch_line(node()) + POD_YAML + watch_line(DEPLOYMENT) + watch_line(pod(rv=1)) + watch_line(DEPLOYMENT)
            + b"\x00\x01\x02\xff\xfe binary\n")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(data)
    assert main(["oracle", str(path)]) == 0
    out = capsys.readouterr().out
    n_yaml = POD_YAML.count(b"\n")
    assert f"line 2: YAML, not JSON; the oracle reads JSON (kubectl get ... -o json, or -w -o json); skipped " \
           f"({n_yaml - 1} more like it)" in out
    assert f"line {2 + n_yaml}: unknown kind 'Deployment'" in out and "(1 more like it)" in out
    assert f"line {5 + n_yaml}: binary data, not JSON text (byte 0x00 at byte 1)" in out
    assert "3 kinds of problem (the first of each)" in out
    assert main(["oracle", str(path), "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["kind"], p["first_line"], p["count"]) for p in problems] == [
        ("YAML", 2, n_yaml), ("unknown kind 'Deployment'", 2 + n_yaml, 2), ("binary data", 5 + n_yaml, 1)]


def test_strict_stops_at_the_first_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(watch_line(node()) + watch_line(DEPLOYMENT))
    assert main(["oracle", str(path), "--strict"]) == 2
    assert "line 2: unknown kind 'Deployment'" in capsys.readouterr().err


# -- inputs that used to end in a traceback (issue 18) -----------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
GOOD = watch_line(node()) + watch_line(pod(rv=1))


def _bad_cases() -> dict[str, bytes]:
    p = pod(rv=5)
    return {
        "nested 100,000 deep, alone": DEEP + b"\n",
        "nested 100,000 deep, first line": DEEP + b"\n" + GOOD,
        "nested 100,000 deep, unclosed": b"[" * 100_000 + b"\n" + GOOD,
        "nested 100,000 deep, in a Pod": GOOD + b'{"type":"MODIFIED","object":{"kind":"Pod","metadata":{},"spec":'
        + DEEP + b"}}\n",
        "nested 100,000 deep, among indented objects": indented(node()) + DEEP + b"\n" + indented(pod(rv=1)),
        "restartPolicy a list": GOOD + watch_line(with_field(p, "spec.restartPolicy", ["Never"])),
        "resourceVersion an object": GOOD + watch_line(with_field(p, "metadata.resourceVersion", {"v": 1})),
        "resourceVersion 5,000 digits": GOOD + watch_line(p).replace(b'"resourceVersion":"5"',
                                                                     b'"resourceVersion":' + b"7" * 5000),
        "binary garbage": bytes(range(256)) * 40 + b"\n" + GOOD,
        "truncated object": GOOD + watch_line(p)[:500],
        "truncated indented object": indented(node()) + indented(p)[:700],
        "NaN and Infinity": GOOD + b'{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":NaN}}}\n',
        "phase a number": GOOD + watch_line(with_field(p, "status.phase", 3)),
        "containerStatuses an object": GOOD + watch_line(with_field(p, "status.containerStatuses", {"a": 1})),
        "restartCount a string": GOOD + watch_line(with_field(p, "status.containerStatuses.0.restartCount", "3")),
        "restartCount a boolean": GOOD + watch_line(with_field(p, "status.containerStatuses.0.restartCount", True)),
        "restartCount negative": GOOD + watch_line(with_field(p, "status.containerStatuses.0.restartCount", -1)),
        "state a list": GOOD + watch_line(with_field(p, "status.containerStatuses.0.state", ["running"])),
        "exitCode a string": GOOD + watch_line(with_field(restart_under_never()[1],
                                                          "status.containerStatuses.0.lastState.terminated.exitCode",
                                                          "1")),
        "container name an object": GOOD + watch_line(with_field(p, "spec.containers.0.name", {"n": 1})),
        "ownerReferences a string": GOOD + watch_line(with_field(p, "metadata.ownerReferences", "rs")),
        "node conditions a string": GOOD + watch_line(with_field(node(rv=9), "status.conditions", "Ready")),
        "node condition status a list": GOOD + watch_line(with_field(node(rv=9), "status.conditions.3.status",
                                                                     ["True"])),
        "node taints wrong": GOOD + watch_line(with_field(node(rv=9), "spec.taints", [{"key": 1}])),
        "event count a string": GOOD + json.dumps({"kind": "Event", "metadata": {"name": "e"}, "reason": "Started",
                                                   "involvedObject": {"kind": "Pod", "name": ["x"]},
                                                   "count": "2"}).encode() + b"\n",
        "metadata a list": GOOD + watch_line(with_field(p, "metadata", ["x"])),
        "status a string": GOOD + watch_line(with_field(p, "status", "Running")),
    }


@pytest.mark.parametrize("case", list(_bad_cases()))
def test_no_input_ends_in_a_traceback(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _bad_cases()[case]
    r = check_trace(data)
    assert r.diagnostics, case  # the bad part is named ...
    assert not any(d.group.startswith("unreadable") for d in r.diagnostics)  # ... by a check, not the safety net
    path = tmp_path / "trace"
    path.write_bytes(data)
    for extra in ([], ["--json"], ["--strict"]):  # the modern profile's abstraction: tests/test_fuzz_oracle.py
        code = main(["oracle", str(path), *extra])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2) and "Traceback" not in out + err, (case, extra)
        assert code == 2 if extra == ["--strict"] else True


def test_wrong_types_are_named_field_by_field() -> None:
    data = _bad_cases()["restartPolicy a list"]
    d = check_trace(data).diagnostics[0]
    assert d.line == 3
    assert d.message == ("Pod shop/web-7c9d8f6b5d-x2k9q: spec.restartPolicy is a list (['Never']); "
                         "a string is accepted; skipped")
    d = check_trace(_bad_cases()["resourceVersion an object"]).diagnostics[0]
    assert "metadata.resourceVersion is an object; a string is accepted" in d.message


def test_a_bad_observation_is_skipped_and_the_object_judged_on() -> None:
    good = restart_under_never()
    bad = with_field(good[1], "status.containerStatuses.0.restartCount", "1")
    r = check_trace([node(), good[0], bad, good[1]])
    assert len(r.diagnostics) == 1 and r.verdict == "violation"  # the next good observation still decides


def test_huge_numeric_resource_versions_still_order() -> None:
    older, newer = "9" * 4999, "1" + "0" * 4999
    # A 5,000-digit resourceVersion string (int() refuses past 4,300 digits) after a newer one: stale.
    objs = [with_field(completed(rv=1), "metadata.resourceVersion", newer),
            with_field(pod(name="job-1", rv=1, policy="Never"), "metadata.resourceVersion", older)]
    r = check_trace(objs)
    assert r.stats["stale resourceVersion"] == 1 and r.verdict == "conformant"


def test_badjson_is_a_valueerror_with_a_reason() -> None:
    with pytest.raises(BadJSON, match="nested more than 1,024 deep"):
        jsonscan.decode(DEEP)
    assert isinstance(BadJSON("x"), ValueError)


def test_diagnostics_keep_their_kind() -> None:
    d = Diagnostic(3, "YAML, not JSON; skipped", "YAML")
    assert str(d) == "line 3: YAML, not JSON; skipped" and d.group == "YAML"
