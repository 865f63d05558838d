"""Symbolic proofs with Z3: rows, inductive invariants, step properties, BMC.

For each configuration the transition relation, properties and rows are the
model's own builders and predicates handed :data:`kubelife.model.engine.symbolic.Z3`.

* Invariants: every state invariant of spec section 5 and the auxiliary
  facts of the profile's strengthening (``ProveSpec.auxiliary``) hold initially (evaluated) and are
  inductive together (Houdini over one solver); each property's unsat core
  names the strengthening its proof used.
* Step properties: ``I(s) and T(s, t) and not step(s, t)`` is unsat.
* Rows: for every transition of the row's event and every focus,
  ``I(s) and pre and guard and not outcome`` is unsat, and ``pre and guard``
  is satisfiable (the witness).  This covers every state satisfying the
  proved invariants, reachable or not.
* The expected violation: found by BMC from the initial state, shortest first.
* Any number of containers: where the profile declares counting proofs (``ProveSpec.counts``).

Properties, rows and auxiliary invariants come by profile
(:func:`kubelife.profiles.properties_for_profile`, :func:`rows_for`,
:func:`auxiliary_for_profile`); a profile with more than one expected
violation gets a BMC run for each.

A refuted property is also searched by BMC, so a mutant's counterexample is
a real run when one exists within the depth, not only a counterexample to
induction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from kubelife.model.engine.ops import PY
from kubelife.model.engine.symbolic import BmcResult, Query, Session, bmc, domain
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.config import Config
from kubelife.model.k8s.trace import Trace, trace_from_path
from kubelife.profiles import ProveSpec, build, get, properties_for_profile, require, rows_for
from kubelife.properties.core import Property, Row

__all__ = ["Verdict", "ConfigProof", "ProveResult", "prove_model", "prove_all", "DEFAULT_DEPTH",
           "DEFAULT_TIMEOUT_MS", "auxiliary_for_profile", "prove_suite", "prove_spec"]

DEFAULT_DEPTH = 12
DEFAULT_TIMEOUT_MS = 20_000  # per solver query; a query that runs out is reported "unknown"
DOMAIN = "field values stay in their domains"

def prove_spec(profile: str | None) -> ProveSpec:
    """The profile's Z3 declaration; one sentence when it has none."""
    spec: ProveSpec = require(get(profile), "Z3 proofs")
    return spec


def prove_suite(profile: str | None) -> tuple[Config, ...]:
    """The configurations ``kubelife prove`` covers by default for a profile."""
    return prove_spec(profile).suite


def auxiliary_for_profile(m: ClusterModel) -> list[Property]:
    """Candidate strengthenings of a model's profile (named data, Houdini decides)."""
    return prove_spec(m.config.profile).auxiliary(m)


@dataclass
class Verdict:
    """One proof obligation's result in one configuration (or merged over several)."""

    status: str  # proved | refuted | unknown | vacuous | refuted-as-expected | not found
    seconds: float = 0.0
    config: str = ""
    counterexample: dict[str, Any] | None = None
    witness: str | None = None
    strengthening: list[str] = field(default_factory=list)
    trace: Trace | None = None
    query: Query | None = None  # the solver's raw answer behind a counterexample, for re-checking

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "refuted-as-expected")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "ok": self.ok, "seconds": round(self.seconds, 4),
                               "config": self.config, "counterexample": self.counterexample}
        if self.witness is not None:
            out["witness"] = self.witness
        return out


def _state_cex(m: ClusterModel, q: Query, kind: str, focus: str = "") -> dict[str, Any]:
    """A sat query as readable states: before, the step taken, after."""
    assert q.before is not None
    out: dict[str, Any] = {"kind": kind, "config": m.name, "before": str(m.shape.decode(q.before))}
    if focus:
        out["focus"] = focus
    if q.action is not None and q.after is not None:
        out["action"] = str(m.system.transitions[q.action].action)
        out["after"] = str(m.shape.decode(q.after))
    return out


def _trace(m: ClusterModel, r: BmcResult) -> Trace | None:
    if r.path is None:
        return None
    lay = m.shape.layout
    return trace_from_path(m, [(a, lay.pack(s)) for a, s in r.path])


@dataclass
class ConfigProof:
    model: ClusterModel
    inductive: list[str]
    properties: dict[str, Verdict]
    auxiliary: dict[str, Verdict]
    rows: dict[str, Verdict]
    bmc: Verdict | None
    seconds: float
    extra_bmc: dict[str, Verdict] = field(default_factory=dict)  # the profile's other expected violations


def _focus_name(f: Any) -> str:
    return f"p{f.p}" if hasattr(f, "p") else f"n{f.n}"


def _prove_row(m: ClusterModel, s: Session, row: Row, assume: list[str]) -> Verdict:
    start = time.perf_counter()
    witness: str | None = None
    core: set[str] = set()
    for i, t in enumerate(m.system.transitions):
        a = t.action
        if a.kind not in row.kinds or not row.event(a):
            continue
        guard = s.posts[i][0]
        for f in row.focus(m, a):
            pre = row.pre(m, s.v, s.ops, f, a)
            if pre is False or guard is False:
                continue
            base = z3.And(s.a == i, s.ops.b(pre), s.ops.b(guard))
            if witness is None:
                w = s.query(base, assume)
                if w.status == "sat":
                    assert w.before is not None
                    witness = f"{m.shape.decode(w.before)} --{a}--> {m.shape.decode(w.after or w.before)}"
            out = row.outcome(m, s.v, s.w, s.ops, f, a)
            goal = z3.And(base, z3.Not(s.ops.b(out)))
            q = s.query(goal, assume)
            if q.status == "sat":
                return Verdict("refuted", time.perf_counter() - start, m.name,
                               _state_cex(m, q, "row", _focus_name(f)), witness, query=q)
            if q.status != "unsat":
                return Verdict("unknown", time.perf_counter() - start, m.name, None, witness)
            core.update(s.minimise(goal, q).core)
    status = "proved" if witness is not None else "vacuous"
    return Verdict(status, time.perf_counter() - start, m.name, None, witness, sorted(core))


def prove_model(m: ClusterModel, *, depth: int = DEFAULT_DEPTH, rows: Sequence[Row] | None = None,
                expected: bool = True, bitvectors: bool = True, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> ConfigProof:
    """Every proof obligation for one configuration (rows default to the profile's)."""
    start = time.perf_counter()
    props = properties_for_profile(m)
    aux = auxiliary_for_profile(m)
    if rows is None:
        rows = rows_for(m.config.profile)
    state_props = [p for p in props if p.kind == "invariant"]
    candidates: list[Property] = [*state_props, *aux]
    lay = m.shape.layout
    s = Session(m.system, [(p.name, p.pred) for p in candidates], bitvectors=bitvectors, timeout_ms=timeout_ms)
    s.add_invariant(DOMAIN, lambda v, o: domain(lay, v))

    # Initiation is a concrete evaluation; consecution is Houdini over the rest.
    verdicts: dict[str, Verdict] = {}
    at_init = [p.name for p in candidates if p.pred(m.system.initial, PY)]
    for p in candidates:
        if p.name not in at_init:
            verdicts[p.name] = Verdict("refuted", 0.0, m.name,
                                       {"kind": "initial state", "config": m.name,
                                        "before": str(m.shape.decode(m.system.initial))})
    kept, dropped = s.houdini([*at_init, DOMAIN])
    # A builder that writes a value outside its field's domain voids every proof over domains.
    sound = DOMAIN in kept
    for p in candidates:
        if p.name in verdicts:
            continue
        if p.name in dropped:
            q = dropped[p.name]
            verdicts[p.name] = Verdict("refuted" if q.status == "sat" else "unknown", q.seconds, m.name,
                                       _state_cex(m, q, "counterexample to induction") if q.status == "sat" else None,
                                       query=q)
            continue
        t0 = time.perf_counter()
        alone = s.preserved(p.name, [p.name, DOMAIN])
        post = z3.Not(s.ops.b(p.pred(s.w, s.ops)))
        q = alone if alone.status == "unsat" else s.minimise(post, s.preserved(p.name, kept))
        wit = s.query(s.ops.b(p.witness(s.v, s.ops)), kept)
        status = "proved" if q.status == "unsat" and sound else "unknown"
        if status == "proved" and wit.status != "sat":
            status = "vacuous"
        verdicts[p.name] = Verdict(status, time.perf_counter() - t0, m.name,
                                   strengthening=[n for n in q.core if n not in (p.name, DOMAIN)],
                                   witness=str(m.shape.decode(wit.before)) if wit.before else None)
    # Refuted invariants: look for a real run to the bad state, shortest first.
    for p in candidates:
        v = verdicts[p.name]
        if v.status == "refuted" and v.counterexample and v.counterexample["kind"] != "initial state":
            r = bmc(m.system, _negated(p.pred), depth=depth, timeout_ms=max(timeout_ms, 60_000))
            v.trace = _trace(m, r)

    for p in props:
        if p.kind != "step":
            continue
        t0 = time.perf_counter()
        goal = z3.Not(s.ops.b(p.pred(s.v, s.w, s.ops)))
        q = s.minimise(goal, s.query(goal, kept))
        wit = s.query(s.ops.b(p.witness(s.v, s.w, s.ops)), kept)
        if q.status == "sat":
            v = Verdict("refuted", time.perf_counter() - t0, m.name, _state_cex(m, q, "step"), query=q)
            r = bmc(m.system, bad_step=_negated_step(p.pred), depth=depth, timeout_ms=max(timeout_ms, 60_000))
            v.trace = _trace(m, r)
        else:
            status = "unknown" if q.status != "unsat" or not sound else (
                "proved" if wit.status == "sat" else "vacuous")
            v = Verdict(status, time.perf_counter() - t0, m.name,
                        strengthening=[n for n in q.core if n != DOMAIN])
        verdicts[p.name] = v

    bmc_verdict = None
    ev_name = prove_spec(m.config.profile).expected_violation
    ev = next(p for p in props if p.name == ev_name)
    if expected:
        bmc_verdict = _expected_bmc(m, ev, depth, timeout_ms)
    # Other known violations of the profile, searched
    # only where the configuration can show them: a witness state exists at all.
    extra = {}
    for p in props:
        if p.kind == "expected-violation" and p.name != ev_name:
            if s.query(s.ops.b(p.witness(s.v, s.ops)), kept).status == "sat":
                extra[p.name] = _expected_bmc(m, p, depth, timeout_ms)
    row_verdicts = {row.id: _prove_row(m, s, row, kept) for row in rows}
    if not sound:
        for v in row_verdicts.values():
            v.status = "unknown" if v.status == "proved" else v.status
    if any(q.status not in ("sat", "unsat") for q in dropped.values()):
        # A candidate lost to a solver timeout weakens every later assumption, so a counterexample
        # to induction may be unreachable: only a real run (BMC trace) still counts as a refutation.
        for v in [*row_verdicts.values(), *verdicts.values()]:
            if v.status == "refuted" and v.trace is None and (v.counterexample or {}).get("kind") != "initial state":
                v.status = "unknown"
    names = {p.name for p in state_props} | {p.name for p in props if p.kind == "step"}
    return ConfigProof(
        m, kept,
        {n: v for n, v in verdicts.items() if n in names},
        {n: v for n, v in verdicts.items() if n not in names},
        row_verdicts, bmc_verdict, time.perf_counter() - start, extra,
    )


def _expected_bmc(m: ClusterModel, p: Property, depth: int, timeout_ms: int) -> Verdict:
    r = bmc(m.system, _negated(p.pred), depth=depth, timeout_ms=max(timeout_ms, 60_000))
    status = "refuted-as-expected" if r.found else ("unknown" if r.status == "unknown" else "not found")
    v = Verdict(status, r.seconds, m.name, trace=_trace(m, r))
    v.counterexample = {"kind": "bmc", "depth": depth, "length": r.depth if r.found else None}
    return v


def _negated(pred: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    return lambda v, o: o.not_(pred(v, o))


def _negated_step(pred: Callable[..., Any]) -> Callable[[Any, Any, Any], Any]:
    return lambda v, w, o: o.not_(pred(v, w, o))


# -- several configurations ---------------------------------------------------------------


_RANK = {"refuted": 0, "unknown": 1, "proved": 2, "vacuous": 3}


def _merge(vs: Sequence[Verdict]) -> Verdict:
    """Refuted anywhere wins; else unknown anywhere; else proved where not vacuous."""
    total = sum(v.seconds for v in vs)
    worst = min(vs, key=lambda v: _RANK.get(v.status, 1))
    if worst.status in ("refuted", "unknown"):
        return Verdict(worst.status, total, worst.config, worst.counterexample, worst.witness,
                       worst.strengthening, worst.trace, worst.query)
    proved = [v for v in vs if v.status == "proved"]
    if not proved:
        return Verdict("vacuous", total, ", ".join(v.config for v in vs))
    core = sorted({n for v in proved for n in v.strengthening})
    return Verdict("proved", total, ", ".join(v.config for v in proved), None, proved[0].witness, core)


@dataclass
class ProveResult:
    configs: list[ConfigProof]
    rows: dict[str, Verdict]
    properties: dict[str, Verdict]
    auxiliary: dict[str, Verdict]
    any_containers: dict[str, Verdict]
    bmc: Verdict
    depth: int
    seconds: float

    strict: bool = True  # the default suite: every row applies somewhere and the violation must be found
    expected_violation: str = ""  # the property ``bmc`` is about (the profile's)

    @property
    def ok(self) -> bool:
        # On a single configuration a row may not apply (vacuous) and the violation may need
        # more slots (not found); those are reported, as ``kubelife check`` reports them.
        fine = ("proved", "refuted-as-expected") if self.strict else (
            "proved", "refuted-as-expected", "vacuous", "not found")
        groups = (self.rows, self.properties, self.auxiliary, self.any_containers)
        return all(v.status in fine for g in groups for v in g.values())

    def to_json(self) -> dict[str, Any]:
        def prop(v: Verdict) -> dict[str, Any]:
            out = v.to_json()
            out["strengthening"] = v.strengthening
            if v.trace is not None:
                out["trace"] = v.trace.to_json()["steps"]
                out["trace_length"] = len(v.trace)
            return out

        bmc_json = prop(self.bmc)
        bmc_json.update({"property": self.expected_violation, "depth": self.depth,
                         "length": len(self.bmc.trace) if self.bmc.trace else None})
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "configurations": [
                {"config": c.model.name, "seconds": round(c.seconds, 3), "inductive": c.inductive}
                for c in self.configs
            ],
            "rows": {k: {**v.to_json(), "assumes": v.strengthening} for k, v in self.rows.items()},
            "properties": {k: prop(v) for k, v in self.properties.items()},
            "strengthening": {k: prop(v) for k, v in self.auxiliary.items()},
            "any_containers": {k: v.to_json() for k, v in self.any_containers.items()},
            "bmc": bmc_json,
        }


def _merge_bmc(vs: Sequence[Verdict], depth: int) -> Verdict:
    """The shortest counterexample any configuration's BMC found; else unknown or not found."""
    seconds = sum(v.seconds for v in vs)
    found = [v for v in vs if v.trace is not None]
    if found:
        best = min(found, key=lambda v: len(v.trace or ()))
        return Verdict("refuted-as-expected", seconds, best.config, best.counterexample, trace=best.trace)
    unknown = any(v.status == "unknown" for v in vs)
    return Verdict("unknown" if unknown else "not found", seconds, "", {"kind": "bmc", "depth": depth, "length": None})


def prove_all(configs: Sequence[Config] | None = None, semantics: type[Any] | None = None, *,
              depth: int = DEFAULT_DEPTH, rows: Sequence[Row] | None = None, any_containers: bool = True,
              timeout_ms: int = DEFAULT_TIMEOUT_MS, strict: bool | None = None) -> ProveResult:
    """Prove everything over ``configs`` (default: the profile's :func:`prove_suite`).

    ``strict`` (default: ``configs is None``): every row must apply somewhere and the expected
    violation must be found, as on the profile's own suite.

    The profile is the semantics' (default: the default profile's).  The any-number-of-containers
    proofs run where the profile declares them (``ProveSpec.counts``).
    """
    start = time.perf_counter()
    if semantics is None:
        semantics = get(None).semantics
    profile = semantics.profile
    spec = prove_spec(profile)
    cfgs = list(configs) if configs is not None else list(spec.suite)
    rows = rows_for(profile) if rows is None else rows
    proofs = []
    for c in cfgs:
        m = build(c, semantics)
        # More than R copies need more than R controlled slots; BMC elsewhere would only time out.
        room = sum(1 for sl in c.slots if sl.controlled) > c.replicas >= 1
        proofs.append(prove_model(m, depth=depth, rows=rows, expected=room, timeout_ms=timeout_ms))
    row_ids = [r.id for r in rows]
    merged_rows = {rid: _merge([p.rows[rid] for p in proofs]) for rid in row_ids}
    names = list(proofs[0].properties)
    props = {n: _merge([p.properties[n] for p in proofs]) for n in names}
    aux = {n: _merge([p.auxiliary[n] for p in proofs]) for n in proofs[0].auxiliary}
    ev = _merge_bmc([p.bmc for p in proofs if p.bmc is not None], depth)
    props[spec.expected_violation] = ev
    for name in dict.fromkeys(n for p in proofs for n in p.extra_bmc):
        props[name] = _merge_bmc([p.extra_bmc[name] for p in proofs if name in p.extra_bmc], depth)
    counts = spec.counts(semantics) if any_containers and spec.counts is not None else {}
    return ProveResult(proofs, merged_rows, props, aux, counts, ev, depth, time.perf_counter() - start,
                       strict=configs is None if strict is None else strict,
                       expected_violation=spec.expected_violation)
