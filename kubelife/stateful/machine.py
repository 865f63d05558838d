"""A Hypothesis ``RuleBasedStateMachine`` derived from a cluster model (``seed`` or ``modern``).

Nothing here restates the semantics.  The machine's one real rule, ``step``,
takes any transition the model's compiled guards enable (first a transition
kind, weighted, then one of its enabled instances); ``bring_up`` is a
steering macro that chains the model's own transitions until one pod runs on
a healthy node (seed: R1/N1/P1/P2; modern: R1/N1/P1/K1/P2 in the kubelet's
container order, with the regular init containers' exits drawn), which is
where most scenario rows start.  On a modern model a second macro,
``node_fault``, once per example puts the node of a Running controlled pod
under DiskPressure or past its heartbeat grace period (the S6/S7-controlled
rows).  After every transition the properties of the model's profile
(:func:`kubelife.properties.profiles.properties_for_profile`) and the rows whose event
it is (:func:`kubelife.properties.profiles.rows_for`) are checked, and, when an adapter
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

from kubelife.adapter import ActionRefused, Adapter
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel, build
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import PodPhase
from kubelife.stateful.checks import Violation, checks_for, compare
from kubelife.stateful.failure import failure

__all__ = ["machine_for", "Tally", "KIND_WEIGHTS", "MODERN_KIND_WEIGHTS", "Pick"]

# Faults are rarer than kubelet steps, so pods live long enough to exit, restart and
# exit again; every kind still fires (the coverage summary shows it).
KIND_WEIGHTS: dict[str, int] = {
    "P3": 6, "P2": 4, "P4": 4, "P1": 3, "R1": 3, "N1": 2, "P5": 2, "N4": 2,
    "N2": 1, "N3": 1, "N5": 1, "N6": 1,
}

# The modern profile's kinds (docs/modern.md): the kubelet's own steps (sync, kill, remove,
# stop sidecars, image pull errors, back-off reset) often enough that deletions finish and
# pull errors show; controllers and faults rarely.
MODERN_KIND_WEIGHTS: dict[str, int] = {
    "P3": 12, "P2": 8, "P4": 8, "K1": 6, "P1": 6, "R1": 6, "K4": 6, "K5": 4, "K2": 4, "C3": 4, "C1": 4,
    "C2": 4, "N1": 4, "P5": 3, "N4": 3, "E1": 3,
    "G1": 1, "D1": 1, "D2": 1, "N2": 1, "N3": 1, "N5": 1, "N6": 1, "N7": 1, "N8": 1,
}


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


def _cname(c: Any) -> str:
    """A modern container's argument as the semantics spells it (``s0``, ``i0``, ``c1``)."""
    return f"{ {0: 'i', 1: 's', 2: 'c'}[int(c.kind)] }{c.k}"


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
    modern = m.config.profile == "modern"
    w = dict((MODERN_KIND_WEIGHTS if modern else KIND_WEIGHTS) if weights is None else weights)
    kinds_in_order = sorted({a.kind for a in m.system.actions}, key=lambda k: (-w.get(k, 1), k))

    def idx(kind: str, **args: object) -> int | None:
        return m.transition_index(kind, **args)

    r1_of = {p.p: idx("R1", slot=p.p) for p in shape.pods}
    p1_of = {p.p: [idx("P1", pod=p.p, node=n.n) for n in shape.nodes] for p in shape.pods}
    n1_all = [idx("N1", node=n.n) for n in shape.nodes]
    n2_of, n4_of, n5_of = ([idx(k, node=n.n) for n in shape.nodes] for k in ("N2", "N4", "N5"))
    running = int(PodPhase.RUNNING)
    controlled = [p for p in shape.pods if m.config.slots[p.p].controlled]
    # The steps that bring a pod up, in the order bring_up prefers them: for the seed start
    # the containers; for modern sync the pod (K1), start its containers in the kubelet's order
    # (the guards enforce it) and let each regular init container exit (P3, drawn).
    if modern:
        pull = {p.p: m.config.slots[p.p].image_pull_errors for p in shape.pods}
        # Image pull errors (C1/C2) compete with starts where a slot has them, so they show too.
        mpods: Any = shape.pods  # ModernShape's pods (sidecars, inits, main containers)
        p2_of = {p.p: [idx("K1", pod=p.p), *(idx(k, pod=p.p, container=_cname(c)) for c in p.all
                                              for k in ("P2", "C1", "C2") if k == "P2" or pull[p.p])]
                 for p in mpods}
        # A drawn exit (Completed first, so shrinking prefers success) so init failures show too.
        ok_of = {p.p: [idx("P3", pod=p.p, container=_cname(c), code=x) for c in p.inits
                       for x in ("Completed", "Error", "OOMKilled")] for p in mpods}
    else:
        p2_of = {p.p: [idx("P2", pod=p.p, container=c) for c in range(len(p.containers))] for p in shape.pods}
        ok_of = {p.p: [] for p in shape.pods}
    assert all(i is not None for g in (*p2_of.values(), *ok_of.values()) for i in g), "steering names a transition"
    up_steps = {p.p: 2 * len(getattr(p, "all", p.containers)) + 5 if modern else len(p.containers) + 4
                for p in shape.pods}
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
                adapter.reset(m.config)
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
                try:
                    adapter.apply(picks[i].action)
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

        if modern:  # a second steering rule; the seed machine keeps exactly its rules and draws
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
