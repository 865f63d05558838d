"""``kubelife explore``: the web app driven in headless Chromium, plus its command line.

The server runs in a subprocess exactly as a user starts it (``--port 0``: a
free port, read back from the URL it prints).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import browser_fixture

ROOT = Path(__file__).resolve().parent.parent
TRACES = ROOT / "tests" / "data" / "traces"


def _start(*flags: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "kubelife", "explore", "--port", "0", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not m:
        proc.kill()
        raise AssertionError(f"no URL printed: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, m.group(0)


def _stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from browser_fixture()


@pytest.fixture(scope="module", params=["seed", "modern"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    proc, url = _start("--profile", request.param)
    yield url
    assert _stop(proc) == 130


@pytest.mark.browser
def test_walk_back_and_forward(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    assert page.locator(".node").count() >= 1
    first = page.locator("button.transition").first
    action = first.get_attribute("data-action")
    first.click()
    page.wait_for_selector("#position:has-text('step 1 of 1')")
    assert action in page.locator("#history li.current").inner_text()
    assert page.locator("#changes tr").count() >= 1  # the step's changed fields, before and after
    page.click("#back")
    page.wait_for_selector("#position:has-text('step 0 of 1')")
    page.click("#forward")
    page.wait_for_selector("#position:has-text('step 1 of 1')")
    # every button names an actor and a Kubernetes event (or says there is none)
    for b in page.locator("button.transition").all():
        assert b.locator(".actor").inner_text() and b.locator(".event").inner_text()
    page.close()


@pytest.mark.browser
def test_step_through_a_rows_witness(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    page.wait_for_selector("#rows button.jump", timeout=60_000)  # the check runs on first load
    button = page.locator("#rows button.jump").first
    rid = button.get_attribute("data-row")
    button.click()
    page.wait_for_selector("#loaded")
    assert f"row {rid}" in page.locator("#loaded").inner_text()
    total = int(re.search(r"of (\d+)", page.locator("#position").inner_text()).group(1))  # type: ignore[union-attr]
    assert total >= 1
    for k in range(1, total + 1):
        page.click("#forward")
        page.wait_for_selector(f"#position:has-text('step {k} of {total}')")
    assert page.locator("#at-focus").count() == 1  # the last step, where the row's event fires, is highlighted
    assert page.locator("#history li.focus").count() == 1
    page.close()


@pytest.mark.browser
def test_a_recorded_trace_shows_where_it_leaves_the_model(browser: Any) -> None:
    proc, url = _start()
    try:
        page = browser.new_page()
        page.goto(url)
        page.set_input_files("#trace-file", str(TRACES / "list-violating.json"))
        page.click("#trace-submit")
        page.wait_for_selector("#trace-verdict")
        assert "violation" in page.locator("#trace-verdict").inner_text()
        bad = page.locator("#trace-records tr.bad")
        assert bad.count() >= 1
        line = bad.first.get_attribute("data-line")
        assert page.locator(f".divergence[data-line='{line}']").count() >= 1
        assert "leaves the model at line" in page.locator(".divergence").first.inner_text()
        page.close()
    finally:
        assert _stop(proc) == 130


@pytest.mark.browser
def test_step_through_a_propertys_counterexample(browser: Any) -> None:
    proc, url = _start("--nodes", "2", "--slots", "2", "--policy", "Never")  # 10,015 states
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#properties button.jump", timeout=60_000)
        row = page.locator("#properties tr", has_text="at most R copies")
        assert "violated as expected" in row.inner_text()
        row.locator("button.jump").click()
        page.wait_for_selector("#loaded")
        assert "counterexample of 'at most R copies" in page.locator("#loaded").inner_text()
        total = page.locator("#history li").count() - 1
        assert total >= 5
        page.click(f"#history li[data-index='{total}'] button")
        page.wait_for_selector("#at-focus")
        running = page.locator(".container.tone-ok").count()
        assert running == 2  # two copies of the one replicated pod run: the violation, drawn
        page.close()
    finally:
        assert _stop(proc) == 130


def test_the_session_walks_and_the_views_draw_both_profiles() -> None:
    from kubelife.explore.session import ExploreError, Session
    from kubelife.explore.views import state_view
    from kubelife.model.k8s.config import Config
    from kubelife.profiles import build

    for profile in ("seed", "modern"):
        s = Session(build(Config.uniform(nodes=1, slots=1, profile=profile)))
        with pytest.raises(ExploreError, match="not enabled"):
            s.fire(next(i for i, t in enumerate(s.model.system.transitions) if t.action.kind == "P1"))
        for kind in ("N1", "R1", "P1"):  # register the node, create the pod, bind it
            s.fire(next(i for i, a in s.enabled() if a.kind == kind))
        view = state_view(s.model, s.current.values)
        assert [p["id"] for p in view["nodes"][0]["pods"]] == ["p0"] and view["unbound"] == []
        assert view["nodes"][0]["pods"][0]["containers"], view
        s.back()
        s.back()
        assert s.cursor == 1 and len(s.history) == 4
        s.fire(s.enabled()[0][0])  # a new step from the middle drops the old future
        assert len(s.history) == 3 and s.cursor == 2


def test_bad_flags_exit_2_with_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from kubelife.cli import main

    for flags, words in ((["--port", "http"], "'http' is not a port number"),
                         (["--port", "70000"], "70000 is not a port number"),
                         (["--profile", "future"], "'future' is not known"),
                         (["--trace", "/nonexistent/trace.json"], "is not a file")):
        assert main(["explore", *flags]) == 2  # each is refused before any server starts
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1
