"""The modern phase function agrees with the kubelet's ``getPhase`` on every status combination.

The oracle below is a line-by-line transcription of the reference pseudo-code
(shared/reference/kubernetes-lifecycle.md section 2, from
``pkg/kubelet/kubelet_pods.go``), over plain Python objects, written without
looking at the model.  It is compared with the model's Ops-based function
(:func:`kubelife.profiles.modern.phase.modern_phase`) compiled by the code generator,
on every combination of container statuses for 0-2 regular init containers,
0-1 sidecars and 1-3 main containers, for every pod restart policy and with
the pod terminal or not; with the ContainerRestartRules gate, also over every
per-container restart policy .  "Combination" is a multiset of statuses per group (the
kubelet counts); every ordering is checked under ``-m slow``.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from kubelife.model.engine.ops import PY
from kubelife.model.k8s.types import PodPhase, Policy
from kubelife.profiles.modern.phase import modern_phase
from kubelife.profiles.modern.types import MExit, MState

# -- the oracle: a transcription of get_phase -------------------------------------------------------


@dataclass(frozen=True)
class Terminated:
    exit_code: int


@dataclass(frozen=True)
class Status:
    running: bool = False
    started: bool = False
    terminated: Terminated | None = None
    waiting: bool = False
    last_termination: Terminated | None = None


@dataclass(frozen=True)
class Container:
    name: str
    restart_policy: str | None = None  # "Always" on an init container makes it a sidecar


@dataclass(frozen=True)
class Spec:
    restart_policy: str
    init_containers: tuple[Container, ...]
    containers: tuple[Container, ...]


def is_sidecar(c: Container) -> bool:
    return c.restart_policy == "Always"


def container_should_restart(c: Container, spec: Spec, exit_code: int) -> bool:
    if c.restart_policy is not None:
        if c.restart_policy == "Always":
            return True
        if c.restart_policy == "OnFailure":
            return exit_code != 0
        if c.restart_policy == "Never":
            return False
    return {"Always": True, "OnFailure": exit_code != 0, "Never": False}.get(spec.restart_policy, True)


def get_phase(spec: Spec, info: dict[str, Status], pod_is_terminal: bool, pod_has_initialized: bool,
              restart_rules: bool) -> str:
    def restartable(c: Container, term: Terminated) -> bool:
        return container_should_restart(c, spec, term.exit_code)

    pend_sidecar = pend_init = failed_init = failed_init_nonrestartable = 0
    for c in spec.init_containers:
        if is_sidecar(c):
            continue
        s = info.get(c.name)
        if s is None or s.running:
            pend_init += 1
        elif s.terminated:
            if s.terminated.exit_code != 0:
                failed_init += 1
                if restart_rules and not restartable(c, s.terminated):
                    failed_init_nonrestartable += 1
        elif s.waiting:
            if s.last_termination:
                last = s.last_termination
                if last.exit_code != 0:
                    failed_init += 1
                    if not restartable(c, last):
                        failed_init_nonrestartable += 1
            else:
                pend_init += 1
        else:
            pend_init += 1
    unknown = running = waiting = stopped = stopped_nonrestartable = succeeded = 0
    for c in spec.init_containers:
        if not is_sidecar(c):
            continue
        s = info.get(c.name)
        if s is None:
            unknown += 1
        elif s.running:
            running += 1
            if not s.started:
                pend_sidecar += 1
        elif s.terminated or (s.waiting and s.last_termination):
            pass
        elif s.waiting:
            pend_sidecar += 1
            waiting += 1
        else:
            pend_sidecar += 1
            unknown += 1
    for c in spec.containers:
        s = info.get(c.name)
        if s is None:
            unknown += 1
        elif s.running:
            running += 1
        elif s.terminated:
            stopped += 1
            if restart_rules and not restartable(c, s.terminated):
                stopped_nonrestartable += 1
            if s.terminated.exit_code == 0:
                succeeded += 1
        elif s.waiting and s.last_termination:
            stopped += 1
            if restart_rules and not restartable(c, s.last_termination):
                stopped_nonrestartable += 1
        elif s.waiting:
            waiting += 1
        else:
            unknown += 1
    if restart_rules:
        if failed_init_nonrestartable > 0:
            return "Failed"
    elif failed_init > 0 and spec.restart_policy == "Never":
        return "Failed"
    if pend_init > 0 or (pend_sidecar > 0 and not pod_has_initialized) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:  # never a static pod here
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_rules:
            if stopped != stopped_nonrestartable:
                return "Running"
            return "Succeeded" if stopped == succeeded else "Failed"
        if spec.restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if spec.restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


# -- status kinds and their model encoding ------------------------------------------------------------

# name -> (oracle status or None, model (state, last, started))
KINDS: dict[str, tuple[Status | None, tuple[int, int, bool]]] = {
    "none": (None, (MState.ABSENT, MExit.NONE, False)),
    "waiting": (Status(waiting=True), (MState.WAITING, MExit.NONE, False)),
    "crashloop-0": (Status(waiting=True, last_termination=Terminated(0)), (MState.WAITING, MExit.OK, False)),
    "crashloop-1": (Status(waiting=True, last_termination=Terminated(1)), (MState.WAITING, MExit.ERROR, False)),
    "running": (Status(running=True, started=True), (MState.RUNNING, MExit.NONE, True)),
    "terminated-0": (Status(terminated=Terminated(0)), (MState.TERMINATED, MExit.OK, False)),
    "terminated-1": (Status(terminated=Terminated(1)), (MState.TERMINATED, MExit.ERROR, False)),
}
SIDECAR_KINDS = {**KINDS, "running-unstarted": (Status(running=True, started=False),
                                                (MState.RUNNING, MExit.NONE, False))}
POLICIES = {Policy.ALWAYS: "Always", Policy.ON_FAILURE: "OnFailure", Policy.NEVER: "Never"}
OWN = (None, Policy.ALWAYS, Policy.ON_FAILURE, Policy.NEVER)


@functools.cache
def compiled(inits: int, sidecars: int, mains: int, policy: Policy, own: tuple[Policy | None, ...],
             gate: bool, terminal: bool) -> Any:
    """The model's phase function, generated by the PyOps code generator, as a Python function."""
    names: list[str] = []

    def group(tag: str, n: int) -> list[tuple[str, str, str]]:
        out = []
        for k in range(n):
            trip = (f"{tag}{k}s", f"{tag}{k}l", f"{tag}{k}t")
            names.extend(trip)
            out.append(trip)
        return out

    i, s, m = group("i", inits), group("s", sidecars), group("m", mains)
    expr = modern_phase(PY, i, s, m, policy, list(own), restart_rules=gate, pod_is_terminal=terminal)
    return eval(f"lambda {', '.join(names)}: {expr}")  # noqa: S307 - generated from our own model


ENC = {k: (int(v[1][0]), int(v[1][1]), v[1][2]) for k, v in SIDECAR_KINDS.items()}
LABEL = {int(p): p.label for p in PodPhase}


def compare(ic: Sequence[str], sc: Sequence[str], mc: Sequence[tuple[str, Policy | None]], policy: Policy,
            gate: bool, terminal: bool) -> None:
    """One status combination: the oracle's phase and the model's must be the same."""
    own = tuple(p for _, p in mc)
    spec = Spec(POLICIES[policy],
                tuple(Container(f"i{k}") for k in range(len(ic)))
                + tuple(Container(f"s{k}", "Always") for k in range(len(sc))),
                tuple(Container(f"m{k}", POLICIES[p] if p is not None else None) for k, p in enumerate(own)))
    named = [*((f"i{k}", x) for k, x in enumerate(ic)), *((f"s{k}", x) for k, x in enumerate(sc)),
             *((f"m{k}", x) for k, (x, _) in enumerate(mc))]
    info = {nm: st for nm, kind in named if (st := SIDECAR_KINDS[kind][0]) is not None}
    # 1.33+ (HasAnyActiveRegularContainerStarted): a main container exists in the sandbox in any
    # state: running, exited, or waiting after an exit (docs/fidelity.md B1).
    initialized = any(st.running or st.terminated is not None or (st.waiting and st.last_termination is not None)
                      for nm, st in info.items() if nm.startswith("m"))
    want = get_phase(spec, info, terminal, initialized, gate)
    fn = compiled(len(ic), len(sc), len(mc), policy, own, gate, terminal)
    got = LABEL[fn(*[x for _, kind in named for x in ENC[kind]])]
    assert got == want, (f"policy={policy.label} gate={gate} terminal={terminal} own={own}: {named} -> "
                         f"model {got}, kubelet {want}")


def combinations(max_inits: int, max_sidecars: int, max_mains: int, owns: Sequence[Policy | None],
                 ordered: bool) -> Iterator[tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, Any], ...]]]:
    """Status combinations per group: multisets (``ordered=False``) or every ordering."""
    def pick(pool: Sequence[Any], n: int) -> Iterator[tuple[Any, ...]]:
        return itertools.product(pool, repeat=n) if ordered else itertools.combinations_with_replacement(pool, n)

    mains_pool = list(itertools.product(KINDS, owns))
    for i in range(max_inits + 1):
        for s in range(max_sidecars + 1):
            for m in range(1, max_mains + 1):
                yield from itertools.product(pick(list(KINDS), i), pick(list(SIDECAR_KINDS), s), pick(mains_pool, m))


@pytest.mark.parametrize("policy", list(Policy), ids=lambda p: p.label)
def test_every_combination_without_the_gate(policy: Policy) -> None:
    n = 0
    for ic, sc, mc in combinations(2, 1, 3, (None,), ordered=False):
        for terminal in (False, True):
            compare(ic, sc, mc, policy, False, terminal)
            n += 1
    # (1 + 7 + 28 init multisets) x (1 + 8 sidecar) x (7 + 28 + 84 main) x 2
    assert n == 36 * 9 * 119 * 2


@pytest.mark.parametrize("policy", list(Policy), ids=lambda p: p.label)
def test_every_combination_with_the_restart_rules_gate(policy: Policy) -> None:
    """ContainerRestartRules on: main containers also carry their own restartPolicy (or none).

    Up to 1 init and 2 main containers by default (every policy pairing); the full 2/1/3 under -m slow.
    """
    n = 0
    for ic, sc, mc in combinations(1, 1, 2, OWN, ordered=False):
        for terminal in (False, True):
            compare(ic, sc, mc, policy, True, terminal)
            n += 1
    # (1 + 7) x (1 + 8) x (28 + 406 multisets of (status, own policy)) x 2
    assert n == 8 * 9 * 434 * 2


@pytest.mark.slow
@pytest.mark.parametrize("policy", list(Policy), ids=lambda p: p.label)
def test_every_combination_with_the_gate_full(policy: Policy) -> None:
    for ic, sc, mc in combinations(2, 1, 3, OWN, ordered=False):
        for terminal in (False, True):
            compare(ic, sc, mc, policy, True, terminal)


@pytest.mark.slow
@pytest.mark.parametrize("gate", [False, True])
@pytest.mark.parametrize("policy", list(Policy), ids=lambda p: p.label)
def test_every_ordering(policy: Policy, gate: bool) -> None:
    """Container order within a group must not matter: every ordering, not just every multiset."""
    for ic, sc, mc in combinations(2, 1, 3 if not gate else 2, OWN if gate else (None,), ordered=True):
        for terminal in (False, True):
            compare(ic, sc, mc, policy, gate, terminal)


def test_interpreter_and_generated_code_agree() -> None:
    """Constant folding (the interpreter) gives what the generated code gives."""
    rng = random.Random(8)
    kinds = list(SIDECAR_KINDS)
    for _ in range(1000):
        i, s, m = rng.randrange(3), rng.randrange(2), rng.randrange(1, 4)
        policy, gate, terminal = rng.choice(list(Policy)), rng.random() < 0.5, rng.random() < 0.5
        own = tuple(rng.choice(OWN) for _ in range(m)) if gate else (None,) * m
        combo = [SIDECAR_KINDS[rng.choice(kinds if k >= i and k < i + s else kinds[:-1])][1]
                 for k in range(i + s + m)]
        enc = [(int(st), int(la), started) for st, la, started in combo]
        direct = modern_phase(PY, enc[:i], enc[i:i + s], enc[i + s:], policy, list(own), restart_rules=gate,
                              pod_is_terminal=terminal)
        fn = compiled(i, s, m, policy, own, gate, terminal)
        assert direct == fn(*[x for trip in enc for x in trip])


def test_documented_edge_cases() -> None:
    """The reference's edge cases, spelled out (a readable subset of the exhaustive check)."""
    def phase(mains: list[str], policy: Policy = Policy.ALWAYS, inits: list[str] = (), sidecars: list[str] = (),
              terminal: bool = False) -> str:
        enc = [SIDECAR_KINDS[k][1] for k in [*inits, *sidecars, *mains]]
        enc2 = [(int(a), int(b), c) for a, b, c in enc]
        i, s = len(inits), len(sidecars)
        return PodPhase(modern_phase(PY, enc2[:i], enc2[i:i + s], enc2[i + s:], policy, [None] * len(mains),
                                     restart_rules=False, pod_is_terminal=terminal)).label

    assert phase(["none"]) == "Pending"  # no status at all
    assert phase(["running", "none"]) == "Pending"  # one status missing
    assert phase(["running", "waiting"]) == "Pending"  # a never-started container
    assert phase(["crashloop-1"]) == "Running"  # CrashLoopBackOff counts as stopped
    assert phase(["terminated-0", "terminated-0"]) == "Running"  # Always + all exited 0
    assert phase(["terminated-1"], Policy.ON_FAILURE) == "Running"
    assert phase(["terminated-0", "terminated-1"], Policy.NEVER) == "Failed"
    assert phase(["terminated-0"], Policy.ALWAYS, terminal=True) == "Succeeded"  # terminal ignores the policy
    assert phase(["terminated-0"], Policy.NEVER, sidecars=["running"]) == "Running"  # sidecar never stopped
    assert phase(["terminated-0"], Policy.NEVER, sidecars=["terminated-1"]) == "Succeeded"  # sidecar ignored
    assert phase(["waiting"], Policy.NEVER, inits=["terminated-1"]) == "Failed"  # failed init under Never
    assert phase(["waiting"], Policy.ON_FAILURE, inits=["terminated-1"]) == "Pending"  # retried otherwise
    assert phase(["waiting"], Policy.ALWAYS, inits=["crashloop-1"]) == "Pending"
