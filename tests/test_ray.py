"""The Ray engine gives the single-machine answers (issue 10), survives a lost worker via checkpoints.

A local Ray instance with 2 CPUs is started once for the module; configurations are small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")

from kubelife.check import CheckResult, check_model  # noqa: E402
from kubelife.model.engine.distributed.coordinator import WorkerLost, connect, run_distributed  # noqa: E402
from kubelife.model.engine.distributed.partition import Problem  # noqa: E402
from kubelife.model.engine.explore import explore  # noqa: E402
from kubelife.model.engine.system import Action, Field, Layout, Transition, TransitionSystem  # noqa: E402
from kubelife.model.k8s.cluster import ClusterModel  # noqa: E402
from kubelife.model.k8s.config import Config  # noqa: E402
from kubelife.model.k8s.types import Policy  # noqa: E402
from kubelife.profiles import build  # noqa: E402
from kubelife.profiles.seed.mutants import MUTANTS  # noqa: E402
from kubelife.profiles.seed.presets import preset  # noqa: E402
from kubelife.ray_engine import check_model_ray  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Any:
    connect(None, 2)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module
    yield
    ray.shutdown()


TINY = Config.uniform(nodes=1, slots=1)  # 152 states, depth 13


def _comparable(r: CheckResult) -> dict[str, Any]:
    j = r.to_json()
    for k in ("seconds", "engine", "ray"):
        j.pop(k, None)
    return j


def _agree(m: ClusterModel, symmetry: bool, workers: int = 2, compiled: bool = True) -> CheckResult:
    one = check_model(m, engine="python", symmetry=symmetry)
    many = check_model_ray(m, workers=workers, symmetry=symmetry, chunk=500, compiled=compiled)
    # Same counts, verdicts, witnesses and counterexamples -- the very same traces.
    assert _comparable(many) == _comparable(one)
    return many


def test_r1_agrees_and_partitions_share_the_work() -> None:
    r = _agree(build(preset("R1")), symmetry=False)
    assert r.exploration.states == 3389
    parts = r.meta["ray"]["partitions"]
    assert sum(p["states"] for p in parts) == 3389
    assert all(p["states"] > 1000 and p["bytes_out"] > 0 for p in parts)


def test_partitions_without_the_c_core_agree_too() -> None:
    # Python-compiled partitions (no C compiler, or states wider than 63 bits) give the same answers.
    r = _agree(build(Config.uniform(nodes=2, slots=1)), symmetry=False, compiled=False)
    assert r.exploration.states == 2304


def test_symmetry_reduced_run_agrees_on_three_workers() -> None:
    r = _agree(build(Config.uniform(nodes=2, slots=1)), symmetry=True, workers=3)
    assert r.exploration.states == 1160  # 2304 without symmetry


@pytest.mark.parametrize("name,config", [
    ("never-restarts", Config.uniform(nodes=1, slots=1, containers=2, policy=Policy.NEVER)),  # state property, row
    ("terminal-restart", Config.uniform(nodes=1, slots=1, containers=1, policy=Policy.ALWAYS)),  # step property
])
def test_mutant_counterexamples_agree(name: str, config: Config) -> None:
    mutant = MUTANTS[name]
    r = _agree(build(config, mutant), symmetry=False)
    caught = {p.name for p in r.properties if p.status == "violated"} | {
        row.id for row in r.rows if row.status == "fail"}
    assert caught & set(mutant.caught_by)  # type: ignore[attr-defined]


def _wide_system() -> TransitionSystem:
    # A 70-bit field forces two-word states and 128-bit fingerprints; x counts to 40 by +1 or +3.
    layout = Layout([Field("pad", 1 << 70), Field("x", 41)])

    def step(k: int) -> Any:
        return lambda v, o: (o.le(v[1], 40 - k), {1: o.add(v[1], k)})

    ts = tuple(Transition(Action("T", f"add{k}", "test", args=(("k", k),)), step(k)) for k in (1, 3))
    return TransitionSystem(layout, ((1 << 70) - 5, 0), ts)


def _wide_problem() -> Problem:
    return Problem(_wide_system(), invariants=[lambda v, o: o.ne(v[1], 37)])


def test_wide_states_use_fingerprints_and_agree() -> None:
    one = explore(_wide_system(), invariants=_wide_problem().invariants)
    run = run_distributed(_wide_problem, workers=2, signature="wide", chunk=7)
    try:
        assert (run.states, run.depth) == (one.states, one.depth) == (41, 14)
        bad = [s["state_violations"][0] for s in run.summaries if s["state_violations"]]
        assert bad == [one.state_violations[0]]
        assert run.path(bad[0]) == one.path(one.state_violations[0])
    finally:
        run.close()


class _Breaks:
    """An observer that fails on the edges out of state 21: a bug in one peer (the state's owner), mid-run."""

    transitions = frozenset({0, 1})

    def visit(self, src: int, s: int, i: int, t: int, dst: int) -> None:
        if src == 21:
            raise ValueError(f"observer broke at state {src}")


def _breaking_problem() -> Problem:
    return Problem(_wide_system(), observers=[_Breaks()])


def test_a_failing_peer_stops_the_run() -> None:
    # The other peer waits for messages that never come; the driver must raise, not wait with it.
    with pytest.raises(ray.exceptions.RayTaskError, match="observer broke at state 21"):
        run_distributed(_breaking_problem, workers=2, signature="breaks", chunk=7)


def test_state_limit_stops_the_peers() -> None:
    class TooMany(Exception):
        pass

    with pytest.raises(TooMany, match="10"):
        run_distributed(_wide_problem, workers=2, signature="wide", chunk=7, max_states=10,
                        too_many=lambda n: TooMany(n))
    run = run_distributed(_wide_problem, workers=2, signature="wide", chunk=7, max_states=41,
                          too_many=lambda n: TooMany(n))  # exactly at the limit: not past it
    try:
        assert run.states == 41
    finally:
        run.close()


def test_lost_worker_stops_then_checkpoint_resumes(tmp_path: Path) -> None:
    m = build(TINY)
    one = check_model(m, engine="python", symmetry=False)
    ck = str(tmp_path / "ck")

    def kill_at_level_5(depth: int, actors: list[Any]) -> None:
        if depth == 5:
            ray.kill(actors[1])

    with pytest.raises(WorkerLost, match=r"lost while exploring level 6 .* resume from level 5"):
        check_model_ray(m, workers=2, symmetry=False, checkpoint=ck, on_level=kill_at_level_5)
    resumed = check_model_ray(m, workers=2, symmetry=False, checkpoint=ck)
    assert resumed.meta["ray"]["resumed_from_level"] == 5
    assert _comparable(resumed) == _comparable(one)


def test_finished_run_leaves_a_checkpoint_of_its_last_level(tmp_path: Path) -> None:
    # Without a per-level hook the peers run ahead of the driver's meta file: its clean-up must keep
    # the parts of later levels, or the meta file would point at parts already deleted.
    m = build(TINY)
    one = check_model(m, engine="python", symmetry=False)
    ck = tmp_path / "ck"
    first = check_model_ray(m, workers=2, symmetry=False, checkpoint=str(ck))
    level = json.loads((ck / "meta.json").read_text())["level"]
    assert level == one.exploration.depth
    assert sorted(f.name for f in ck.glob("part-*")) == [f"part-{j}.L{level}.pkl" for j in range(2)]
    again = check_model_ray(m, workers=2, symmetry=False, checkpoint=str(ck))
    assert again.meta["ray"]["resumed_from_level"] == level
    assert _comparable(again) == _comparable(first) == _comparable(one)


def test_checkpoint_of_another_run_is_refused(tmp_path: Path) -> None:
    from kubelife.model.engine.distributed.coordinator import CheckpointMismatch

    ck = str(tmp_path / "ck")
    check_model_ray(build(TINY), workers=2, symmetry=False, checkpoint=ck)
    with pytest.raises(CheckpointMismatch, match="use an empty directory"):
        check_model_ray(build(TINY), workers=1, symmetry=False, checkpoint=ck)


def test_checkpoint_of_an_older_format_is_refused(tmp_path: Path) -> None:
    import json

    from kubelife.model.engine.distributed.coordinator import CheckpointMismatch, _read_meta

    ck = tmp_path / "ck"
    ck.mkdir()
    meta = {"signature": "R1", "workers": 2, "level": 3, "states": 10, "edges": 20, "seconds": 1.0}
    (ck / "meta.json").write_text(json.dumps(meta))  # session-1 checkpoints had no format field
    with pytest.raises(CheckpointMismatch, match="written in format 1 by another kubelife version"):
        _read_meta(ck, "R1", 2)
    (ck / "meta.json").write_text(json.dumps({**meta, "format": 2}))
    assert _read_meta(ck, "R1", 2) == {**meta, "format": 2}


def test_cli_engine_ray_prints_like_the_single_machine(capsys: pytest.CaptureFixture[str]) -> None:
    from kubelife.cli import main

    tiny = ["check", "--nodes", "2", "--slots", "1", "--show-deadlock"]
    assert main([*tiny, "--engine", "python"]) == 0
    one = capsys.readouterr().out
    assert main([*tiny, "--engine", "ray", "--workers", "2"]) == 0
    many = capsys.readouterr().out

    def body(text: str) -> list[str]:  # everything but the timing line
        return [ln for ln in text.splitlines() if "states/s" not in ln]

    assert body(many) == body(one)
    assert main([*tiny, "--engine", "ray", "--workers", "0"]) == 2
    assert "--workers 0 is out of range" in capsys.readouterr().err


def test_default_engine_never_imports_ray() -> None:
    import subprocess

    code = ("import sys; from kubelife.cli import main; main(['check', '--preset', 'R1', '--json']); "
            "import kubelife.model.engine.distributed; assert 'ray' not in sys.modules, 'ray imported'")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
