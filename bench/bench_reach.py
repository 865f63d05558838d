"""Reach: kubelife's compiled search against SPIN on the same exported model, and the modern growth table.

For each configuration, in the same run and one after the other: SPIN's exhaustive safety search of
the Promela that ``kubelife export --format promela`` writes (``spin -a``; ``gcc -O2 -DSAFETY
-DNOREDUCE``; ``./pan``, its hash table sized for the state count), then ``kubelife check --json
--no-liveness --engine fast`` (every state, every property and scenario row; the compiled model is
cached by a warm-up run that stops at 1,000 states).  Each is a child process, so its peak memory
(RSS high-water mark) is its own.  Prints states, transitions, seconds, states/s, peak MB, bytes per
stored state (peak RSS / states) and kubelife's time and memory as fractions of SPIN's.  SPIN's
seconds are its search (its compile is not counted); kubelife's are the whole command, Python
start-up and model building included, and, in brackets, its search alone.

    python bench/bench_reach.py                             # B1, B2, the two modern configurations
    python bench/bench_reach.py --configs B1,modern-1211    # a subset
    python bench/bench_reach.py --growth --timeout 600      # modern growth table, kubelife only
    python bench/bench_reach.py --cores B1                  # one thread, two threads, two searches at once
    python bench/bench_reach.py --billion 22G               # a billion states within 22 GiB

``--cores`` measures what the second core gives: the same search on one thread and on two (the
expander on its own thread, ``KUBELIFE_THREADS``), best of three each, then two one-thread copies
at once (the bound for any split of one search; docs/scaling.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from kubelife.model.engine.narrow import narrow
from kubelife.model.engine.promela import promela_model, run_spin
from kubelife.model.k8s.config import Config
from kubelife.profiles import build

# B2 is this benchmark's larger seed configuration: four nodes (20 million states).
CONFIGS: dict[str, dict[str, Any]] = {
    "B1": dict(nodes=2, slots=3, replicas=2),
    "B2": dict(nodes=4, slots=2, replicas=1),
    "modern-1211": dict(nodes=1, slots=2, replicas=1, profile="modern", inits=1, sidecars=1),
    "modern-232": dict(nodes=2, slots=3, replicas=2, profile="modern"),
}


@dataclass
class Run:
    what: str
    states: int | None
    transitions: int | None
    seconds: float
    peak_mb: float
    search: float | None = None
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.states / self.seconds if self.states and self.seconds else None

    @property
    def bytes_per_state(self) -> float | None:
        return self.peak_mb * 2**20 / self.states if self.states else None


def cli_args(kw: dict[str, Any]) -> list[str]:
    out = []
    for k, v in kw.items():
        out += [f"--{k.replace('_', '-')}", str(v)]
    return out


def build_model(kw: dict[str, Any]) -> Any:
    return build(Config.uniform(**kw))


def kubelife_run(kw: dict[str, Any], max_states: int | None = None, timeout: float | None = None,
                 extra: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Run:
    cmd = [sys.executable, "-m", "kubelife", "check", "--json", "--no-liveness", "--engine", "fast",
           *cli_args(kw), *extra]
    if max_states:
        cmd += ["--max-states", str(max_states)]
    # Children write bytecode caches as an installed kubelife does (PYTHONDONTWRITEBYTECODE would
    # charge every run with compiling ~100 modules, a third of a second here).
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = t0 + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                return Run("kubelife", None, None, time.perf_counter() - t0, usage.ru_maxrss / 1024,
                           note=f"> {timeout:.0f} s")
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        text, etext = out.read(), err.read()
    code = os.waitstatus_to_exitcode(status)
    if code == 2:
        return Run("kubelife", None, None, seconds, usage.ru_maxrss / 1024, note=etext.strip().splitlines()[-1])
    data = json.loads(text)
    mem = data.get("memory") or {}
    note = f"engine {mem.get('peak_bytes', 0) / 2**20:,.0f} MB ({mem.get('bytes_per_state', 0):.0f} B/state)"
    if not data["ok"]:
        note += ", a property or row fails"
    return Run("kubelife", data["states"], data["transitions"], seconds, usage.ru_maxrss / 1024,
               data["seconds"], note)


def spin_run(kw: dict[str, Any], expect_states: int) -> Run:
    m = build_model(kw)
    # pan stops at 16 GB (-DMEMLIM); past it at its ~150 bytes a state, SPIN's own state compression
    # (-DCOLLAPSE, what its manual advises when memory is short) is the way to finish at all.
    collapse = expect_states * 150 > 15 * 2**30
    with tempfile.TemporaryDirectory() as wd:
        r = run_spin(promela_model(m.system, m.name), wd, cflags=("-O2", "-DCOLLAPSE") if collapse else ("-O2",),
                     hash_bits=max(18, (2 * expect_states).bit_length()), max_depth=expect_states + 10)
    facts = re.findall(r"depth reached \d+|max search depth too small|hash conflicts: [\d.e+]+", r.output)
    return Run("SPIN", _spin_count(r.output, "states, stored"), _spin_count(r.output, "transitions"), r.seconds,
               r.peak_kb / 1024, note=("-DCOLLAPSE, " if collapse else "") +
               f"compile {r.compile_seconds:.1f} s, errors {r.errors}, " + ", ".join(facts))


def _spin_count(out: str, what: str) -> int:
    """A count from pan's report, which prints large ones as floats (``2.5500902e+08 transitions``)."""
    found = re.search(r"([\d.]+(?:e[+-]?\d+)?) " + re.escape(what), out)
    if not found:
        raise RuntimeError(f"no '{what}' in pan's output:\n{out[-2000:]}")
    return round(float(found.group(1)))


HEADER = (f"  {'run':<10}{'states':>13}{'transitions':>15}{'seconds':>9}{'(search)':>9}{'states/s':>12}"
          f"{'peak MB':>9}{'B/state':>9}{'time/SPIN':>10}{'mem/SPIN':>9}")


def fmt(r: Run, spin: Run | None) -> str:
    def num(x: float | None, f: str, w: int) -> str:
        return f"{x:{w}{f}}" if x is not None else f"{'-':>{w}}"

    ratio = r.seconds / spin.seconds if spin and r is not spin and r.states else None
    mem = r.peak_mb / spin.peak_mb if spin and r is not spin and r.states else None
    return (f"  {r.what:<10}{num(r.states, ',', 13)}{num(r.transitions, ',', 15)}{r.seconds:>9.1f}"
            f"{num(r.search, '.1f', 9)}{num(r.rate, ',.0f', 12)}{r.peak_mb:>9,.0f}{num(r.bytes_per_state, '.0f', 9)}"
            f"{num(ratio, '.2f', 10)}{num(mem, '.2f', 9)}   {r.note}")


def compare(name: str, spin: bool) -> None:
    kw = CONFIGS[name]
    m = build_model(kw)
    nar = narrow(m.system)
    packed = nar.system.layout if nar is not None else m.shape.layout
    print(f"\n{name}: {' '.join(cli_args(kw))}  ({m.shape.layout.bits} bits a state; compiled narrowed to "
          f"{packed.bits} bits, {packed.words} word(s))", flush=True)
    print(HEADER)
    kubelife_run(kw, max_states=1000)  # warm-up: compiles and caches the model
    k = kubelife_run(kw)
    s = spin_run(kw, k.states or 10**7) if spin else None
    for r in (s, k):
        if r is not None:
            print(fmt(r, s), flush=True)
    if s and k.states is not None and s.states and s.transitions:
        # pan prints counts past 10^7 as floats with 8 digits; SPIN counts one more transition (into the
        # initial state).
        def same(a: int, b: int) -> str:
            return "same" if abs(a - b) <= 5e-8 * max(a, b) + 0.5 else f"DIFFERENT ({a - b:+,})"

        print(f"  SPIN against kubelife: states {same(s.states, k.states)}, transitions "
              f"{same(s.transitions, (k.transitions or 0) + 1)}")


def cores(name: str, repeat: int = 3) -> None:
    """One search on one thread, then on two (expander and inserter), best of ``repeat`` each; then
    two one-thread copies at once (what two cores give two independent searches)."""
    kw = CONFIGS[name]
    kubelife_run(kw, max_states=1000)
    print(f"\n{name}: the same search on one thread and on two (best of {repeat}); {os.cpu_count()} cores")
    best = {}
    for threads in (1, 2):
        runs = [kubelife_run(kw, env={"KUBELIFE_THREADS": str(threads)}) for _ in range(repeat)]
        best[threads] = min(runs, key=lambda r: r.search or 1e9)
        r = best[threads]
        print(f"  {threads} thread(s): search {r.search:.2f} s  ({(r.states or 0) / (r.search or 1):,.0f} states/s), "
              f"whole command {r.seconds:.2f} s")
    print(f"  two threads against one: {(best[1].search or 0) / (best[2].search or 1):.2f}x")
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--one", name], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [json.loads(p.communicate()[0]) for p in procs]
    wall = time.perf_counter() - t0
    total = sum(o["states"] / o["search"] for o in outs)
    one = (best[1].states or 0) / (best[1].search or 1)
    print(f"  two one-thread searches at once: {total:,.0f} states/s together, {total / one:.2f}x one alone "
          f"(wall {wall:.1f} s)")


def growth(timeout: float, max_states: int | None, nodes: range, slots: range, extras: list[tuple[int, int]]) -> None:
    print(f"\nModern growth (replicas 1, 1 container, Always, cap 1; a run stops after {timeout:.0f} s"
          + (f" or past {max_states:,} states" if max_states else "") + ")")
    print(f"  {'nodes':>5} {'slots':>5} {'inits':>5} {'sidecars':>8} {'bits':>5} | {'states':>13} {'transitions':>15}"
          f" {'s':>7} {'states/s':>11} {'peak MB':>8} {'B/state':>8}")
    for i, sc in extras:
        for n in nodes:
            for s in slots:
                kw = dict(nodes=n, slots=s, replicas=1, profile="modern", inits=i, sidecars=sc)
                bits = build_model(kw).shape.layout.bits
                r = kubelife_run(kw, max_states=max_states, timeout=timeout)
                st = f"{r.states:>13,}" if r.states is not None else f"{'-':>13}"
                tr = f"{r.transitions:>15,}" if r.transitions is not None else f"{'-':>15}"
                rate = f"{r.rate:>11,.0f}" if r.rate else f"{'-':>11}"
                bps = f"{r.bytes_per_state:>8.0f}" if r.bytes_per_state else f"{'-':>8}"
                print(f"  {n:>5} {s:>5} {i:>5} {sc:>8} {bits:>5} | {st} {tr} {r.seconds:>7.1f} {rate} "
                      f"{r.peak_mb:>8,.0f} {bps}   {r.note if r.states is None else ''}", flush=True)
                if r.states is None:
                    break  # more slots only grow


# Today's Kubernetes with far more than a billion states, in one 64-bit word once narrowed (57 bits):
# the run stops past BILLION stored states.
BILLION_CONFIG = dict(nodes=3, slots=3, replicas=2, profile="modern")
BILLION = 1_000_000_000


def billion(budget: str) -> None:
    """A billion states stored in one search within ``budget``: modern nodes 3, slots 3, replicas 2
    (every property and row), stopped by --max-states once it passes a billion."""
    print(f"\nA billion states: kubelife check {' '.join(cli_args(BILLION_CONFIG))} --max-states {BILLION:,} "
          f"--memory-budget {budget}", flush=True)
    r = kubelife_run(BILLION_CONFIG, max_states=BILLION, extra=("--memory-budget", budget))
    stored = r.states or (BILLION + 1 if "passed --max-states" in r.note else None)
    print(f"  {r.seconds:,.0f} s, peak RSS {r.peak_mb / 1024:,.1f} GiB"
          + (f", {r.peak_mb * 2**20 / stored:.1f} bytes a stored state" if stored else "") + f"; {r.note}")


def _range(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, of: {', '.join(CONFIGS)}")
    ap.add_argument("--no-spin", action="store_true", help="kubelife only")
    ap.add_argument("--growth", action="store_true", help="the modern growth table instead")
    ap.add_argument("--timeout", type=float, default=600, help="growth: stop a run after this many seconds")
    ap.add_argument("--max-states", type=int, default=None, help="growth: stop a run past this many states")
    ap.add_argument("--nodes", default="1-3", help="growth: node range (default 1-3)")
    ap.add_argument("--slots", default="1-4", help="growth: slot range (default 1-4)")
    ap.add_argument("--extras", default="0:0,1:0,0:1,1:1", help="growth: inits:sidecars pairs (default all of 0-1)")
    ap.add_argument("--cores", metavar="CONFIG", help="one search alone, then two at once")
    ap.add_argument("--billion", metavar="BUDGET", help="store a billion states within this memory budget (e.g. 22G)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # a child of --cores: one search, JSON figures
    a = ap.parse_args()
    if a.one:
        r = kubelife_run(CONFIGS[a.one], env={"KUBELIFE_THREADS": "1"})
        print(json.dumps({"states": r.states, "search": r.search}))
        return
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}", flush=True)
    if a.cores:
        cores(a.cores)
        return
    if a.billion:
        billion(a.billion)
        return
    if a.growth:
        extras = [tuple(int(x) for x in p.split(":")) for p in a.extras.split(",")]
        growth(a.timeout, a.max_states, _range(a.nodes), _range(a.slots), extras)  # type: ignore[arg-type]
        return
    for name in a.configs.split(","):
        compare(name.strip(), not a.no_spin)


if __name__ == "__main__":
    main()
