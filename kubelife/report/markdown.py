"""``reports/README.md``: renders on any Git host; Mermaid diagrams beside links to the SVGs."""

from __future__ import annotations

from kubelife.report.content import LIFECYCLE_NOTE, Report, matrix_intro
from kubelife.report.reading import READING_HEAD
from kubelife.report.render import to_mermaid
from kubelife.report.table import ORACLE_HEAD, Cell, TableRow

__all__ = ["to_markdown"]

_READING_TEXT = ("What each row's event does in the row's situation, found by exploring the model; every entry is an "
                 "edge leaving Running on the named pod diagram.")
_MARK = {"ok": "", "bad": "**", "warn": "_", "none": "", "": ""}


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(c: Cell, links: dict[str, str]) -> str:
    m = _MARK[c.cls]
    text = f"{m}{_esc(c.text)}{m}"
    target = links.get(c.link) if c.link else None
    return f"[{text}]({target})" if target else text


def _table(head: tuple[str, ...], rows: list[TableRow], links: dict[str, str]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c, links) for c in r.cells) + " |" for r in rows]
    return [*out, ""]


def to_markdown(rep: Report, *, svg: bool, intro: list[str]) -> str:
    # Witness and counterexample cells link to the step-by-step SVG, other details to the HTML page.
    links = {t.anchor: (f"svg/{t.diagram.name}.svg" if svg else f"dot/{t.diagram.name}.dot") for t in rep.traces}
    for d in rep.lifecycles:
        links[f"diagram-{d.name}"] = f"svg/{d.name}.svg" if svg else f"dot/{d.name}.dot"
    for items in rep.details.values():
        links.update({a: f"#{a}" for a, _ in items})  # the details are at the end of this file
    lines = ["# kubelife report", "", *(x for para in intro for x in (para, "")),
             "The self-contained page is [index.html](index.html) (diagrams inlined); this file renders on any "
             "Git host.", ""]
    lines += ["## Checkers", "", *_table(rep.checkers_head, rep.checkers, links)]
    lines += ["## Scenario matrix", "", matrix_intro(rep, html=False), "",
              *_table(rep.matrix_head, rep.matrix, links),
              "A failure is in **bold**; _italics_ mark a check that reached nothing (vacuous, not hit) or could "
              "not decide (unknown).", ""]
    if rep.reading:
        lines += ["### Reading the rows on the pod diagrams", "", _READING_TEXT, "",
                  *_table(READING_HEAD, rep.reading, links)]
    lines += ["### Node lifecycle rows", "", *_table(rep.matrix_head, rep.node_rows, links)]
    lines += ["## Properties", "", *_table(rep.prop_head, rep.properties, links)]
    lines += ["## Configurations", "", *_table(rep.config_head, rep.configs, links)]
    lines += ["## Coverage", "", "Firings of each transition kind (spec section 3) by each checker.", "",
              *_table(rep.coverage_head, rep.coverage, links),
              *_table(("checker", "states and edges"), rep.coverage_totals, links)]
    if rep.oracle_traces:
        lines += ["### Traces checked by the oracle", "", *_table(ORACLE_HEAD, rep.oracle_traces, links)]
    lines += ["## Lifecycle diagrams", "", *((LIFECYCLE_NOTE, "") if not rep.lifecycles else ())]
    for d in rep.lifecycles:
        files = f"[SVG](svg/{d.name}.svg) · [DOT](dot/{d.name}.dot)" if svg else f"[DOT](dot/{d.name}.dot)"
        lines += [f"### {d.title}", "", d.caption, "", files, "", "```mermaid", to_mermaid(d).rstrip(), "```", ""]
    lines += ["## Witnesses and counterexamples, step by step", ""]
    for t in rep.traces:
        files = (f"[SVG](svg/{t.diagram.name}.svg) · [DOT](dot/{t.diagram.name}.dot)" if svg
                 else f"[DOT](dot/{t.diagram.name}.dot)")
        lines += [f"### {t.title}", "", t.caption, "", files, "", "```text", t.text, "```", ""]
    for checker, items in sorted(rep.details.items()):
        lines += [f"## {checker} details", ""]
        for anchor, text in items:
            lines += [f"<a id=\"{anchor}\"></a>", "", "```text", text, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
