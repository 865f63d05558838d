"""The adapter: the machine drives an implementation and compares it with the model after every step."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings

from kubelife.adapter import ActionRefused, Adapter, ModelAdapter, differences
from kubelife.model.engine.system import Action
from kubelife.model.k8s.types import ClusterState, ContainerState, Exit, PodState
from kubelife.profiles import build
from kubelife.profiles.seed.mutants import MUTANTS
from kubelife.profiles.seed.presets import LARGE, preset
from kubelife.stateful import ModelViolation, check_implementation


class ReportsOomAsError(ModelAdapter):
    """A deliberately divergent implementation: it reports an OOM kill as an ordinary error exit."""

    def __repr__(self) -> str:
        return "ReportsOomAsError()"

    def observe(self) -> ClusterState:
        st = super().observe()
        assert isinstance(st, ClusterState)  # a seed configuration

        def fix(c: ContainerState) -> ContainerState:
            return ContainerState(c.state, Exit.ERROR if c.last_exit is Exit.OOM else c.last_exit, c.restarts)

        pods = tuple(PodState(p.exists, p.phase, p.node, tuple(map(fix, p.containers))) for p in st.pods)
        return ClusterState(st.nodes, pods)


class CannotTerminateNodes(ModelAdapter):
    def __repr__(self) -> str:
        return "CannotTerminateNodes()"

    def apply(self, action: Action) -> None:
        if action.kind == "N6":
            raise ActionRefused("this cloud cannot delete machines")
        super().apply(action)


def test_the_model_conforms_to_itself() -> None:
    adapter = ModelAdapter()
    assert isinstance(adapter, Adapter)
    check_implementation(adapter, LARGE, settings(settings(), max_examples=25))


def test_a_divergent_implementation_is_caught_with_a_shrunk_trace() -> None:
    with pytest.raises(ModelViolation) as info:
        check_implementation(ReportsOomAsError(), preset("R2"))
    e = info.value
    assert e.violation.what == "divergence"
    assert "last_exit: model oom, implementation error" in e.violation.detail
    # Create a pod, register a node, schedule, start, OOM-kill: the shortest way to an OOM kill.
    assert [s.action.kind for s in e.trace.steps] == ["R1", "N1", "P1", "P2", "P3"]
    assert e.trace.steps[-1].action.arg("code") == "oom"
    assert "check_trace(model, trace, adapter=ReportsOomAsError())" in e.code
    with pytest.raises(ModelViolation) as again:
        exec(e.code, {"ReportsOomAsError": ReportsOomAsError})  # noqa: S102 - the printed replay
    assert again.value.violation == e.violation


def test_an_implementation_built_from_a_mutant_diverges() -> None:
    with pytest.raises(ModelViolation) as info:
        check_implementation(ModelAdapter(MUTANTS["crashloop-pending"]), preset("R2"))
    e = info.value
    assert e.violation.what == "divergence" and "phase: model Running, implementation Pending" in e.violation.detail
    assert len(e.trace) <= 7 and e.trace.steps[-1].action.kind == "P4"


def test_a_refused_action_is_reported() -> None:
    with pytest.raises(ModelViolation) as info:
        check_implementation(CannotTerminateNodes(), preset("R1"))
    e = info.value
    assert e.violation.what == "refused" and "cannot delete machines" in e.violation.detail
    assert [s.action.kind for s in e.trace.steps] == ["N6"]


def test_differences_name_the_field_and_both_values() -> None:
    m = build(preset("R1"))
    a = m.shape.decode(m.system.initial)
    b = ClusterState(a.nodes, (PodState(True, a.pods[0].phase, None, a.pods[0].containers), a.pods[1]))
    assert differences(a, a) == []
    assert differences(a, b) == ["pod p0 exists: model False, implementation True"]
    assert differences(a, ClusterState(a.nodes[:0], a.pods))[0].startswith("shape: model has 1 nodes")


# -- the pytest plugin --------------------------------------------------------------------------

IMPL = '''
from kubelife.adapter import ModelAdapter
from kubelife.model.k8s.types import ClusterState, PodState, PodPhase

class Good(ModelAdapter):
    pass

class NeverPending(ModelAdapter):
    def observe(self):
        st = super().observe()
        pods = tuple(PodState(p.exists, PodPhase.RUNNING if p.phase == PodPhase.PENDING else p.phase, p.node,
                              p.containers) for p in st.pods)
        return ClusterState(st.nodes, pods)
'''

TEST = '''
def test_conforms(kubelife_conformance):
    kubelife_conformance()
'''


def _project(pytester: Any) -> None:
    pytester.makepyfile(myimpl=IMPL, test_impl=TEST)
    pytester.syspathinsert()


def test_plugin_option_plugs_in_an_implementation(pytester: Any) -> None:
    _project(pytester)
    pytester.runpytest("--kubelife-adapter=myimpl:Good", "--kubelife-config=R1").assert_outcomes(passed=1)
    # The same adapter class follows a modern configuration's profile.
    pytester.runpytest("--kubelife-adapter=myimpl:Good", "--kubelife-config=modern-Never-1c").assert_outcomes(passed=1)
    res = pytester.runpytest("--kubelife-adapter=myimpl:NeverPending", "--kubelife-config=R1")
    res.assert_outcomes(failed=1)
    res.stdout.fnmatch_lines(["*the implementation diverges: pod p0 (restartPolicy Always) phase: model Pending, "
                              "implementation Running*",
                              "*replay(model, [*"])


def test_plugin_reports_a_bad_option_in_one_sentence(pytester: Any) -> None:
    _project(pytester)
    res = pytester.runpytest("--kubelife-adapter=myimpl")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["*--kubelife-adapter 'myimpl' is not of the form MODULE:NAME*"])
    res = pytester.runpytest("--kubelife-adapter=nosuch:Thing")
    res.stderr.fnmatch_lines(["*--kubelife-adapter 'nosuch:Thing' cannot be loaded*"])
    res = pytester.runpytest("--kubelife-adapter=myimpl:Good", "--kubelife-config=huge")
    res.stderr.fnmatch_lines(["*configuration 'huge' is not known*"])
