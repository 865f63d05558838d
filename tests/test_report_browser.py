"""Open the committed ``reports/index.html`` in headless Chromium: every diagram and table renders, legibly.

Driven with Playwright on Debian's Chromium (:mod:`browser_support`).  The
page itself has no scripts; the test opens every folded diagram, measures the
figures and tables, checks the in-page links, and runs the layout probe on
every inline SVG at the page's default size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAYOUT_PROBE, browser_fixture

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "reports" / "index.html"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    for browser in browser_fixture():
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.goto(PAGE.as_uri())
        pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        yield pg


def test_every_diagram_and_table_renders(page: Any) -> None:
    figs = page.evaluate("""[...document.querySelectorAll('figure.diagram')].map(f => {
        const svg = f.querySelector('svg'); const b = svg ? svg.getBoundingClientRect() : null;
        return {id: f.id, svg: !!svg, w: b ? b.width : 0, h: b ? b.height : 0,
                shapes: svg ? svg.querySelectorAll('g.node').length : 0}; })""")
    diagrams = sorted(p.stem for p in (ROOT / "reports" / "dot").glob("*.dot"))
    assert sorted(f["id"].removeprefix("diagram-") for f in figs) == diagrams
    for f in figs:
        assert f["svg"] and f["w"] > 50 and f["h"] > 50 and f["shapes"] >= 2, f
    tables = {t["id"]: t for t in page.evaluate("""[...document.querySelectorAll('table')].map(t => ({
        id: t.id, rows: t.querySelectorAll('tbody tr').length, h: t.getBoundingClientRect().height}))""")}
    assert tables["matrix"]["rows"] == 19
    assert tables["node-rows"]["rows"] == 3
    assert tables["reading"]["rows"] >= 19
    assert all(t["rows"] > 0 and t["h"] > 0 for t in tables.values()), tables
    assert {"checkers-table", "properties", "configs", "coverage", "coverage-totals"} <= set(tables)
    missing = page.evaluate("""[...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href')
        .slice(1)).filter(id => !document.getElementById(id))""")
    assert missing == []


def test_diagrams_are_drawn_at_their_own_size_and_legible(page: Any) -> None:
    # Not shrunk to the column: 11 pt labels stay 11 pt (a wide diagram scrolls inside its figure).
    scale = page.evaluate("""(() => { const s = document.querySelector('#diagram-container-Always svg');
        return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()""")
    assert scale == pytest.approx(4 / 3, rel=0.01)  # pt to CSS px
    found = page.evaluate(LAYOUT_PROBE, page.query_selector("body"))
    assert found["svgs"] > 30
    assert found["problems"] == []


def test_the_cluster_graph_is_a_summary_with_the_full_graph_a_click_away() -> None:
    html = PAGE.read_text()
    summary, full = html.index('id="diagram-cluster-R1"'), html.index('id="diagram-cluster-R1-full"')
    assert summary < full
    assert html.rfind("<details", 0, full) > html.rfind("</details>", 0, full)  # the full graph is folded
    assert html.rfind("<details", 0, summary) < html.rfind("</details>", 0, summary) or \
        html.rfind("<details", 0, summary) == -1  # the summary is not
    for pod in ("p0", "p1"):
        assert f'id="diagram-cluster-R1-{pod}"' in html
