"""pytest plugin entry point of kubelife (registered as ``kubelife`` in pytest11).

Fixtures and options for projects that test their own lifecycle
implementations against the model (docs/adapter.md is the route, with a worked
example in examples/fake_kubelet; docs/hypothesis.md says how the machine is derived):

* ``kubelife_adapter``: the implementation under test; by default the model
  itself, or ``--kubelife-adapter=package.module:factory``; a project may
  also override the fixture in its own ``conftest.py``;
* ``kubelife_conformance``: a function that drives ``kubelife_adapter`` with
  the Hypothesis state machine and fails with a shrunk, replayable trace on
  the first divergence from the model;
* ``kubelife_assert_conforms``: the conformance oracle for recorded traces
  (:func:`kubelife.oracle.testing.assert_conforms`), failing with the
  oracle's explanation (see docs/oracle.md).

Importing this module has no side effects; kubelife itself is imported only
when a fixture is used or an option is given.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["load_adapter", "kubelife_adapter", "kubelife_conformance", "kubelife_assert_conforms"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubelife", "kubelife model-based testing")
    group.addoption("--kubelife-adapter", default=None, metavar="MODULE:NAME",
                    help="the implementation under test for kubelife_conformance: an Adapter, or a class or "
                         "function returning one, named as MODULE:NAME (default: the model itself)")
    group.addoption("--kubelife-config", default=None, metavar="NAME",
                    help="cluster bounds for kubelife_conformance: a Hypothesis configuration or a preset of any "
                         "profile by name (default: the default profile's large one)")


def load_adapter(spec: str) -> Any:
    """The adapter named by ``MODULE:NAME``; classes and factories are called without arguments."""
    from kubelife.adapter import Adapter

    module, _, name = spec.partition(":")
    if not module or not name:
        raise pytest.UsageError(f"--kubelife-adapter {spec!r} is not of the form MODULE:NAME, "
                                "for example mypkg.testing:MyAdapter.")
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise pytest.UsageError(f"--kubelife-adapter {spec!r} cannot be loaded ({e}); "
                                "give MODULE:NAME of an importable adapter.") from None
    # A class also "has" reset/apply/observe, so test for classes before the protocol.
    adapter = obj() if isinstance(obj, type) or (callable(obj) and not isinstance(obj, Adapter)) else obj
    if not isinstance(adapter, Adapter):
        raise pytest.UsageError(f"--kubelife-adapter {spec!r} gives {type(adapter).__name__}, which lacks "
                                "reset, apply and observe; give an object following kubelife.adapter.Adapter.")
    return adapter


def _config(config: pytest.Config) -> Any:
    name = config.getoption("--kubelife-config")
    if name is None:
        return None
    from kubelife.model.k8s.config import ConfigError
    from kubelife.stateful.configs import config_named
    try:
        return config_named(name)
    except ConfigError as e:
        raise pytest.UsageError(f"--kubelife-config: {e}") from None


def pytest_configure(config: pytest.Config) -> None:
    # Report a bad option at start-up, in one sentence, rather than inside a test.
    spec = config.getoption("--kubelife-adapter", default=None)
    if spec:
        load_adapter(spec)
    if config.getoption("--kubelife-config", default=None):
        _config(config)


@pytest.fixture
def kubelife_adapter(request: pytest.FixtureRequest) -> Any:
    """The implementation under test (override this fixture, or pass ``--kubelife-adapter``)."""
    spec = request.config.getoption("--kubelife-adapter")
    if spec:
        return load_adapter(spec)
    from kubelife.adapter import ModelAdapter

    return ModelAdapter()


@pytest.fixture
def kubelife_conformance(request: pytest.FixtureRequest, kubelife_adapter: Any) -> Callable[..., None]:
    """``kubelife_conformance(config=None, settings=None)`` checks ``kubelife_adapter`` against the model.

    Hypothesis settings default to the loaded profile with the kubelife ``ci`` numbers, so
    ``--hypothesis-profile`` applies.
    """
    from kubelife.stateful.run import check_implementation

    default = _config(request.config)

    def run(config: Any = None, settings: Any = None) -> None:
        check_implementation(kubelife_adapter, config or default, settings)

    return run


@pytest.fixture
def kubelife_assert_conforms() -> Callable[..., Any]:
    """``kubelife_assert_conforms(trace, profile=None, ...)``: fail unless a recorded trace conforms."""
    from kubelife.oracle.testing import assert_conforms

    return assert_conforms
