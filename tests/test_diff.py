"""``kubelife diff``: the empty diff, every mutant's changed step with a replayable shortest witness,
a version change, seed versus modern, bad input, and the generated table in docs/modern.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubelife import profiles
from kubelife.cli import main
from kubelife.diff import diff, resolve_pair, variant_model
from kubelife.diff.docsync import sync
from kubelife.diff.phase import phase_diff
from kubelife.diff.render import replay_code
from kubelife.diff.steps import Projection
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import ReplayError, replay
from kubelife.model.k8s.types import Policy

A, O, N = Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER
ROOT = Path(__file__).resolve().parent.parent

# Each mutant, the smallest configuration that shows it, and the step kind it changes.
MUTANT_STEPS: dict[tuple[str, str], tuple[dict[str, Any], str]] = {
    ("seed", "onfailure-restarts-success"): (dict(policy=O, containers=2), "P4"),
    ("seed", "never-restarts"): (dict(policy=N, containers=2), "P4"),
    ("seed", "crashloop-pending"): (dict(policy=A), "P4"),
    ("seed", "disk-failure-keeps-running"): (dict(policy=A), "N5"),
    ("seed", "lost-node-keeps-pods"): (dict(policy=A), "N4"),
    ("seed", "no-replacement"): (dict(policy=N, slots=2), "R1"),
    ("seed", "terminal-restart"): (dict(policy=A), "P4"),
    ("seed", "stuck-after-sibling-exit"): (dict(policy=N, containers=2), "P2"),
    ("modern", "sidecar-counts-as-main"): (dict(policy=N, inits=1, sidecars=1), "P3"),
    ("modern", "init-failure-fails-pod"): (dict(policy=O, inits=1), "P3"),
    ("modern", "mains-skip-inits"): (dict(policy=N, inits=1), "P2"),
    ("modern", "no-backoff"): (dict(policy=A), "P4"),
    ("modern", "eviction-fails-pod"): (dict(policy=A), "E1"),
    ("modern", "terminating-counts-active"): (dict(policy=N, slots=2), "R1"),
    ("modern", "remove-without-terminal-phase"): (dict(policy=A), "K4"),
    ("modern", "restart-while-terminating"): (dict(policy=A), "P4"),
    ("modern", "onfailure-restarts-success"): (dict(policy=O, containers=2), "P4"),
    ("modern", "crashloop-pending"): (dict(policy=A), "P4"),
}


def small(**kw: Any) -> Config:
    return Config.uniform(**{"nodes": 1, "slots": 1, "replicas": 1, **kw})


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(["diff", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("spec", ["seed", "modern"])
def test_a_semantics_against_itself_is_empty(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--from", spec, "--to", spec, "--policy", "Always", "--slots", "1", "--no-liveness")
    assert code == 0 and not out["differ"]
    assert out["steps"] == [] and out["verdicts"] == [] and out["phase"]["classes"] == []
    assert out["phase"]["combinations"] > 100 and out["initial"] == []


def _all_mutants(name: str) -> dict[str, type]:
    prof = profiles.get(name)
    return {**prof.mutants, **(prof.liveness.mutants if prof.liveness else {})}


def test_the_table_names_real_mutants() -> None:
    for name in ("seed", "modern"):
        assert {m for p, m in MUTANT_STEPS if p == name} <= set(_all_mutants(name))


# Mutants outside the projection: they change only what no shared observation kind shows.
INVISIBLE = {("modern", "cordon-ignored"): "schedules to a cordoned node; the cordon is not observed"}


def _others() -> list[tuple[str, str]]:
    return [(p, m) for p in ("seed", "modern") for m, cls in _all_mutants(p).items()
            if (p, m) not in MUTANT_STEPS and getattr(cls, "caught_in", None)]


@pytest.mark.slow
@pytest.mark.parametrize("profile, mutant", _others())
def test_mutants_added_since_differ_in_their_configuration(profile: str, mutant: str) -> None:
    prof = profiles.get(profile)
    base, mut = resolve_pair(profile, f"mutant={mutant}")
    cfg = prof.preset(_all_mutants(profile)[mutant].caught_in)  # type: ignore[attr-defined]
    r = diff(base, mut, [cfg], phases=False, verdicts=False)
    assert r.differ != ((profile, mutant) in INVISIBLE)
    for c in r.steps:
        if c.shared and c.witness is not None:
            own = (base, mut)[c.side]
            acts = [(s.action.kind, dict(s.action.args)) for s in c.witness.steps]
            assert replay(own.build(cfg), acts).final == c.witness.final


@pytest.mark.parametrize("profile, mutant", list(MUTANT_STEPS))
def test_each_mutant_shows_the_step_it_changes(profile: str, mutant: str) -> None:
    kw, kind = MUTANT_STEPS[(profile, mutant)]
    base, mut = resolve_pair(profile, f"mutant={mutant}")
    r = diff(base, mut, [small(**kw)], phases=False, verdicts=False)
    assert r.differ
    shared = [c for c in r.steps if c.shared]
    assert kind in {c.witness.steps[-1].action.kind for c in shared if c.witness}, [c.title for c in shared]
    proj = Projection(r.kinds)
    for c in shared:
        w = c.witness
        assert w is not None and c.other_before is not None
        own, other = (base, mut)[c.side], (mut, base)[c.side]
        acts = [(s.action.kind, dict(s.action.args)) for s in w.steps]
        # The witness replays in the semantics that takes it ...
        mine = replay(variant_model(own.label, small(**kw)), acts)
        assert mine.final == w.final
        # ... and in the other the same actions are refused, or what is seen parts somewhere on the way.
        try:
            theirs = replay(variant_model(other.label, small(**kw)), acts)
        except ReplayError:
            assert c.other.startswith("refused"), c.other
            continue
        seen = [[proj.of(t.model, v.observation, t.model.shape.layout.pack(x)) for x in t.states()]
                for t, v in ((mine, own), (theirs, other))]
        assert seen[0] != seen[1] and "it shows" in c.other, c.other


def test_the_printed_replay_code_runs(capsys: pytest.CaptureFixture[str]) -> None:
    base, mut = resolve_pair("modern", "mutant=no-backoff")
    r = diff(base, mut, [small(policy=A)], phases=False, verdicts=False)
    c = next(c for c in r.steps if c.shared)
    scope: dict[str, Any] = {}
    exec(replay_code(r, c), scope)  # noqa: S102 - the code the command prints, run as printed
    assert scope["model"].config.profile == "modern" and c.witness is not None
    assert main(["diff", "--from", "modern", "--to", "mutant=no-backoff", "--slots", "1", "--policy", "Always",
                 "--no-liveness"]) == 1
    text = capsys.readouterr().out
    assert "P4 restart(pod=0, container=c0)  by kubelet  event BackOff" in text
    assert "model = variant_model('modern', nodes=1, slots=1" in text and "replay(model, [('N1'" in text
    assert "M-backoff" in text and "CrashLoopBackOff" in text


def test_replay_code_rebuilds_slot_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--from", "modern", "--to", "mutant=no-backoff", "--slots", "1", "--policy",
                         "Always", "--slot-flags", "user_deletes", "--no-liveness")
    assert code == 1 and out["configurations"] == ["nodes=1 slots=1 replicas=1 containers=1 policy=Always cap=1 "
                                                   "user_deletes"]
    base, mut = resolve_pair("modern", "mutant=no-backoff")
    model = variant_model(base.label, small(policy=A), slot_flags=("user_deletes",))
    first = next(s for s in out["steps"] if s["from_shared_observation"])["witness"]
    acts = [(s["kind"], s["args"]) for s in first["steps"]]
    assert len(replay(model, acts)) == first["length"]


def test_a_liveness_mutant_differs_in_liveness_with_a_lasso(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--from", "seed", "--to", "mutant=stuck-after-sibling-exit", "--slots", "1",
                         "--containers", "2", "--policy", "Never")
    assert code == 1 and out["liveness_compared"]
    live = [v for v in out["verdicts"] if v["kind"] == "liveness"]
    assert live and all(v["from"] == "holds" and v["to"] == "violated" for v in live)
    lasso = live[0]["traces"]["to"]
    assert lasso["loop_at"] is not None and lasso["length"] >= lasso["loop_at"]
    assert {v["kind"] for v in out["verdicts"]} == {"liveness"}  # safety cannot tell it apart


def test_mutant_verdicts_differ(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--from", "modern", "--to", "mutant=no-backoff", "--slots", "1",
                         "--policy", "Always", "--no-liveness")
    assert code == 1
    rows = {v["name"]: v for v in out["verdicts"] if v["kind"] == "row"}
    assert rows["M-backoff"]["from"] == "pass" and rows["M-backoff"]["to"] == "fail"
    assert rows["M-backoff"]["traces"]["to"]["length"] > 0


def test_a_mutant_of_the_phase_function_shows_in_the_phase_table() -> None:
    base, mut = resolve_pair("seed", "mutant=crashloop-pending")
    d = phase_diff(base, mut)
    moved = {(c.policy, c.phase_from, c.phase_to) for c in d.classes}
    assert ("Always", "Running", "Pending") in moved
    assert all("Waiting(last" in " ".join(s for _, st in c.example for s in st) for c in d.classes)


@pytest.mark.skipif("1.32" not in profiles.get("modern").versions, reason="the modern profile models no versions")
def test_a_version_diff_finds_the_init_container_change() -> None:
    # From 1.32 a pending init container keeps the pod Pending even after a main container started.
    old, new = resolve_pair("modern:kubernetes=1.31", "kubernetes=1.32")
    d = phase_diff(old, new)
    moved = {(c.policy, c.roles, c.phase_from, c.phase_to) for c in d.classes}
    assert ("Always", ("init container", "container"), "Running", "Pending") in moved
    c = next(c for c in d.classes if c.roles == ("init container", "container") and c.phase_from == "Running")
    inits = dict(c.example)["init container"]
    assert set(inits) & {"NoStatus", "Waiting", "Running"}  # the init container is pending


def test_seed_and_modern_differ_in_phase_and_steps() -> None:
    seed, modern = resolve_pair("seed", "modern")
    r = diff(seed, modern, [small(policy=A)], verdicts=False)
    assert r.phases.classes and r.phases.statuses == profiles.get("seed").observe.statuses  # type: ignore[union-attr]
    titles = {(c.side, c.title) for c in r.steps if c.shared}
    # The seed node controller fails a lost node's pods; today the phase stays (only taints and eviction).
    assert (0, "n0.ready: True -> Unknown, p0.phase: Running -> Failed") in titles
    assert "container.reason" not in r.kinds and "pod.phase" in r.kinds


@pytest.mark.parametrize("argv, words", [
    (["--from", "nope", "--to", "seed"], "--from 'nope' names no profile; use one of: seed, modern"),
    (["--from", "seed", "--to", "seed:speed=1"], "which is not a setting; use kubernetes=1.N"),
    (["--from", "modern", "--to", "mutant=zz"], "--mutant 'zz' is not known in the modern profile"),
    (["--from", "seed", "--to", "kubernetes=1.29"], "not modelled by the seed profile"),
    (["--from", "seed", "--to", "modern", "--inits", "1"], "--inits are not part of the seed profile"),
    (["--from", "modern", "--to", "gates=Nope=true"], "is not a gate of the modern profile"),
    (["--from", "modern", "--to", "gates=SidecarContainers=maybe"], "is not NAME=true or NAME=false"),
    (["--from", " ", "--to", "seed"], "is empty"),
    (["--from", "modern", "--to", "modern", "--slot-flags", "nope"], "--slot-flags 'nope' is not a slot option"),
])
def test_bad_specs_exit_2_in_one_sentence(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    assert main(["diff", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") <= 2, err


def test_a_profile_without_a_projection_shares_no_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.profiles import toy

    profiles.register(toy.PROFILE)
    try:
        assert main(["diff", "--from", "toy", "--to", "seed"]) == 2
    finally:
        profiles.unregister(toy.PROFILE.name)
    err = capsys.readouterr().err
    assert "the toy profile declares no observable projection" in err and err.count("\n") <= 2


def test_docs_modern_carries_the_generated_diff() -> None:
    stale = sync(ROOT / "docs" / "modern.md", check=True)
    assert stale == [], ("docs/modern.md is out of date with `kubelife diff`; run "
                         "`python -m kubelife.diff.docsync docs/modern.md`")


@pytest.mark.slow
def test_docs_diff_carries_the_generated_diffs() -> None:
    assert sync(ROOT / "docs" / "diff.md", check=True) == []
