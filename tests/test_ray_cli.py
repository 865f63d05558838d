"""Without Ray installed, ``--engine ray`` says how to install it (no Ray needed for this test)."""

from __future__ import annotations

import pytest

import kubelife.ray_engine
from kubelife.cli import main


def test_missing_ray_is_one_sentence(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(kubelife.ray_engine, "ray_available", lambda: False)
    assert main(["check", "--preset", "R1", "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "kubelife: error: --engine ray needs Ray, which is not installed; install it with: " \
                  "pip install 'kubelife[ray]'."
