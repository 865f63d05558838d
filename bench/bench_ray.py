"""Single machine vs Ray with 1 and 2 workers on one configuration (default B1, issue 10).

Each run is a fresh subprocess, so peak memory is its own.  Prints, per
engine: states, seconds of exploration, states/s, the time against the
single-machine fast engine (compiled C, the default), bytes sent per state
(between partitions: the driver carries none) and peak memory per
worker.  Ray's seconds start once the actors are up and the model is
compiled, as on a running cluster; the fast engine's are its search alone.
Usage: ``python bench/bench_ray.py [--preset B1] [--symmetry] [--workers 1 2] [--repeat 3] [--python]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any


def _one(kind: str, preset_name: str, symmetry: bool, workers: int) -> dict[str, Any]:
    from kubelife.check import check_model
    from kubelife.profiles import build
    from kubelife.profiles.seed.presets import preset

    m = build(preset(preset_name))
    t0 = time.perf_counter()
    if kind == "ray":
        import ray

        from kubelife.ray_engine import check_model_ray

        ray.init(num_cpus=workers, logging_level="ERROR", log_to_driver=False, include_dashboard=False)
        # As on a running cluster: actors up and the model compiled once (R1 then B1 is what a
        # suite does); their start-up is Ray's, not the search's.
        check_model_ray(build(preset("R1")), workers=workers, symmetry=symmetry)
        from kubelife.model.engine.distributed.native import native_core
        from kubelife.ray_engine import _problem

        native_core(m.system, _problem(m.config, m.semantics, symmetry).native)  # B1's C core, cached
        r = check_model_ray(m, workers=workers, symmetry=symmetry)
    else:
        r = check_model(m, engine=kind, symmetry=symmetry)
    wall = time.perf_counter() - t0
    ex = r.exploration
    out: dict[str, Any] = {"engine": kind, "workers": workers, "states": ex.states, "transitions": ex.transitions,
                           "seconds": ex.seconds, "wall": wall, "layout_bits": m.shape.layout.bits,
                           "driver_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                           "ok": r.ok, "verdicts": {p.name: p.status for p in r.properties}}
    if kind == "ray":
        out["ray"] = r.meta["ray"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--preset", default="B1")
    ap.add_argument("--symmetry", action="store_true", help="canonicalise states (default: full state space)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="rounds of every engine, alternating (default 3)")
    ap.add_argument("--python", action="store_true", help="also time the reference Python explorer (minutes on B1)")
    ap.add_argument("--one", nargs=2, metavar=("ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(_one(a.one[0], a.preset, a.symmetry, int(a.one[1]))))
        return
    runs = [("fast", 1)] + ([("python", 1)] if a.python else []) + [("ray", w) for w in a.workers]
    print(f"configuration {a.preset}, symmetry {'on' if a.symmetry else 'off'}, {os.cpu_count()} cores, "
          f"{a.repeat} rounds, load average at start {os.getloadavg()[0]:.1f}", flush=True)
    # Rounds alternate the engines, so a slow spell of a shared host hits them alike; each line is a
    # run, and the summary compares medians (and best runs) of the same rounds.
    seconds: dict[tuple[str, int], list[float]] = {run: [] for run in runs}
    base: dict[str, Any] | None = None
    for rnd in range(1, a.repeat + 1):
        for kind, w in runs:
            cmd = [sys.executable, __file__, "--preset", a.preset, "--one", kind, str(w)] + (
                ["--symmetry"] if a.symmetry else [])
            r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
            seconds[kind, w].append(r["seconds"])
            print(f"round {rnd}  {_line(kind, w, r)}", flush=True)
            if base is None:
                base = r
            elif (r["states"], r["verdicts"]) != (base["states"], base["verdicts"]):
                print(f"  MISMATCH with {runs[0][0]}: states {r['states']} vs {base['states']}", flush=True)
    fast = seconds["fast", 1]
    for (kind, w), ts in seconds.items():
        label = f"ray x{w}" if kind == "ray" else kind
        print(f"{label:8} median {statistics.median(ts):5.2f} s  best {min(ts):5.2f} s"
              f"  = {statistics.median(ts) / statistics.median(fast):4.2f}x the fast engine's median"
              f" ({min(ts) / min(fast):4.2f}x its best)")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


def _line(kind: str, w: int, r: dict[str, Any]) -> str:
    label = f"ray x{w}" if kind == "ray" else kind
    line = f"{label:8} {r['states']:>10,} states  {r['seconds']:6.2f} s  {r['states'] / r['seconds']:>9,.0f} states/s"
    if kind != "ray":
        return line + f"  peak RSS {r['driver_rss'] / 2**20:,.0f} MiB"
    parts = r["ray"]["partitions"]
    sent = sum(p["bytes_out"] for p in parts) / r["states"]
    peak = max(p["peak_rss"] for p in parts) / 2**20
    held = max(p["held_bytes"] for p in parts) / 2**20
    return line + (f"  sent {sent:5.1f} B/state between partitions, none via the driver"
                   f" (state = {-(-r['layout_bits'] // 64) * 8} B)  peak RSS/worker {peak:,.0f} MiB"
                   f" (search data {held:,.0f} MiB)  driver {r['driver_rss'] / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
