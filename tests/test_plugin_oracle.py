"""The pytest plugin hands the conformance oracle to other projects' tests."""

from __future__ import annotations

from pathlib import Path

import pytest

TRACES = Path(__file__).parent / "data" / "traces"


def test_plugin_fixture_passes_a_conformant_trace_and_fails_a_divergent_one(pytester: pytest.Pytester) -> None:
    good = sorted((TRACES / "rows").glob("S2-Never*"))
    bad = sorted((TRACES / "mutants").glob("never-restarts*"))
    assert good and bad
    pytester.makepyfile(f"""
        def test_good(kubelife_assert_conforms):
            kubelife_assert_conforms({str(good[0])!r})

        def test_bad(kubelife_assert_conforms):
            kubelife_assert_conforms({str(bad[0])!r})
    """)
    result = pytester.runpytest()  # the plugin loads through its pytest11 entry point
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*does not conform*"])
