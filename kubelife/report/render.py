"""Drawing :class:`Diagram` data: DOT (via the ``graphviz`` package), SVG and Mermaid.

Legibility and determinism: Graphviz's layout depends on text widths, and a
browser draws the text with whatever font the name resolves to.  If the two
disagree, labels spill out of their boxes and collide.  So every label is set
in one font, DejaVu Sans (Debian's ``fonts-dejavu-core``, installed by CI),
and ``dot`` measures it with the pango plugin, i.e. with the font file the
browser will also use (measured: "R1 SuccessfulCreate" at 11 pt is 113 units
in Graphviz and 112.9 px in Chromium).  ``dot`` runs with a private plugin
directory (core, dot layout, pango) so that no other plugin changes the
output; with the same Graphviz and DejaVu Sans the bytes are identical on any
machine.  The SVG names fallbacks of similar width (Verdana, from which
DejaVu's metrics descend) for readers without DejaVu.  The version banner is
stripped.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import graphviz

from kubelife.report.diagram import START, Diagram

__all__ = ["to_dot", "to_mermaid", "dot_available", "render_svg", "inline_svg", "SVG_HINT"]

SVG_HINT = ("Graphviz 'dot' is not on PATH, so no SVGs were drawn (DOT, Markdown and HTML were written); "
            "install Graphviz (Debian: apt-get install graphviz) and run kubelife report again.")

_FONT = "DejaVu Sans"
_SVG_FONTS = '"DejaVu Sans",Verdana,sans-serif'
_NODE_STYLE = {
    "": {},
    "terminal": {"peripheries": "2"},
    "absent": {"style": "rounded,dashed", "color": "gray45", "fontcolor": "gray30"},
    "initial": {"style": "rounded,filled", "fillcolor": "gray92"},
    "focus": {"style": "rounded,filled", "fillcolor": "#dbeafe", "color": "#1d4ed8"},
    "bad": {"style": "rounded,filled", "fillcolor": "#fee2e2", "color": "#b91c1c"},
}
_EDGE_STYLE = {
    "": {},
    "focus": {"color": "#1d4ed8", "fontcolor": "#1d4ed8", "penwidth": "2"},
    "bad": {"color": "#b91c1c", "fontcolor": "#b91c1c", "penwidth": "2"},
}


def _dot_text(text: str, left: bool) -> str:
    # The graphviz package quotes but keeps backslash escapes: \l ends a left-justified line.
    text = text.replace("\\", "/").replace('"', "'")
    if left:
        return text.replace("\n", "\\l") + "\\l"
    return text.replace("\n", "\\n")


def to_dot(d: Diagram) -> str:
    """DOT source; nodes and edges in the diagram's (sorted) order, so the bytes are stable."""
    g = graphviz.Digraph(d.name, comment=None)
    g.attr(rankdir="TB", fontname=_FONT, label=_dot_text(d.title, False), labelloc="t", fontsize="14",
           nodesep="0.35", ranksep="0.45")
    g.attr("node", shape="box", style="rounded", fontname=_FONT, fontsize="11", margin="0.12,0.06")
    g.attr("edge", fontname=_FONT, fontsize="9", arrowsize="0.7")
    if d.initial:
        g.node(START, label="", shape="point", width="0.15")
    for n in d.nodes:
        g.node(n.id, label=_dot_text(n.label, d.chain), **_NODE_STYLE[n.style])
    for i in d.initial:
        g.edge(START, i)
    for e in d.edges:
        g.edge(e.src, e.dst, label=_dot_text(e.label, d.chain), **_EDGE_STYLE[e.style])
    return g.source


# -- SVG --------------------------------------------------------------------------------

_PLUGIN_DIRS = ("/usr/lib/x86_64-linux-gnu/graphviz", "/usr/lib/aarch64-linux-gnu/graphviz", "/usr/lib64/graphviz",
                "/usr/lib/graphviz", "/usr/local/lib/graphviz", "/opt/homebrew/lib/graphviz")


def dot_available() -> bool:
    return shutil.which("dot") is not None


@functools.cache
def _plugin_dir() -> str | None:
    """A private GVBINDIR with only the core, dot-layout and pango plugins (pango measures the real font)."""
    for base in _PLUGIN_DIRS:
        src = Path(base)
        wanted = re.compile(r"libgvplugin_(core|dot_layout|pango)\.")
        picks = [p for p in sorted(src.glob("libgvplugin_*")) if wanted.match(p.name)]
        if not picks:
            continue
        out = Path(tempfile.mkdtemp(prefix="kubelife-gv-"))
        atexit.register(shutil.rmtree, out, True)
        for p in picks:
            (out / p.name).symlink_to(p)
        dot = shutil.which("dot")
        assert dot is not None
        done = subprocess.run([dot, "-c"], env={**os.environ, "GVBINDIR": str(out)}, capture_output=True)
        if done.returncode == 0:
            return str(out)
    return None


def render_svg(dot_source: str) -> str:
    """SVG text for DOT source; requires :func:`dot_available`."""
    dot = shutil.which("dot")
    if dot is None:
        raise FileNotFoundError("dot")
    env = dict(os.environ)
    plugins = _plugin_dir()
    if plugins is not None:
        env["GVBINDIR"] = plugins
    done = subprocess.run([dot, "-Tsvg"], input=dot_source.encode(), env=env, capture_output=True, check=True)
    svg = done.stdout.decode()
    svg = svg.replace(f'font-family="{_FONT}"', f"font-family='{_SVG_FONTS}'")
    return re.sub(r"<!-- Generated by graphviz version[^>]*-->\n", "", svg)


def inline_svg(svg: str, prefix: str) -> str:
    """The ``<svg>`` element alone, with element ids made unique within a page."""
    start = svg.index("<svg")
    body = svg[start:]
    body = re.sub(r'\bid="', f'id="{prefix}-', body)
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S).strip()


# -- Mermaid ----------------------------------------------------------------------------

def _mid(nid: str) -> str:
    return "s_" + re.sub(r"[^A-Za-z0-9_]", "_", nid)


def _mtext(text: str) -> str:
    return re.sub(r"[:;#\"`{}<>]", " ", text).replace("\n", ", ").strip()


def to_mermaid(d: Diagram) -> str:
    """A Mermaid ``stateDiagram-v2`` of the same nodes and edges (renders on GitHub/GitLab)."""
    lines = ["stateDiagram-v2"]
    for n in d.nodes:
        lines.append(f'    state "{_mtext(n.label)}" as {_mid(n.id)}')
    for i in d.initial:
        lines.append(f"    [*] --> {_mid(i)}")
    for e in d.edges:
        lines.append(f"    {_mid(e.src)} --> {_mid(e.dst)} : {_mtext(e.label)}")
    return "\n".join(lines) + "\n"
