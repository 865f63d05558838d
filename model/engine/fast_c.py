"""C source for the fast engine, generated from the same builders and predicates.

:class:`COps` is :class:`~kubelife.model.engine.ops.PyOps` with C spelling for the
few operators where Python and C differ (``&&``, ``||``, ``!``, ``?:``);
constant folding is inherited, so the configuration's constants vanish
exactly as they do in the Python code generator.  :func:`c_source` writes
one translation unit: successor generation, the compiled invariants, step
properties, witnesses and edge observers, the canonical form of a
:class:`~kubelife.model.engine.symmetry.SymmetrySpec`, and the breadth-first search
(``fast_bfs.c``, with the graph builder, and ``fast_part.c``, the Ray partitions' core: plain C files
next to this module).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from kubelife.model.engine.compile import StatePred, StepPred
from kubelife.model.engine.explore import ModelTooLarge
from kubelife.model.engine.ops import PyOps
from kubelife.model.engine.symmetry import SymmetrySpec
from kubelife.model.engine.system import Layout, TransitionSystem

__all__ = ["COps", "C", "c_source", "canon_source", "EdgeSpec"]

EdgeSpec = Mapping[int, Sequence[tuple[StatePred, StepPred]]]  # transition -> (pre, outcome) per focus


def _is_const(x: object) -> bool:
    return not isinstance(x, str)


class COps(PyOps):
    """Emits C expressions; ``True``/``False`` constants are macros in the prelude."""

    def and_(self, *xs: Any) -> Any:
        r = super().and_(*xs)
        return r if _is_const(r) else self._join(xs, "&&", r)

    def _join(self, xs: Sequence[Any], op: str, folded: Any) -> Any:
        parts: list[str] = []
        for x in xs:
            if not _is_const(x) and x not in parts:
                parts.append(x)
        return "(" + f" {op} ".join(parts) + ")" if len(parts) > 1 else folded

    def or_(self, *xs: Any) -> Any:
        r = super().or_(*xs)
        return r if _is_const(r) else self._join(xs, "||", r)

    def not_(self, x: Any) -> Any:
        return (not x) if _is_const(x) else f"(!{x})"

    # Expressions are pure, so an operand compared with itself folds.
    def eq(self, a: Any, b: Any) -> Any:
        return True if not _is_const(a) and a == b else super().eq(a, b)

    def ne(self, a: Any, b: Any) -> Any:
        return False if not _is_const(a) and a == b else super().ne(a, b)

    def le(self, a: Any, b: Any) -> Any:
        return True if not _is_const(a) and a == b else super().le(a, b)

    def lt(self, a: Any, b: Any) -> Any:
        return False if not _is_const(a) and a == b else super().lt(a, b)

    def implies(self, a: Any, b: Any) -> Any:
        return self.or_(self.not_(a), b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if _is_const(c):
            return a if c else b
        if a == b and type(a) is type(b):
            return a
        return f"({c} ? {_c(a)} : {_c(b)})"


def _c(x: Any) -> str:
    return str(int(x)) if _is_const(x) else str(x)


C = COps()

_PRELUDE = """\
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
typedef uint64_t u64;
typedef int64_t i64;
#define True 1
#define False 0
static inline i64 min(i64 a, i64 b) { return a < b ? a : b; }
"""


def _state_type(layout: Layout) -> str:
    # One struct for every width: with one word it is passed and compared as a plain u64.
    return f"#define WORDS {layout.words}\ntypedef struct {{ u64 w[WORDS]; }} st_t;"


def _at(layout: Layout, i: int) -> tuple[int, int]:
    """(word, shift in the word) of field ``i``; fields never straddle words (:class:`Layout`)."""
    return divmod(layout.shifts[i], 64)


def _unpack(layout: Layout, src: str, prefix: str) -> list[str]:
    return [f"    const i64 {prefix}{i} = (i64)(({src}.w[{k}] >> {sh}) & {layout.mask(i)}ULL); (void){prefix}{i};"
            for i, (k, sh) in ((i, _at(layout, i)) for i in range(len(layout)))]


def _names(layout: Layout, prefix: str) -> list[str]:
    return [f"{prefix}{i}" for i in range(len(layout))]


def _repack(layout: Layout, eff: dict[int, Any], dst: str) -> str:
    """Statements writing ``s`` with the effects into ``dst``, word by word (untouched words are copied)."""
    out = []
    for word in range(layout.words):
        keep, consts = (1 << 64) - 1, 0
        parts = []
        for k, v in sorted(eff.items()):
            w, sh = _at(layout, k)
            if w != word:
                continue
            keep &= ~(layout.mask(k) << sh)
            if _is_const(v):
                consts |= int(v) << sh
            else:
                parts.append(f"((u64)({v}) << {sh})")
        expr = " | ".join([f"(s.w[{word}] & {keep}ULL)", f"{consts}ULL", *parts]) if parts or consts or \
            keep != (1 << 64) - 1 else f"s.w[{word}]"
        out.append(f"{dst}.w[{word}] = {expr};")
    return " ".join(out)


def _successors(system: TransitionSystem) -> list[str]:
    layout = system.layout
    view = _names(layout, "f")
    lines = ["static inline int successors(st_t s, st_t *out, int *tr) {", *_unpack(layout, "s", "f"), "    int n = 0;"]
    for i, t in enumerate(system.transitions):
        guard, eff = t.build(view, C)
        if guard is False:
            continue
        eff = {k: v for k, v in eff.items() if v != view[k]}
        lines.append(f"    if ({_c(guard)}) {{ {_repack(layout, eff, 'out[n]')} tr[n++] = {i}; }}")
    lines += ["    return n;", "}"]
    return lines


def _state_checks(layout: Layout, name: str, preds: Sequence[StatePred], want: bool) -> list[str]:
    """Record the first state id where ``pred == want`` into ``first[k]``."""
    view = _names(layout, "f")
    lines = [f"static inline void {name}(st_t s, i64 id, i64 *first) {{", *_unpack(layout, "s", "f")]
    for k, p in enumerate(preds):
        e = p(view, C)
        if _is_const(e):
            if bool(e) == want:
                lines.append(f"    if (first[{k}] < 0) first[{k}] = id;")
            continue
        cond = e if want else f"!{e}"
        lines.append(f"    if (first[{k}] < 0 && {cond}) first[{k}] = id;")
    lines.append("}")
    return lines


# Past this much C, generation stops: gcc -O1 takes about 17 s a megabyte of this code here, and
# the configurations that need more have state spaces far past any memory.
MAX_C_BYTES = 12 << 20


def _edge_fn(system: TransitionSystem, steps: Sequence[StepPred], step_wits: Sequence[StepPred],
             observers: Sequence[EdgeSpec], limit: int | None = None) -> list[str]:
    """Step properties, step witnesses and observers on one explored edge (src id, s, i, t, stored target c).

    A step record is (source id, 0) in ``sv``/``sw`` and its stored target in ``SVT``/``SWT``; an
    observer's record keeps its edge's concrete target in ``OBT``.

    Step predicates are specialised per transition: the state after is the transition's effects
    over the state before, so whatever a transition leaves alone folds away (``x <= x``).
    """
    layout = system.layout
    a, b = _names(layout, "f"), _names(layout, "g")
    # Fields as macros, not locals: each case reads only the fields it tests (-O1 would otherwise
    # unpack every field of both states on every edge).
    macros = [f"#define {p}{i} ((i64)(({src}.w[{k}] >> {sh}) & {layout.mask(i)}ULL))"
              for p, src in (("f", "s"), ("g", "t"))
              for i, (k, sh) in ((i, _at(layout, i)) for i in range(len(layout)))]
    lines = [*macros, "static inline void on_edge(i64 sid, st_t s, int i, st_t t, st_t c, i64 *sv, i64 *sw, i64 *ob) {"]
    by_t: dict[int, list[str]] = {}
    size, limit = [0], MAX_C_BYTES if limit is None else limit

    def emit(i: int, line: str) -> None:
        size[0] += len(line)
        if size[0] > limit:
            raise ModelTooLarge(limit)
        by_t.setdefault(i, []).append(line)

    for i, tr in enumerate(system.transitions):
        guard, eff = tr.build(a, C)
        if guard is False:
            continue
        after = [eff.get(k, a[k]) for k in range(len(a))]
        for arr, rec, preds, want in (("sv", "SVT", steps, False), ("sw", "SWT", step_wits, True)):
            for k, p in enumerate(preds):
                e = p(a, after, C)
                if _is_const(e) and bool(e) != want:
                    continue
                cond = "1" if _is_const(e) else (e if want else f"!{e}")
                emit(i,
                    f"        if ({arr}[{2 * k}] < 0 && {cond}) {{ {arr}[{2 * k}] = sid; {arr}[{2 * k + 1}] = 0; "
                    f"{rec}[{k}] = c; }}")
    for o, spec in enumerate(observers):
        # ob layout per observer: hits, wit src, wit i, fail src, fail i, fail focus (t values go to obt)
        for i, checks in spec.items():
            for k, (pre, post) in enumerate(checks):
                p = pre(a, C)
                if p is False:
                    continue
                q = post(a, b, C)
                o6 = 6 * o
                emit(i,
                    f"        if ({_c(p)}) {{ ob[{o6}]++; if (ob[{o6 + 1}] < 0) "
                    f"{{ ob[{o6 + 1}] = sid; ob[{o6 + 2}] = i; OBT[{2 * o}] = t; }} "
                    f"if (!({_c(q)}) && ob[{o6 + 3}] < 0) {{ ob[{o6 + 3}] = sid; "
                    f"ob[{o6 + 4}] = i; ob[{o6 + 5}] = {k}; OBT[{2 * o + 1}] = t; }} }}")
    if by_t:
        lines.append("    switch (i) {")
        for i, body in sorted(by_t.items()):
            lines += [f"    case {i}:", *body, "        break;"]
        lines.append("    default: break;\n    }")
    lines.append("}")
    lines += [f"#undef {p}{i}" for p in "fg" for i in range(len(layout))]
    return lines


def _canon(layout: Layout, spec: SymmetrySpec | None) -> list[str]:
    if spec is None or spec.trivial:
        return ["#define HAVE_CANON 0", "static inline st_t canon(st_t s) { return s; }"]

    def key(fields: Sequence[int], vals: str, skip: int | None = None, relabel: bool = False,
            ref: int | None = None) -> str:
        # Concatenate field values, first field most significant, so u64 order is tuple order.
        parts, at = [], 0
        for pos in reversed(range(len(fields))):
            if pos == skip:
                continue
            f = fields[pos]
            v = f"{vals}[{f}]"
            if relabel and pos == ref:
                v = f"relabel[{v}]"
            parts.append(f"((u64)({v}) << {at})")
            at += layout.fields[f].width
        if at > 64:  # no Kubernetes model's node or pod block comes near (a seed pod of 6 containers: 36)
            raise ValueError(f"a symmetry block needs {at} bits, past the 64 the compiled canonical form sorts "
                             "by; run without --symmetry")
        return " | ".join(parts) if parts else "0"

    n = len(spec.owners)
    lines = ["#define HAVE_CANON 1", "static st_t canon(st_t s) {", f"    i64 v[{len(layout)}], w[{len(layout)}];"]
    lines += [f"    v[{i}] = (i64)((s.w[{k}] >> {sh}) & {layout.mask(i)}ULL);"
              for i, (k, sh) in ((i, _at(layout, i)) for i in range(len(layout)))]
    lines.append(f"    memcpy(w, v, sizeof v);\n    i64 relabel[{n + 1}]; relabel[0] = 0;")
    if n > 1:
        width = 1 + sum(len(c.blocks) for c in spec.members if c.ref is not None)
        lines.append(f"    u64 sig[{n}][{width}]; int order[{n}];")
        for j, ob in enumerate(spec.owners):
            lines.append(f"    sig[{j}][0] = {key(ob, 'v')}; order[{j}] = {j};")
        at = 1
        for c in spec.members:
            if c.ref is None:
                continue
            m = len(c.blocks)
            lines.append(f"    {{ u64 ks[{m}]; i64 rs[{m}];")
            for b, blk in enumerate(c.blocks):
                lines.append(f"      ks[{b}] = {key(blk, 'v', skip=c.ref)}; rs[{b}] = v[{blk[c.ref]}];")
            lines.append(f"      for (int j = 0; j < {n}; j++) {{ int k = 0; u64 *o = &sig[j][{at}];")
            lines.append(f"        for (int b = 0; b < {m}; b++) if (rs[b] == j + 1) {{ u64 x = ks[b]; int q = k++;"
                         " while (q > 0 && o[q - 1] > x) { o[q] = o[q - 1]; q--; } o[q] = x; }")
            lines.append(f"        for (; k < {m}; k++) o[k] = UINT64_MAX; }} }}")
            at += m
        lines += [
            f"    for (int a = 1; a < {n}; a++) {{ int x = order[a]; int q = a;",
            f"      while (q > 0 && cmp_sig(sig[order[q - 1]], sig[x], {width}) > 0)"
            " { order[q] = order[q - 1]; q--; } order[q] = x; }",
        ]
        lines.append(f"    for (int nw = 0; nw < {n}; nw++) relabel[order[nw] + 1] = nw + 1;")
        ow = len(spec.owners[0])
        own = ", ".join("{" + ", ".join(map(str, o)) + "}" for o in spec.owners)
        lines.append(f"    static const int OWN[{n}][{ow}] = {{{own}}};")
        lines.append(f"    for (int nw = 0; nw < {n}; nw++) for (int f = 0; f < {ow}; f++)"
                     " w[OWN[nw][f]] = v[OWN[order[nw]][f]];")
    else:
        lines.append("    relabel[1] = 1;")
    for c in spec.members:
        m = len(c.blocks)
        if m == 1 and (c.ref is None or n == 1):
            continue
        if m == 1:
            blk = c.blocks[0]
            lines.append(f"    w[{blk[c.ref]}] = relabel[v[{blk[c.ref]}]];")  # type: ignore[index]
            continue
        bw = len(c.blocks[0])
        lines.append(f"    {{ u64 ks[{m}];")
        for b, blk in enumerate(c.blocks):
            lines.append(f"      ks[{b}] = {key(blk, 'v', relabel=n > 1, ref=c.ref)};")
        lines.append(f"      for (int a = 1; a < {m}; a++) {{ u64 x = ks[a]; int q = a;"
                     " while (q > 0 && ks[q - 1] > x) { ks[q] = ks[q - 1]; q--; } ks[q] = x; }")
        blocks = ", ".join("{" + ", ".join(map(str, blk)) + "}" for blk in c.blocks)
        lines.append(f"      static const int BL[{m}][{bw}] = {{{blocks}}};")
        widths = [layout.fields[f].width for f in c.blocks[0]]
        shifts = [sum(widths[p + 1:]) for p in range(bw)]
        lines.append(f"      static const int SH[{bw}] = {{{', '.join(map(str, shifts))}}};")
        lines.append(f"      static const u64 MK[{bw}] = {{{', '.join(f'{(1 << x) - 1}ULL' for x in widths)}}};")
        lines.append(f"      for (int b = 0; b < {m}; b++) for (int f = 0; f < {bw}; f++)"
                     " w[BL[b][f]] = (i64)((ks[b] >> SH[f]) & MK[f]); }")
    lines.append("    st_t r = {0};")
    lines += [f"    r.w[{k}] |= (u64)w[{i}] << {sh};"
              for i, (k, sh) in ((i, _at(layout, i)) for i in range(len(layout)))]
    lines += ["    return r;", "}"]
    return lines


# kl_canon_w for any width; kl_canon (u64 -> u64, one ctypes call a state) when a state is one word.
_CANON_EXPORTS = """\
void kl_canon_w(const u64 *in, u64 *out) { st_t s; memcpy(&s, in, sizeof s); s = canon(s); memcpy(out, &s, sizeof s); }
#if WORDS == 1
u64 kl_canon(u64 x) { st_t s = {x}; return canon(s).w[0]; }
#endif
"""

_CMP = """\
static inline int cmp_sig(const u64 *a, const u64 *b, int n) {
    for (int k = 0; k < n; k++) { if (a[k] < b[k]) return -1; if (a[k] > b[k]) return 1; }
    return 0;
}
"""


def c_source(system: TransitionSystem, *, invariants: Sequence[StatePred] = (), steps: Sequence[StepPred] = (),
             sometimes: Sequence[StatePred] = (), sometimes_steps: Sequence[StepPred] = (),
             observers: Sequence[EdgeSpec] = (), symmetry: SymmetrySpec | None = None) -> str:
    layout = system.layout
    if layout.wide_field is not None:
        raise ValueError(f"field {layout.wide_field.name} needs {layout.wide_field.width} bits; the fast engine "
                         "holds a field in one 63-bit word")
    if len(system.transitions) >= 1 << 15:
        raise ValueError("the fast engine stores transition numbers in 16 bits")
    nobs = max(1, len(observers))
    parts = [
        _PRELUDE,
        _state_type(layout),
        f"#define NT {len(system.transitions)}\n#define NI {len(invariants)}\n#define NS {len(steps)}",
        f"#define NW {len(sometimes)}\n#define NWS {len(sometimes_steps)}\n#define NOB {len(observers)}",
        f"static st_t OBT[{2 * nobs}], SVT[{max(1, len(steps))}], SWT[{max(1, len(sometimes_steps))}];",
        _CMP,
        *_successors(system),
        *_state_checks(layout, "check_inv", invariants, False),
        *_state_checks(layout, "check_wit", sometimes, True),
        *_edge_fn(system, steps, sometimes_steps, observers),
        *_canon(layout, symmetry),
        _CANON_EXPORTS,
        *(resources.files("kubelife.model.engine").joinpath(f).read_text() for f in ("fast_bfs.c", "fast_part.c")),
    ]
    return "\n".join(parts)


def canon_source(layout: Layout, spec: SymmetrySpec) -> str:
    """Only the canonical form, exported as ``kl_canon`` (for a fast Python canonicalizer)."""
    return "\n".join([_PRELUDE, _state_type(layout), _CMP, *_canon(layout, spec), _CANON_EXPORTS, ""])
