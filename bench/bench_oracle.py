"""Oracle throughput on a generated API watch stream: ``python bench/bench_oracle.py [LINES]``.

The stream has many pods (Always, one container) going through scheduling,
start and crash-loop restarts, interleaved with node heartbeat updates, in
the one-line ``{"type", "object"}`` form of ``?watch=1``.  Prints lines/s;
the issue asks for one million lines in well under a minute.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubelife.model.k8s.types import (  # noqa: E402,E501
    ContainerState,
    CState,
    Exit,
    NodePhase,
    NodeState,
    PodPhase,
    PodState,
    Policy,
    Ready,
)
from kubelife.oracle import check_trace  # noqa: E402
from kubelife.oracle.render import node_object, pod_object  # noqa: E402

RC = 987654321  # placeholder restart count, replaced per line


def _pod_template(phase: PodPhase, bound: bool, state: CState, last: Exit) -> str:
    pod = PodState(True, phase, 0 if bound else None, (ContainerState(state, last, 0),))
    obj = pod_object("NAME", pod, Policy.ALWAYS, node="node-NODE" if bound else None, uid="UID", rv=0,
                     controlled=True, restarts=[RC])
    obj["metadata"]["resourceVersion"] = "RVX"
    line = json.dumps({"type": "MODIFIED", "object": obj}, separators=(",", ":"))
    line = line.replace("{", "{{").replace("}", "}}")
    return line.replace('"RVX"', '"{rv}"').replace(str(RC), "{rc}").replace("NAME", "{name}") \
        .replace("UID", "{uid}").replace("node-NODE", "node-{node}")


def generate(path: Path, lines: int, nodes: int = 50) -> None:
    R, T, W = CState.RUNNING, CState.TERMINATED, CState.WAITING
    cycle = [  # (template, restart increment)
        (_pod_template(PodPhase.RUNNING, True, T, Exit.ERROR), 0),
        (_pod_template(PodPhase.RUNNING, True, W, Exit.ERROR), 0),
        (_pod_template(PodPhase.RUNNING, True, R, Exit.ERROR), 1),
    ]
    start = [
        (_pod_template(PodPhase.PENDING, False, W, Exit.NONE).replace('"type":"MODIFIED"', '"type":"ADDED"'), 0),
        (_pod_template(PodPhase.PENDING, True, W, Exit.NONE), 0),
        (_pod_template(PodPhase.RUNNING, True, R, Exit.NONE), 0),
    ]
    node_line = json.dumps({"type": "MODIFIED", "object": node_object(
        "node-NODE", NodeState(NodePhase.RUNNING, True, Ready.TRUE, True), rv=0)}, separators=(",", ":"))
    node_line = node_line.replace("{", "{{").replace("}", "}}")
    node_line = node_line.replace('"resourceVersion":"0"', '"resourceVersion":"{rv}"')
    node_line = node_line.replace("node-NODE", "node-{node}")
    pods_alive = 2000
    rv = 1
    with open(path, "w") as f:
        out = []
        for n in range(nodes):
            rv += 1
            out.append(node_line.format(rv=rv, node=n).replace('"MODIFIED"', '"ADDED"', 1))
        state = [0] * pods_alive  # position in start + cycles
        rcs = [0] * pods_alive
        written = len(out)
        k = 0
        while written < lines:
            i = k % pods_alive
            k += 1
            if k % 40 == 0:
                rv += 1
                out.append(node_line.format(rv=rv, node=k % nodes))
                written += 1
                continue
            pos = state[i]
            tmpl, inc = start[pos] if pos < len(start) else cycle[(pos - len(start)) % len(cycle)]
            rcs[i] += inc
            state[i] = pos + 1
            rv += 1
            gen = k // (pods_alive * 60)  # pods are replaced by new ones every so often
            name = f"web-{i}-{gen}"
            out.append(tmpl.format(rv=rv, rc=rcs[i], name=name, uid=f"u{i}g{gen}", node=i % nodes))
            written += 1
            if len(out) >= 10000:
                f.write("\n".join(out) + "\n")
                out.clear()
        f.write("\n".join(out) + "\n" if out else "")


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tmp = Path(tempfile.mkdtemp(prefix="kubelife-bench-"))
    path = tmp / "watch.jsonl"
    t0 = time.perf_counter()
    generate(path, lines)
    gen_s = time.perf_counter() - t0
    size = os.path.getsize(path)
    t0, c0 = time.perf_counter(), time.process_time()
    r = check_trace(path)
    s, cpu = time.perf_counter() - t0, time.process_time() - c0
    path.unlink()
    tmp.rmdir()
    print(f"generated {r.lines:,} lines ({size / 1e6:.0f} MB) in {gen_s:.1f} s")
    print(f"checked {r.lines:,} lines, {len(r.objects):,} objects, verdict {r.verdict}, in {s:.1f} s: "
          f"{r.lines / s:,.0f} lines/s; {r.stats['searches']:,} searches")
    # Wall time suffers when other processes share the CPU; CPU time is what the oracle itself used.
    print(f"CPU time {cpu:.1f} s: {r.lines / cpu:,.0f} lines per CPU-second")


if __name__ == "__main__":
    main()
