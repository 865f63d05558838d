"""Running the replay code a stateful failure printed, shared by the seed and modern stateful tests."""

from __future__ import annotations

from typing import Any

import pytest

from kubelife.stateful import ModelViolation


def replays(code: str, namespace: dict[str, Any] | None = None) -> ModelViolation:
    """Executes the printed code and returns the violation it raises again (fails if it raises none)."""
    with pytest.raises(ModelViolation) as info:
        exec(code, dict(namespace or {}))  # noqa: S102 - the code the machine printed
    return info.value
