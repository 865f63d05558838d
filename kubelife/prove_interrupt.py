"""Ctrl-C during Z3 work: stop at once, never report an interrupted run as a verdict.

By default Z3 installs its own SIGINT handler during every check, so Ctrl-C cancels that one query
(which then reads ``unknown``, reported as a verdict) and never reaches Python; with that handler
off, a SIGINT arriving while Z3 runs in the main thread is handled only when the C call returns
(after the query's timeout, a minute or more for BMC), and arriving during ctypes' argument
conversion it surfaces as a ``ctypes.ArgumentError``.  So Z3's handler is turned off, the work runs
in a worker thread (ctypes releases the GIL during solver calls), the main thread waits on it and
takes Ctrl-C as usual, and on Ctrl-C every live Z3 context is interrupted and the worker is sent an
exception it cannot mistake for a result.
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
    waits at most half a second for it, so the command exits within a second whatever Z3 is doing.
    """
    import z3

    # Z3's own Ctrl-C handling (on by default) takes SIGINT from Python while a check runs, cancels
    # that one check and carries on: the interrupt is lost and the query reads "unknown".  Off, the
    # signal reaches the main thread, which interrupts Z3 itself.
    z3.set_param("ctrl_c", False)
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
        # Let Z3 leave its C code before the interpreter exits: its static destructors racing a running
        # solver can hang the exit.  Interrupted, it returns in milliseconds; never wait long.
        worker.join(0.5)
        raise
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
