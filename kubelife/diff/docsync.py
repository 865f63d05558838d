"""Keep the diff tables in the docs equal to what ``kubelife diff`` prints.

A generated block in a Markdown file is delimited by ``<!-- generated: kubelife diff ARGS -->`` and
``<!-- end generated -->``; :func:`sync` re-runs each command and rewrites (or, with
``check=True``, compares) its block.  ``python -m kubelife.diff.docsync docs/modern.md docs/diff.md``
regenerates them.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

__all__ = ["sync", "blocks", "output_of"]

_BLOCK = re.compile(r"(<!-- generated: kubelife (diff [^>]*?) -->\n)(.*?)(<!-- end generated -->)", re.S)


def output_of(command: str) -> str:
    """What ``kubelife COMMAND`` prints on stdout."""
    from kubelife.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(shlex.split(command))
    return buf.getvalue()


def blocks(text: str) -> list[tuple[str, str]]:
    """``(command, current content)`` of every generated block."""
    return [(m.group(2), m.group(3)) for m in _BLOCK.finditer(text)]


def sync(path: Path, check: bool = False) -> list[str]:
    """Regenerate every block of ``path``; returns the commands whose block was out of date."""
    text = path.read_text()
    stale: list[str] = []

    def fresh(m: re.Match[str]) -> str:
        out = output_of(m.group(2))
        if out != m.group(3):
            stale.append(m.group(2))
        return m.group(1) + out + m.group(4)

    new = _BLOCK.sub(fresh, text)
    if not check and new != text:
        path.write_text(new)
    return stale


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for name in sys.argv[1:]:
        for cmd in sync(Path(name)):
            print(f"{name}: regenerated `kubelife {cmd}`")
