"""Oracle speed: ``python bench/bench_oracle.py [LINES]``, ``--forms [N ...]`` and ``--latency [TRIALS]``.

Without ``--forms``: a generated API watch stream with many pods (Always, one container) going
through scheduling, start and crash-loop restarts, interleaved with node heartbeat updates, in the
one-line ``{"type", "object"}`` form of ``?watch=1``.  Prints lines/s; the issue asks for one
million lines in well under a minute.

With ``--forms``: N realistic pods (``tests/data/realistic/pod.json``: managed fields, conditions,
container statuses) in every form the oracle reads (watch lines, a compact List, an indented
``kubectl get pods -o json`` List, ``kubectl get pods -w -o json`` indented objects one after
another, the Python client's snake_case ``to_dict()`` objects one per line, and a snake_case List
indented as ``json.dumps(indent=2)`` writes it), for each N (default 1,000, 3,000 and 10,000).
Prints CPU seconds and objects/s per form, for reading alone and for the whole oracle; linear
reading shows as the same objects/s at every N.

With ``--latency [TRIALS]``: ``kubelife oracle -`` in a subprocess reading indented objects from a
pipe, as from ``kubectl get pods -w -o json``; prints the seconds from writing each violating object
to reading its violation back (the issue asks for under a second).
"""

from __future__ import annotations

import gc
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
from kubelife.profiles.seed.render import node_object, pod_object  # noqa: E402

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


REALISTIC = Path(__file__).resolve().parents[1] / "tests" / "data" / "realistic" / "pod.json"
_DATA_MAPS = frozenset({"labels", "annotations", "capacity", "allocatable", "requests", "limits", "nodeSelector",
                        "fieldsV1"})


def _snake_key(k: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in k).replace("i_p", "ip")


def _snake(v: object, parent: str = "") -> object:
    """The Python client's ``to_dict()`` form: snake_case keys (data maps kept), unset fields as None."""
    if isinstance(v, dict):
        if parent in _DATA_MAPS:
            return dict(v)
        out = {_snake_key(k): _snake(x, k) for k, x in v.items()}
        if parent == "metadata":
            out.update({"deletion_timestamp": None, "finalizers": None, "generation": None})
        return out
    if isinstance(v, list):
        return [_snake(x, parent) for x in v]
    return v


def _pods(n: int) -> list[dict]:
    base = json.loads(REALISTIC.read_text())
    out = []
    for i in range(n):
        p = json.loads(json.dumps(base))
        md = p["metadata"]
        md["name"], md["uid"], md["resourceVersion"] = f"web-{i:05d}", f"uid-{i:05d}", str(100_000 + i)
        p["spec"]["nodeName"] = f"worker-{i % 50}"
        out.append(p)
    return out


FORMS = ("watch", "list-compact", "list-indented", "kubectl-w", "client-snake", "list-snake-indented")


def write_form(path: Path, form: str, pods: list[dict]) -> None:
    def listed(items: list) -> dict:
        return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}

    with open(path, "w") as f:
        if form == "watch":
            f.writelines(json.dumps({"type": "ADDED", "object": p}, separators=(",", ":")) + "\n" for p in pods)
        elif form == "list-compact":
            f.write(json.dumps(listed(pods), separators=(",", ":")) + "\n")
        elif form == "list-indented":
            f.write(json.dumps(listed(pods), indent=4) + "\n")
        elif form == "kubectl-w":
            f.writelines(json.dumps(p, indent=4) + "\n" for p in pods)
        elif form == "client-snake":
            f.writelines(json.dumps(_snake(p)) + "\n" for p in pods)
        elif form == "list-snake-indented":
            f.write(json.dumps(_snake({"api_version": "v1", "items": pods, "kind": "PodList",
                                       "metadata": {"resource_version": ""}}), indent=2) + "\n")


def forms(sizes: list[int]) -> None:
    from kubelife.oracle.readers import Record, read_records

    tmp = Path(tempfile.mkdtemp(prefix="kubelife-bench-"))
    # CPU seconds: on a machine shared with other work they vary far less than the wall clock.
    print(f"{'form':<20} {'pods':>7} {'MB':>6} {'read s':>8} {'read obj/s':>11} {'oracle s':>9} {'oracle obj/s':>13}"
          "   (CPU seconds)")
    try:
        for n in sizes:
            pods = _pods(n)
            for form in FORMS:
                write_form(tmp / f"{form}.json", form, pods)
            del pods  # a million live objects would make every garbage collection of the runs below slower
            gc.collect()
            for form in FORMS:
                path = tmp / f"{form}.json"
                t0 = time.process_time()
                with open(path, "rb") as f:
                    got = sum(1 for x in read_records(f)[1] if isinstance(x, Record) and x.kind == "Pod")
                read_s = time.process_time() - t0
                t0 = time.process_time()
                r = check_trace(path)
                check_s = time.process_time() - t0
                assert got == n and r.total == n and r.verdict == "conformant", (form, got, r.total, r.verdict)
                print(f"{form:<20} {n:>7,} {path.stat().st_size / 1e6:>6.1f} {read_s:>8.2f} {n / read_s:>11,.0f} "
                      f"{check_s:>9.2f} {n / check_s:>13,.0f}", flush=True)
                path.unlink()
    finally:
        tmp.rmdir()


def latency(trials: int = 20) -> None:
    """Seconds from writing a violating object into ``kubelife oracle -`` to reading its violation back."""
    import subprocess

    base = json.loads(REALISTIC.read_text())

    def obs(name: str, rv: int, restarted: bool) -> bytes:
        p = json.loads(json.dumps(base))
        p["metadata"].update(name=name, uid=f"uid-{name}", resourceVersion=str(rv))
        p["spec"]["restartPolicy"] = "Never"
        if restarted:  # Never forbids this: a restart after an exit
            cs = p["status"]["containerStatuses"][0]
            cs["restartCount"] = 1
            cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error"}}
        return (json.dumps(p, indent=4) + "\n").encode()

    proc = subprocess.Popen([sys.executable, "-m", "kubelife.cli", "oracle", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(obs("warm-up", 1, False))
    proc.stdin.flush()
    proc.stdout.readline()  # the header: started and reading
    times = []
    for i in range(trials):
        proc.stdin.write(obs(f"web-{i}", 10 + 2 * i, False))
        proc.stdin.flush()
        t0 = time.perf_counter()
        proc.stdin.write(obs(f"web-{i}", 11 + 2 * i, True))
        proc.stdin.flush()
        while b"first divergent observation" not in proc.stdout.readline():
            pass
        times.append(time.perf_counter() - t0)
    proc.stdin.close()
    proc.wait()
    times.sort()
    print(f"kubectl get pods -w -o json | kubelife oracle -: {trials} violations, seconds from the violating "
          f"object written to its violation read back: median {times[len(times) // 2]:.3f}, max {times[-1]:.3f}")


def main() -> None:
    if sys.argv[1:2] == ["--latency"]:
        latency(int(sys.argv[2]) if len(sys.argv) > 2 else 20)
        return
    if sys.argv[1:2] == ["--forms"]:
        forms([int(a) for a in sys.argv[2:]] or [1000, 3000, 10_000])
        return
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
