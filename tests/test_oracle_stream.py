"""The oracle on live input: verdicts as they are decided, through a real pipe, Ctrl-C, --fail-fast, JSON Lines."""

from __future__ import annotations

import io
import json
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from oracle_objects import completed, indented, node, pod, restart_under_never, watch_line

from kubelife.cli import main
from kubelife.oracle import Oracle, check_trace
from kubelife.oracle.readers import read_records

ROOT = Path(__file__).resolve().parents[1]
HANG = 120  # seconds before a test that waits for output gives up: a guard against hanging, not a timing check


def _start(*args: str) -> tuple[subprocess.Popen[bytes], queue.Queue[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "kubelife.cli", "oracle", *args], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace"))
        lines.put("")  # end of output

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def _until(lines: queue.Queue[str], needle: str) -> list[str]:
    """Output lines up to and including the first that contains ``needle``."""
    seen = []
    while True:
        try:
            line = lines.get(timeout=HANG)
        except queue.Empty:
            pytest.fail(f"no output line with {needle!r} after {HANG} s; got {''.join(seen)!r}")
        if line == "":
            pytest.fail(f"output ended without {needle!r}: {''.join(seen)!r}")
        seen.append(line)
        if needle in line:
            return seen


def _rest(proc: subprocess.Popen[bytes], lines: queue.Queue[str]) -> str:
    out = []
    while (line := lines.get(timeout=HANG)) != "":
        out.append(line)
    proc.wait(timeout=HANG)
    return "".join(out)


def test_a_violation_is_printed_while_the_pipe_is_still_open() -> None:
    """``kubectl get pods -w -o json | kubelife oracle -``: indented objects, the verdict before end of input."""
    proc, lines = _start("-")
    assert proc.stdin is not None
    first, second = restart_under_never()
    proc.stdin.write(indented(node()) + indented(first))
    proc.stdin.flush()
    _until(lines, "kubelife oracle  format objects")  # started and reading
    at = 1 + indented(node()).count(b"\n") + indented(first).count(b"\n")  # the line the violating object starts on
    proc.stdin.write(indented(second))
    proc.stdin.flush()
    got = _until(lines, "first divergent observation")  # stdin is still open: nothing has ended the input
    assert f"first divergent observation, line {at}:" in got[-1]
    assert any(": violation (" in x for x in got)
    assert proc.poll() is None
    proc.stdin.close()
    rest = _rest(proc, lines)
    assert proc.returncode == 1
    assert "verdict: VIOLATION" in rest and "Traceback" not in rest


def test_ctrl_c_prints_the_summary_so_far_and_exits_130() -> None:
    proc, lines = _start("-")
    assert proc.stdin is not None
    for obj in [node(), *restart_under_never()]:
        proc.stdin.write(watch_line(obj))
    proc.stdin.flush()
    _until(lines, "first divergent observation")
    proc.send_signal(signal.SIGINT)
    rest = _rest(proc, lines)
    assert proc.returncode == 130
    assert "interrupted: the result so far: VIOLATION" in rest and "Traceback" not in rest
    proc.stdin.close()


def test_follow_reads_a_file_as_it_grows(tmp_path: Path) -> None:
    trace = tmp_path / "watch.jsonl"
    first, second = restart_under_never()
    trace.write_bytes(watch_line(node()) + watch_line(first))
    proc, lines = _start("--follow", str(trace))
    _until(lines, "kubelife oracle  format watch")
    with open(trace, "ab") as f:
        f.write(watch_line(second)[:40])  # the writer is mid-line: nothing to judge yet
        f.flush()
        f.write(watch_line(second)[40:])
    got = _until(lines, "first divergent observation")
    assert "line 3:" in got[-1]
    proc.send_signal(signal.SIGINT)
    rest = _rest(proc, lines)
    assert proc.returncode == 130 and "interrupted: the result so far: VIOLATION" in rest
    assert proc.stdin is not None
    proc.stdin.close()


def test_follow_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oracle", "-", "--follow"]) == 2
    assert "--follow reads a file" in capsys.readouterr().err


# -- in-process ---------------------------------------------------------------------------


def _trace(tmp_path: Path, objs: list[dict[str, Any]]) -> str:
    p = tmp_path / "trace.jsonl"
    p.write_bytes(b"".join(watch_line(o) for o in objs))
    return str(p)


def test_fail_fast_stops_at_the_first_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    later = [pod(name=f"later-{i}", rv=2000 + i) for i in range(3)]
    path = _trace(tmp_path, [node(), *restart_under_never(), *later])
    assert main(["oracle", path]) == 1
    assert "(5 objects: 4 conformant, 1 violation" in capsys.readouterr().out
    assert main(["oracle", path, "--fail-fast"]) == 1
    out = capsys.readouterr().out
    assert "stopped at line 3: the first violation or gap (--fail-fast)" in out
    assert "(2 objects: 1 conformant, 1 violation; 3 lines" in out


def test_fail_fast_on_a_conformant_trace_reads_it_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _trace(tmp_path, [node(), pod(rv=1), pod(rv=2, restarts=1, last_exit=1)])
    assert main(["oracle", path, "--fail-fast"]) == 0
    assert "stopped" not in capsys.readouterr().out


def test_json_lines_streams_each_verdict_then_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _trace(tmp_path, [node(), *restart_under_never(), pod(name="other", rv=3000)])
    assert main(["oracle", path, "--json-lines"]) == 1
    docs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["type"] for d in docs] == ["object", "object", "object", "summary"]
    assert docs[0]["status"] == "violation" and docs[0]["divergence"]["line"] == 3  # decided first, printed first
    assert docs[-1]["verdict"] == "violation" and docs[-1]["objects"]["conformant"] == 2


def test_json_and_json_lines_are_exclusive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oracle", _trace(tmp_path, [node()]), "--json", "--json-lines"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_json_keeps_every_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deleted = [completed(name=f"gone-{i}", rv=4000 + i) for i in range(3)]
    lines = [watch_line(node())] + [watch_line(d, "DELETED") for d in deleted]
    (tmp_path / "t.jsonl").write_bytes(b"".join(lines))
    assert main(["oracle", str(tmp_path / "t.jsonl"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["results"]) == 4 and doc["interrupted"] is False


def test_memory_follows_the_live_objects_not_the_stream() -> None:
    """Pods created and deleted one after another: none is kept once judged."""
    stream = [watch_line(node())]
    for i in range(200):
        stream += [watch_line(pod(name=f"job-{i}", rv=10 * i + 1, policy="Never"), "ADDED"),
                   watch_line(completed(name=f"job-{i}", rv=10 * i + 2)),
                   watch_line(completed(name=f"job-{i}", rv=10 * i + 3), "DELETED")]
    oracle = Oracle()
    oracle.keep_finished = False
    decided: list[str] = []
    oracle.on_decided = lambda v: decided.append(v.name)
    most = 0
    _, items = read_records(io.BytesIO(b"".join(stream)))
    for item in items:
        oracle.feed(item)
        most = max(most, len(oracle.live))
    oracle.finish()
    assert most == 2  # the node and the one pod alive at a time
    assert oracle.finished == [] and len(oracle.live) == 1
    assert oracle.dropped == {"conformant": 200} and len(decided) == 201
    r = oracle.result("watch")
    assert r.total == 201 and r.counts()["conformant"] == 201 and r.verdict == "conformant"


def test_check_trace_still_lists_every_object() -> None:
    r = check_trace([node(), *restart_under_never()])
    assert [o.status for o in r.objects] == ["conformant", "violation"]


def test_the_verdict_comes_at_the_line_that_decides_it() -> None:
    """The callback fires when the violating object's last line has been read, not at the end of the input."""
    first, second = restart_under_never()
    data = indented(node()) + indented(first) + indented(second) + indented(pod(name="after", rv=5000))
    read = 0

    def lines() -> Any:
        nonlocal read
        for raw in io.BytesIO(data):
            read += 1
            yield raw

    seen: list[int] = []
    oracle = Oracle()
    oracle.on_decided = lambda v: seen.append(read) if v.status == "violation" else None
    _, items = read_records(lines())
    oracle.run(items)
    end_of_second = (indented(node()) + indented(first) + indented(second)).count(b"\n")
    assert seen == [end_of_second] and read > end_of_second
