"""The committed ``reports/`` is exactly what ``kubelife report`` writes from the committed code."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kubelife.report import write_report
from kubelife.report.render import dot_available

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "reports"


def _files(d: Path, skip: str = "modern/") -> dict[str, bytes]:
    # reports/modern/ is the modern profile's report (its own test below, -m slow: it takes minutes).
    return {k: p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and not (k := p.relative_to(d).as_posix()).startswith(skip or "\0")}


@pytest.mark.skipif(not dot_available(), reason="the committed report has SVGs, which need Graphviz dot")
def test_committed_report_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    write_report(tmp_path / "reports")
    want, got = _files(COMMITTED), _files(tmp_path / "reports")
    hint = "run `kubelife report` and commit reports/"
    assert sorted(got) == sorted(want), f"the report's file list changed; {hint}"
    for name in sorted(want):
        if got[name] != want[name]:
            diff = difflib.unified_diff(want[name].decode().splitlines(), got[name].decode().splitlines(),
                                        f"committed/{name}", f"regenerated/{name}", lineterm="", n=1)
            pytest.fail(f"reports/{name} differs from what kubelife report writes; {hint}:\n"
                        + "\n".join(list(diff)[:40]))


@pytest.mark.slow
@pytest.mark.skipif(not dot_available(), reason="the committed report has SVGs, which need Graphviz dot")
def test_committed_modern_report_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    write_report(tmp_path / "modern", profile="modern")
    want, got = _files(COMMITTED / "modern", ""), _files(tmp_path / "modern", "")
    hint = "run `kubelife report --profile modern` and commit reports/modern/"
    assert sorted(got) == sorted(want), f"the modern report's file list changed; {hint}"
    bad = [name for name in sorted(want) if got[name] != want[name]]
    assert bad == [], f"reports/modern/{bad[0] if bad else ''} differs; {hint}"
