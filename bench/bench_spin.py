"""kubelife against SPIN on the same model, in the same run.

For each configuration: SPIN's exhaustive safety search of the exported
Promela model (``spin -a``; ``gcc -O2 -DSAFETY -DNOREDUCE``; ``./pan``) and
``kubelife check`` (fast engine, ``--symmetry``; and the default, every state),
each as a child process so its peak memory is its own.  Prints states,
seconds, states/s, peak memory and kubelife's time as a fraction of SPIN's.

SPIN's seconds are its search only (its compile is not counted); kubelife's
are the whole command, Python start-up included, after one warm-up run that
fills the compiled-model cache.  kubelife also checks every property and
scenario row on the way; SPIN checks nothing but deadlock freedom (switched
off by the ``end`` label), so the comparison favours SPIN.  The default run
checks liveness too when the configuration has at most
``--liveness-max-states`` states (1,000,000), which B1 is over; the growth
table times the safety search alone (``--no-liveness``).

    python bench/bench_spin.py                      # B1
    python bench/bench_spin.py --configs R2,B1
    python bench/bench_spin.py --growth             # nodes 1-4 x slots 2-6, kubelife only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from kubelife.model.engine.promela import promela_model, run_spin
from kubelife.model.k8s.config import Config
from kubelife.profiles import build
from kubelife.profiles.seed.presets import preset


@dataclass
class Run:
    what: str
    states: int | None
    seconds: float
    peak_mb: float
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.states / self.seconds if self.states and self.seconds else None


def kubelife_run(args: list[str], label: str, max_states: int | None = None) -> Run:
    cmd = [sys.executable, "-m", "kubelife", "check", "--json", *args]
    if max_states:
        cmd += ["--max-states", str(max_states)]
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        out.seek(0)
        text = out.read()
    if proc.returncode == 2:
        return Run(label, None, seconds, usage.ru_maxrss / 1024, f"> {max_states} states")
    data = json.loads(text)
    note = f"explore {data['seconds']:.1f}s, {data['engine']}"
    if data["symmetry"]["on"]:
        note += f", group {data['symmetry']['group_size']}"
    if not data["ok"]:
        note += ", NOT OK"
    return Run(label, data["states"], seconds, usage.ru_maxrss / 1024, note)


def spin_run(cfg: Config, hash_bits: int, max_depth: int) -> Run:
    m = build(cfg)
    with tempfile.TemporaryDirectory() as wd:
        r = run_spin(promela_model(m.system, m.name), wd, cflags=("-O2",), hash_bits=hash_bits,
                     max_depth=max_depth)  # a DFS is never deeper than the state count
    return Run("SPIN -O2 safety", r.states, r.seconds, r.peak_kb / 1024, f"compile {r.compile_seconds:.1f}s")


def config_args(cfg: Config) -> list[str]:
    if cfg.name:
        return ["--preset", cfg.name]
    s = cfg.slots[0]
    return ["--nodes", str(cfg.nodes), "--slots", str(len(cfg.slots)), "--replicas", str(cfg.replicas),
            "--containers", str(s.containers), "--policy", s.policy.label, "--restart-cap", str(cfg.restart_cap)]


def fmt(r: Run, spin: Run | None) -> str:
    states = f"{r.states:>11,}" if r.states is not None else f"{'-':>11}"
    rate = f"{r.rate:>12,.0f}" if r.rate else f"{'-':>12}"
    ratio = f"{r.seconds / spin.seconds:>7.2f}" if spin and spin is not r and r.states else f"{'':>7}"
    return f"  {r.what:<26}{states}{r.seconds:>10.1f}{rate}{r.peak_mb:>10.0f}{ratio}   {r.note}"


HEADER = f"  {'run':<26}{'states':>11}{'seconds':>10}{'states/s':>12}{'peak MB':>10}{'k/SPIN':>7}"


def compare(cfg: Config, spin: bool) -> None:
    print(f"\n{cfg.describe()}  ({cfg.nodes} nodes, {len(cfg.slots)} slots)")
    print(HEADER)
    args = config_args(cfg)
    kubelife_run(args, "warm-up")  # fills the compiled-model cache
    full = kubelife_run(args, "kubelife (default)")
    default = kubelife_run([*args, "--symmetry"], "kubelife --symmetry")
    # SPIN's hash table sized for the state count (load about 1/2), so its memory is not inflated.
    s = spin_run(cfg, max(18, (2 * (full.states or 1)).bit_length()), (full.states or 10**7) + 10) if spin else None
    for r in (s, default, full):
        if r is not None:
            print(fmt(r, s), flush=True)


def growth(max_states: int, node_range: range, slot_range: range) -> None:
    print(f"\nGrowth (replicas 1, 1 container, Always, cap 1; runs stop past {max_states:,} states)")
    print(f"  {'nodes':>5} {'slots':>5} | {'states':>11} {'s':>7} {'MB':>6} | {'sym states':>11} {'s':>7} {'MB':>6}")
    for nodes in node_range:
        for slots in slot_range:
            cfg = Config.uniform(nodes=nodes, slots=slots, replicas=1)
            args = config_args(cfg)
            bits = build(cfg).shape.layout.bits
            if bits > 63:  # the compiled engine packs states in 63 bits; Python would take hours here
                print(f"  {nodes:>5} {slots:>5} | a state needs {bits} bits: past the compiled engine, not run",
                      flush=True)
                continue
            # The safety search only: liveness would add its own (much larger) cost on the small cells.
            off = kubelife_run([*args, "--no-liveness"], "off", max_states)
            on = kubelife_run([*args, "--symmetry", "--no-liveness"], "on", max_states)

            def cell(r: Run) -> str:
                st = f"{r.states:>11,}" if r.states is not None else f"{'>' + format(max_states, ','):>11}"
                return f"{st} {r.seconds:>7.1f} {r.peak_mb:>6.0f}"

            print(f"  {nodes:>5} {slots:>5} | {cell(off)} | {cell(on)}", flush=True)


def _range(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--configs", default="B1", help="comma-separated preset names (default B1)")
    ap.add_argument("--no-spin", action="store_true", help="kubelife only")
    ap.add_argument("--growth", action="store_true", help="print the nodes x slots growth table instead")
    ap.add_argument("--max-states", type=int, default=20_000_000, help="growth table: stop a run past this")
    ap.add_argument("--nodes", default="1-4", help="growth table: node range (default 1-4)")
    ap.add_argument("--slots", default="2-6", help="growth table: slot range (default 2-6)")
    a = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    if a.growth:
        growth(a.max_states, _range(a.nodes), _range(a.slots))
        return
    for name in a.configs.split(","):
        compare(preset(name.strip()), not a.no_spin)


if __name__ == "__main__":
    main()
