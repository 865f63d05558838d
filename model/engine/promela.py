"""Promela backend: a transition system as a SPIN model, one atomic step per transition.

:class:`PromelaOps` prints builders as Promela expressions (``&&``, ``||``,
``!``, ``(c -> a : b)``), folding constants like every other backend.
:func:`promela_model` writes one process whose ``do`` loop offers each
transition as a ``d_step`` guarded by the transition's guard; effects are
computed into ``hidden`` temporaries first (not part of SPIN's state
vector), so every effect reads the state before the step, as the builders
mean.  The ``do`` carries an ``end`` label: a state where nothing is enabled
is a deadlock of the model, not an error of the search.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubelife.model.engine.fast_c import COps
from kubelife.model.engine.system import TransitionSystem

__all__ = ["PromelaOps", "PROMELA", "promela_model", "promela_name", "run_spin", "SpinRun"]


def _is_const(x: object) -> bool:
    return not isinstance(x, str)


def _lit(x: Any) -> str:
    return str(int(x)) if _is_const(x) else str(x)


class PromelaOps(COps):
    """C spelling for ``&&``/``||``/``!``; Promela's ``(c -> a : b)`` for conditionals."""

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if _is_const(c):
            return a if c else b
        if a == b and type(a) is type(b):
            return a
        return f"({c} -> {_lit(a)} : {_lit(b)})"

    def min_(self, a: Any, b: Any) -> Any:
        if _is_const(a) and _is_const(b):
            return min(int(a), int(b))
        return f"(({_lit(a)} < {_lit(b)}) -> {_lit(a)} : {_lit(b)})"


PROMELA = PromelaOps()


def promela_name(field: str) -> str:
    """``p0.c1.state`` -> ``p0_c1_state``."""
    return re.sub(r"\W", "_", field)


def promela_model(system: TransitionSystem, title: str = "") -> str:
    layout = system.layout
    names = [promela_name(f.name) for f in layout.fields]
    o = PROMELA
    steps: list[str] = []
    temps = 0
    for t in system.transitions:
        guard, eff = t.build(names, o)
        if guard is False:
            continue
        eff = {k: v for k, v in eff.items() if v != names[k]}
        reads = [(k, v) for k, v in sorted(eff.items()) if not _is_const(v)]
        temps = max(temps, len(reads))
        body = [f"_t{j} = {v}" for j, (_, v) in enumerate(reads)]
        body += [f"{names[k]} = _t{j}" for j, (k, _) in enumerate(reads)]
        body += [f"{names[k]} = {int(v)}" for k, v in sorted(eff.items()) if _is_const(v)]
        stmts = f"({_lit(guard)}) -> " + ("; ".join(body) if body else "skip")
        steps.append(f"    :: d_step {{ {stmts} }}  /* {t.action} */")
    out = [
        f"/* kubelife export{': ' + title if title else ''} */",
        "/* one d_step per transition; generated from the same builders as every kubelife engine */",
        "#define True 1",
        "#define False 0",
        "",
        *(f"byte {n} = {v};  /* 0..{f.size - 1} */" for n, v, f in zip(names, system.initial, layout.fields)),
        *(f"hidden byte _t{j};" for j in range(temps)),
        "",
        "active proctype cluster() {",
        "end:",
        "    do",
        *steps,
        "    od",
        "}",
        "",
    ]
    return "\n".join(out)


@dataclass
class SpinRun:
    """SPIN's own figures for one exhaustive safety search."""

    states: int
    transitions: int
    errors: int
    seconds: float  # wall time of ./pan (the search), not of spin -a or gcc
    peak_kb: int  # peak resident set of ./pan
    compile_seconds: float
    output: str


def run_spin(model: str, workdir: str | Path, *, cflags: Sequence[str] = ("-O2",), hash_bits: int = 24,
             max_depth: int = 10_000_000) -> SpinRun:
    """``spin -a``, ``gcc -DSAFETY -DNOREDUCE``, ``./pan``: exhaustive safety search, no partial-order
    reduction, so SPIN stores exactly the reachable states of the model."""
    wd = Path(workdir)
    wd.mkdir(parents=True, exist_ok=True)
    (wd / "model.pml").write_text(model)
    t0 = time.perf_counter()
    subprocess.run(["spin", "-a", "model.pml"], cwd=wd, check=True, capture_output=True, text=True)
    subprocess.run(["gcc", *cflags, "-DSAFETY", "-DNOREDUCE", "-DMEMLIM=16000", "-o", "pan", "pan.c"],
                   cwd=wd, check=True, capture_output=True, text=True)
    t1 = time.perf_counter()
    with open(wd / "pan.out", "w") as f:
        proc = subprocess.Popen(["./pan", f"-m{max_depth}", f"-w{hash_bits}"], cwd=wd, stdout=f,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: the child's own peak memory
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t1
    out = (wd / "pan.out").read_text()
    peak = usage.ru_maxrss

    def grab(pattern: str) -> int:
        found = re.search(pattern, out)
        if not found:
            raise RuntimeError(f"unexpected output from pan:\n{out[-2000:]}")
        return int(found.group(1))

    return SpinRun(grab(r"(\d+) states, stored"), grab(r"(\d+) transitions \(= stored\+matched\)"),
                   grab(r"errors: (\d+)"), seconds, peak, t1 - t0, out)
