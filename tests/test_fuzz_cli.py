"""Fuzzing the command line (issue 18): any flag values, to any command, exit 0, 1 or 2 and never a traceback.

Each command's flags are read from its own parser, so a flag added later is fuzzed too.  Values are
numbers in and out of range, nan and inf, unicode, empty strings, names known and unknown; flags
repeat.  Every run is in-process (``kubelife.cli.main``) in a temporary directory.  Runs stay short:
each command gets flags first that keep a valid run tiny (one slot, few states, shallow proofs),
then the fuzzed ones, which may override them only with small valid values or with invalid ones.
``report``, ``vectors`` and ``explore`` get stand-ins for their writers and server: what is fuzzed is
the command line, not the minutes of work behind it.  ``pytest -m slow tests/test_fuzz_cli.py`` runs
many more examples.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubelife.cli import build_parser, main
from kubelife.model.engine import fast

# Flags whose valid values make a run long: fuzzed only with these small valid values (or invalid ones).
SMALL: dict[str, list[str]] = {
    "--nodes": ["1"], "--slots": ["1", "2"], "--containers": ["1"], "--replicas": ["0", "1"],
    "--restart-cap": ["0", "1"], "--inits": ["0", "1"], "--sidecars": ["0", "1"], "--depth": ["1", "2"],
    "--workers": ["0"], "--preset": ["R1", "modern-Always-1c", "nope"], "--max-states": ["1", "500", "3000"],
    "--liveness-max-states": ["1", "100"], "--max-hidden-steps": ["0", "3"], "--timeout": ["0.5", "1"],
    "--engine": ["auto", "python", "fast", "FAST", "nope"], "--port": ["0"],
}
# Never fuzzed: --follow reads forever, Ray's connection flags, --output (a path; export is fuzzed without it).
SKIP = {"--follow", "-f", "--address", "--checkpoint", "-h", "--help", "--output", "-o"}
# Put first, so a valid run stays tiny unless the fuzzed flags (restricted above) say otherwise.
GUARD: dict[str, list[str]] = {
    "check": ["--slots", "1", "--max-states", "3000", "--no-liveness"],
    "liveness": ["--slots", "1", "--max-states", "3000"],
    "prove": ["--slots", "1", "--depth", "1", "--no-counts", "--timeout", "2"],
    "export": ["--slots", "1"],
    "diff": ["--slots", "1", "--no-liveness", "--max-states", "3000", "--from", "seed", "--to", "seed"],
    "oracle": ["trace.jsonl"],
    "report": ["--out", "out"],
    "vectors": ["--out", "out"],
    "explore": ["--slots", "1", "--port", "0"],
}
NAMES = ["Always", "never", "ONFAILURE", "seed", "modern", "SEED", "R1", "B1", "nope", "auto", "python", "dot",
         "promela", "none", "z3", "healthy", "unknown", "1.31", "v1.33", "SidecarContainers=false", "a=b,c",
         "crashloop-pending", "mutant=never-restarts", "kubernetes=1.29", "jsonl", "watch"]
NUMBERS = ["-1", "0", "-0", "1e3", "nan", "NaN", "inf", "-inf", "1.5", "0x10", "100000", "9" * 30, "9" * 5000,
           "٣", "1_000", " 1", "2 "]
values = st.one_of(
    st.sampled_from(NUMBERS), st.sampled_from(NAMES), st.integers(-(10**12), 10**12).map(str),
    st.text(max_size=12), st.just(""),
)


def _flags() -> dict[str, tuple[list[str], list[str]]]:
    """Per command: (flags taking a value, switches), from the real parser."""
    parser, _ = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out: dict[str, tuple[list[str], list[str]]] = {}
    for name, sp in sub.choices.items():
        valued, switches = [], []
        for a in sp._actions:
            opts = [o for o in a.option_strings if o.startswith("--") and o not in SKIP]
            if not opts:
                continue
            (switches if a.nargs == 0 else valued).append(opts[0])
        out[name] = (valued, switches)
    return out


FLAGS = _flags()


# Paths: relative ones (the run is in a temporary directory), one that cannot be made, an existing file.
PATHS = ["out", "a/b", "", "/proc/nope", "trace.jsonl", "missing.json", "ü/∂"]


def _value(flag: str) -> st.SearchStrategy[str]:
    if flag in ("--out", "--dot", "--junit", "--trace"):
        return st.sampled_from(PATHS)  # never a fuzzed absolute path: a run may write there
    if flag == "--engine":  # never ray: it would start a cluster
        return st.sampled_from(SMALL[flag])
    small = SMALL.get(flag)
    if small is None:
        return values
    # Valid values are only the small ones; anything else drawn must be refused.
    return st.one_of(st.sampled_from(small), values.filter(lambda v: _invalid(flag, v)))


def _invalid(flag: str, v: str) -> bool:
    try:
        n = float(v)
    except ValueError:
        return True
    return not (n == n) or n < 0 or (flag == "--timeout" and not 0.1 <= n <= 3600) or n > 10**9 or n != int(n) \
        or flag in ("--nodes", "--slots", "--containers", "--depth", "--max-states") and n < 1


def argv_for(command: str) -> st.SearchStrategy[list[str]]:
    valued, switches = FLAGS[command]
    pair = st.sampled_from(valued).flatmap(lambda f: st.tuples(st.just(f), _value(f))) if valued else st.nothing()
    return st.builds(
        lambda pairs, sw: [command, *GUARD.get(command, []), *(x for p in pairs for x in p), *sw],
        st.lists(pair, max_size=4),
        st.lists(st.sampled_from(switches), max_size=2) if switches else st.just([]),
    )


class _Report:
    files: list[str] = []
    svg = True


@pytest.fixture(autouse=True)
def _scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("trace.jsonl").write_text('{"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": "a"}}}\n')
    import kubelife.oracle.vectors
    import kubelife.report

    monkeypatch.setattr(kubelife.report, "write_report", lambda out, **kw: _Report())
    monkeypatch.setattr(kubelife.oracle.vectors, "write_vectors", lambda out, *a, **kw: {"phase.json": 1})

    class _Server:
        server_port = 1

        def serve_forever(self, poll_interval: float = 0.5) -> None:
            return None

        def server_close(self) -> None:
            return None

    import werkzeug.serving

    monkeypatch.setattr(werkzeug.serving, "make_server", lambda *a, **kw: _Server())


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    finally:
        fast.set_memory_budget(None)  # --memory-budget sets a process-wide budget; do not leak it
    return rc, err.getvalue()


def check(argv: list[str], allowed: tuple[int, ...] = (0, 1, 2)) -> int:
    rc, err = run(argv)
    assert rc in allowed, (argv, rc, err)
    assert "Traceback" not in err, (argv, err)
    if rc == 2:  # bad usage: one sentence
        assert err.startswith("kubelife: error:") and len(err.strip().splitlines()) == 1, (argv, err)
    return rc


# -- the issue's cases, as explicit examples -------------------------------------------------------------------

ISSUE = [
    (["check", "--restart-cap", "100000"], 2),
    (["liveness", "--restart-cap", "100000"], 2),
    (["check", "--nodes", "3", "--slots", "4", "--replicas", "2", "--memory-budget", "16M"], 2),
    (["prove", "--timeout", "nan"], 2),
    (["prove", "--timeout", "inf"], 2),
    (["report", "--out", "/proc/nope"], 2),
    (["check", "--replicas", "100", "--slots", "2"], 2),
    (["check", "--policy", "never", "--slots", "1", "--no-liveness"], 0),
    (["--version"], 0),
    (["check", "--slots", "1", "--mutant", "crashloop-pending", "--no-liveness"], 1),
]


@pytest.mark.parametrize(("argv", "code"), ISSUE, ids=[" ".join(a) for a, _ in ISSUE])
def test_the_issues_cases(argv: list[str], code: int) -> None:
    assert check(argv) == code


# -- generated -------------------------------------------------------------------------------------------------

COMMANDS = sorted(FLAGS)


@pytest.mark.parametrize("command", COMMANDS)
def test_any_flags_exit_0_1_or_2(command: str) -> None:
    allowed = (0, 1, 2, 130) if command == "explore" else (0, 1, 2)  # explore serves until Ctrl-C: 130

    @settings(max_examples=4)
    @given(argv_for(command))
    @example([command, *GUARD.get(command, []), "--profile", ""])
    def fuzz(argv: list[str]) -> None:
        check(argv, allowed)

    fuzz()


@given(st.lists(values, max_size=4))
@settings(max_examples=10)
def test_any_words_at_the_top_level(words: list[str]) -> None:
    # No command, an unknown command, stray words: one sentence, exit 2 (or --version/--help: 0).
    if words and words[0] in FLAGS:
        words = ["?", *words]
    check(words)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_any_flags_deep(command: str) -> None:
    allowed = (0, 1, 2, 130) if command == "explore" else (0, 1, 2)

    @settings(max_examples=150)
    @given(argv_for(command))
    def fuzz(argv: list[str]) -> None:
        check(argv, allowed)

    fuzz()


def test_the_fuzzed_flags_cover_every_command() -> None:
    assert {"check", "liveness", "prove", "export", "report", "vectors", "oracle", "explore"} <= set(FLAGS)
    assert "--restart-cap" in FLAGS["check"][0] and "--timeout" in FLAGS["prove"][0]
