"""Headless Chromium for the browser tests, through Playwright with Debian's own Chromium.

Playwright never downloads a browser here: ``executable_path`` points at the
system's ``chromium`` (apt-get install chromium), so the tests run offline.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Run in the page: every text element's box against its node's shape, the SVG's viewport and every other label.
# Boxes are screen rectangles (transforms applied). Lines of one label share a group and are not compared.
LAYOUT_PROBE = """
(root) => {
  const svgs = root ? [...root.querySelectorAll('svg')] : [document.documentElement];
  const tol = 0.75;  // px: sub-pixel rounding between layout and rendering
  const out = [];
  const r = e => { const b = e.getBoundingClientRect(); return {x0: b.left, y0: b.top, x1: b.right, y1: b.bottom}; };
  const inside = (a, b) => a.x0 >= b.x0 - tol && a.y0 >= b.y0 - tol && a.x1 <= b.x1 + tol && a.y1 <= b.y1 + tol;
  const overlap = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > tol &&
                            Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > tol;
  svgs.forEach((svg, k) => {
    const name = svg.closest('figure') ? svg.closest('figure').id : (document.title || String(k));
    const view = r(svg);
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const labels = [];
    for (const t of texts) {
      const box = r(t);
      const g = t.closest('g.node, g.edge, g.graph');
      const what = `${name}: "${t.textContent}"`;
      if (!inside(box, view)) out.push(`${what} is clipped by the SVG viewport`);
      if (g && g.classList.contains('node')) {
        const shapes = [...g.querySelectorAll('polygon, ellipse, path')];
        if (shapes.length) {
          const s = shapes.map(r).reduce((a, b) => ({x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0),
                                                    x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1)}));
          if (!inside(box, s)) out.push(`${what} spills out of its box`);
        }
      }
      labels.push({box, g, what});
    }
    // An edge's label must not sit on a state's box either.
    const boxes = [...svg.querySelectorAll('g.node')]
      .map(g => ({g, s: [...g.querySelectorAll('polygon, ellipse, path')]}))
      .filter(n => n.s.length).map(n => ({g: n.g, box: r(n.s[0])}));
    for (const l of labels)
      if (l.g && l.g.classList.contains('edge'))
        for (const n of boxes)
          if (overlap(l.box, n.box)) out.push(`${l.what} lies on the box of ${n.g.querySelector('title').textContent}`);
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++)
        if (labels[i].g !== labels[j].g && overlap(labels[i].box, labels[j].box))
          out.push(`${labels[i].what} overlaps ${labels[j].what}`);
  });
  return {svgs: svgs.length, problems: out};
}
"""


def _skip_or_fail(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why}; .ci/run installs it")
    pytest.skip(why)


def browser_fixture() -> Iterator[Any]:
    """A Playwright Chromium browser (Debian's binary), or skip outside CI when it is missing."""
    if CHROMIUM is None:
        _skip_or_fail("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()
