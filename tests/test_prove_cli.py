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


def test_other_profiles_are_refused_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--profile", "modern"]) == 2
    err = capsys.readouterr().err
    assert "--profile 'modern' is not supported by prove" in err and "Traceback" not in err
