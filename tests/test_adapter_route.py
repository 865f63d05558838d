"""The adapter route of docs/adapter.md: partial adapters (``covers`` + ``sync``), restart counts compared
as the model sees them, failures that name the pod's policy and container, replay code that runs as printed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

from kubelife.adapter import ActionRefused, ModelAdapter, adapter_code, differences, drive
from kubelife.model.engine.system import Action
from kubelife.model.k8s.types import ContainerState, PodState
from kubelife.profiles import build
from kubelife.stateful import ModelViolation, check_implementation, config_named

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "fake_kubelet"))
from fake_kubelet.adapter import FakeKubeletAdapter  # noqa: E402
from fake_kubelet.kubelet import Kubelet, Pod  # noqa: E402

QUICK = settings(max_examples=25, stateful_step_count=30, deadline=None)


class _KeepsOnFailureRunning(Kubelet):
    @staticmethod
    def _update_phase(p: Pod) -> None:
        Kubelet._update_phase(p)
        if p.policy == "OnFailure" and p.phase == "Succeeded":
            p.phase = "Running"  # the bug: a pod whose containers all exited 0 is never Succeeded


class BrokenFake(FakeKubeletAdapter):
    """The example with a phase bug; no ``__repr__``, so replay code must print a constructor call."""

    def reset(self, config: object) -> None:
        super().reset(config)  # type: ignore[arg-type]
        self.kubelet.__class__ = _KeepsOnFailureRunning


def test_the_example_covers_only_the_kubelet_steps() -> None:
    check_implementation(FakeKubeletAdapter(), config_named("Always-2c"), QUICK)


def test_a_bug_is_caught_with_the_policy_the_container_and_replay_code_that_runs() -> None:
    with pytest.raises(ModelViolation) as info:
        check_implementation(BrokenFake(), config_named("OnFailure-1c"), QUICK)
    e = info.value
    assert "pod p0 (restartPolicy OnFailure) phase: model Succeeded, implementation Running" in e.violation.detail
    assert [s.action.kind for s in e.trace.steps] == ["R1", "N1", "P1", "P2", "P3"]
    assert "object at 0x" not in e.code and "check_trace(model, trace, adapter=BrokenFake())" in e.code
    assert f"from {BrokenFake.__module__} import BrokenFake" in e.code
    with pytest.raises(ModelViolation) as again:
        exec(e.code, {})  # noqa: S102 - the printed code, as printed: it imports what it needs
    assert again.value.violation == e.violation


def test_restart_counts_compare_as_the_model_sees_them() -> None:
    cfg = config_named("Always-1c")  # restart cap 1
    m = build(cfg)
    s = m.shape.decode(m.system.initial)
    c0 = s.pods[0].containers[0]

    def with_restarts(n: int) -> object:
        pod = PodState(True, s.pods[0].phase, None, (ContainerState(c0.state, c0.last_exit, n),))
        return type(s)(s.nodes, (pod, *s.pods[1:]))

    model = with_restarts(cfg.restart_cap)
    assert differences(model, with_restarts(cfg.restart_cap + 5), cfg) == []  # above the cap counts as the cap
    diff = differences(model, with_restarts(0), cfg)
    assert diff == ["pod p0 (restartPolicy Always) container c0 restarts: model 1, implementation 0"]


def test_a_partial_adapter_without_sync_is_refused_in_one_sentence() -> None:
    class NoSync:
        covers = {"P2"}

    with pytest.raises(ActionRefused, match="does not cover N1 and has no sync"):
        drive(NoSync(), Action("N1", "register", "node-controller"), None)


def test_adapter_code_imports_the_class_and_calls_it() -> None:
    assert adapter_code(FakeKubeletAdapter()) == ("from fake_kubelet.adapter import FakeKubeletAdapter",
                                                  "FakeKubeletAdapter()")
    assert adapter_code(ModelAdapter()) == ("from kubelife.adapter import ModelAdapter", "ModelAdapter()")


def test_the_docs_transition_table_is_the_models() -> None:
    from kubelife.adapter import transition_table
    from kubelife.model.k8s.config import Config

    doc = (Path(__file__).resolve().parents[1] / "docs" / "adapter.md").read_text()
    table = transition_table(build(Config.uniform(nodes=1, slots=1)))
    assert f"<!-- generated: transition_table -->\n{table}\n<!-- end generated -->" in doc
    assert "| P2 | start | kubelet | Started | pod, container | pod.container.restarts" in table


class _Sub(ModelAdapter):
    pass


def test_adapter_code_calls_the_subclass_not_the_parent() -> None:
    assert adapter_code(_Sub()) == (f"from {__name__} import _Sub", "_Sub()")
    assert adapter_code(ModelAdapter(build(config_named("R1")).semantics)) == (
        "from kubelife.adapter import ModelAdapter", "ModelAdapter()")
