"""Diagrams as small immutable data, independent of how they are drawn.

A :class:`Diagram` is a set of :class:`DNode` and :class:`DEdge` with string
ids.  Everything is kept sorted so that every renderer (DOT, Mermaid, HTML)
produces the same bytes for the same model: the report diffs cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DNode", "DEdge", "Diagram", "START"]

START = "__start__"  # the pseudo-state an initial edge leaves from


@dataclass(frozen=True, order=True)
class DNode:
    id: str
    label: str
    style: str = ""  # "", "terminal", "initial", "bad", "absent", "focus"


@dataclass(frozen=True, order=True)
class DEdge:
    src: str
    dst: str
    label: str
    count: int = 0  # concrete model edges behind this projected edge (0: not counted)
    style: str = ""  # "", "bad", "focus"


@dataclass(frozen=True)
class Diagram:
    """A named state diagram; ``rank`` orders node ids for the layout (top to bottom)."""

    name: str  # file stem: letters, digits, '-'
    title: str
    caption: str
    nodes: tuple[DNode, ...]
    edges: tuple[DEdge, ...]
    initial: tuple[str, ...] = ()
    chain: bool = False  # a step-by-step trace, laid out left to right
    notes: tuple[str, ...] = field(default=())
    collapsed: bool = False  # a detail view (a focus or the full graph): the HTML page shows it a click away

    @staticmethod
    def make(name: str, title: str, caption: str, nodes: dict[str, DNode], edges: list[DEdge],
             initial: tuple[str, ...] = (), chain: bool = False, notes: tuple[str, ...] = (),
             collapsed: bool = False) -> Diagram:
        ns = tuple(nodes.values()) if chain else tuple(sorted(nodes.values()))
        es = tuple(edges) if chain else tuple(sorted(edges))
        return Diagram(name, title, caption, ns, es, tuple(sorted(initial)), chain, notes, collapsed)

    def node(self, nid: str) -> DNode:
        for n in self.nodes:
            if n.id == nid:
                return n
        raise KeyError(nid)
