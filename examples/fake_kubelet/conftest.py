"""The example's pytest set-up: kubelife's fixtures test the fake kubelet instead of the model."""

import pytest
from fake_kubelet.adapter import FakeKubeletAdapter


@pytest.fixture
def kubelife_adapter() -> FakeKubeletAdapter:
    return FakeKubeletAdapter()
