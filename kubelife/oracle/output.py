"""Readable text and JUnit XML for oracle results (JSON is ``OracleResult.to_json``)."""

from __future__ import annotations

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from kubelife.oracle.readers import Diagnostic
from kubelife.oracle.verdict import ObjectVerdict, OracleResult

__all__ = ["render_text", "render_header", "render_summary", "render_problem", "explain", "write_junit"]

_MARK = {"conformant": "ok", "incomplete": "incomplete", "gap": "GAP", "violation": "VIOLATION"}


def explain(o: ObjectVerdict) -> str:
    """The oracle's explanation for one object, several lines."""
    lines = [f"{o.name}: {o.status} ({o.observations} observations, lines {o.first_line}-{o.last_line})"]
    d = o.divergence
    if d is not None:
        at = f"line {d.line}" + (f" ({d.time})" if d.time else "")
        lines += [
            f"  first divergent observation, {at}: {d.observed}",
            f"  why: {d.reason}",
            f"  model state before it: {d.before}",
            f"  the model allows from there: {', '.join(d.allowed) if d.allowed else 'no step at all'}",
        ]
        if d.closest is not None:
            via = " -> ".join(d.closest_path) if d.closest_path else "no step"
            lines.append(f"  closest allowed observation: {d.closest}  (via {via})")
        for x in d.differs:
            lines.append(f"    differs in {x}")
        if d.events:
            lines.append("  events seen since the previous observation: "
                         + ", ".join(f"{k} x{v}" for k, v in sorted(d.events.items())))
    if o.missing:
        lines.append(f"  missing: {', '.join(o.missing)}")
    for n in o.notes:
        lines.append(f"  note: {n}")
    if o.ended and o.ended != "deleted":
        lines.append(f"  ended: {o.ended}")
    return "\n".join(lines)


def render_header(fmt: str, profile: str, source: str = "") -> str:
    return f"kubelife oracle  format {fmt}  profile {profile}" + (f"  {source}" if source else "")


def render_problem(d: Diagnostic, count: int = 1) -> str:
    """One kind of input problem: its first line and reason, and how many more there were."""
    more = f" ({count - 1:,} more like it)" if count > 1 else ""
    return f"  line {d.line}: {d.message}{more}"


def render_summary(r: OracleResult) -> str:
    """The verdict, the counts, and each kind of input problem with its first line."""
    c = r.counts()
    how = "interrupted: the result so far" if r.interrupted else "verdict"
    out = [f"{how}: {r.verdict.upper()}  ({r.total:,} objects: " + ", ".join(f"{v:,} {k}" for k, v in c.items() if v)
           + f"; {r.lines:,} lines, {r.records:,} records)"]
    if r.total == 1:
        out[0] = out[0].replace("(1 objects:", "(1 object:")
    extra = {k: v for k, v in r.stats.items() if k not in ("searches", "diagnostics")}
    if extra:
        out.append("input: " + ", ".join(f"{v:,} {k}" for k, v in sorted(extra.items())))
    if r.problems:
        n = r.stats.get("diagnostics", sum(k for _, k in r.problems))
        kinds = f"{len(r.problems)} kind{'s' if len(r.problems) > 1 else ''}"
        out.append(f"skipped {n:,} unusable lines or objects, {kinds} of problem (the first of each):")
        out.extend(render_problem(d, k) for d, k in r.problems[:50])
    return "\n".join(out)


def render_text(r: OracleResult, *, verbose: bool = False) -> str:
    """The whole result at once: header, summary, then the explanation of every object that is not conformant."""
    out = [render_header(r.format, r.profile), render_summary(r)]
    shown = 0
    for o in r.objects:
        if o.status == "conformant" and not verbose:
            continue
        if shown >= 200:
            out.append("... more objects; --json lists them all")
            break
        out.append(explain(o))
        shown += 1
    return "\n".join(out)


def write_junit(r: OracleResult, path: str) -> None:
    """One test case per object; violations and gaps fail, incomplete objects are skipped."""
    suite = TestSuite(f"kubelife oracle ({r.profile})")
    for o in r.objects:
        case = TestCase(o.name, classname=f"kubelife.oracle.{o.kind}")
        if o.status in ("violation", "gap"):
            d = o.divergence
            msg = f"{o.status}: {d.reason}" if d else o.status
            case.result = [Failure(msg, o.status)]
            case.result[0].text = explain(o)
        elif o.status == "incomplete":
            case.result = [Skipped("incomplete: " + ", ".join(o.missing + o.notes))]
        suite.add_testcase(case)
    for diag in r.diagnostics:
        case = TestCase(f"input line {diag.line}", classname="kubelife.oracle.input")
        case.result = [Skipped(diag.message)]
        suite.add_testcase(case)
    xml = JUnitXml()
    xml.add_testsuite(suite)
    xml.write(path, pretty=True)
