"""Benchmark the exhaustive checker on the reference configurations.

Prints states, transitions, seconds, states/s and peak memory (RSS high-water mark of a
fresh child process per configuration, so runs do not inherit each other's peak).

    python bench/bench_check.py            # R1, R2, B1
    python bench/bench_check.py R1 R2      # a subset
"""

from __future__ import annotations

import json
import subprocess
import sys

CONFIGS = ["R1", "R2", "B1"]

CHILD = r"""
import json, resource, sys, time
from kubelife.profiles.seed.presets import preset
from kubelife.profiles import build
from kubelife.check import check_model
from kubelife.model.engine.explore import explore
name, mode = sys.argv[1], sys.argv[2]
m = build(preset(name))
t = time.perf_counter()
if mode == "full":
    r = check_model(m); ex = r.exploration
else:
    ex = explore(m.system)
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"states": ex.states, "transitions": ex.transitions, "seconds": secs, "peak_mb": peak}))
"""


def run(name: str, mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, name, mode], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main(argv: list[str]) -> None:
    names = argv or CONFIGS
    print(f"{'config':8} {'mode':14} {'states':>10} {'transitions':>12} {'seconds':>8} {'states/s':>10} {'peak MB':>8}")
    for name in names:
        for mode in ("explore-only", "full"):
            r = run(name, mode)
            rate = r["states"] / r["seconds"]
            print(f"{name:8} {mode:14} {r['states']:>10,} {r['transitions']:>12,} {r['seconds']:>8.2f} "
                  f"{rate:>10,.0f} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
