"""``kubelife report --profile modern``: the modern rows, by checker, in their own directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelife.cli import main
from kubelife.profiles import rows_for

MODERN_IDS = [r.id for r in rows_for("modern")]


def test_modern_report_lists_every_modern_row_with_a_verdict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--profile", "modern", "--checkers", "exhaustive"]) == 0
    out = tmp_path / "reports" / "modern"  # the default --out for this profile
    assert str(Path("reports") / "modern") in capsys.readouterr().out
    data = json.loads((out / "results.json").read_text())
    assert data["exhaustive"]["ran"] and data["exhaustive"]["note"] == "modern default suite"
    assert not data["z3"]["ran"] and data["z3"]["note"] == "not requested"
    verdicts = data["exhaustive"]["rows"]
    assert sorted(verdicts) == sorted(MODERN_IDS)
    assert all(verdicts[i]["status"] in ("pass", "fail", "vacuous") for i in MODERN_IDS), verdicts
    assert any(i.startswith("M-") for i in MODERN_IDS)
    md = (out / "README.md").read_text()
    for rid in MODERN_IDS:  # each row's matrix line carries the exhaustive verdict, then "not run" for Z3
        line = next(x for x in md.splitlines() if x.startswith(f"| {rid} |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert verdicts[rid]["status"] in cells[3], line
        assert cells[4] == "not run", line
    assert "## Lifecycle diagrams" in md and "modern-pod-Never" in md and "modern-init-sidecar-Never" in md
    assert not (tmp_path / "reports" / "README.md").exists()  # the seed report is not touched


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--profile", "future", "--out", str(tmp_path)]) == 2
    assert "--profile 'future' is not known" in capsys.readouterr().err
