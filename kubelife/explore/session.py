"""One exploration: a path through a configuration's state space, with back and forward.

Generic over profiles: it talks to :class:`ClusterModel` (transitions, step,
decode), :func:`kubelife.check.check_model` (rows' witnesses and properties'
counterexamples) and the oracle (recorded traces); drawing a state is
:mod:`kubelife.explore.views`.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

from kubelife.check import CheckResult, check_model
from kubelife.model.engine.system import Action
from kubelife.model.k8s.cluster import ClusterModel
from kubelife.model.k8s.trace import Trace

__all__ = ["Entry", "Session", "TraceView", "ExploreError"]


class ExploreError(ValueError):
    """A request the current state cannot honour (the message is shown to the user)."""


@dataclass(frozen=True)
class Entry:
    action: int | None  # transition index that led here; None for the initial state
    values: tuple[int, ...]


@dataclass
class TraceView:
    """A recorded trace as the oracle judged it: one line per record, the divergences marked."""

    name: str
    verdict: str
    format: str
    records: list[dict[str, Any]]
    divergences: list[dict[str, Any]]
    diagnostics: list[str] = field(default_factory=list)


class Session:
    """The explorer's state for one configuration; safe to share between request threads (one lock)."""

    def __init__(self, model: ClusterModel) -> None:
        self.model = model
        self.lock = threading.RLock()
        self.history: list[Entry] = [Entry(None, model.system.initial)]
        self.cursor = 0
        self.loaded: str | None = None  # what the history shows: a witness, a counterexample, or None
        self.focus: int | None = None  # the history index to highlight (the row's event, the violating step)
        self.trace: TraceView | None = None
        self._check: CheckResult | None = None

    # -- walking --------------------------------------------------------------------------

    @property
    def current(self) -> Entry:
        return self.history[self.cursor]

    def action(self, i: int) -> Action:
        return self.model.system.transitions[i].action

    def changes(self) -> list[tuple[str, str, str]]:
        """What the step into the current state changed: (field, before, after), as traces print them."""
        if self.cursor == 0:
            return []
        a, b, sh = self.history[self.cursor - 1].values, self.current.values, self.model.shape
        return [(sh.field_label(i), sh.value_label(i, x), sh.value_label(i, y))
                for i, (x, y) in enumerate(zip(a, b)) if x != y]

    def enabled(self) -> list[tuple[int, Action]]:
        """The transitions enabled in the current state, in the model's order."""
        cur, step = self.current.values, self.model.system.step
        return [(i, t.action) for i, t in enumerate(self.model.system.transitions) if step(cur, i) is not None]

    def fire(self, i: int) -> None:
        """Take transition ``i``; the forward history is replaced by this step."""
        if not 0 <= i < len(self.model.system.transitions):
            raise ExploreError(f"transition {i} is not a transition of this configuration")
        nxt = self.model.system.step(self.current.values, i)
        if nxt is None:
            raise ExploreError(f"{self.action(i)} is not enabled in the current state")
        del self.history[self.cursor + 1:]
        self.history.append(Entry(i, tuple(nxt)))
        self.cursor += 1
        if self.focus is not None and self.focus >= len(self.history) - 1:
            self.focus = None
        self.loaded = None if self.focus is None else self.loaded

    def goto(self, k: int) -> None:
        if not 0 <= k < len(self.history):
            raise ExploreError(f"step {k} is not in the history (0-{len(self.history) - 1})")
        self.cursor = k

    def back(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def forward(self) -> None:
        self.cursor = min(len(self.history) - 1, self.cursor + 1)

    def reset(self) -> None:
        self.history = [Entry(None, self.model.system.initial)]
        self.cursor, self.loaded, self.focus = 0, None, None

    def load(self, trace: Trace, label: str) -> None:
        """Show ``trace`` as the history, at its start, with its last step highlighted."""
        m = self.model
        entries = [Entry(None, tuple(trace.initial))]
        for st in trace.steps:
            i = m.transition_index(st.action.kind, **dict(st.action.args))
            if i is None:  # a trace of this very model always names its own actions
                raise ExploreError(f"{st.action} is not an action of {m.name}")
            entries.append(Entry(i, tuple(st.values)))
        self.history, self.cursor, self.loaded = entries, 0, label
        self.focus = len(entries) - 1 if len(entries) > 1 else None

    # -- checking -------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """The exhaustive check of this configuration (run once, on first use)."""
        with self.lock:
            if self._check is None:
                self._check = check_model(self.model)
            return self._check

    def rows(self) -> list[dict[str, Any]]:
        return [{"id": r.id, "status": r.status, "hits": r.hits,
                 "trace": "counterexample" if r.counterexample else "witness" if r.witness else None}
                for r in self.check().rows]

    def properties(self) -> list[dict[str, Any]]:
        return [{"name": p.name, "status": p.status, "steps": len(p.counterexample) if p.counterexample else None}
                for p in self.check().properties]

    def jump_row(self, rid: str) -> None:
        row = next((r for r in self.check().rows if r.id == rid), None)
        if row is None:
            raise ExploreError(f"row {rid!r} is not a row of this profile")
        tr = row.counterexample or row.witness
        if tr is None:
            raise ExploreError(f"row {rid} is never reached in {self.model.name}, so it has no witness")
        self.load(tr, f"{'counterexample' if row.counterexample else 'witness'} of row {rid}")

    def jump_property(self, name: str) -> None:
        prop = next((p for p in self.check().properties if p.name == name), None)
        if prop is None:
            raise ExploreError(f"property {name!r} is not checked here")
        if prop.counterexample is None:
            raise ExploreError(f"{name!r} holds in {self.model.name}: there is no counterexample")
        self.load(prop.counterexample, f"counterexample of {name!r}")

    # -- recorded traces ------------------------------------------------------------------

    def load_recorded(self, name: str, data: bytes) -> TraceView:
        """Judge a recorded trace with the oracle (this model's profile) and keep it for display."""
        from kubelife.oracle import check_trace
        from kubelife.oracle.readers import Diagnostic, read_records

        try:
            res = check_trace(data, profile_name=self.model.config.profile)
            _, items = read_records(io.BufferedReader(io.BytesIO(data)))  # type: ignore[arg-type]
            records = []
            for it in items:
                if isinstance(it, Diagnostic):
                    continue
                meta = it.obj.get("metadata", {}) if isinstance(it.obj, dict) else {}
                status = it.obj.get("status", {}) if isinstance(it.obj, dict) else {}
                records.append({"line": it.line, "kind": it.kind, "type": it.type, "name": meta.get("name", ""),
                                "phase": status.get("phase", "") if isinstance(status, dict) else "",
                                "bad": False})
        except Exception as e:  # noqa: BLE001  # any unreadable upload is the user's input, reported as such
            raise ExploreError(f"{name} could not be read as a trace: {e}") from None
        divs = []
        for o in res.objects:
            d = o.divergence
            if d is None:
                continue
            divs.append({"object": f"{o.kind} {o.name}", "line": d.line, "reason": d.reason, "observed": d.observed,
                         "before": d.before, "allowed": d.allowed, "closest": d.closest, "status": o.status})
        bad_lines = {d["line"] for d in divs}
        for r in records:
            r["bad"] = r["line"] in bad_lines
        self.trace = TraceView(name, res.verdict, res.format, records, divs,
                               [str(d) for d in res.diagnostics])
        return self.trace
