"""Every generated SVG of both profiles is legible in Chromium: no clipped, spilled or overlapping text.

The committed seed report (lifecycles and every witness and counterexample) is
checked as it is; the modern profile's lifecycle diagrams, whose report is not
committed, are generated into a tmp dir (no checkers: the step pictures are the
same generic code as the seed's).
Each SVG is opened in headless Chromium, where the probe in
:mod:`browser_support` measures the rendered text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAYOUT_PROBE, browser_fixture

from kubelife.report.render import dot_available

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from browser_fixture()


def _problems(browser: Any, svgs: list[Path]) -> list[str]:
    page = browser.new_page()
    out = []
    for f in svgs:
        page.goto(f.as_uri())
        res = page.evaluate(LAYOUT_PROBE, None)
        assert res["svgs"] == 1
        out += [f"{f.name}: {p}" for p in res["problems"]]
    page.close()
    return out


def test_the_probe_finds_a_clipped_and_an_overlapping_label(browser: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.svg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="40pt" viewBox="0 0 100 40">'
                   '<g class="graph"><g class="edge"><text x="60" y="20" font-size="14">a long label</text></g>'
                   '<g class="edge"><text x="62" y="22" font-size="14">another</text></g></g></svg>')
    found = _problems(browser, [bad])
    assert any("clipped" in p for p in found) and any("overlaps" in p for p in found), found


def test_committed_svgs_are_legible(browser: Any) -> None:
    svgs = sorted((ROOT / "reports" / "svg").glob("*.svg"))  # lifecycles, witnesses, counterexamples
    assert len(svgs) > 30
    assert _problems(browser, svgs) == []


def test_the_modern_lifecycles_are_legible(browser: Any, tmp_path: Path) -> None:
    if not dot_available():
        pytest.skip("Graphviz dot is not installed")
    from kubelife.report import write_report

    write_report(tmp_path, checkers=[], profile="modern")  # reports/modern/ is not committed: draw it here
    svgs = sorted((tmp_path / "svg").glob("*.svg"))
    assert len(svgs) == 8
    assert _problems(browser, svgs) == []


@pytest.mark.slow
def test_every_svg_of_a_full_modern_report_is_legible(browser: Any, tmp_path: Path) -> None:
    """The modern report with every checker: its witnesses and counterexamples too (about a minute)."""
    if not dot_available():
        pytest.skip("Graphviz dot is not installed")
    from kubelife.report import write_report

    write_report(tmp_path, profile="modern")
    svgs = sorted((tmp_path / "svg").glob("*.svg"))
    assert any(p.name.startswith("trace-") for p in svgs)
    assert _problems(browser, svgs) == []
