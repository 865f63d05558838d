"""The conformance oracle on real-format traces: scenario rows, mutants, hand-built inputs, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelife.cli import main
from kubelife.oracle import check_trace, coverage
from kubelife.oracle.testing import OracleAssertionError, assert_conforms
from kubelife.profiles.seed.mutants import MUTANTS

DATA = Path(__file__).parent / "data" / "traces"
ROWS = sorted(p.name[: -len(".jsonl")] for p in (DATA / "rows").glob("S*.jsonl") if p.name.count(".") == 1)


def test_every_scenario_row_has_a_trace() -> None:
    ids = {f"S{i}-{pol}" for i in range(1, 6) for pol in ("Always", "OnFailure", "Never")}
    ids |= {"S6", "S6-controlled", "S7", "S7-controlled"}
    assert ids == set(ROWS)


@pytest.mark.parametrize("row", ROWS)
def test_row_trace_conforms(row: str) -> None:
    r = check_trace(DATA / "rows" / f"{row}.jsonl")
    assert r.verdict == "conformant", [o.to_json() for o in r.objects]
    assert r.format == "watch"
    assert r.stats["diagnostics"] == 0


@pytest.mark.parametrize("row", ROWS)
def test_row_trace_violates_when_wrong(row: str) -> None:
    """S1-S5 under the wrong restart policy; S6/S7 with the node's fault hidden (the node stays Ready)."""
    variant = "hidden-fault" if row.startswith(("S6", "S7")) else "wrong-policy"
    r = check_trace(DATA / "rows" / f"{row}.{variant}.jsonl")
    assert r.verdict == "violation"
    bad = [o for o in r.objects if o.status == "violation"]
    assert len(bad) == 1 and bad[0].kind == "Pod"
    d = bad[0].divergence
    assert d is not None and d.before and d.closest and d.differs


def test_coalesced_updates_are_explained_by_hidden_steps() -> None:
    r = check_trace(DATA / "rows" / "S2-Always.coalesced.jsonl")
    assert r.verdict == "conformant"
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert pod.observations < pod.hidden_steps  # fewer observations than steps: the rest were hidden
    cov = coverage(r)
    assert {"P2", "P3", "P4"} <= set(cov["kinds"]) and cov["kinds"]["P4"] == 2


def test_node_terminated_deletes_its_pods() -> None:
    r = check_trace(DATA / "rows" / "node-terminated.jsonl")
    assert r.verdict == "conformant"
    # N6 explains both the node's deletion and, in the pod's own model, the pod's.
    assert coverage(r)["kinds"].get("N6") == 2
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert pod.ended == "deleted" and pod.status == "conformant"


DETECTED = sorted(set(MUTANTS) - {"no-replacement"})


def test_every_mutant_has_a_trace() -> None:
    assert {p.stem for p in (DATA / "mutants").glob("*.jsonl")} == set(MUTANTS)


@pytest.mark.parametrize("name", DETECTED)
def test_mutant_trace_is_a_violation(name: str) -> None:
    r = check_trace(DATA / "mutants" / f"{name}.jsonl")
    assert r.verdict == "violation", name


def test_no_replacement_is_invisible_to_a_finite_trace() -> None:
    # The controller not (yet) replacing a failed pod is never a safety violation: the model
    # allows R1 but does not force it.  The oracle says so rather than guessing.
    assert check_trace(DATA / "mutants" / "no-replacement.jsonl").verdict == "conformant"


@pytest.mark.parametrize("name, fmt, verdict, objects", [
    ("kubectl-w-crashloop.json", "objects", "conformant", 1),
    ("kubectl-w-crashloop-never.json", "objects", "violation", 1),
    ("list-pods.json", "objects", "conformant", 5),
    ("list-violating.json", "objects", "violation", 1),
    ("client-snake.jsonl", "watch", "conformant", 1),
    ("own-format.jsonl", "kubelife", "conformant", 2),
    ("node-lost.jsonl", "watch", "conformant", 2),
    ("node-lost-pod-kept.jsonl", "watch", "violation", 2),
    ("graceful-delete.jsonl", "watch", "conformant", 1),
    ("relist.jsonl", "watch", "conformant", 1),
])
def test_hand_built_traces(name: str, fmt: str, verdict: str, objects: int) -> None:
    r = check_trace(DATA / name)
    assert (r.format, r.verdict, len(r.objects)) == (fmt, verdict, objects)


def test_snake_case_reads_like_the_wire_form() -> None:
    wire = check_trace(DATA / "kubectl-w-crashloop.json")
    snake = check_trace(DATA / "client-snake.jsonl")
    assert wire.objects[0].hidden_steps == snake.objects[0].hidden_steps > 0
    assert coverage(wire) == coverage(snake)


def test_a_restart_seen_late_is_counted_exactly() -> None:
    # restartCount jumps 1 -> 3 between two observations: exactly two hidden restarts.
    r = check_trace(DATA / "kubectl-w-crashloop.json")
    assert r.verdict == "conformant"
    assert coverage(r)["actions"]["P4 restart"] == 3


def test_events_corroborate_steps() -> None:
    r = check_trace(DATA / "own-format.jsonl")
    pod = next(o for o in r.objects if o.kind == "Pod")
    assert pod.events == {"Scheduled": 1, "Started": 1}
    assert pod.corroborated == 2
    assert pod.ended == "deleted"


def test_graceful_deletion_ends_checking_without_a_verdict_against_it() -> None:
    o = check_trace(DATA / "graceful-delete.jsonl").objects[0]
    assert o.status == "conformant" and o.ended and "deletion requested" in o.ended


def test_relist_duplicates_and_stale_versions_are_skipped() -> None:
    r = check_trace(DATA / "relist.jsonl")
    assert r.stats["duplicate resourceVersion"] == 1
    assert r.stats["stale resourceVersion"] == 1
    assert r.stats["watch errors (relist follows)"] == 1
    assert r.stats["bookmarks"] == 1
    assert r.objects[0].observations == 4


def test_objects_absent_from_a_later_list_ended_unseen() -> None:
    doc = json.loads((DATA / "list-pods.json").read_text())
    again = dict(doc, items=doc["items"][:2])
    r = check_trace(json.dumps(doc).encode() + b"\n" + json.dumps(again).encode() + b"\n")
    assert r.stats["deleted unseen (absent from a list)"] == 3
    ended = sorted(o.ended or "" for o in r.objects)
    assert sum("absent from a later list" in e for e in ended) == 3
    assert r.verdict == "conformant"


def test_unseen_nodes_are_healthy_unless_asked() -> None:
    # A pod failed with its containers still running, on a node the trace never shows.
    lines = (DATA / "node-lost.jsonl").read_text().splitlines()
    pod_only = [e for e in map(json.loads, lines) if e["object"]["kind"] == "Pod"]
    for ev in pod_only:
        ev["object"]["status"].pop("reason", None)
    assert check_trace(pod_only).verdict == "violation"
    assert check_trace(pod_only, unseen_nodes="unknown").verdict == "conformant"


def test_the_pods_own_status_can_say_its_node_is_lost() -> None:
    lines = (DATA / "node-lost.jsonl").read_text().splitlines()
    pod_only = [e for e in map(json.loads, lines) if e["object"]["kind"] == "Pod"]
    assert check_trace(pod_only).verdict == "conformant"  # reason NodeLost


def test_malformed_input_gets_line_numbers() -> None:
    r = check_trace(DATA / "malformed.jsonl")
    got = {d.line: d.message for d in r.diagnostics}
    assert set(got) == {2, 3, 4, 5, 6, 8}
    assert "unknown kind 'Service'" in got[3]
    assert "not UTF-8" in got[4]
    assert "truncated" in got[8]
    assert r.records == 2 and r.verdict == "conformant"


def test_truncated_kubectl_output() -> None:
    r = check_trace(DATA / "truncated-kubectl.json")
    # The diagnostic names the line the cut-off object starts on (the file's last object).
    text = (DATA / "truncated-kubectl.json").read_text().splitlines()
    assert [d.line for d in r.diagnostics] == [max(i for i, t in enumerate(text, 1) if t == "{")]
    assert "truncated" in r.diagnostics[0].message and r.lines == len(text)
    assert r.records == 2


def test_missing_fields_make_an_object_incomplete() -> None:
    obj = json.loads((DATA / "kubectl-w-crashloop.json").read_text().split("\n}\n")[0] + "\n}")
    del obj["status"]["phase"]
    del obj["spec"]["restartPolicy"]
    r = check_trace([obj])
    assert r.verdict == "incomplete" and r.exit_code == 0
    assert any("status.phase" in m for m in r.objects[0].missing)


# -- the command line -------------------------------------------------------------------


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oracle", str(DATA / "rows" / "S1-Always.jsonl")]) == 0
    assert main(["oracle", str(DATA / "rows" / "S1-Always.wrong-policy.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "first divergent observation, line" in out and "closest allowed observation" in out
    assert main(["oracle", str(DATA / "malformed.jsonl"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "line 2:" in err and "Traceback" not in err
    assert main(["oracle", str(DATA / "no-such-file.jsonl")]) == 2
    assert main(["oracle", str(DATA / "rows" / "S1-Always.jsonl"), "--profile", "nope"]) == 2
    assert "is not known; use one of: seed" in capsys.readouterr().err


def test_cli_json_and_junit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from junitparser import Failure, JUnitXml

    junit = tmp_path / "oracle.xml"
    rc = main(["oracle", str(DATA / "mutants" / "never-restarts.jsonl"), "--json", "--junit", str(junit)])
    assert rc == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "violation" and doc["objects"]["violation"] == 1
    bad = next(o for o in doc["results"] if o["status"] == "violation")
    assert bad["divergence"]["allowed"] and bad["divergence"]["line"] > 1
    xml = JUnitXml.fromfile(str(junit))
    cases = [c for suite in xml for c in suite]
    assert len(cases) == 2
    assert sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result)) == 1


def test_cli_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    data = (DATA / "rows" / "S2-Never.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["oracle", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "watch"


def test_cli_empty_input_is_bad_input(tmp_path: Path) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_text("\n")
    assert main(["oracle", str(p)]) == 2


# -- the pytest helper ------------------------------------------------------------------


def test_assert_conforms_passes_and_fails_with_the_explanation() -> None:
    r = assert_conforms(DATA / "rows" / "S5-OnFailure.jsonl")
    assert r.verdict == "conformant"
    with pytest.raises(OracleAssertionError) as e:
        assert_conforms(DATA / "mutants" / "crashloop-pending.jsonl")
    assert "closest allowed observation" in str(e.value)
    assert e.value.result.verdict == "violation"
    with pytest.raises(OracleAssertionError, match="unreadable input"):
        assert_conforms(DATA / "malformed.jsonl")


def test_assert_conforms_takes_client_objects() -> None:
    class FakeModel:  # stands in for a kubernetes client model: only to_dict() is used
        def __init__(self, d: dict) -> None:
            self.d = d

        def to_dict(self) -> dict:
            return self.d

    events = [json.loads(x) for x in (DATA / "client-snake.jsonl").read_text().splitlines()]
    assert_conforms([FakeModel(e["object"]) for e in events])
