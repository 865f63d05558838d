"""Running the checkers the report shows, each through its published contract.

The exhaustive checker always runs.  Z3 (``kubelife.prove``), Hypothesis
(``kubelife.stateful``) and the oracle (``kubelife.oracle``) are optional:
when one is missing or breaks, its column reads "not run" with the reason,
and the report is still written.  Wall-clock figures are dropped unless
asked for, so the committed report is byte-identical on regeneration.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from kubelife.check import check_model
from kubelife.model.k8s.config import Config
from kubelife.profiles import build, default, get, require
from kubelife.suite import SuiteResult, merge

__all__ = ["CheckerRun", "Results", "gather", "CHECKERS", "TRACE_DIR"]

CHECKERS = ("exhaustive", "z3", "hypothesis", "oracle")
# The oracle's example traces live in the source tree (an editable install); elsewhere: "not run".
ROOT = Path(__file__).resolve().parents[2]
TRACE_DIR = ROOT / "tests" / "data" / "traces"
_TRACE_SUFFIXES = {".jsonl", ".json", ".ndjson"}
_TIME_KEYS = {"seconds", "time", "elapsed", "duration", "wall", "runtime", "ms", "timing", "timings"}


@dataclass
class CheckerRun:
    """One checker's verdicts in report shape: ``rows``/``properties`` map ids to ``{"status", ...}``."""

    name: str
    ran: bool
    note: str = ""
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self, timings: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"ran": self.ran, "note": self.note, "rows": self.rows,
                               "properties": self.properties, "coverage": self.coverage}
        if timings:
            out["seconds"] = round(self.seconds, 2)
        return out


@dataclass
class Results:
    suite: SuiteResult | None
    runs: dict[str, CheckerRun]
    timings: bool
    profile: str = ""


def strip_times(obj: Any) -> Any:
    """A JSON value without wall-clock keys (they differ on every run)."""
    if isinstance(obj, dict):
        return {k: strip_times(v) for k, v in obj.items() if str(k).lower() not in _TIME_KEYS}
    if isinstance(obj, list):
        return [strip_times(v) for v in obj]
    return obj


def _not_run(name: str, why: str) -> CheckerRun:
    return CheckerRun(name, False, why)


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def suite_for(profile: str | None) -> tuple[Config, ...]:
    """The profile's report suite (its ``check`` suite unless it says otherwise)."""
    return require(get(profile), "reports").suite


def _is_default(profile: str | None) -> bool:
    # The default profile's report keeps the plain wording (and so its committed bytes).
    return not profile or profile == default().name


def run_exhaustive(configs: Sequence[Config] | None = None, note: str = "default suite"
                   ) -> tuple[SuiteResult, CheckerRun]:
    configs = suite_for(None) if configs is None else configs
    suite = merge([check_model(build(c)) for c in configs])
    js = suite.to_json()
    rows = {rid: {"status": r["status"], "hits": r["hits"], "where": r["where"]} for rid, r in js["rows"].items()}
    props = {name: {"status": p["status"], "where": p["where"]} for name, p in js["properties"].items()}
    kinds: dict[str, int] = {}
    instances: dict[str, list[int]] = {}
    for res in suite.results:
        for a, n in zip(res.model.system.actions, res.exploration.fired):
            kinds[a.kind] = kinds.get(a.kind, 0) + n
            got = instances.setdefault(a.kind, [0, 0])
            got[0] += n > 0
            got[1] += 1
    cov = {
        "configurations": len(suite.results),
        "states": js["states"],
        "transitions": js["transitions"],
        "kinds": kinds,
        "instances": {k: {"fired": v[0], "of": v[1]} for k, v in instances.items()},
    }
    return suite, CheckerRun("exhaustive", True, note, rows, props, cov)


def run_z3(profile: str | None = None) -> CheckerRun:
    try:
        from kubelife.prove import prove_all  # type: ignore[attr-defined]
    except (ImportError, AttributeError) as e:
        return _not_run("z3", f"kubelife.prove.prove_all is not available ({_first_line(e)})")
    try:
        js = strip_times(prove_all(semantics=get(profile).semantics).to_json())
    except Exception as e:  # another helper's checker failing must not stop the report
        return _not_run("z3", f"prove_all() failed: {_first_line(e)}")
    rows = {rid: dict(v) for rid, v in (js.get("rows") or {}).items() if isinstance(v, dict)}
    props = {k: dict(v) for k, v in (js.get("properties") or {}).items() if isinstance(v, dict)}
    what = "kubelife.prove.prove_all()" if _is_default(profile) else f"kubelife.prove.prove_all() ({profile} semantics)"
    return CheckerRun("z3", True, what, rows, props, {})


def run_hypothesis(profile: str | None = None) -> CheckerRun:
    try:
        from kubelife.stateful import run_rows
    except (ImportError, AttributeError) as e:
        return _not_run("hypothesis", f"kubelife.stateful.run_rows is not available ({_first_line(e)})")
    try:
        rows = {rid: dict(v) for rid, v in run_rows(config=None, profile="ci", semantics_profile=profile).items()}
    except Exception as e:
        return _not_run("hypothesis", f"run_rows() failed: {_first_line(e)}")
    cov: dict[str, Any] = {}
    try:
        from kubelife.stateful import run_coverage

        cov = strip_times(run_coverage(config=None, profile="ci", semantics_profile=profile))
    except Exception as e:  # the coverage summary is optional in the contract
        cov = {"error": _first_line(e)}
    what = "kubelife.stateful.run_rows(profile='ci')" if _is_default(profile) else \
        f"kubelife.stateful.run_rows(profile='ci', semantics_profile={profile!r})"
    return CheckerRun("hypothesis", True, what, rows, {}, cov)


def run_oracle(trace_dir: Path = TRACE_DIR, profile: str | None = None) -> CheckerRun:
    """Check every trace under ``tests/data/traces`` (``.../NAME`` for a profile other than the default)
    and sum what the oracle says they exercised."""
    try:
        oracle = importlib.import_module("kubelife.oracle")
        coverage = oracle.coverage
        check = oracle.check_trace
    except (ImportError, AttributeError) as e:
        return _not_run("oracle", f"kubelife.oracle.check_trace/coverage are not available ({_first_line(e)})")
    files = sorted(p for p in trace_dir.rglob("*") if p.suffix in _TRACE_SUFFIXES and p.is_file()) \
        if trace_dir.is_dir() else []
    if not files:
        return _not_run("oracle", "no traces to check")
    per: dict[str, Any] = {}
    kinds: dict[str, int] = {}
    states: set[str] = set()
    try:
        for f in files:
            res = check(f, profile_name=profile)
            cov = strip_times(coverage(res))
            per[f.relative_to(trace_dir).as_posix()] = {"verdict": str(getattr(res, "verdict", "?")), **cov}
            for k, n in (cov.get("kinds") or {}).items():
                kinds[k] = kinds.get(k, 0) + int(n)
            states |= {str(x) for x in cov.get("states") or ()}
    except Exception as e:
        return _not_run("oracle", f"checking the traces failed: {_first_line(e)}")
    where = trace_dir.relative_to(ROOT).as_posix() if trace_dir.is_relative_to(ROOT) else trace_dir.as_posix()
    return CheckerRun("oracle", True, f"kubelife.oracle.check_trace() on {len(files)} traces under {where}", {}, {},
                      {"traces": per, "kinds": dict(sorted(kinds.items())), "states": sorted(states)})


def _runners(profile: str) -> dict[str, Callable[[], CheckerRun]]:
    traces = TRACE_DIR if _is_default(profile) else TRACE_DIR / profile
    return {"z3": partial(run_z3, profile), "hypothesis": partial(run_hypothesis, profile),
            "oracle": partial(run_oracle, traces, profile)}


def gather(checkers: Sequence[str] = CHECKERS, *, timings: bool = False,
           configs: Sequence[Config] | None = None, profile: str | None = None) -> Results:
    """Run the named checkers on ``profile`` (default suite: the profile's); the others are "not run
    (not requested)"."""
    profile = get(profile).name  # an unknown name raises ProfileError
    runners = _runners(profile)
    cfgs = suite_for(profile) if configs is None else configs
    note = "default suite" if _is_default(profile) else f"{profile} default suite"
    runs: dict[str, CheckerRun] = {}
    suite = None
    for name in CHECKERS:
        t0 = time.perf_counter()
        if name not in checkers:
            runs[name] = _not_run(name, "not requested")
            continue
        if name == "exhaustive":
            suite, runs[name] = run_exhaustive(cfgs, note)
        else:
            runs[name] = runners[name]()
        runs[name].seconds = time.perf_counter() - t0
    return Results(suite, runs, timings, profile)
