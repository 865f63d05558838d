"""Z3 backend: the same builders and predicates, as SMT terms.

:class:`Z3Ops` is an :class:`~kubelife.model.engine.ops.Ops` backend.  Constants are
folded exactly as :class:`~kubelife.model.engine.ops.PyOps` folds them, so a
configuration's fixed facts (policies, which slots are controlled) never
reach the solver.  Booleans stay Z3 ``Bool`` and field values Z3 ``Int``
(bounded by domain constraints): the sorts are kept apart, and an ``ite``
picks its sort from its branches.

On top of it, generic helpers over any :class:`TransitionSystem` (this module
knows nothing of Kubernetes):

* :func:`state_vars`, :func:`domain`, :func:`posts` - symbolic records;
* :class:`Session` - one solver holding ``domain(s) and T(s, t)`` with named,
  assumable invariants: induction checks (Houdini), step checks, row checks;
* :func:`bmc` - bounded model checking from the initial record.

z3 is imported here and in :mod:`kubelife.prove` only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from kubelife.model.engine.system import Layout, TransitionSystem, apply

__all__ = [
    "Z3Ops", "Z3", "CountingOps", "state_vars", "domain", "posts", "relation", "values_of", "Session", "Query",
    "bmc", "BmcResult", "bits_for", "evaluate_successors", "successor_terms", "z3_to_python",
]

StatePred = Callable[[Sequence[Any], Any], Any]
StepPred = Callable[[Sequence[Any], Sequence[Any], Any], Any]


def _const(x: object) -> bool:
    return not isinstance(x, z3.ExprRef)


def _int(x: Any) -> Any:
    return x if isinstance(x, z3.ExprRef) else z3.IntVal(int(x))


def _bool(x: Any, ctx: z3.Context | None = None) -> Any:
    return x if isinstance(x, z3.ExprRef) else z3.BoolVal(bool(x), ctx)


class Z3Ops:
    """Ops over Z3 terms, folding Python constants like :class:`PyOps` does.

    Field values are ``Int`` terms, or bit-vectors of ``bits`` bits (unsigned
    comparisons), which bit-blast to SAT: much faster for deep BMC unrollings.
    """

    def __init__(self, bits: int | None = None, ctx: z3.Context | None = None) -> None:
        self.bits = bits
        self.ctx = ctx  # a private context makes answers independent of what ran before

    def _int(self, x: Any) -> Any:
        if isinstance(x, z3.ExprRef):
            return x
        return z3.BitVecVal(int(x), self.bits, self.ctx) if self.bits else z3.IntVal(int(x), self.ctx)

    def b(self, x: Any) -> Any:
        """A Python or Z3 boolean as a Z3 ``Bool`` of this backend's context."""
        return _bool(x, self.ctx)

    def eq(self, a: Any, b: Any) -> Any:
        if _const(a) and _const(b):
            return a == b
        if z3.is_bool(a) or z3.is_bool(b):
            return self.b(a) == self.b(b)
        return self._int(a) == self._int(b)

    def ne(self, a: Any, b: Any) -> Any:
        return self.not_(self.eq(a, b))

    def lt(self, a: Any, b: Any) -> Any:
        if _const(a) and _const(b):
            return a < b
        return z3.ULT(self._int(a), self._int(b)) if self.bits else self._int(a) < self._int(b)

    def le(self, a: Any, b: Any) -> Any:
        if _const(a) and _const(b):
            return a <= b
        return z3.ULE(self._int(a), self._int(b)) if self.bits else self._int(a) <= self._int(b)

    def and_(self, *xs: Any) -> Any:
        parts = []
        for x in xs:
            if _const(x):
                if not x:
                    return False
                continue
            parts.append(x)
        if not parts:
            return True
        return parts[0] if len(parts) == 1 else z3.And(*parts)

    def or_(self, *xs: Any) -> Any:
        parts = []
        for x in xs:
            if _const(x):
                if x:
                    return True
                continue
            parts.append(x)
        if not parts:
            return False
        return parts[0] if len(parts) == 1 else z3.Or(*parts)

    def not_(self, x: Any) -> Any:
        return (not x) if _const(x) else z3.Not(x)

    def implies(self, a: Any, b: Any) -> Any:
        return self.or_(self.not_(a), b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if _const(c):
            return a if c else b
        if _const(a) and _const(b) and a == b and type(a) is type(b):
            return a
        if z3.is_bool(a) or z3.is_bool(b) or (isinstance(a, bool) and isinstance(b, bool)):
            return z3.If(c, self.b(a), self.b(b))
        return z3.If(c, self._int(a), self._int(b))

    def add(self, *xs: Any) -> Any:
        total, parts = 0, []
        for x in xs:
            if _const(x):
                total += int(x)
            else:
                parts.append(z3.If(x, self._int(1), self._int(0)) if z3.is_bool(x) else x)
        if not parts:
            return total
        if total:
            parts.append(self._int(total))
        return parts[0] if len(parts) == 1 else z3.Sum(*parts)

    def count(self, bs: Iterable[Any]) -> Any:
        return self.add(*(int(bool(b)) if _const(b) else z3.If(b, self._int(1), self._int(0)) for b in bs))

    def min_(self, a: Any, b: Any) -> Any:
        if _const(a) and _const(b):
            return min(int(a), int(b))
        return z3.If(self.le(a, b), self._int(a), self._int(b))

    def truth(self, v: Any) -> Any:
        return self.eq(v, 1)


Z3 = Z3Ops()


class CountingOps(Z3Ops):
    """Z3 ops where the k-th item of every ``count`` weighs ``weights[k]``.

    Hand a function that only counts per-item conditions (a pod's phase
    function over its containers) one representative item per class and the
    class sizes as weights: each count becomes ``sum(n_class * [cond(class)])``,
    which is that count for *every* multiset with those class sizes.
    """

    def __init__(self, weights: Sequence[Any]) -> None:
        super().__init__()
        self.weights = list(weights)

    def count(self, bs: Iterable[Any]) -> Any:
        items = list(bs)
        if len(items) != len(self.weights):
            raise ValueError(f"counted {len(items)} items, expected one per class ({len(self.weights)})")
        return self.add(*(self.ite(b, w, 0) for b, w in zip(items, self.weights)))


# -- symbolic records -------------------------------------------------------------------


def state_vars(layout: Layout, tag: str, bits: int | None = None, ctx: z3.Context | None = None) -> list[Any]:
    if bits:
        return [z3.BitVec(f"{tag}.{f.name}", bits, ctx) for f in layout.fields]
    return [z3.Int(f"{tag}.{f.name}", ctx) for f in layout.fields]


def _below(x: Any, n: int) -> Any:
    return z3.ULT(x, n) if z3.is_bv(x) else z3.And(0 <= x, x < n)


def domain(layout: Layout, v: Sequence[Any]) -> Any:
    return z3.And(*(_below(x, f.size) for x, f in zip(v, layout.fields)))


def bits_for(system: TransitionSystem) -> int:
    """Bit-vector width that holds every value, count and ``x + 1`` a builder can form."""
    top = max(len(system.layout), len(system.transitions), *(f.size for f in system.layout.fields))
    return (2 * top).bit_length() + 1


def posts(system: TransitionSystem, v: Sequence[Any], ops: Z3Ops | None = None) -> list[tuple[Any, list[Any]]]:
    """Guard and successor record of every transition, as Z3 terms over ``v``."""
    return [apply(t, v, ops or Z3) for t in system.transitions]


def relation(v: Sequence[Any], w: Sequence[Any], a: Any, steps: Sequence[tuple[Any, Sequence[Any]]]) -> Any:
    """``T(v, w)`` with ``a`` the transition taken, in frame form.

    Each transition constrains only the fields it writes; a field keeps its
    value unless the transition taken writes it.  Much smaller than spelling
    out every field of every transition, which matters once BMC unrolls it.
    """
    writers: list[list[int]] = [[] for _ in v]
    parts = [_below(a, len(steps))]
    for i, (g, post) in enumerate(steps):
        writes = [k for k, (x, y) in enumerate(zip(v, post)) if not (isinstance(y, z3.ExprRef) and y.eq(x))]
        for k in writes:
            writers[k].append(i)
        parts.append(z3.Implies(a == i, z3.And(_bool(g, a.ctx), *(w[k] == post[k] for k in writes))))
    for k, (x, y) in enumerate(zip(v, w)):
        if writers[k]:
            parts.append(z3.Or(*(a == i for i in writers[k]), y == x))
        else:
            parts.append(y == x)
    return z3.And(*parts)


def values_of(model: z3.ModelRef, v: Sequence[Any]) -> tuple[int, ...]:
    return tuple(model.eval(x, model_completion=True).as_long() for x in v)


_PY_OPS = {
    z3.Z3_OP_AND: " and ", z3.Z3_OP_OR: " or ", z3.Z3_OP_ADD: " + ", z3.Z3_OP_MUL: " * ",
    z3.Z3_OP_SUB: " - ", z3.Z3_OP_EQ: " == ", z3.Z3_OP_LE: " <= ", z3.Z3_OP_LT: " < ",
    z3.Z3_OP_GE: " >= ", z3.Z3_OP_GT: " > ", z3.Z3_OP_DISTINCT: " != ",
}


def z3_to_python(terms: Sequence[Any], v: Sequence[Any]) -> Callable[[Sequence[int]], list[Any]]:
    """Compile Z3 terms over variables ``v`` to ``f(values) -> [value of each term]``.

    A tiny translator of the term language Z3Ops emits (Boolean connectives,
    ``If``, linear integer arithmetic, comparisons); it reads the Z3 terms
    themselves, not the builders, so it checks the Z3 encoding against the
    explicit model at Python speed.  ``z3.simplify`` spot checks pin it to Z3.
    """
    names = {x.get_id(): f"x{k}" for k, x in enumerate(v)}
    lines = ["def f(values):", f"    {', '.join(names.values())}{',' if len(v) == 1 else ''} = values"]
    done: dict[int, str] = dict(names)

    def emit(e: Any) -> str:
        stack = [e]
        while stack:
            cur = stack[-1]
            if cur.get_id() in done:
                stack.pop()
                continue
            kids = [c for c in cur.children() if c.get_id() not in done]
            if kids:
                stack.extend(kids)
                continue
            stack.pop()
            k = cur.decl().kind()
            args = [done[c.get_id()] for c in cur.children()]
            if z3.is_int_value(cur):
                code = str(cur.as_long())
            elif k == z3.Z3_OP_TRUE:
                code = "True"
            elif k == z3.Z3_OP_FALSE:
                code = "False"
            elif k == z3.Z3_OP_NOT:
                code = f"(not {args[0]})"
            elif k == z3.Z3_OP_UMINUS:
                code = f"(-{args[0]})"
            elif k == z3.Z3_OP_ITE:
                code = f"({args[1]} if {args[0]} else {args[2]})"
            elif k == z3.Z3_OP_IMPLIES:
                code = f"((not {args[0]}) or {args[1]})"
            elif k in _PY_OPS and (len(args) == 2 or k in (z3.Z3_OP_AND, z3.Z3_OP_OR, z3.Z3_OP_ADD)):
                code = "(" + _PY_OPS[k].join(args) + ")"
            else:
                raise ValueError(f"z3_to_python: unsupported term {cur.decl()}")
            name = f"t{len(done)}"
            lines.append(f"    {name} = {code}")
            done[cur.get_id()] = name
        return done[e.get_id()]

    outs = [emit(t) for t in terms]
    lines.append(f"    return [{', '.join(outs)}]")
    env: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<z3_to_python>", "exec"), env)  # noqa: S102 - generated from Z3 terms
    fn: Callable[[Sequence[int]], list[Any]] = env["f"]
    return fn


def successor_terms(system: TransitionSystem, v: Sequence[Any]) -> list[Any]:
    """One Z3 integer term per transition: ``If(guard, pack(post), -1)``."""
    layout = system.layout
    out = []
    for guard, post in posts(system, v):
        packed = z3.Sum(*(_int(x) * (1 << sh) for x, sh in zip(post, layout.shifts)))
        out.append(z3.If(_bool(guard), packed, -1))
    return out


def evaluate_successors(system: TransitionSystem, *, simplify: bool = False
                        ) -> Callable[[Sequence[int]], list[tuple[int, int]]]:
    """``succ(values) -> [(transition, packed successor)]`` computed from the Z3 encoding alone.

    By default the Z3 terms are compiled with :func:`z3_to_python`; with
    ``simplify`` each record is substituted and folded by ``z3.simplify``
    (slow, about a millisecond a state, but Z3's own evaluation).
    """
    v = state_vars(system.layout, "e")
    terms = successor_terms(system, v)
    if simplify:
        def succ(values: Sequence[int]) -> list[tuple[int, int]]:
            sub = [(x, z3.IntVal(int(c))) for x, c in zip(v, values)]
            rs = [z3.simplify(z3.substitute(t, *sub)).as_long() for t in terms]
            return [(i, r) for i, r in enumerate(rs) if r >= 0]
        return succ
    fn = z3_to_python(terms, v)

    def fast(values: Sequence[int]) -> list[tuple[int, int]]:
        return [(i, r) for i, r in enumerate(fn(values)) if r >= 0]
    return fast


# -- one solver per system --------------------------------------------------------------


@dataclass
class Query:
    """Outcome of one solver call: ``unsat`` proves the goal impossible."""

    status: str  # unsat | sat | unknown
    seconds: float
    before: tuple[int, ...] | None = None
    after: tuple[int, ...] | None = None
    action: int | None = None
    core: list[str] = field(default_factory=list)


class Session:
    """``domain(s) and T(s, t)`` with named invariants that queries may assume.

    ``s`` (:attr:`v`) is the state before a step, ``t`` (:attr:`w`) after it
    and :attr:`a` the index of the transition taken.  An invariant named
    ``x`` is assumed for ``s`` by passing ``x`` in ``assume``; unsat cores
    say which assumptions a proof used.
    """

    def __init__(self, system: TransitionSystem, invariants: Sequence[tuple[str, StatePred]] = (),
                 timeout_ms: int = 20_000, bitvectors: bool = False) -> None:
        self.system = system
        layout = system.layout
        bits = bits_for(system) if bitvectors else None
        self.ctx = z3.Context()
        self.ops = Z3Ops(bits, self.ctx)
        self.v, self.w = state_vars(layout, "s", bits, self.ctx), state_vars(layout, "t", bits, self.ctx)
        self.a = z3.BitVec("action", bits, self.ctx) if bits else z3.Int("action", self.ctx)
        self.posts = posts(system, self.v, self.ops)
        self.solver = z3.SolverFor("QF_BV", ctx=self.ctx) if bits else z3.Solver(ctx=self.ctx)
        self.solver.set("timeout", timeout_ms)
        self.solver.set("core.minimize", True)
        self.solver.add(domain(layout, self.v))
        self.solver.add(relation(self.v, self.w, self.a, self.posts))
        self.preds: dict[str, StatePred] = {}
        self.lits: dict[str, Any] = {}
        for name, pred in invariants:
            self.add_invariant(name, pred)

    def add_invariant(self, name: str, pred: StatePred) -> None:
        lit = z3.Bool(f"assume: {name}", self.ctx)
        self.preds[name] = pred
        self.lits[name] = lit
        self.solver.add(z3.Implies(lit, self.ops.b(pred(self.v, self.ops))))

    def query(self, goal: Any, assume: Iterable[str] = ()) -> Query:
        """Is ``goal`` satisfiable with the named invariants assumed for ``s``?"""
        assumed = list(assume)
        lits = [self.lits[n] for n in assumed]
        names = {str(lit): n for n, lit in zip(assumed, lits)}
        start = time.perf_counter()
        self.solver.push()
        self.solver.add(self.ops.b(goal))
        r = self.solver.check(*lits)
        q = Query(str(r), 0.0)
        if r == z3.sat:
            mdl = self.solver.model()
            q.before, q.after = values_of(mdl, self.v), values_of(mdl, self.w)
            q.action = mdl.eval(self.a, model_completion=True).as_long()
            if not self._genuine(q):
                # Seen when a query is cut off by a very short timeout: z3 says sat with a model
                # that is no model. Report what the solver really gave: no answer.
                q = Query("unknown", 0.0)
        elif r == z3.unsat:
            q.core = [names[str(c)] for c in self.solver.unsat_core() if str(c) in names]
        self.solver.pop()
        q.seconds = time.perf_counter() - start
        return q

    def _genuine(self, q: Query) -> bool:
        """A model is a state in its domains and a real step of the explicit semantics."""
        assert q.before is not None and q.after is not None and q.action is not None
        if not self.system.layout.in_domain(q.before) or not 0 <= q.action < len(self.system.transitions):
            return False
        after = self.system.step(q.before, q.action)
        return after is not None and tuple(after) == tuple(q.after)

    def minimise(self, goal: Any, q: Query) -> Query:
        """Shrink an unsat query's core by dropping assumptions one at a time."""
        if q.status != "unsat":
            return q
        core = list(q.core)
        for n in list(core):
            trial = [c for c in core if c != n]
            if self.query(goal, trial).status == "unsat":
                core = trial
        q.core = core
        return q

    def preserved(self, name: str, assume: Iterable[str]) -> Query:
        """Can one step from a state satisfying ``assume`` break invariant ``name``?"""
        return self.query(z3.Not(self.ops.b(self.preds[name](self.w, self.ops))), list(assume))

    def houdini(self, names: Sequence[str]) -> tuple[list[str], dict[str, Query]]:
        """The largest subset of ``names`` that is inductive together (init is the caller's).

        Drops any candidate some step from the conjunction of the survivors
        breaks, until none is dropped; returns survivors and each dropped
        candidate's counterexample to induction.
        """
        kept, dropped = list(names), {}
        changed = True
        while changed:
            changed = False
            for n in list(kept):
                q = self.preserved(n, kept)
                if q.status != "unsat":
                    dropped[n] = q
                    kept.remove(n)
                    changed = True
        return kept, dropped


# -- bounded model checking -------------------------------------------------------------


@dataclass
class BmcResult:
    """A shortest path to a bad state (or step), or the depth searched without one."""

    depth: int
    seconds: float
    path: list[tuple[int | None, tuple[int, ...]]] | None = None  # [(None, s0), (action, s1), ...]
    status: str = "not found"  # found | not found | unknown

    @property
    def found(self) -> bool:
        return self.path is not None


def bmc(system: TransitionSystem, bad: StatePred | None = None, *, bad_step: StepPred | None = None,
        depth: int = 12, timeout_ms: int = 60_000, bitvectors: bool = True) -> BmcResult:
    """Search paths from the initial record, shortest first, for a ``bad`` state or step.

    With ``bitvectors`` (the default) fields are bit-vectors and the solver
    bit-blasts to SAT, which keeps deep unrollings fast.
    """
    layout = system.layout
    start = time.perf_counter()
    bits = bits_for(system) if bitvectors else None
    ctx = z3.Context()
    ops = Z3Ops(bits, ctx)
    solver = z3.SolverFor("QF_BV", ctx=ctx) if bits else z3.Solver(ctx=ctx)
    solver.set("timeout", timeout_ms)
    frames = [state_vars(layout, "k0", bits, ctx)]
    acts: list[Any] = []
    solver.add(*(x == c for x, c in zip(frames[0], system.initial)))

    def path_of(mdl: z3.ModelRef, k: int) -> list[tuple[int | None, tuple[int, ...]]]:
        out: list[tuple[int | None, tuple[int, ...]]] = [(None, values_of(mdl, frames[0]))]
        for j in range(k):
            out.append((mdl.eval(acts[j], model_completion=True).as_long(), values_of(mdl, frames[j + 1])))
        return out

    for k in range(depth + 1):
        if bad is not None:
            r = solver.check(ops.b(bad(frames[k], ops)))
            if r == z3.sat:
                return BmcResult(k, time.perf_counter() - start, path_of(solver.model(), k), "found")
            if r == z3.unknown:
                return BmcResult(k, time.perf_counter() - start, None, "unknown")
        if k == depth:
            break
        nxt = state_vars(layout, f"k{k + 1}", bits, ctx)
        act = z3.BitVec(f"a{k}", bits, ctx) if bits else z3.Int(f"a{k}", ctx)
        solver.add(relation(frames[k], nxt, act, posts(system, frames[k], ops)))
        frames.append(nxt)
        acts.append(act)
        if bad_step is not None:
            r = solver.check(ops.b(bad_step(frames[k], nxt, ops)))
            if r == z3.sat:
                return BmcResult(k + 1, time.perf_counter() - start, path_of(solver.model(), k + 1), "found")
            if r == z3.unknown:
                return BmcResult(k + 1, time.perf_counter() - start, None, "unknown")
    return BmcResult(depth, time.perf_counter() - start)
