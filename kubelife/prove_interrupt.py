"""Ctrl-C during Z3 work: stop at once, never report an interrupted run as a verdict.

A SIGINT that arrives while Z3 runs in the main thread is handled only when the C call returns
(after the query's timeout, a minute or more for BMC); arriving during ctypes' argument conversion
it surfaces as a ``ctypes.ArgumentError``; and a solver that sees it returns ``unknown``, which the
caller would report as a verdict.  So the work runs in a worker thread (ctypes releases the GIL
during solver calls), the main thread waits on it and takes Ctrl-C as usual, and on Ctrl-C every
live Z3 context is interrupted and the worker is sent an exception it cannot mistake for a result.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["run_interruptible", "Cancelled", "interrupt_z3"]

T = TypeVar("T")


class Cancelled(BaseException):
    """Raised inside the worker after Ctrl-C; a ``BaseException`` so no ``except Exception`` keeps it."""


def interrupt_z3() -> int:
    """Interrupt every live Z3 context (its running check returns at once); how many there were."""
    import z3

    contexts = [o for o in gc.get_objects() if isinstance(o, z3.Context)]
    for ctx in contexts:
        try:
            ctx.interrupt()
        except Exception:  # a context being torn down by the worker at the same moment
            pass
    return len(contexts)


def _quiet_unraisable(hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def quiet(info: Any) -> None:
        if not isinstance(info.exc_value, Cancelled):
            hook(info)
    quiet.kubelife_quiet = True  # type: ignore[attr-defined]
    return quiet


def _cancel(thread: threading.Thread) -> None:
    # Cancelled may land in a finaliser (z3's __del__), which Python reports as "Exception ignored".
    if not getattr(sys.unraisablehook, "kubelife_quiet", False):
        sys.unraisablehook = _quiet_unraisable(sys.unraisablehook)
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(Cancelled))
    interrupt_z3()


def run_interruptible(work: Callable[[], T], poll: float = 0.05) -> T:
    """``work()`` in a worker thread; its result or exception, or ``KeyboardInterrupt`` on Ctrl-C.

    On Ctrl-C the worker is cancelled (Z3 interrupted, :class:`Cancelled` raised in it) and the call
    returns without waiting for it, so the command exits within a second whatever Z3 is doing.
    """
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as e:  # noqa: BLE001 - handed to the caller, or dropped after Ctrl-C
            box["error"] = e

    worker = threading.Thread(target=target, name="kubelife-z3", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(poll)
    except KeyboardInterrupt:
        _cancel(worker)
        raise
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
