"""A Hypothesis ``RuleBasedStateMachine`` derived from a cluster model of any profile.

Nothing here restates the semantics.  The machine's one real rule, ``step``,
takes any transition the model's compiled guards enable (first a transition
kind, weighted, then one of its enabled instances); ``bring_up`` is a
steering macro that chains the model's own transitions until one pod runs on
a healthy node (the profile's ``StatefulSpec.bring_up``: R1/N1/P1 and the
kubelet's start steps, with drawn exits where the profile wants them), which is
where most scenario rows start.  Where the profile asks for it (``node_fault``), a second macro,
``node_fault``, once per example puts the node of a Running controlled pod
under DiskPressure or past its heartbeat grace period (the S6/S7-controlled
rows).  After every transition the properties of the model's profile
(:func:`kubelife.profiles.properties_for_profile`) and the rows whose event
it is (:func:`kubelife.profiles.rows_for`) are checked, and, when an adapter
is given, the implementation is driven with the same action and compared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hypothesis import event, target
from hypothesis import strategies as st
from hypothesis.control import current_build_context, currently_in_test_context
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kubelife.adapter import ActionRefused, Adapter, drive, start
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase
from kubelife.profiles import StatefulSpec, build, require
from kubelife.profiles import get as get_profile
from kubelife.stateful.checks import Violation, checks_for, compare
from kubelife.stateful.failure import failure

__all__ = ["machine_for", "Tally", "Pick"]

@dataclass
class Tally:
    """What a run saw, summed over all examples (rows hit, transitions fired, states)."""

    examples: int = 0
    steps: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    fired: set[int] = field(default_factory=set)
    states: set[int] = field(default_factory=set)
    known: set[str] = field(default_factory=set)


class Pick:
    """A drawn action, printed the way the spec writes it (``P3 exit(pod=0, container=0, code=ok)``)."""

    __slots__ = ("i", "action")

    def __init__(self, i: int, action: Action) -> None:
        self.i, self.action = i, action

    def __repr__(self) -> str:
        return str(self.action)


def _in_final_run() -> bool:
    # Shortening replays the model many times; do it only for the example Hypothesis reports.
    return not currently_in_test_context() or bool(getattr(current_build_context(), "is_final", True))


def machine_for(model_or_config: ClusterModel | Config, adapter: Adapter | None = None, *,
                tally: Tally | None = None, strict: bool = True,
                weights: dict[str, int] | None = None) -> type[RuleBasedStateMachine]:
    """A state machine class for one model; run it with ``run_state_machine_as_test`` or ``.TestCase``.

    ``strict=False`` records failing rows in ``tally`` instead of stopping (for reports);
    property violations and divergences always stop the run.
    """
    m = model_or_config if isinstance(model_or_config, ClusterModel) else build(model_or_config)
    checks = checks_for(m)
    layout, shape = m.shape.layout, m.shape
    picks = [Pick(i, a) for i, a in enumerate(m.system.actions)]
    spec: StatefulSpec = require(get_profile(m.config.profile), "Hypothesis state machines")
    w = dict(spec.weights if weights is None else weights)
    kinds_in_order = sorted({a.kind for a in m.system.actions}, key=lambda k: (-w.get(k, 1), k))

    def idx(kind: str, **args: object) -> int | None:
        return m.transition_index(kind, **args)

    r1_of = {p.p: idx("R1", slot=p.p) for p in shape.pods}
    p1_of = {p.p: [idx("P1", pod=p.p, node=n.n) for n in shape.nodes] for p in shape.pods}
    n1_all = [idx("N1", node=n.n) for n in shape.nodes]
    n2_of, n4_of, n5_of = ([idx(k, node=n.n) for n in shape.nodes] for k in ("N2", "N4", "N5"))
    running = int(PodPhase.RUNNING)
    controlled = [p for p in shape.pods if m.config.slots[p.p].controlled]
    # The steps that bring a pod up, in the order bring_up prefers them (the profile's steering).
    p2_of, ok_of, up_steps = spec.bring_up(m)
    assert all(i is not None for g in (*p2_of.values(), *ok_of.values()) for i in g), "steering names a transition"
    pending = int(PodPhase.PENDING)
    pods = shape.pods
    # Read single fields of the packed state directly (``Layout.unpack`` decodes all of them).
    shifts = layout.shifts
    masks = tuple(layout.mask(k) for k in range(len(layout)))

    def get(s: int, k: int) -> int:
        return (s >> shifts[k]) & masks[k]

    class ClusterMachine(RuleBasedStateMachine):
        model = m

        def __init__(self) -> None:
            super().__init__()
            self.s = layout.pack(m.system.initial)
            self.path: list[int] = []
            self.rows_hit: set[str] = set()
            self._en: tuple[int, dict[int, int]] = (-1, {})
            self._tg: tuple[int, list[int]] = (-1, [])
            self._fn: tuple[int, list[int]] = (-1, [])
            self.faulted = False
            if tally is not None:
                tally.examples += 1
                tally.states.add(self.s)
            if adapter is not None:
                start(adapter, m.config, m.decode(self.s))
                self._raise(compare(checks, adapter, self.s))

        def __repr__(self) -> str:
            return f"ClusterMachine({m.name})"

        # -- taking a transition -----------------------------------------------------

        def _enabled(self) -> dict[int, int]:
            if self._en[0] != self.s:  # preconditions and rules ask about the same state
                self._en = (self.s, dict(checks.successors(self.s)))
            return self._en[1]

        def _raise(self, bad: list[Violation]) -> None:
            if bad:
                raise failure(checks, self.path, bad[0], adapter, shorten=_in_final_run())

        def _take(self, i: int, t: int) -> None:
            bad, hits = checks.step(self.s, i, t)
            self.path.append(i)
            for h in hits:
                if h.row not in self.rows_hit:
                    self.rows_hit.add(h.row)
                    event(f"row {h.row}")
            if tally is not None:
                tally.steps += 1
                tally.kinds[self.model.system.actions[i].kind] += 1
                tally.fired.add(i)
                tally.states.add(t)
                tally.hits.update(h.row for h in hits)
                tally.known.update(checks.known_violated(t))
                if not strict:
                    for v in bad:
                        if v.what == "row":
                            tally.failures.setdefault(v.name, v.detail)
                    bad = [v for v in bad if v.what != "row"]
            self.s = t
            if not bad and adapter is not None:
                try:  # covered steps are applied; the others hand the adapter the model's state
                    drive(adapter, picks[i].action, m.decode(t))
                except ActionRefused as e:
                    bad = [Violation("refused", "apply", f"{picks[i].action}: {e}")]
                else:
                    bad = compare(checks, adapter, t)
            self._raise(bad)

        # -- rules ---------------------------------------------------------------------

        @rule(data=st.data())
        def step(self, data: Any) -> None:
            """Any enabled transition: a kind (weighted), then one of its enabled instances."""
            en = self._enabled()
            if not en:  # nothing can happen; the cluster idles
                return
            present = {checks.kind_of[i] for i in en}
            kinds = [k for k in kinds_in_order if k in present for _ in range(w.get(k, 1))]
            kind = data.draw(st.sampled_from(kinds), label="kind")
            pick = data.draw(st.sampled_from([picks[i] for i in en if checks.kind_of[i] == kind]), label="action")
            self._take(pick.i, en[pick.i])

        def _targets(self) -> list[int]:
            s = self.s
            if self._tg[0] != s:  # asked by the precondition, then by the rule
                en = self._enabled()
                self._tg = (s, [p.p for p in pods if (get(s, p.exists) and get(s, p.phase) == pending)
                                or (r1_of[p.p] is not None and r1_of[p.p] in en)])
            return self._tg[1]

        @precondition(lambda self: bool(self._targets()))
        @rule(data=st.data())
        def bring_up(self, data: Any) -> None:
            """Steer: create, schedule and start one pod, registering a node if none is ready."""
            p = data.draw(st.sampled_from(self._targets()), label="pod")
            pod = shape.pods[p]
            for _ in range(up_steps[p]):
                en = self._enabled()
                unbound = get(self.s, pod.exists) and get(self.s, pod.node) == 0
                groups = [[r1_of[p]], p1_of[p], p2_of[p], ok_of[p], n1_all if unbound else []]
                group = next((g for g in ([i for i in g if i in en] for g in groups) if g), None)
                if group is None:
                    return
                i = group[0] if len(group) == 1 else data.draw(st.sampled_from([picks[j] for j in group])).i
                self._take(i, en[i])

        if spec.node_fault:  # a second steering rule; profiles without it keep exactly their rules and draws
            def _fault_nodes(self) -> list[int]:
                s = self.s
                if self._fn[0] != s:
                    en = self._enabled()
                    hosts = {get(s, p.node) - 1 for p in controlled
                             if get(s, p.exists) and get(s, p.node) and get(s, p.phase) == running}
                    self._fn = (s, [n for n in sorted(hosts) if n5_of[n] in en or n2_of[n] in en])
                return self._fn[1]

            @precondition(lambda self: not self.faulted and bool(self._fault_nodes()))
            @rule(data=st.data())
            def node_fault(self, data: Any) -> None:
                """Steer: a node with a Running controlled pod comes under DiskPressure, or stops heartbeating
                past the grace period (S6/S7-controlled); first another node registers if one can, so
                the replacement has somewhere to go.  Other faults are frequent enough as plain steps."""
                n = data.draw(st.sampled_from(self._fault_nodes()), label="node")
                self.faulted = True  # once per example: the rest of the run is ordinary steps
                spare = [i for i in n1_all if i in self._enabled()]
                if spare:
                    self._take(spare[0], self._enabled()[spare[0]])
                for group in ([n5_of[n], n2_of[n]], [n4_of[n]]):
                    en = self._enabled()
                    options = [picks[i] for i in group if i in en]
                    if not options:
                        return
                    i = data.draw(st.sampled_from(options), label="fault").i
                    self._take(i, en[i])

        @invariant()
        def properties_hold(self) -> None:
            self._raise(checks.state(self.s))

        def teardown(self) -> None:
            # Targeted search prefers examples that reach many different rows.
            if currently_in_test_context():
                target(float(len(self.rows_hit)), label="rows hit")

    ClusterMachine.__name__ = ClusterMachine.__qualname__ = "ClusterMachine"
    return ClusterMachine
