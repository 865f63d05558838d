"""``kubelife export``: one configuration as a Promela model (for SPIN) or its state graph as DOT."""

from __future__ import annotations

import argparse
import sys

from kubelife.cli import add_config_args, config_from_args, semantics_from_args, usage_error
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.profiles import build

NAME = "export"
ORDER = 60
HELP = "write one configuration as a Promela model (SPIN) or its reachable state graph as DOT"

DOT_LIMIT = 2000


def setup(p: argparse.ArgumentParser) -> None:
    add_config_args(p)
    p.add_argument("--format", choices=["promela", "dot"], default="promela", help="output format (default promela)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.add_argument("--max-states", type=int, default=DOT_LIMIT,
                   help=f"dot only: refuse graphs with more states than this (default {DOT_LIMIT})")


def run(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    if cfg is None:
        usage_error("export writes one configuration; give --preset or any of --nodes, --slots, --replicas, "
                    "--containers, --policy, --restart-cap.")
    if args.max_states < 1:
        usage_error(f"--max-states {args.max_states} is out of range; give a whole number from 1 up.")
    m = build(cfg, semantics_from_args(args))
    text = promela(m) if args.format == "promela" else dot(m, args.max_states)
    if args.output:
        try:
            with open(args.output, "w") as f:
                f.write(text)
        except OSError as e:
            usage_error(f"--output {args.output!r} cannot be written ({e.strerror}); give a writable path.")
    else:
        sys.stdout.write(text)
    return 0


def promela(m: ClusterModel) -> str:
    from kubelife.model.engine.promela import promela_model

    return promela_model(m.system, m.name)


def dot(m: ClusterModel, limit: int) -> str:
    """Every reachable state and step; states labelled as Kubernetes would show them."""
    from kubelife.model.engine.compile import compile_successors

    succ = compile_successors(m.system)
    init = m.shape.layout.pack(m.system.initial)
    ids, order, edges = {init: 0}, [init], []
    for s in order:
        for i, t in succ(s):
            if t not in ids:
                if len(ids) >= limit:
                    usage_error(f"the configuration has more than {limit} reachable states, too many for DOT; "
                                "shrink it or raise --max-states.")
                ids[t] = len(order)
                order.append(t)
            edges.append((ids[s], i, ids[t]))
    acts = m.system.actions
    lines = [f"digraph {_q(m.name)} {{", "  node [shape=box, fontsize=9];", "  edge [fontsize=8];"]
    for k, s in enumerate(order):
        label = str(m.decode(s)).replace("; ", "\\n")
        lines.append(f"  s{k} [label={_q(label)}{', penwidth=2' if k == 0 else ''}];")
    lines += [f"  s{a} -> s{b} [label={_q(str(acts[i]))}];" for a, i, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'
