"""``kubelife report``: diagrams derived from the model, deterministic output, graceful degradation."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from kubelife.cli import main
from kubelife.model.k8s.types import Policy
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.reading import row_steps
from kubelife.profiles.seed.rows import SCENARIO_IDS, row_by_id
from kubelife.report.content import assemble
from kubelife.report.extract import container_lifecycle, lifecycle_diagrams, node_lifecycle, pod_lifecycle
from kubelife.report.gather import gather
from kubelife.report.render import dot_available, render_svg, to_dot, to_mermaid

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")


def edges(d: object) -> set[tuple[str, str, str]]:
    """(source, target, event) for every event on every edge."""
    return {(e.src, e.dst, ev) for e in d.edges for ev in e.label.split("\n")}  # type: ignore[attr-defined]


# -- the pod diagram lets a reader check each scenario row -----------------------------


def test_pod_diagram_shows_the_restart_policy_rows() -> None:
    always, onfail, never = (pod_lifecycle(p, 1) for p in Policy)
    # S1: exit ok -> Always restarts (stays Running), OnFailure and Never succeed.
    assert ("Running", "Running", "P3 Completed (ok)") in edges(always)
    assert ("Running", "Succeeded", "P3 Completed (ok)") not in edges(always)
    assert ("Running", "Succeeded", "P3 Completed (ok)") in edges(onfail)
    assert ("Running", "Succeeded", "P3 Completed (ok)") in edges(never)
    # S2/S5: error or OOM -> Always/OnFailure stay Running, Never fails.
    for code in ("P3 Failed (error)", "P3 OOMKilling (oom)"):
        assert ("Running", "Running", code) in edges(always) & edges(onfail)
        assert ("Running", "Failed", code) in edges(never)
        assert ("Running", "Failed", code) not in edges(always) | edges(onfail)
    # S6/S7: disk failure and grace expiry fail the pod under every policy.
    for d in (always, onfail, never):
        assert {("Running", "Failed", "N5 Killing"), ("Running", "Failed", "N4 NodeNotReady")} <= edges(d)
        assert ("none", "Pending", "R1 SuccessfulCreate") in edges(d)
    # Only Never-with-2-containers has an error exit that keeps the pod Running without a restart (S3-Never).
    never2 = pod_lifecycle(Policy.NEVER, 2)
    assert ("Running", "Running", "P3 Failed (error)") in edges(never2)
    assert not any("P4" in ev for _, _, ev in edges(never2))


@pytest.mark.parametrize("rid", SCENARIO_IDS)
def test_each_row_reads_off_its_pod_diagram(rid: str) -> None:
    """In the row's situation its event is an edge out of Running to the phase the spec table gives."""
    expect = row_by_id(rid).expect
    want = "Succeeded" if "pod Succeeded" in expect else "Failed" if "Failed" in expect else "Running"
    for name, steps in row_steps(rid):
        assert steps, f"{rid} never happens in the configuration behind {name}"
        diagram = next(d for d in lifecycle_diagrams() if d.name == name)
        for event, target in steps:
            assert target == want, (rid, name, event, target)
            assert ("Running", target, event) in edges(diagram)


def test_container_diagram_has_the_crashloop_wait() -> None:
    always, onfail, never = (container_lifecycle(p) for p in Policy)
    assert ("Terminated-error", "Waiting-error", "P4 BackOff") in edges(always) & edges(onfail)
    assert ("Waiting-error", "Running-error", "P2 Started") in edges(always)
    assert "CrashLoopBackOff" in always.node("Waiting-error").label
    assert ("Terminated-ok", "Waiting-ok", "P4 BackOff") in edges(always)
    assert not any(n.id == "Waiting-ok" for n in onfail.nodes)  # OnFailure never restarts an ok exit
    assert not any("P4" in ev for _, _, ev in edges(never))


def test_node_diagram_covers_registration_partition_grace_disk_and_termination() -> None:
    d = node_lifecycle()
    got = edges(d)
    assert ("Pending-ReadyFalse", "Running-ReadyTrue", "N1 NodeReady") in got
    assert ("Running-ReadyTrue", "Running-ReadyTrue-unreachable", "N2 partition") in got
    assert ("Running-ReadyTrue-unreachable", "Running-ReadyUnknown-unreachable", "N4 NodeNotReady") in got
    assert ("Running-ReadyTrue", "Running-ReadyFalse-diskfailed", "N5 Killing") in got
    assert {src for src, dst, _ in got if dst == "Terminated"} == {n.id for n in d.nodes} - {"Terminated"}


@pytest.mark.parametrize("mutant,policy,containers,edge", [
    ("crashloop-pending", Policy.ALWAYS, 1, ("Running", "Pending", "P4 BackOff")),
    ("never-restarts", Policy.NEVER, 2, ("Running", "Running", "P4 BackOff")),
])
def test_diagrams_are_derived_from_the_model(mutant: str, policy: Policy, containers: int,
                                             edge: tuple[str, str, str]) -> None:
    """A broken semantics draws a different picture: nothing is drawn by hand."""
    assert edge in edges(pod_lifecycle(policy, containers, MUTANTS[mutant]))
    assert edge not in edges(pod_lifecycle(policy, containers))


# -- deterministic output -----------------------------------------------------------------


def test_dot_and_mermaid_are_stable_and_consistent() -> None:
    a, b = pod_lifecycle(Policy.ON_FAILURE, 2), pod_lifecycle(Policy.ON_FAILURE, 2)
    assert to_dot(a) == to_dot(b)
    mer = to_mermaid(a)
    assert mer.startswith("stateDiagram-v2\n")
    declared = set(re.findall(r"^    state \".*\" as (\S+)$", mer, re.M))
    used = set(re.findall(r"^    (\S+) --> (\S+) :", mer, re.M))
    assert declared == {f"s_{n.id}" for n in a.nodes}
    assert {x for pair in used for x in pair} <= declared
    assert len(used) == len(a.edges)


@needs_dot
def test_svg_is_byte_identical_and_carries_no_version_banner() -> None:
    src = to_dot(node_lifecycle())
    one, two = render_svg(src), render_svg(src)
    assert one == two
    assert "Generated by graphviz" not in one
    assert one.count("<g id=\"node") == len(node_lifecycle().nodes) + 1  # + the start point


# -- checkers through their contracts --------------------------------------------------------


_BEFORE = "nodes[n0: Running ready=True] pods[p0: Running@n0[Running]; p1: -]"
_AFTER = "nodes[n0: Running ready=True] pods[p0: Running@n0[Terminated(error)]; p1: -]"
# A BMC trace in the shape of Trace.to_json()["steps"]: register, create, schedule, start.
_BMC = [{"kind": "N1", "args": {"node": 0}}, {"kind": "R1", "args": {"slot": 0}},
        {"kind": "P1", "args": {"pod": 0, "node": 0}}, {"kind": "P2", "args": {"pod": 0, "container": 0}}]


def _fake_prove(monkeypatch: pytest.MonkeyPatch, statuses: dict[str, str]) -> None:
    class Result:
        def to_json(self) -> dict[str, object]:
            rows = {k: {"status": v, "witness": f"state for {k}"} for k, v in statuses.items()}
            rows["S2-Never"]["counterexample"] = {"config": "Never-1c", "before": _BEFORE,
                                                  "action": "P3 exit(pod=0, container=0, code=error)",
                                                  "after": _AFTER}
            return {"ok": True, "seconds": 1.5, "rows": rows,
                    "properties": {"restart counts never decrease": {"status": "proved"},
                                   "a Running pod is bound": {"status": "refuted", "config": "R1",
                                                              "trace": _BMC}}}

    mod = types.ModuleType("kubelife.prove")
    mod.prove_all = lambda *a, **k: Result()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kubelife.prove", mod)


def test_z3_results_reach_the_matrix_without_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_prove(monkeypatch, {"S1-Always": "proved", "S2-Never": "refuted", "S3-Never": "unknown"})
    res = gather(["z3"])
    assert res.runs["z3"].ran and "seconds" not in res.runs["z3"].to_json(False)
    rep = assemble(res)
    z3col = rep.matrix_head.index("Z3")
    cells = {r.cells[0].text: r.cells[z3col] for r in rep.matrix}
    assert (cells["S1-Always"].text, cells["S1-Always"].cls) == ("pass", "ok")
    assert (cells["S2-Never"].text, cells["S2-Never"].cls) == ("fail", "bad")
    assert cells["S3-Never"].text == "unknown"
    assert cells["S4-Never"].text == "not run"
    assert cells["S1-Always"].link == "z3-S1-Always"
    assert any(a == "z3-S1-Always" and "state for S1-Always" in t for a, t in rep.details["z3"])
    prop = {r.cells[0].text: r.cells[4] for r in rep.properties}
    assert prop["restart counts never decrease"].text == "proved"
    assert prop["states are well formed"].text == "not run"
    # Counterexamples become pictures: the refuted row as before/after, the BMC trace replayed on the model.
    pics = {t.anchor: t for t in rep.traces}
    assert cells["S2-Never"].link == "z3-cex-S2-Never"
    row_pic = pics["z3-cex-S2-Never"].diagram
    assert [n.label.splitlines()[0] for n in row_pic.nodes] == ["before", "after"]
    assert "p0: Running@n0[Terminated(error)]" in row_pic.node("s1").label
    assert prop["a Running pod is bound"].link == "z3-trace-a-running-pod-is-bound"
    bmc = pics["z3-trace-a-running-pod-is-bound"].diagram
    assert len(bmc.nodes) == 5 and bmc.edges[-1].label.startswith("P2 start(pod=0, container=0)")
    assert "p0: Running@n0[Running]" in bmc.node("s4").label


@pytest.mark.parametrize("module,name", [("kubelife.prove", "z3"), ("kubelife.stateful", "hypothesis"),
                                         ("kubelife.oracle", "oracle")])
def test_a_missing_checker_is_not_run(monkeypatch: pytest.MonkeyPatch, module: str, name: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails with ImportError
    run = gather([name]).runs[name]
    assert not run.ran and "not available" in run.note
    rep = assemble(gather([]))
    assert all(c.text == "not run" for r in rep.matrix for c in r.cells[3:])
    assert len(rep.matrix) == 19


def test_a_checker_that_raises_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    mod = types.ModuleType("kubelife.prove")

    def boom(*args: object, **kwargs: object) -> None:  # whatever the report passes (a profile's semantics, ...)
        raise RuntimeError("solver exploded\nsecond line")

    mod.prove_all = boom  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kubelife.prove", mod)
    run = gather(["z3"]).runs["z3"]
    assert not run.ran and run.note == "prove_all() failed: RuntimeError: solver exploded"


# -- the command ----------------------------------------------------------------------------


def test_without_dot_it_writes_dot_markdown_html_and_says_how_to_get_svg(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no dot anywhere
    out = tmp_path / "rep"
    assert main(["report", "--out", str(out), "--checkers", "none"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 2 and "apt-get install graphviz" in printed[1]
    assert not (out / "svg").exists()
    dots = sorted(p.stem for p in (out / "dot").glob("*.dot"))
    assert {"pod-Always-1c", "container-Never", "node", "cluster-R1"} <= set(dots)
    html = (out / "index.html").read_text()
    assert html.count('<figure class="diagram"') == len(dots) and "<svg" not in html
    md = (out / "README.md").read_text()
    assert md.count("```mermaid") == 14 and "svg/" not in md  # 11 lifecycles, the cluster per pod and in full


def test_bad_arguments_exit_2_with_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path), "--checkers", "exhaustive,tla"]) == 2
    err = capsys.readouterr().err
    assert "'tla' is not a checker" in err and "Traceback" not in err
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["report", "--out", str(f), "--checkers", "none"]) == 2
    assert "is a file" in capsys.readouterr().err


# -- the modern profile's lifecycles and the cluster views -----------------------------------


def test_modern_lifecycles_follow_the_modern_model() -> None:
    from kubelife.profiles import get
    from kubelife.report.modern_diagrams import modern_diagrams

    ds = {d.name: d for d in modern_diagrams(get("modern").presets)}
    assert set(ds) == {"modern-pod-Always", "modern-pod-OnFailure", "modern-pod-Never", "modern-container-Always",
                       "modern-container-OnFailure", "modern-container-Never", "modern-init-sidecar-Never",
                       "modern-node"}

    def edge(d: str, src: str, dst: str) -> str:
        return "\n".join(e.label for e in ds[d].edges if e.src == src and e.dst == dst)

    # Never: an error exit fails the pod; Always: it never leaves Running that way.
    assert "P3 exit Error" in edge("modern-pod-Never", "Running", "Failed")
    assert not any(e.src == "Running" and e.dst == "Failed" and "P3 exit Error" in e.label
                   for e in ds["modern-pod-Always"].edges)
    # Back-off: under Always an error exit leads to the CrashLoopBackOff wait, never under Never.
    labels = {n.label for n in ds["modern-container-Always"].nodes}
    assert any("CrashLoopBackOff" in x for x in labels)
    assert not any("CrashLoopBackOff" in n.label for n in ds["modern-container-Never"].nodes)
    # Init containers run to completion before the main container starts.
    init = [n.label for n in ds["modern-init-sidecar-Never"].nodes]
    assert any("init Running" in x and "main Waiting: PodInitializing" in x for x in init)
    assert not any("init Running" in x and "main Running" in x for x in init)
    # Node conditions and eviction: the taint follows Ready, and disk pressure evicts.
    node = {n.label for n in ds["modern-node"].nodes}
    assert any("Ready=Unknown" in x and "unreachable" in x for x in node)
    assert any("N5 EvictionThresholdMet, Evicted" in e.label for e in ds["modern-pod-Never"].edges)


def test_the_cluster_graph_comes_as_a_summary_per_pod_and_in_full() -> None:
    from kubelife.report.extract import cluster_views

    views = {d.name: d for d in cluster_views()}
    assert list(views) == ["cluster-R1", "cluster-R1-p0", "cluster-R1-p1", "cluster-R1-full"]
    assert len(views["cluster-R1"].nodes) < 10 < len(views["cluster-R1-full"].nodes)
    assert not views["cluster-R1"].collapsed and views["cluster-R1-full"].collapsed
    # Every view counts the same concrete steps that change it; the summary's counts add up within the full graph.
    assert sum(e.count for e in views["cluster-R1"].edges) <= sum(e.count for e in views["cluster-R1-full"].edges)
