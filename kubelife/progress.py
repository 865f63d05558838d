"""A live progress line for long explorations (terminal only)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import Progress, TextColumn, TimeElapsedColumn

from kubelife.model.engine.explore import Progress as ProgressFn

__all__ = ["exploration_progress"]


@contextmanager
def exploration_progress(label: str, enabled: bool = True) -> Iterator[ProgressFn | None]:
    """Yields a callback for :func:`kubelife.model.engine.explore.explore`, or ``None`` when not on a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    cols = (TextColumn("[bold]{task.description}"), TextColumn("{task.fields[info]}"), TimeElapsedColumn())
    with Progress(*cols, transient=True) as bar:
        task = bar.add_task(label, info="")

        def update(states: int, transitions: int, queue: int, seconds: float) -> None:
            rate = states / seconds if seconds > 0 else 0.0
            bar.update(task, info=f"{states:,} states  {rate:,.0f} states/s  queue {queue:,}  "
                                  f"{transitions:,} transitions")

        yield update
