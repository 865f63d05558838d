"""``reports/index.html``: one self-contained page (inline SVG and CSS, no scripts, no external files)."""

from __future__ import annotations

from html import escape

from kubelife.report.content import LIFECYCLE_NOTE, Report, matrix_intro
from kubelife.report.diagram import Diagram
from kubelife.report.reading import READING_HEAD
from kubelife.report.render import inline_svg
from kubelife.report.table import ORACLE_HEAD, Cell, TableRow

__all__ = ["to_html"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;
padding:1rem 2rem;color:#1f2328;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.ok{background:#dafbe1}td.bad{background:#ffebe9;font-weight:bold}
td.warn{background:#fff8c5}td.none{color:#6e7781;background:#f6f8fa}
figure.diagram{margin:1rem 0 2rem;overflow-x:auto}figure.diagram svg{max-width:none}
details.diagram{margin:.4rem 0}details.diagram>summary{cursor:pointer;color:#0969da}
figcaption{color:#57606a;font-size:.9rem;margin-bottom:.4rem}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.8rem}
nav a{margin-right:1rem}.note{color:#57606a}
"""


def _cell(c: Cell, tag: str = "td") -> str:
    attrs = f' class="{c.cls}"' if c.cls else ""
    if c.title:
        attrs += f' title="{escape(c.title)}"'
    body = escape(c.text)
    if c.link:
        body = f'<a href="#{escape(c.link)}">{body}</a>'
    return f"<{tag}{attrs}>{body}</{tag}>"


def _table(tid: str, head: tuple[str, ...], rows: list[TableRow]) -> str:
    h = "".join(f"<th>{escape(x)}</th>" for x in head)
    b = "\n".join("<tr>" + "".join(_cell(c) for c in r.cells) + "</tr>" for r in rows)
    return f'<table id="{tid}">\n<thead><tr>{h}</tr></thead>\n<tbody>\n{b}\n</tbody>\n</table>'


def _figure(d: Diagram, svgs: dict[str, str], dots: dict[str, str]) -> str:
    if d.name in svgs:
        body = inline_svg(svgs[d.name], d.name)
    else:
        body = f'<pre class="dot">{escape(dots[d.name])}</pre>'
    fig = (f'<figure class="diagram" id="diagram-{d.name}">\n<figcaption><b>{escape(d.title)}</b>. '
           f"{escape(d.caption)}</figcaption>\n{body}\n</figure>")
    if d.collapsed:  # drawn at full size, a click away (the summary above it is what a reader takes in first)
        return f'<details class="diagram"><summary>{escape(d.title)}</summary>\n{fig}\n</details>'
    return fig


def to_html(rep: Report, svgs: dict[str, str], dots: dict[str, str], *, intro: list[str]) -> str:
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>kubelife report</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        "<h1>kubelife report</h1>", *(f'<p class="note">{escape(x).replace("`", "")}</p>' for x in intro),
        '<nav><a href="#checkers">Checkers</a><a href="#matrix-section">Scenario matrix</a>'
        '<a href="#properties-section">Properties</a><a href="#configs-section">Configurations</a>'
        '<a href="#coverage-section">Coverage</a><a href="#lifecycles">Lifecycles</a>'
        '<a href="#traces">Traces</a></nav>',
    ]
    if not svgs:
        parts.append('<p class="note">No SVGs were drawn (Graphviz dot was not found); each diagram shows its DOT '
                     "source.</p>")
    parts += ['<h2 id="checkers">Checkers</h2>', _table("checkers-table", rep.checkers_head, rep.checkers)]
    parts += ['<h2 id="matrix-section">Scenario matrix</h2>',
              f"<p>{escape(matrix_intro(rep, html=True), quote=False)}</p>",
              _table("matrix", rep.matrix_head, rep.matrix),
              '<p class="note">Green: pass, holds, proved. Red: fail, violated, refuted. Yellow: reached nothing to '
              "check (vacuous, not hit) or undecided (unknown). Grey: not run.</p>"]
    if rep.reading:
        parts += ["<h3>Reading the rows on the pod diagrams</h3>",
                  "<p>What each row's event does in the row's situation, found by exploring the model; every entry "
                  "is an edge leaving Running on the named pod diagram.</p>",
                  _table("reading", READING_HEAD, rep.reading)]
    parts += ["<h3>Node lifecycle rows</h3>", _table("node-rows", rep.matrix_head, rep.node_rows)]
    parts += ['<h2 id="properties-section">Properties</h2>', _table("properties", rep.prop_head, rep.properties)]
    parts += ['<h2 id="configs-section">Configurations</h2>', _table("configs", rep.config_head, rep.configs)]
    parts += ['<h2 id="coverage-section">Coverage</h2>', "<p>Firings of each transition kind (spec section 3).</p>",
              _table("coverage", rep.coverage_head, rep.coverage),
              _table("coverage-totals", ("checker", "states and edges"), rep.coverage_totals)]
    if rep.oracle_traces:
        parts += ["<h3>Traces checked by the oracle</h3>", _table("oracle-traces", ORACLE_HEAD, rep.oracle_traces)]
    parts += ['<h2 id="lifecycles">Lifecycle diagrams</h2>', *(_figure(d, svgs, dots) for d in rep.lifecycles)]
    if not rep.lifecycles:
        parts.append(f'<p class="note">{escape(LIFECYCLE_NOTE)}</p>')
    parts += ['<h2 id="traces">Witnesses and counterexamples, step by step</h2>']
    for t in rep.traces:
        parts += [f'<section id="{t.anchor}">', f"<h3>{escape(t.title)}</h3>", _figure(t.diagram, svgs, dots),
                  f"<details><summary>steps as text</summary><pre>{escape(t.text)}</pre></details>", "</section>"]
    for checker, items in sorted(rep.details.items()):
        parts.append(f"<h2>{escape(checker)} details</h2>")
        parts += [f'<pre id="{escape(a)}">{escape(text)}</pre>' for a, text in items]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
