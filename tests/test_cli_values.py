"""Checked values on the command line (issue 18): ranges, enums in any case, --version, the mutant
in the text header, report targets that cannot be made, and Ctrl-C during Z3 work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import pytest

from kubelife.cli import RESTART_CAP_MAX, main
from kubelife.model.engine import fast


def _usage(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kubelife: error:") and "Traceback" not in err and len(err.splitlines()) == 1
    for n in needles:
        assert n in err
    return err


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing any command writes lands in the repository


# -- values refused up front ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "liveness", "prove", "export"])
def test_a_restart_cap_past_the_bound_is_refused(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, [command, "--restart-cap", "100000"], "--restart-cap 100000 is out of range",
           f"from 0 to {RESTART_CAP_MAX}")


def test_more_replicas_than_slots_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, ["check", "--replicas", "100"], "--replicas 100 is more than the 2 controlled slots")
    _usage(capsys, ["liveness", "--replicas", "3", "--slots", "2"], "--replicas 3")
    assert main(["check", "--replicas", "2", "--slots", "2", "--json", "--max-states", "50",
                 "--no-liveness"]) == 2  # accepted: stopped by the state limit, not by the value
    assert "--max-states 50" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_prove_timeout_not_a_number_is_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, ["prove", f"--timeout={value}"], "--timeout", "is out of range; give seconds from 0.1 to 3600")


@pytest.mark.parametrize("text", ["1e3", "٣x", "9" * 5000, "", " "])
def test_a_number_that_is_not_whole_is_named(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage(capsys, ["check", "--nodes", text], "is not a whole number")
    assert len(err) < 200  # a 5,000-digit value is shortened, not echoed


def test_report_to_a_directory_that_cannot_be_made(capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, ["report", "--out", "/proc/nope", "--checkers", "none"], "--out '/proc/nope' cannot be written",
           "give a writable directory")


def test_ray_workers_are_range_checked(capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, ["check", "--engine", "ray", "--slots", "1", "--workers", "0"], "--workers 0")
    _usage(capsys, ["check", "--engine", "ray", "--slots", "1", "--workers", "10" * 10], f"--workers {'10' * 10}",
           "from 1 to 1024")


# -- enums, version, header -------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["never", "NEVER", "Never", "onfailure", "always"])
def test_policy_in_any_case(policy: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--slots", "1", "--policy", policy, "--no-liveness", "--json"]) == 0
    assert f"policy={policy.lower()}" in json.loads(capsys.readouterr().out)["config"].lower()


def test_an_unknown_policy_lists_the_accepted_ones(capsys: pytest.CaptureFixture[str]) -> None:
    _usage(capsys, ["check", "--policy", "sometimes"], "'sometimes' is not a restart policy",
           "Always, OnFailure or Never")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kubelife {version('kubelife')}"


def test_the_mutant_is_in_the_text_header(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", "--slots", "1", "--mutant", "crashloop-pending", "--no-liveness"])
    head = capsys.readouterr().out.splitlines()[0]
    assert rc == 1 and head.startswith("kubelife check") and "[mutant crashloop-pending]" in head
    rc = main(["prove", "--profile", "modern", "--mutant", "eviction-fails-pod", "--preset", "modern-Always-1c",
               "--depth", "3", "--no-counts"])
    head = capsys.readouterr().out.splitlines()[0]
    assert rc == 1 and "[mutant eviction-fails-pod]" in head


# -- large configurations ----------------------------------------------------------------------------------


@pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")
def test_a_configuration_too_large_for_memory_stops_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    # The example ran minutes into a MemoryError; the budget (here small, so the test is quick)
    # stops the search in one sentence before it allocates past it.
    _usage(capsys, ["check", "--nodes", "3", "--slots", "4", "--replicas", "2", "--memory-budget", "64M"],
           "memory budget of 64.0 MiB", "shrink the configuration")


@pytest.mark.skipif(not fast.available(), reason="needs a C compiler (CI installs gcc)")
def test_engine_fast_runs_a_state_of_two_words(capsys: pytest.CaptureFixture[str]) -> None:
    # Three containers with 8-bit restart counts in two slots: 75+ bits a state, wider than one word.
    # The count is the Python explorer's for the same flags.
    assert main(["check", "--slots", "2", "--containers", "3", "--policy", "never", "--restart-cap", "255",
                 "--engine", "fast", "--no-liveness", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "fast" and out["states"] == 148_087 and out["transitions"] == 875_361


# -- Ctrl-C during Z3 work ----------------------------------------------------------------------------------


def test_ctrl_c_stops_a_bmc_search_and_reports_no_verdict() -> None:
    from kubelife.model.k8s.config import Config
    from kubelife.profiles import build, get
    from kubelife.prove import DEFAULT_TIMEOUT_MS
    from kubelife.prove_interrupt import run_interruptible

    m = build(Config.uniform(nodes=3, slots=4, replicas=2))
    ev = next(p for p in get(None).properties(m) if p.kind == "expected-violation")
    from kubelife.model.engine.symbolic import bmc

    results: list[object] = []
    started = threading.Event()

    def search() -> object:
        started.set()
        r = bmc(m.system, lambda v, o: o.not_(ev.pred(v, o)), depth=60, timeout_ms=DEFAULT_TIMEOUT_MS * 100)
        results.append(r)  # reached only if the interrupted search returned as if it had an answer
        return r

    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run_interruptible(search)
    timer.cancel()
    assert started.is_set()
    workers = [t for t in threading.enumerate() if t.name == "kubelife-z3"]
    for t in workers:
        t.join(30)  # the cancelled worker winds down on its own; it never hands back a result
    assert not any(t.is_alive() for t in workers) and results == []


def test_run_interruptible_returns_and_raises_like_the_call() -> None:
    from kubelife.prove_interrupt import run_interruptible

    assert run_interruptible(lambda: 41 + 1) == 42
    with pytest.raises(ZeroDivisionError):
        run_interruptible(lambda: 1 // 0)


def test_ctrl_c_during_prove_exits_130_without_a_verdict(tmp_path: Path) -> None:
    # A configuration whose proofs take tens of seconds; SIGINT once the command has started proving.
    # (nodes 2, slots 3 finished inside the 6 s on a quiet machine; this one runs for minutes)
    proc = subprocess.Popen([sys.executable, "-m", "kubelife", "prove", "--nodes", "4", "--slots", "6",
                             "--replicas", "3", "--depth", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    import time

    time.sleep(6)  # past start-up (imports), into the solver; the worker must be running Z3 by now
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # show where it hangs (faulthandler dumps every thread on SIGABRT)
        proc.send_signal(signal.SIGABRT)
        out, err = proc.communicate()
        pytest.fail(f"prove ignored Ctrl-C:\n{err}")
    assert proc.returncode == 130, err
    assert err.strip() == "kubelife: interrupted" and out == ""
