"""For Python test suites: ``assert_conforms(trace)`` fails with the oracle's explanation.

``trace`` is anything :func:`kubelife.oracle.check_trace` reads: a file path, the bytes of a
trace, or an iterable of Pod/Node/Event objects or watch events (dicts, or ``kubernetes``
client model objects, which are turned into dicts with ``to_dict()``)::

    from kubelife.oracle.testing import assert_conforms

    def test_my_fake_kubelet():
        events = run_fake_kubelet()          # [{"type": "MODIFIED", "object": {...}}, ...]
        assert_conforms(events)            # the default profile; profile="NAME" picks another
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubelife.oracle import check_trace
from kubelife.oracle.output import explain
from kubelife.oracle.verdict import OracleResult

__all__ = ["assert_conforms", "OracleAssertionError"]


class OracleAssertionError(AssertionError):
    def __init__(self, message: str, result: OracleResult) -> None:
        super().__init__(message)
        self.result = result


def assert_conforms(trace: str | Path | bytes | Any, *, profile: str | None = None, unseen_nodes: str = "healthy",
                    max_hidden: int = 12, allow_gaps: bool = False, allow_bad_input: bool = False) -> OracleResult:
    """Check ``trace`` and raise :class:`OracleAssertionError` unless it conforms.

    Unexplained gaps fail too unless ``allow_gaps``; lines the oracle could not read fail unless
    ``allow_bad_input``.  Returns the result for further assertions (coverage, counts).
    """
    r = check_trace(trace, profile_name=profile, unseen_nodes=unseen_nodes, max_hidden=max_hidden)
    bad = [o for o in r.objects if o.status == "violation" or (o.status == "gap" and not allow_gaps)]
    problems = [explain(o) for o in bad]
    if r.diagnostics and not allow_bad_input:
        problems.append("unreadable input:\n" + "\n".join(f"  {d}" for d in r.diagnostics[:20]))
    if r.records == 0:
        problems.append("the trace holds no Pod, Node or Event")
    if problems:
        head = f"trace does not conform to the {r.profile} lifecycle semantics ({r.verdict}):"
        raise OracleAssertionError("\n".join([head, *problems]), r)
    return r
