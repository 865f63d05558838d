"""Per-proof times of ``kubelife prove``, and BMC beyond what enumeration comfortably reaches.

    python bench/bench_prove.py            # prove suite + BMC on nodes 2 slots 2 and nodes 3 slots 3
    python bench/bench_prove.py --quick    # prove suite only

Prints wall and CPU seconds: on a shared machine the wall clock can be several
times the CPU time, and the CPU time is what the proofs cost.
"""

from __future__ import annotations

import argparse
import time

from kubelife.model.engine.symbolic import bmc
from kubelife.model.k8s.config import Config
from kubelife.profiles import build
from kubelife.profiles.seed.properties import EXPECTED_VIOLATION, properties_for
from kubelife.prove import prove_all


def _bmc_line(cfg: Config, depth: int, bitvectors: bool) -> str:
    m = build(cfg)
    ev = next(p for p in properties_for(m) if p.name == EXPECTED_VIOLATION)
    wall, cpu = time.perf_counter(), time.process_time()
    r = bmc(m.system, lambda v, o: o.not_(ev.pred(v, o)), depth=depth, bitvectors=bitvectors)
    found = f"shortest counterexample {r.depth} steps" if r.found else f"{r.status} within depth {depth}"
    return (f"  {cfg.describe():60} {'bit-vector' if bitvectors else 'integer':10} {found:34} "
            f"{time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s cpu")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the deep BMC runs")
    args = ap.parse_args()

    wall, cpu = time.perf_counter(), time.process_time()
    r = prove_all()
    print(f"kubelife prove (prove suite): ok={r.ok}  {time.perf_counter() - wall:.2f} s wall  "
          f"{time.process_time() - cpu:.2f} s cpu")
    for c in r.configs:
        print(f"  config {c.model.name:40} {c.seconds:7.3f} s")
    for title, group in (("rows", r.rows), ("properties", r.properties), ("strengthening", r.auxiliary),
                         ("any number of containers", r.any_containers)):
        print(f"{title}:")
        for name, v in sorted(group.items(), key=lambda kv: -kv[1].seconds):
            print(f"  {v.seconds:8.3f} s  {v.status:20} {name}")
    if args.quick:
        return
    print("BMC, expected violation (explicit checker: 10 steps on nodes 2 slots 2; "
          "13 steps on nodes 3 slots 3 replicas 2, 3,159,436 states):")
    print(_bmc_line(Config.uniform(nodes=2, slots=2, replicas=1), 12, True))
    print(_bmc_line(Config.uniform(nodes=2, slots=2, replicas=1), 12, False))
    print(_bmc_line(Config.uniform(nodes=3, slots=3, replicas=2), 14, True))
    print(_bmc_line(Config.uniform(nodes=3, slots=4, replicas=2), 14, True))


if __name__ == "__main__":
    main()
