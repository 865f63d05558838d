"""``kubelife check``: reference state counts, the default suite, JSON shape and usage errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubelife.cli import main
from kubelife.profiles.seed.properties import EXPECTED_VIOLATION, PROPERTY_NAMES
from kubelife.profiles.seed.rows import ROW_IDS, SCENARIO_IDS


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(["check", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def suite() -> Any:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["check", "--json"])
    return code, json.loads(buf.getvalue())


@pytest.mark.parametrize(("nodes", "states"), [(1, 3389), (2, 88727)])
def test_reference_state_counts(capsys: pytest.CaptureFixture[str], nodes: int, states: int) -> None:
    code, out = run_json(capsys, "--nodes", str(nodes), "--slots", "2", "--replicas", "1", "--containers", "1",
                         "--policy", "Always", "--restart-cap", "1", "--no-symmetry")
    assert code == 0
    assert out["states"] == states
    assert set(out["properties"]) == set(PROPERTY_NAMES)
    assert set(out["rows"]) == set(ROW_IDS)
    assert out["properties"][EXPECTED_VIOLATION]["status"] == "violated as expected"


def test_small_config_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--nodes", "1", "--no-symmetry")
    assert code == 0
    assert (out["states"], out["transitions"], out["depth"]) == (3389, 17452, 27)
    assert out["never_fired"] == []
    p = out["properties"]["a Running pod is bound"]
    assert p["holds"] and p["expected"] and p["counterexample"] is None
    row = out["rows"]["S1-Always"]
    assert row["status"] == "pass" and row["witness"][-1]["kind"] == "P3"
    assert out["rows"]["S1-Never"]["status"] == "vacuous"  # no Never pod in this configuration


def test_default_suite_passes_every_row_and_property(suite: Any) -> None:
    code, out = suite
    assert code == 0 and out["ok"]
    assert len(out["configurations"]) == 6
    assert len(SCENARIO_IDS) == 19
    for rid in ROW_IDS:
        r = out["rows"][rid]
        assert r["status"] == "pass", rid
        assert r["hits"] > 0 and r["witness"], rid
    for name in PROPERTY_NAMES:
        assert out["properties"][name]["ok"], name


def test_expected_violation_has_the_shortest_trace(suite: Any) -> None:
    _, out = suite
    v = out["properties"][EXPECTED_VIOLATION]
    assert v["status"] == "violated as expected"
    steps = v["counterexample"]
    # register two nodes, create, schedule, start, partition, expire, replace, schedule, start
    assert len(steps) == 10
    kinds = [s["kind"] for s in steps]
    assert kinds.index("N2") < kinds.index("N4") < kinds.index("R1", kinds.index("N4"))
    assert kinds[-1] == "P2"  # the replacement's container starts while the old one still runs


def test_text_output_shows_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--nodes", "2", "--slots", "2"]) == 0
    text = capsys.readouterr().out
    assert "expected violation" in text and "N4 grace-expiry(node=" in text
    assert "S7-controlled" in text


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--nodes", "0"], "--nodes 0"),
        (["--policy", "Sometimes"], "Sometimes"),
        (["--restart-cap", "-1"], "--restart-cap -1"),
        (["--slots", "x"], "'x'"),
        (["--preset", "nope"], "nope"),
        (["--mutant", "nope"], "nope"),
        (["--preset", "R1", "--nodes", "2"], "--preset"),
    ],
)
def test_bad_values_exit_2_with_one_sentence(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err
    assert err.startswith("kubelife: error:") and "Traceback" not in err
    assert len(err.replace("\n", " ").split(". ")) <= 2


def test_mutant_run_fails_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--nodes", "1", "--slots", "1", "--policy", "Never", "--containers", "2",
                         "--mutant", "never-restarts")
    assert code == 1
    assert not out["properties"]["policy Never never restarts a container"]["ok"]


def test_default_counts_every_state_and_symmetry_is_opt_in(capsys: pytest.CaptureFixture[str]) -> None:
    code, full = run_json(capsys, "--nodes", "1")
    assert code == 0 and full["states"] == 3389 and not full["symmetry"]["on"]
    code, reduced = run_json(capsys, "--nodes", "1", "--symmetry")
    assert code == 0 and reduced["symmetry"]["on"] and reduced["states"] < full["states"]
    for name, p in full["properties"].items():  # verdicts and shortest traces do not depend on it
        assert reduced["properties"][name]["status"] == p["status"]
        assert reduced["properties"][name]["counterexample_length"] == p["counterexample_length"]


def test_liveness_verdicts_come_with_the_safety_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--nodes", "1")
    assert code == 0
    live = out["liveness"]
    assert live and all(v["ok"] for v in live.values())
    assert any(v["status"] == "violated as expected" and v["loop_at"] is not None for v in live.values())
    code, out = run_json(capsys, "--nodes", "1", "--no-liveness")
    assert "liveness" not in out
    assert main(["check", "--nodes", "1", "--fairness", "nonsense"]) == 2


def test_liveness_of_a_large_configuration_is_reported_as_not_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_json(capsys, "--nodes", "1", "--liveness-max-states", "3388")  # 3389 states
    assert code == 0 and "liveness" not in out
    assert "3,389 states is over --liveness-max-states 3,388" in out["liveness_not_checked"]
    code, out = run_json(capsys, "--nodes", "1", "--liveness-max-states", "3389")
    assert "liveness" in out and "liveness_not_checked" not in out
    assert main(["check", "--nodes", "1", "--liveness-max-states", "0"]) == 2
    assert "--liveness-max-states 0 is out of range" in capsys.readouterr().err
