"""``kubelife check --profile modern``: JSON shape, presets, mutants and one-sentence usage errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubelife.cli import main
from kubelife.profiles.modern.mutants import MODERN_MUTANTS
from kubelife.profiles.modern.rows import MODERN_ROW_IDS


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(["check", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_single_modern_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--profile", "modern", "--nodes", "1", "--slots", "1", "--inits", "1",
                         "--sidecars", "1", "--policy", "Never")
    assert code == 0 and out["ok"] and out["profile"] == "modern"
    assert list(out["rows"]) == list(MODERN_ROW_IDS)
    assert out["rows"]["M-init-fails-Never"]["status"] == "pass"
    assert out["properties"]["a sidecar is running whenever a main container is"]["status"] == "violated as expected"


def test_modern_preset_and_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--profile", "modern", "--preset", "modern-Always-1c", "--mutant", "no-backoff")
    assert code == 1 and out["rows"]["M-backoff"]["status"] == "fail"
    assert "mutant no-backoff" in out["config"]


def test_list_modern_mutants(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--profile", "modern", "--list-mutants"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in MODERN_MUTANTS)


@pytest.mark.parametrize("argv, words", [
    (["--profile", "nope"], "seed, modern"),
    (["--profile", "modern", "--mutant", "never-restarts"], "no-backoff"),
    (["--profile", "modern", "--preset", "R1"], "modern-faults"),
    (["--nodes", "1", "--inits", "1"], "--inits are not part of the seed profile; profiles that have them: modern"),
    (["--profile", "modern", "--nodes", "1", "--inits", "9"], "0-3 init containers"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") <= 2


def test_docs_carry_the_comparison_table() -> None:
    from pathlib import Path

    from kubelife.compare import comparison_markdown
    from kubelife.diff.docsync import blocks
    from kubelife.profiles import get

    # The row table is part of `kubelife diff --from seed --to modern --markdown`, which generates the section
    # (tests/test_diff.py keeps it equal to the command's output).
    text = (Path(__file__).resolve().parent.parent / "docs" / "modern.md").read_text()
    generated = dict(blocks(text))["diff --from seed --to modern --markdown"]
    assert comparison_markdown(get("modern")) in generated
