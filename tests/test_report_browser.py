"""Open the committed ``reports/index.html`` in headless Chromium: every diagram and table renders.

The page has no scripts of its own; the test renders a copy with a small probe
script appended and reads the probe's findings from ``--dump-dom``.  A
screenshot of the real page is saved under the test's tmp dir.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "reports" / "index.html"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser

_PROBE = """
<script>
window.addEventListener('load', () => {
  const figs = [...document.querySelectorAll('figure.diagram')].map(f => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    return {id: f.id, svg: !!svg, w: box ? box.width : 0, h: box ? box.height : 0,
            shapes: svg ? svg.querySelectorAll('g.node').length : 0};
  });
  const tables = [...document.querySelectorAll('table')].map(t => ({
    id: t.id, rows: t.querySelectorAll('tbody tr').length, h: t.getBoundingClientRect().height}));
  const imgs = [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0}));
  const links = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1));
  const missing = links.filter(id => !document.getElementById(id));
  const out = document.createElement('pre');
  out.id = 'kubelife-probe';
  out.textContent = JSON.stringify({figs, tables, imgs, links: links.length, missing});
  document.body.appendChild(out);
});
</script>
"""

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"  # a fresh profile per run
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def test_every_diagram_and_table_renders(chromium: str, tmp_path: Path) -> None:
    html = PAGE.read_text()
    probe = tmp_path / "index.html"
    probe.write_text(html.replace("</body>", _PROBE + "</body>"))
    dom = _chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()).stdout
    m = re.search(r'<pre id="kubelife-probe">(.*?)</pre>', dom, re.S)
    assert m, "the probe did not run: the page did not load"
    found = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                       .replace("&gt;", ">"))

    diagrams = sorted(p.stem for p in (ROOT / "reports" / "dot").glob("*.dot"))
    assert sorted(f["id"].removeprefix("diagram-") for f in found["figs"]) == diagrams
    for f in found["figs"]:
        assert f["svg"] and f["w"] > 50 and f["h"] > 50 and f["shapes"] >= 2, f
    tables = {t["id"]: t for t in found["tables"]}
    assert tables["matrix"]["rows"] == 19
    assert tables["node-rows"]["rows"] == 3
    assert tables["reading"]["rows"] >= 19
    assert all(t["rows"] > 0 and t["h"] > 0 for t in found["tables"]), found["tables"]
    assert {"checkers-table", "properties", "configs", "coverage", "coverage-totals"} <= set(tables)
    assert not [i for i in found["imgs"] if not i["ok"]]  # no broken images
    assert found["links"] > 19 and found["missing"] == []


def test_screenshot(chromium: str, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", PAGE.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
