"""Phase-function properties for any number of containers (counting abstraction).

The kubelet's phase function (:func:`kubelife.profiles.seed.phase.phase_of`, or a
mutant's ``phase`` hook) sees a pod's containers only through ``o.count`` of
per-container conditions on ``(state, last_exit)``.  A container's condition
depends on its class alone - one of the 3 x 4 ``(state, last_exit)`` pairs -
so every count equals ``sum(n_class * [condition(class)])`` where ``n_class``
is how many containers are in that class.  Handing the phase function one
representative per class, with :class:`~kubelife.model.engine.symbolic.CountingOps`
weighting each by a Z3 integer ``n_class >= 0``, therefore gives the phase of
*every* pod with those class sizes; quantifying over all count vectors with
``sum >= 1`` covers every pod of every size.  ``CountingOps`` refuses a
``count`` over anything but the representatives, so a phase function that
looked at containers another way could not slip past the abstraction.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import z3

from kubelife.model.engine.symbolic import Z3, CountingOps
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.types import CState, Exit, PodPhase, Policy
from kubelife.profiles.seed.semantics import SeedSemantics

__all__ = ["CLASSES", "prove_counts", "phase_of_counts", "COUNT_PROPERTIES", "EXIT_ROWS"]

CLASSES: tuple[tuple[CState, Exit], ...] = tuple((s, e) for s in CState for e in Exit)

Counts = dict[tuple[CState, Exit], Any]
Claim = Callable[[Counts, Any, Policy], Any]  # counts, phase term, policy -> Z3 Bool


def phase_of_counts(rules: SeedSemantics, counts: Counts, policy: Policy) -> Any:
    """The model's phase function applied to a pod with ``counts[class]`` containers per class."""
    reps = [(int(s), int(e)) for s, e in CLASSES]
    return rules.phase(CountingOps([counts[c] for c in CLASSES]), reps, policy)


def _sum(counts: Counts, pred: Callable[[CState, Exit], bool]) -> Any:
    return z3.Sum(*[n for (s, e), n in counts.items() if pred(s, e)], z3.IntVal(0))


W, R, T = CState.WAITING, CState.RUNNING, CState.TERMINATED


def _fresh(c: Counts) -> Any:
    return _sum(c, lambda s, e: s is W and e is Exit.NONE)


def _restarting(c: Counts) -> Any:
    return _sum(c, lambda s, e: s is W and e is not Exit.NONE)


def _succeeded_clean(c: Counts, ph: Any, pol: Policy) -> Any:
    others = _sum(c, lambda s, e: (s, e) != (T, Exit.OK))
    return z3.Implies(ph == int(PodPhase.SUCCEEDED), z3.And(z3.BoolVal(pol is not Policy.ALWAYS), others == 0))


def _crashloop_running(c: Counts, ph: Any, pol: Policy) -> Any:
    if pol is Policy.NEVER:  # Never does not restart, so nothing crash-loops
        return z3.BoolVal(True)
    return z3.Implies(z3.And(_restarting(c) >= 1, _fresh(c) == 0), ph == int(PodPhase.RUNNING))


def _running_container(c: Counts, ph: Any, pol: Policy) -> Any:
    running = _sum(c, lambda s, e: s is R)
    return z3.Implies(z3.And(running >= 1, _fresh(c) == 0), ph == int(PodPhase.RUNNING))


def _fresh_pending(c: Counts, ph: Any, pol: Policy) -> Any:
    return z3.Implies(_fresh(c) >= 1, ph == int(PodPhase.PENDING))


def _always_live(c: Counts, ph: Any, pol: Policy) -> Any:
    if pol is not Policy.ALWAYS:
        return z3.BoolVal(True)
    return z3.And(ph != int(PodPhase.SUCCEEDED), ph != int(PodPhase.FAILED))


def _onfailure_not_failed(c: Counts, ph: Any, pol: Policy) -> Any:
    return z3.BoolVal(True) if pol is not Policy.ON_FAILURE else ph != int(PodPhase.FAILED)


def _never_settles(c: Counts, ph: Any, pol: Policy) -> Any:
    if pol is not Policy.NEVER:
        return z3.BoolVal(True)
    all_done = _sum(c, lambda s, e: s is T) == _sum(c, lambda s, e: True)
    all_ok = _sum(c, lambda s, e: (s, e) == (T, Exit.OK)) == _sum(c, lambda s, e: True)
    return z3.Implies(all_done, ph == z3.If(all_ok, int(PodPhase.SUCCEEDED), int(PodPhase.FAILED)))


COUNT_PROPERTIES: dict[str, Claim] = {
    "Succeeded means every container exited ok and the policy is not Always": _succeeded_clean,
    "a crash-looping container keeps the pod Running (policy Always or OnFailure, all started)": _crashloop_running,
    "a Running container keeps the pod Running once every container has started": _running_container,
    "a container that never started keeps the pod Pending": _fresh_pending,
    "policy Always never gives a terminal phase": _always_live,
    "policy OnFailure never gives Failed": _onfailure_not_failed,
    "policy Never: once every container has stopped, Succeeded if all exited ok, else Failed": _never_settles,
}

EXIT_ROWS: dict[Policy, str] = {
    Policy.ALWAYS: "rows S1-S5 for any number of containers: under Always an exit keeps a Running pod Running, "
                   "and restart then start keep it Running",
    Policy.ON_FAILURE: "rows S1-S5 for any number of containers: under OnFailure an error exit restarts like Always; "
                       "an ok exit is not restarted and the pod is Succeeded exactly when every container exited ok",
    Policy.NEVER: "rows S1-S5 for any number of containers: under Never nothing restarts; after an exit the pod is "
                  "Succeeded if every container exited ok, else Failed once none runs, else Running",
}


def _moved(counts: Counts, src: tuple[CState, Exit], dst: tuple[CState, Exit]) -> Counts:
    """The counts after one container moves from class ``src`` to ``dst``."""
    out = dict(counts)
    out[src] = out[src] - 1
    out[dst] = out[dst] + 1
    return out


def _exit_obligations(rules: SeedSemantics, counts: Counts, pol: Policy
                      ) -> list[tuple[tuple[Exit, Exit], Any, Any]]:
    """For each (exit the running container carries, exit code): (pre, claim), over any counts.

    Pre: the pod is Running (its stored phase is the phase function's: the proved invariant) and
    has a Running container of that class.  The event is P3 (exit), then P4 (restart) and P2
    (start) of the same container where the policy allows the restart.
    """
    out = []
    ph = phase_of_counts
    for e0 in Exit:
        for code in (Exit.OK, Exit.ERROR, Exit.OOM):
            pre = z3.And(counts[(R, e0)] >= 1, _z(ph(rules, counts, pol)) == int(PodPhase.RUNNING))
            after = _moved(counts, (R, e0), (T, code))
            restarted = _moved(after, (T, code), (W, code))
            started = _moved(restarted, (W, code), (R, code))
            allowed = _b(rules.restart_allowed(Z3, pol, int(code)))
            total = z3.Sum(*after.values())
            all_ok = after[(T, Exit.OK)] == total
            running = _sum(after, lambda st, e: st is R)
            p_after = _z(ph(rules, after, pol))
            stays = z3.And(p_after == int(PodPhase.RUNNING), allowed,
                           _z(ph(rules, restarted, pol)) == int(PodPhase.RUNNING),
                           _z(ph(rules, started, pol)) == int(PodPhase.RUNNING))
            if pol is Policy.ALWAYS or (pol is Policy.ON_FAILURE and code is not Exit.OK):
                claim = stays
            elif pol is Policy.ON_FAILURE:
                claim = z3.And(z3.Not(allowed),
                               p_after == z3.If(all_ok, int(PodPhase.SUCCEEDED), int(PodPhase.RUNNING)))
            else:
                claim = z3.And(z3.Not(allowed), p_after == z3.If(
                    all_ok, int(PodPhase.SUCCEEDED), z3.If(running == 0, int(PodPhase.FAILED), int(PodPhase.RUNNING))))
            out.append(((e0, code), pre, claim))
    return out


def _z(x: Any) -> Any:
    return x if isinstance(x, z3.ExprRef) else z3.IntVal(int(x))


def _b(x: Any) -> Any:
    return x if isinstance(x, z3.ExprRef) else z3.BoolVal(bool(x))


NEVER_RESTARTS = "policy Never never restarts a container"
ONFAILURE_OK = "OnFailure never restarts a container that exited ok"


def _describe(mdl: z3.ModelRef, counts: Counts, pol: Policy, ph: Any) -> dict[str, Any]:
    shown = {f"{s.label}({e.label})" if e is not Exit.NONE else s.label:
             mdl.eval(n, model_completion=True).as_long() for (s, e), n in counts.items()}
    return {"kind": "container counts", "policy": pol.label,
            "containers": {k: v for k, v in shown.items() if v},
            "phase": PodPhase(mdl.eval(ph, model_completion=True).as_long()).label}


Obligation = tuple[list[Any], Callable[[z3.ModelRef], dict[str, Any]]]  # (constraints, describe a model)


def _discharge(config: str, obligations: Iterable[Obligation]) -> Any:
    """Proved unless some obligation's constraints are satisfiable (refuted, with its model described)
    or undecided; the first such obligation ends the search."""
    from kubelife.prove import Verdict

    start = time.perf_counter()
    verdict = Verdict("proved", 0.0, config)
    for constraints, describe in obligations:
        s = z3.Solver()
        s.add(*constraints)
        r = s.check()
        if r == z3.sat:
            verdict = Verdict("refuted", 0.0, config, describe(s.model()))
            break
        if r != z3.unsat:
            verdict = Verdict("unknown", 0.0, config)
            break
    verdict.seconds = time.perf_counter() - start
    return verdict


def prove_counts(semantics: type[SeedSemantics] = SeedSemantics) -> dict[str, Any]:
    """Each claim for every policy and every container count vector; restart guards per container."""
    rules = ClusterModel(Config.uniform(profile=semantics.profile), semantics).rules
    counts: Counts = {c: z3.Int(f"n[{c[0].label},{c[1].label}]") for c in CLASSES}
    wf = z3.And(*(n >= 0 for n in counts.values()), z3.Sum(*counts.values()) >= 1)
    out: dict[str, Any] = {}

    def count_obligations(claim: Callable[..., Any]) -> Iterator[Obligation]:
        for pol in Policy:
            ph = _z(phase_of_counts(rules, counts, pol))
            yield [wf, z3.Not(claim(counts, ph, pol))], functools.partial(_describe, counts=counts, pol=pol, ph=ph)

    def exit_obligations(pol: Policy) -> Iterator[Obligation]:
        for (e0, code), pre, claim in _exit_obligations(rules, counts, pol):
            def describe(mdl: z3.ModelRef, e0: Exit = e0, code: Exit = code) -> dict[str, Any]:
                return {**_describe(mdl, counts, pol, _z(phase_of_counts(rules, counts, pol))),
                        "kind": "container counts before the exit", "exiting": f"Running({e0.label})",
                        "code": code.label}
            yield [wf, pre, z3.Not(claim)], describe

    def guard_obligation(pol: Policy, exits: Exit | None) -> Iterator[Obligation]:
        e = z3.Int("last_exit")
        allowed = rules.restart_allowed(Z3, pol, e)
        allowed = allowed if isinstance(allowed, z3.ExprRef) else z3.BoolVal(bool(allowed))

        def describe(mdl: z3.ModelRef) -> dict[str, Any]:
            return {"kind": "restart guard", "policy": pol.label,
                    "last_exit": Exit(mdl.eval(e, model_completion=True).as_long()).label}
        yield [e >= 0, e < len(Exit), allowed, *([e == int(exits)] if exits is not None else [])], describe

    for name, claim in COUNT_PROPERTIES.items():
        out[name] = _discharge("any number of containers, every policy", count_obligations(claim))
    for pol, name in EXIT_ROWS.items():
        out[name] = _discharge(f"any number of containers, policy {pol.label}", exit_obligations(pol))
    # The restart guard is per container, so its properties hold for any count at once.
    for name, pol, exits in ((NEVER_RESTARTS, Policy.NEVER, None), (ONFAILURE_OK, Policy.ON_FAILURE, Exit.OK)):
        out[name] = _discharge("any number of containers", guard_obligation(pol, exits))
    return out
