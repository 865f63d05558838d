"""Liveness at scale: graph exploration with edge arrays, SCCs by networkx and by scipy, full check.

Prints one line per configuration: states, edges, bytes of the edge arrays, exploration
seconds, seconds for one strongly-connected-components pass with each backend (networkx
only below --nx-max edges; it needs Python objects per edge), and the whole
``check_liveness`` run (every property under every declared fairness case).

    python bench/bench_liveness.py                 # the default list
    python bench/bench_liveness.py --nodes 2 --slots 2 --replicas 2
"""

from __future__ import annotations

import argparse
import resource
import time

from kubelife.liveness import check_liveness
from kubelife.model.engine.graph import explore_graph
from kubelife.model.engine.liveness import scc_labels
from kubelife.model.k8s.config import Config
from kubelife.profiles import build

DEFAULT = [
    dict(nodes=1, slots=2, replicas=1),
    dict(nodes=2, slots=2, replicas=1),
    dict(nodes=3, slots=2, replicas=1),
]


def bench(cfg: Config, nx_max: int, full_check: bool) -> None:
    m = build(cfg)
    t = time.perf_counter()
    g = explore_graph(m.system)
    t_explore = time.perf_counter() - t
    nbytes = g.src.nbytes + g.dst.nbytes + g.tr.nbytes
    t = time.perf_counter()
    k_sp, _ = scc_labels(g.n_states, g.src, g.dst, "scipy")
    t_sp = time.perf_counter() - t
    t_nx = "-"
    if g.n_edges <= nx_max:
        t = time.perf_counter()
        k_nx, _ = scc_labels(g.n_states, g.src, g.dst, "networkx")
        t_nx = f"{time.perf_counter() - t:.2f}"
        assert k_nx == k_sp
    t_check = "-"
    if full_check:
        t = time.perf_counter()
        r = check_liveness(m, symmetry=False)
        t_check = f"{time.perf_counter() - t:.1f}" + ("" if r.ok else " (NOT OK)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{cfg.describe():62} {g.n_states:>10,} {g.n_edges:>11,} {nbytes / 2**20:>8.1f} MiB "
          f"{t_explore:>7.1f} s  scc scipy {t_sp:>6.2f} s  networkx {t_nx:>6} s  {k_sp:>9,} sccs  "
          f"check {t_check:>6} s  peak {peak:,.0f} MiB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for k in ("nodes", "slots", "replicas", "containers"):
        ap.add_argument(f"--{k}", type=int)
    ap.add_argument("--nx-max", type=int, default=2_000_000, help="skip networkx above this many edges")
    ap.add_argument("--no-check", action="store_true", help="only explore and time the SCC backends")
    a = ap.parse_args()
    given = {k: getattr(a, k) for k in ("nodes", "slots", "replicas", "containers") if getattr(a, k) is not None}
    for kw in [given] if given else DEFAULT:
        bench(Config.uniform(**kw), a.nx_max, not a.no_check)


if __name__ == "__main__":
    main()
