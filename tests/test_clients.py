"""Issue 21: clients and administrators in the modern model (profiles/modern/clients.py).

Recorded streams of a drain, a preemption, a graceful node shutdown, a node-pressure eviction and a
force deletion, built as the API serves them (full Pod, Node and PodDisruptionBudget objects with
uids, resourceVersions, ownerReferences, managedFields, conditions with timestamps, unknown extra
fields), judged by ``kubelife oracle --profile modern``; a drained pod that runs again and an
eviction that breaks a budget are violations; the client presets' rows pass in check, Z3 and the
Hypothesis machine; each client rule has a mutant that is caught.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from oracle_objects import node, pod

from kubelife.check import check_model
from kubelife.model.k8s.config import Config, ConfigError, SlotSpec
from kubelife.model.k8s.trace import ReplayError, replay
from kubelife.oracle import check_trace
from kubelife.profiles import build, get
from kubelife.profiles.modern.client_mutants import CLIENT_MUTANTS
from kubelife.profiles.modern.client_rows import BUDGET_PROPERTY, CLIENT_ROWS, CORDON_PROPERTY
from kubelife.profiles.modern.presets import CLIENT_SUITE, MODERN_CLIENTS_LARGE, MODERN_PRESETS
from kubelife.prove import prove_model
from kubelife.stateful import run_stateful

CLIENT_IDS = [r.id for r in CLIENT_ROWS]
NS = "shop"


# -- objects as the API serves them ------------------------------------------------------------------


class Stream:
    """Watch events with one resourceVersion counter, as a merged pods/nodes/pdbs watch shows them."""

    def __init__(self) -> None:
        self.rv = 52000
        self.events: list[dict[str, Any]] = []

    def emit(self, obj: dict[str, Any], type_: str = "MODIFIED") -> dict[str, Any]:
        self.rv += 7
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self.events.append({"type": type_, "object": obj})
        return copy.deepcopy(obj)  # the caller edits its own copy for the next update

    def lines(self, tmp: Path) -> Path:
        out = tmp / "stream.jsonl"
        out.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in self.events))
        return out


def _t(s: int) -> str:
    return f"2026-03-02T10:{s // 60:02d}:{s % 60:02d}Z"


def _pod(name: str, node_name: str, policy: str = "Always") -> dict[str, Any]:
    p = pod(name=name, policy=policy, node_name=node_name)
    p["metadata"]["namespace"] = NS
    p["metadata"]["labels"] = {"app": "web", "pod-template-hash": "7c9d8f6b5d"}
    p["metadata"]["annotations"] = {"kubectl.kubernetes.io/restartedAt": _t(0)}  # unknown to the oracle
    p["status"]["qosClass"] = "Burstable"
    return p


def _cond(obj: dict[str, Any], type_: str, status: str, at: int, reason: str = "", message: str = "") -> None:
    conds = [c for c in obj["status"].get("conditions", []) if c["type"] != type_]
    c = {"type": type_, "status": status, "lastProbeTime": None, "lastTransitionTime": _t(at)}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    obj["status"]["conditions"] = [*conds, c]


def _disrupt(p: dict[str, Any], at: int, reason: str, message: str) -> None:
    _cond(p, "DisruptionTarget", "True", at, reason, message)
    p["metadata"]["managedFields"].append({"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kube-apiserver",
                                           "operation": "Update", "subresource": "status", "time": _t(at),
                                           "fieldsV1": {"f:status": {"f:conditions": {}}}})


def _terminate(p: dict[str, Any], at: int, code: int = 143, phase: str = "Failed") -> None:
    """The kubelet stopped the container (SIGTERM: 143, SIGKILL: 137) and wrote the terminal phase."""
    cs = p["status"]["containerStatuses"][0]
    started = cs["state"].get("running", {}).get("startedAt", _t(3))
    cs.update(ready=False, started=False, state={"terminated": {
        "containerID": cs.get("containerID", "containerd://0b9e"), "exitCode": code, "reason": "Error",
        "startedAt": started, "finishedAt": _t(at)}})
    p["status"]["phase"] = phase
    for k in ("Ready", "ContainersReady"):
        _cond(p, k, "False", at, "PodCompleted" if phase == "Succeeded" else "PodFailed")


def _delete(p: dict[str, Any], at: int, grace: int = 30) -> None:
    p["metadata"]["deletionTimestamp"] = _t(at + grace)
    p["metadata"]["deletionGracePeriodSeconds"] = grace


def _node(name: str) -> dict[str, Any]:
    n = node(name)
    n["metadata"]["labels"]["topology.kubernetes.io/zone"] = "eu-west-1a"
    return n


def _pdb(allowed: int, healthy: int, disrupted: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": NS, "uid": "pdb-1f2e", "generation": 1,
                     "creationTimestamp": _t(0), "resourceVersion": "1",
                     "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
                                        "apiVersion": "policy/v1", "time": _t(0), "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:spec": {"f:minAvailable": {}, "f:selector": {}}}}]},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"currentHealthy": healthy, "desiredHealthy": 1, "disruptionsAllowed": allowed, "expectedPods": 2,
                   "observedGeneration": 1, "disruptedPods": disrupted or {},
                   "conditions": [{"type": "DisruptionAllowed", "status": "True" if allowed else "False",
                                   "reason": "SufficientPods" if allowed else "InsufficientPods",
                                   "lastTransitionTime": _t(0), "message": "", "observedGeneration": 1}]},
    }


def _cordon(n: dict[str, Any], at: int) -> None:
    n["spec"]["unschedulable"] = True
    n["spec"]["taints"] = [*n["spec"].get("taints", []),
                           {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": _t(at)}]


def _drain(evict_budget: bool = True) -> tuple[Stream, dict[str, Any]]:
    """kubectl drain worker-1: cordon, the Eviction API on web-a (budget allows one), graceful deletion."""
    s = Stream()
    n1, n2 = s.emit(_node("worker-1"), "ADDED"), s.emit(_node("worker-2"), "ADDED")
    del n2
    s.emit(_pdb(1, 2), "ADDED")
    a = s.emit(_pod("web-a", "worker-1"), "ADDED")
    s.emit(_pod("web-b", "worker-2"), "ADDED")
    _cordon(n1, 20)
    s.emit(n1)
    if evict_budget:
        s.emit(_pdb(0, 1, {"web-a": _t(21)}))
    _disrupt(a, 21, "EvictionByEvictionAPI", "Eviction API: evicting")
    a = s.emit(a)
    _delete(a, 21)
    a = s.emit(a)
    s.events.append({"type": "ADDED", "object": {"kind": "Event", "apiVersion": "v1", "metadata": {
        "name": "web-a.17f3", "namespace": NS, "uid": "ev-1", "resourceVersion": str(s.rv + 1)},
        "involvedObject": {"kind": "Pod", "name": "web-a", "namespace": NS, "uid": "uid-web-a"},
        "reason": "Killing", "message": "Stopping container web", "count": 1, "type": "Normal"}})
    return s, a


# -- the oracle on recorded streams ------------------------------------------------------------------


def _verdicts(path: Path) -> tuple[Any, dict[str, Any]]:
    r = check_trace(path, profile_name="modern")
    return r, {o.name: o for o in r.objects}


def test_drain_is_conformant(tmp_path: Path) -> None:
    s, a = _drain()
    repl = _pod("web-c", "worker-2")
    repl["metadata"]["uid"] = "uid-web-c"
    s.emit(repl, "ADDED")  # the ReplicaSet's replacement, bound to the other node
    _terminate(a, 40)
    a = s.emit(a)
    s.emit(_pdb(1, 2))
    s.emit(a, "DELETED")
    r, objs = _verdicts(s.lines(tmp_path))
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    # The graceful delete after the condition is the Eviction API's (E3) or any client's (D1): the
    # objects cannot tell them apart; the terminal pod's removal is the kubelet's or PodGC's.
    assert {"U1", "E2", "K4"} <= set(r.kinds) and {"E3", "D1"} & set(r.kinds)
    assert objs[f"Pod {NS}/web-a"].status == "conformant"


def test_drained_pod_running_again_is_a_violation(tmp_path: Path) -> None:
    s, a = _drain()
    cs = a["status"]["containerStatuses"][0]
    cs["restartCount"] = 1
    cs["lastState"] = {"terminated": {"exitCode": 143, "reason": "Error", "startedAt": _t(3),
                                      "finishedAt": _t(30), "containerID": "containerd://0b9e"}}
    cs["state"] = {"running": {"startedAt": _t(31)}}
    s.emit(a)
    r, objs = _verdicts(s.lines(tmp_path))
    pod_v = objs[f"Pod {NS}/web-a"]
    assert r.verdict == "violation" and pod_v.status == "violation"
    assert pod_v.divergence is not None and pod_v.divergence.line == len(s.events)


def test_eviction_breaking_the_budget_is_a_violation(tmp_path: Path) -> None:
    """The budget allows no disruption and does not list the pod, yet the Eviction API marked it."""
    s = Stream()
    s.emit(_node("worker-1"), "ADDED")
    s.emit(_pdb(0, 1), "ADDED")
    a = s.emit(_pod("web-a", "worker-1"), "ADDED")
    _disrupt(a, 21, "EvictionByEvictionAPI", "Eviction API: evicting")
    s.emit(a)
    r, objs = _verdicts(s.lines(tmp_path))
    v = objs[f"Pod {NS}/web-a"]
    assert r.verdict == "violation" and v.status == "violation", v.divergence
    # The same stream with the pod listed in disruptedPods (the budget granted it) conforms.
    s2 = Stream()
    s2.emit(_node("worker-1"), "ADDED")
    s2.emit(_pdb(1, 2), "ADDED")
    b = s2.emit(_pod("web-a", "worker-1"), "ADDED")
    s2.emit(_pdb(0, 1, {"web-a": _t(21)}))
    _disrupt(b, 21, "EvictionByEvictionAPI", "Eviction API: evicting")
    s2.emit(b)
    assert _verdicts(s2.lines(tmp_path))[0].verdict == "conformant"


def test_preemption_is_conformant(tmp_path: Path) -> None:
    s = Stream()
    s.emit(_node("worker-1"), "ADDED")
    p = s.emit(_pod("batch-low", "worker-1", "OnFailure"), "ADDED")
    _disrupt(p, 50, "PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod")
    p = s.emit(p)
    _delete(p, 50)
    p = s.emit(p)
    _terminate(p, 52, 137)
    p = s.emit(p)
    s.emit(p, "DELETED")
    r, _ = _verdicts(s.lines(tmp_path))
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    assert "S2" in r.kinds and {"S3", "D1"} & set(r.kinds)  # the delete: the scheduler's, or any client's


def test_graceful_node_shutdown_is_conformant(tmp_path: Path) -> None:
    s = Stream()
    n = s.emit(_node("worker-1"), "ADDED")
    p = s.emit(_pod("web-a", "worker-1"), "ADDED")
    _cond(n, "Ready", "False", 60, "KubeletNotReady", "node is shutting down")
    s.emit(n)
    _terminate(p, 61, 137)
    p["status"].update(reason="Terminated", message="Pod was terminated in response to imminent node shutdown.")
    _disrupt(p, 61, "TerminationByKubelet", "Pod was terminated in response to imminent node shutdown.")
    s.emit(p)
    r, _ = _verdicts(s.lines(tmp_path))
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    assert {"N9", "K9"} <= set(r.kinds)


def test_node_pressure_eviction_is_conformant(tmp_path: Path) -> None:
    s = Stream()
    n = s.emit(_node("worker-1"), "ADDED")
    p = s.emit(_pod("web-a", "worker-1"), "ADDED")
    q = s.emit(_pod("web-b", "worker-1"), "ADDED")
    _cond(n, "MemoryPressure", "True", 70, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
    s.emit(n)
    msg = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi. Container web was "
           "using 1183Mi, request is 256Mi, has larger consumption of memory. ")
    _terminate(p, 71, 137)
    p["status"].update(reason="Evicted", message=msg)
    _disrupt(p, 71, "TerminationByKubelet", msg)
    s.emit(p)
    s.emit(q)  # one pod per eviction cycle: the other one still runs
    r, objs = _verdicts(s.lines(tmp_path))
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    # web-b still running under pressure needs the per-pod eviction's threshold step (N10), not N5's
    # wholesale eviction; web-a's is one of the two.
    assert objs[f"Pod {NS}/web-b"].status == "conformant" and "N10" in r.kinds


def test_force_delete_of_a_running_pod_is_conformant(tmp_path: Path) -> None:
    s = Stream()
    s.emit(_node("worker-1"), "ADDED")
    p = s.emit(_pod("web-a", "worker-1"), "ADDED")
    _delete(p, 80, grace=0)  # kubectl delete --force --grace-period=0: gone at once, still Running
    s.emit(p, "DELETED")
    r, _ = _verdicts(s.lines(tmp_path))
    assert r.verdict == "conformant", [o.divergence for o in r.objects]
    assert r.kinds["D3"] == 1


def test_cli_judges_the_drain_streams(tmp_path: Path) -> None:
    s, _ = _drain()
    ok = subprocess.run([sys.executable, "-m", "kubelife", "oracle", "--profile", "modern", "--json",
                         str(s.lines(tmp_path))], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["verdict"] == "conformant"


# -- the model ----------------------------------------------------------------------------------------


def test_client_options_are_opt_in() -> None:
    base = MODERN_PRESETS["modern-Always-1c"]
    assert len(build(base).shape.layout) == len(build(Config(1, base.slots, 1, 1, "modern")).shape.layout)
    kinds = {t.action.kind for t in build(base).system.transitions}
    assert not kinds & {"U1", "E2", "E3", "S2", "S3", "N9", "K9", "N10", "K10", "D3"}
    with pytest.raises(ConfigError, match="pdb_min_available 13 / pdb_others 0 is out of range"):
        Config(1, (SlotSpec(),), pdb_min_available=13)


@pytest.mark.parametrize("name", ["modern-kubelet-disruptions", "modern-budget"])
def test_client_presets_check_and_prove(name: str) -> None:
    m = build(MODERN_PRESETS[name])
    r = check_model(m)
    assert r.ok and all(p.status in ("holds", "not reached", "violated as expected") for p in r.properties)
    rows = {x.id: x.status for x in r.rows if x.id in CLIENT_IDS}
    assert "fail" not in rows.values() and "pass" in rows.values()
    z = prove_model(m)
    assert all(z.rows[k].status in ("proved", "vacuous") for k in rows), {k: z.rows[k].status for k in rows}
    assert {k for k, v in rows.items() if v == "pass"} <= {k for k in rows if z.rows[k].status == "proved"}
    bad = {k: v.status for k, v in z.properties.items() if v.status not in ("proved", "vacuous", "refuted-as-expected")}
    assert bad == {}


def test_every_client_row_passes_somewhere_in_the_client_suite() -> None:
    covered = set()
    for c in CLIENT_SUITE:
        if c.nodes > 1:
            continue  # the two-node drain preset is checked under -m slow
        covered |= {x.id for x in check_model(build(c)).rows if x.status == "pass" and x.id in CLIENT_IDS}
    assert covered == set(CLIENT_IDS) - {"M-drain-replaced"}


@pytest.mark.slow
def test_drain_preset_replaces_elsewhere() -> None:
    m = build(MODERN_PRESETS["modern-drain"])
    r = check_model(m)
    assert {x.id: x.status for x in r.rows}["M-drain-replaced"] == "pass"
    assert prove_model(m).rows["M-drain-replaced"].status == "proved"


def test_drain_step_by_step() -> None:
    m = build(MODERN_PRESETS["modern-kubelet-disruptions"])
    t = replay(m, [("N1", {"node": 0}), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0}), ("K1", {"pod": 0}),
                   ("P2", {"pod": 0, "container": "c0"}), ("U1", {"node": 0}), ("S2", {"pod": 0}),
                   ("S3", {"pod": 0})])
    p = m.decode(m.shape.layout.pack(t.final)).pods[0]
    assert p.deleting and p.disruption and p.phase.label == "Running"
    with pytest.raises(ReplayError):  # cordoned: the replacement cannot be bound there
        replay(m, [("N1", {"node": 0}), ("U1", {"node": 0}), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0})])


@pytest.mark.parametrize("name", sorted(CLIENT_MUTANTS))
def test_client_mutant_is_caught(name: str) -> None:
    cls = CLIENT_MUTANTS[name]
    bad = check_model(build(MODERN_PRESETS[cls.caught_in], cls))  # type: ignore[attr-defined]
    caught = {p.name for p in bad.properties if not p.ok} | {r.id for r in bad.rows if r.status == "fail"}
    assert set(cls.caught_by) <= caught, caught  # type: ignore[attr-defined]


def test_named_properties_exist() -> None:
    from kubelife.profiles.modern.properties import modern_properties

    # The same names, in the same order, in every configuration (suites merge properties by position).
    names = [[p.name for p in modern_properties(build(MODERN_PRESETS[c]))]
             for c in ("modern-Never-1c", "modern-budget", "modern-kubelet-disruptions")]
    assert names[0] == names[1] == names[2] and {BUDGET_PROPERTY, CORDON_PROPERTY} <= set(names[0])
    r = check_model(build(MODERN_PRESETS["modern-Never-1c"]))
    budget = next(p for p in r.properties if p.name == BUDGET_PROPERTY)
    assert budget.ok and budget.witness is None  # vacuous where no pod is budgeted


def _machine(examples: int) -> dict[str, dict[str, Any]]:
    cfg = get("modern").configure(MODERN_CLIENTS_LARGE)
    run = run_stateful(cfg, settings_=settings(max_examples=examples, deadline=None, database=None,
                                               derandomize=True), strict=True)
    assert run.error is None
    rows = run.rows
    assert all(rows[k]["status"] != "fail" for k in CLIENT_IDS)
    return rows


def test_hypothesis_machine_drives_the_client_actions() -> None:
    rows = _machine(25)
    assert sum(rows[k]["status"] == "pass" for k in CLIENT_IDS) >= 2, {k: rows[k] for k in CLIENT_IDS}


@pytest.mark.slow
def test_hypothesis_machine_hits_the_client_rows() -> None:
    rows = _machine(150)
    # A drain needs a cordon of the controlled pod's node, then both eviction steps, with a slot free:
    # the machine reaches it only now and then (check and Z3 cover it in modern-drain).
    assert {k for k in CLIENT_IDS if rows[k]["status"] == "pass"} >= set(CLIENT_IDS) - {"M-drain-replaced"}


def test_disruption_conditions_gate_off_on_1_30() -> None:
    """PodDisruptionConditions off (settable up to 1.30): evictions and kubelet kills add no condition."""
    cfg = Config(1, (SlotSpec(evictions=True, pressure_evictions=True),), 1, 1, "modern", kubernetes="1.30",
                 gates=(("PodDisruptionConditions", False),))
    m = build(cfg)
    kinds = {t.action.kind for t in m.system.transitions}
    assert "E2" in kinds and "E3" not in kinds  # no condition to write: the request deletes at once
    up = [("N1", {"node": 0}), ("R1", {"slot": 0}), ("P1", {"pod": 0, "node": 0}), ("K1", {"pod": 0}),
          ("P2", {"pod": 0, "container": "c0"})]
    p = m.decode(m.shape.layout.pack(replay(m, [*up, ("E2", {"pod": 0})]).final)).pods[0]
    assert p.deleting and not p.disruption and p.phase.label == "Running"
    p = m.decode(m.shape.layout.pack(replay(m, [*up, ("N10", {"node": 0}), ("K10", {"pod": 0})]).final)).pods[0]
    assert p.phase.label == "Failed" and not p.disruption
    on = build(Config(1, (SlotSpec(evictions=True),), 1, 1, "modern", kubernetes="1.30"))
    assert "E3" in {t.action.kind for t in on.system.transitions}
