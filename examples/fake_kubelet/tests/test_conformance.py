"""The fake kubelet conforms to kubelife's model.

Run from the repository root: ``pytest examples/fake_kubelet``.  The quick runs below take small
presets; ``pytest examples/fake_kubelet --hypothesis-profile deep`` and the default large cluster
(``kubelife_conformance()`` with no configuration: 4 nodes, 8 slots) take minutes.
"""

import pytest
from hypothesis import settings

from kubelife.stateful import config_named

QUICK = settings(max_examples=20, stateful_step_count=25, deadline=None)


@pytest.mark.parametrize("preset", ["R2", "OnFailure-2c", "Never-2c"])
def test_the_fake_kubelet_conforms(kubelife_conformance, preset: str) -> None:
    kubelife_conformance(config_named(preset), QUICK)
