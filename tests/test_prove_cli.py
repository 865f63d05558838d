"""``kubelife prove`` on the command line: JSON, exit codes, bad input."""

from __future__ import annotations

import json

import pytest

from kubelife.cli import main


def test_single_config_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["prove", "--json", "--nodes", "1", "--slots", "1", "--containers", "2", "--policy", "Never",
               "--depth", "3", "--no-counts"])
    j = json.loads(capsys.readouterr().out)
    assert rc == 0 and j["ok"] is True
    assert j["rows"]["S3-Never"]["status"] == "proved"
    assert j["rows"]["S1-Always"]["status"] == "vacuous"  # does not apply to this configuration
    assert j["bmc"]["status"] == "not found" and j["bmc"]["depth"] == 3


def test_mutant_exits_1_with_a_readable_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["prove", "--mutant", "never-restarts", "--nodes", "1", "--slots", "1", "--containers", "2",
               "--policy", "Never", "--depth", "6", "--no-counts"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "REFUTED" in out and "S3-Never" in out and "nodes[n0:" in out


@pytest.mark.parametrize("depth", ["0", "61"])
def test_bad_depth(depth: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--depth", depth]) == 2
    err = capsys.readouterr().err
    assert f"--depth {depth} is out of range" in err and "Traceback" not in err


def test_modern_single_config_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["prove", "--profile", "modern", "--preset", "modern-Never-1c", "--json", "--depth", "3"])
    j = json.loads(capsys.readouterr().out)
    assert rc == 0 and j["ok"] is True
    assert j["rows"]["M-graceful-delete"]["status"] == "proved"  # a modern-only row
    assert j["rows"]["S7"]["status"] == "proved" and j["rows"]["M-backoff"]["status"] == "vacuous"
    assert j["any_containers"] == {}  # the counting proofs are the seed's


def test_modern_mutant_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["prove", "--profile", "modern", "--mutant", "eviction-fails-pod", "--preset", "modern-Always-1c",
               "--depth", "3"])
    out = capsys.readouterr().out
    assert rc == 1 and "REFUTED" in out and "S7" in out and "nodes[n0:" in out


@pytest.mark.parametrize("timeout", ["0", "5000"])
def test_bad_timeout(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--timeout", timeout]) == 2
    err = capsys.readouterr().err
    assert f"--timeout {timeout} is out of range" in err and "Traceback" not in err
