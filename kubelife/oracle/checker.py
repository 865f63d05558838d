"""The oracle proper: follow each object through the trace and explain every change.

Each Pod is checked in its own small model (one pod slot and the node it is
bound to, policy, container count and ownership from the object); each Node
in a node-only model.  The state *set* an observation leaves possible is
carried to the next observation of the same object, and the node part of a
pod's search must match the latest observation of its node, so node changes
explain pod changes.  Memory is one small record per object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kubelife.oracle.abstract import ANY, Abstraction, NodeObs, PodObs, object_key
from kubelife.oracle.divergence import Seen, divergence
from kubelife.oracle.readers import Diagnostic, Record
from kubelife.oracle.search import (
    ANY_COUNT,
    SEARCHED_RESTARTS,
    LocalModel,
    NodeSeq,
    SearchResult,
    Target,
    local_model,
    search,
    searched,
)
from kubelife.oracle.verdict import ObjectVerdict, OracleResult

__all__ = ["Oracle", "BadInput"]

UNSEEN = ("healthy", "unknown")
NODE_HISTORY = 64  # node observations kept per node; a pod seen less often is checked against the latest only
PENDING_EVENTS = 10_000  # objects whose Events arrived before the object itself; the oldest are dropped beyond
KEPT_DIAGNOSTICS = 1000
# What a profile's abstraction may raise on an object the shape checks let through: a safety net, so that
# no input ends the run with a traceback (the fuzz tests assert the net is never needed).
_UNEXPECTED = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)
NodeC = tuple[tuple[int, frozenset[int]], ...]


class BadInput(Exception):
    """Raised in strict mode at the first diagnostic."""

    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(str(diag))
        self.diag = diag


@dataclass
class _Live:
    verdict: ObjectVerdict
    uid: str | None
    rv: str | None = None
    rv_int: tuple[int, str] | None = None
    lm: LocalModel | None = None
    starts: frozenset[int] = frozenset()
    restarts: tuple[int | None, ...] = ()
    node_name: str | None = None
    containers: tuple[str, ...] = ()
    seen_ready: bool = False
    done: bool = False
    node_seen: int = -1  # sequence number of the node observation the pod's states match
    node_free: bool = True  # the start states carry no node constraint
    last_target: Target | None = None
    last_obs: PodObs | None = None
    events: Counter[str] = field(default_factory=Counter)


def _rv_int(rv: Any) -> tuple[int, str] | None:
    """A numeric resourceVersion as a key that orders like the number (no int(): it may be 5,000 digits)."""
    if not isinstance(rv, str) or not rv.isascii() or not rv.isdigit():
        return None
    digits = rv.lstrip("0") or "0"
    return len(digits), digits


class Oracle:
    def __init__(self, profile_name: str | None = None, *, unseen_nodes: str = "healthy", max_hidden: int = 12,
                 strict: bool = False, kubernetes: str = "", gates: tuple[tuple[str, bool], ...] = ()) -> None:
        import dataclasses

        from kubelife import profiles  # the registry; None or "" is the default profile

        prof = profiles.get(profile_name)
        self.profile: Abstraction = profiles.require(prof, "the conformance oracle")
        if kubernetes or gates:  # every small model the oracle builds carries them
            self.profile = dataclasses.replace(self.profile, kubernetes=kubernetes, gates=tuple(gates))
            prof.configure(self.profile.node_config())  # a bad version or gate: ProfileError, one sentence
        self.on_decided: Callable[[ObjectVerdict], None] | None = None  # called once per object, when decided
        self.on_problem: Callable[[Diagnostic], None] | None = None  # called at the first of each kind of problem
        self.keep_finished = True  # False: finished objects are counted, handed to on_decided and dropped
        self.dropped: Counter[str] = Counter()  # verdicts of finished objects not kept, by status
        self.problems: dict[str, list[Any]] = {}  # kind of input problem -> [first diagnostic, count]
        self._decided: set[int] = set()  # id() of the verdicts already handed to on_decided
        self.failures = 0  # objects with a violation or a gap
        if unseen_nodes not in UNSEEN:
            raise ValueError(f"--unseen-nodes {unseen_nodes!r} is not known; use one of: {', '.join(UNSEEN)}.")
        self.unseen_nodes = unseen_nodes
        self.max_hidden = max_hidden
        self.strict = strict
        self.live: dict[str, _Live] = {}
        self.finished: list[ObjectVerdict] = []
        self.node_hist: dict[str, list[tuple[int, NodeC]]] = {}  # recent observations of each node
        self.node_seq_no = 0
        self.events: dict[str, Counter[str]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.stats: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.actions: Counter[str] = Counter()
        self.states: set[str] = set()
        self.lines = 0
        self.records = 0
        self._targets: dict[tuple[Any, ...], Target] = {}
        self._listed: set[str] = set()  # objects in the List being read
        self._used: dict[int, list[Any]] = {}  # explanations used, and how often: coverage is summed at the end
        self._node_targets: dict[NodeC, Target] = {}
        self.budgets: dict[str, dict[str, Any]] = {}  # PodDisruptionBudgets as last seen
        self._node_lm = local_model(("node", self.profile.name, kubernetes, tuple(gates)), self.profile.node_config(),
                                    self.profile)

    # -- feeding ---------------------------------------------------------------------

    def run(self, items: Iterable[Record | Diagnostic], fail_fast: bool = False) -> bool:
        """Feed every item; with ``fail_fast``, stop at the first violation or gap (returns True if stopped)."""
        feed = self.feed
        if not fail_fast:
            for item in items:
                feed(item)
            return False
        for item in items:
            feed(item)
            if self.failed:
                return True
        return False

    @property
    def failed(self) -> bool:
        """Some object has a violation or a gap."""
        return self.failures > 0

    def feed(self, item: Record | Diagnostic) -> None:
        self.lines = max(self.lines, item.line)
        if isinstance(item, Diagnostic):
            self._problem(item)
            return
        if item.kind == "EOF":  # the reader's last word: how many lines it read
            return
        self.records += 1
        try:
            self._record(item)
        except _UNEXPECTED as e:
            # Not reached by any input the fuzz tests make; if it is, the user gets a line, not a traceback.
            name = type(e).__name__
            self._problem(Diagnostic(item.line, f"{item.kind} could not be read ({name}: {str(e)[:100]}); "
                                     "skipped (please report this input)", f"unreadable {item.kind} ({name})"))

    def _problem(self, d: Diagnostic) -> None:
        if self.strict:
            raise BadInput(d)
        if len(self.diagnostics) < KEPT_DIAGNOSTICS:
            self.diagnostics.append(d)
        self.stats["diagnostics"] += 1
        seen = self.problems.get(d.group)
        if seen is None:
            self.problems[d.group] = [d, 1]
            if self.on_problem is not None:
                self.on_problem(d)
        else:
            seen[1] += 1

    def _record(self, item: Record) -> None:
        if item.kind == "Pod":
            self._object(item, self._pod)
        elif item.kind == "Node":
            self._object(item, self._node)
        elif item.kind == "Event":
            self._event(item)
        elif item.kind == "PodDisruptionBudget":  # read by the profile when it judges an eviction
            key = object_key(item.obj, item.kind)
            if item.type == "DELETED":
                self.budgets.pop(key, None)
            else:
                self.budgets[key] = item.obj
            self.stats["budgets"] += 1
        elif item.kind == "ERROR":
            self.stats["watch errors (relist follows)"] += 1
        else:
            if item.kind == "LIST":
                self._relisted()
            self.stats[{"LIST": "lists", "BOOKMARK": "bookmarks"}.get(item.kind, item.kind.lower())] += 1

    def _object(self, rec: Record, check: Any) -> None:
        md = rec.obj["metadata"]
        key = object_key(rec.obj, rec.kind)
        uid, rv = md.get("uid"), md.get("resourceVersion")
        live = self.live.get(key)
        if live is not None and uid and live.uid and uid != live.uid:
            self._finish(key, "replaced by a new object of the same name")
            live = None
        if live is None:
            live = self.live[key] = _Live(ObjectVerdict(rec.kind, key, uid, rec.line), uid)
        if rec.type == "LISTED":
            self._listed.add(key)
        # As an informer does: an update with the resourceVersion already held changes nothing,
        # and an older one (a replay after a relist) is stale.
        if rv is not None and rv == live.rv and rec.type != "DELETED":
            self.stats["duplicate resourceVersion"] += 1
            return
        new = _rv_int(rv)
        if live.rv_int is not None and new is not None and new < live.rv_int:
            self.stats["stale resourceVersion"] += 1
            return
        live.rv, live.rv_int = rv, new
        v = live.verdict
        v.observations += 1
        v.last_line = rec.line
        if not live.done:
            check(live, rec)
        if rec.type == "DELETED":
            self._finish(key, v.ended or "deleted")

    def _relisted(self) -> None:
        """After a List, objects of its kinds that it lacks were deleted unseen (client-go's Replace)."""
        kinds = {k.split(" ", 1)[0] for k in self._listed}
        gone = [k for k in self.live if k.split(" ", 1)[0] in kinds and k not in self._listed]
        for k in gone:
            self._finish(k, "absent from a later list: deleted while unobserved, final state unknown")
        if gone:
            self.stats["deleted unseen (absent from a list)"] += len(gone)
        self._listed.clear()

    def _finish(self, key: str, why: str) -> None:
        live = self.live.pop(key)
        v = live.verdict
        if v.ended is None:
            v.ended = why
        self._decide(v)
        if self.keep_finished:
            self.finished.append(v)
        else:
            self.dropped[v.status] += 1
            self._decided.discard(id(v))

    def _decide(self, v: ObjectVerdict) -> None:
        """Hand a verdict out once: at its first violation or gap, or when the object ends."""
        if id(v) in self._decided:
            return
        self._decided.add(id(v))
        if self.on_decided is not None:
            self.on_decided(v)

    def _event(self, rec: Record) -> None:
        inv = rec.obj.get("involvedObject") or {}
        kind, reason = inv.get("kind"), rec.obj.get("reason")
        if kind not in ("Pod", "Node") or not reason:
            self.stats["events ignored"] += 1
            return
        key = object_key({"metadata": inv}, kind)
        n = rec.obj.get("count")
        count = n if isinstance(n, int) else 1
        live = self.live.get(key)
        if live is None and key not in self.events and len(self.events) >= PENDING_EVENTS:
            del self.events[next(iter(self.events))]  # events of an object never seen: the oldest go first
        target = live.events if live is not None else self.events.setdefault(key, Counter())
        target[reason] += 1
        if live is not None:
            live.verdict.events[reason] += count

    # -- pods and nodes ----------------------------------------------------------------

    def _pod(self, live: _Live, rec: Record) -> None:
        obs = self.profile.pod(rec.obj, rec.type == "DELETED")
        if self.budgets:
            obs = self.profile.with_budgets(obs, rec.obj, tuple(self.budgets.values()))
        v = live.verdict
        if obs.missing:
            for m in obs.missing:
                if m not in v.missing:
                    v.missing.append(m)
                    v.worsen("incomplete")
        n = len(obs.containers)
        first = live.lm is None
        if first:
            made = self.profile.pod_model(obs)
            if isinstance(made, str):
                v.worsen("incomplete")
                v.note(f"{made}; not checked")
                live.done = True
                return
            live.lm = local_model(made[0], made[1], self.profile)
            live.starts = frozenset({live.lm.initial})
            live.restarts = (0,) * n
            live.containers = obs.names
            live.events.update(self.events.pop(v.name, {}))
            v.events.update(live.events)
        lm = live.lm
        assert lm is not None
        if obs.names != live.containers:
            v.note("the container list changed; containers are matched by position")
        if live.node_name is None and obs.node_name:
            live.node_name = obs.node_name
        target = self._pod_target(lm, live, obs)
        node_seq, node_at = self._node_seq(lm, live, obs)
        counts = [c.restarts for c in obs.containers][: len(live.restarts)]
        ds, grown = [], 0
        for i, (c, p) in enumerate(zip(counts, live.restarts)):
            d = ANY_COUNT if (c is None or p is None or obs.deleted) else c - p
            if searched(d) != d:
                name = obs.names[i] if i < len(obs.names) else f"#{i}"
                v.note(f"restartCount of container {name} rose by {d:,}: {SEARCHED_RESTARTS} restarts followed "
                       "step by step, the others as further turns of the same crash loop")
            d = searched(d)
            ds.append(d)
            if 0 < d < ANY_COUNT:
                grown += d
        deltas = tuple(ds)
        bound = self.max_hidden + 3 * grown + (2 * n + 2 if first else 0)
        if obs.deleted and self.profile.models_deletion:
            if self._removed(live, lm, obs, rec, counts, bound, node_seq):
                live.node_seen, live.node_free = node_at, not node_seq[-1]
            return
        res = search(lm, live.starts, target, deltas, bound, node_seq)
        self.stats["searches"] += 1
        if res.matches:
            self._explained(live, lm, res)
            live.node_seen, live.node_free = node_at, not node_seq[-1]
            live.last_target, live.last_obs = target, obs
            if not obs.deleted:
                live.restarts = tuple(c if c is not None else p for c, p in zip(counts, live.restarts))
            return
        if obs.deletion_requested and not self.profile.models_deletion:
            v.ended = ("deletion requested: graceful termination is outside the "
                       f"{self.profile.name} profile, so the pod is not checked further")
            live.done = True
            return
        self._diverged(live, lm, res, rec.line, rec.time, obs.describe(), target, deltas, bound, node_seq)

    def _removed(self, live: _Live, lm: LocalModel, obs: PodObs, rec: Record, counts: list[int | None], bound: int,
                 node_seq: NodeSeq) -> bool:
        """A DELETED pod under a profile with graceful deletion: its last state, then one removal step.

        The object a DELETED event carries is the pod as it was removed, so the model must reach
        that state (deletionTimestamp aside: an unbound pod is removed at once) and remove the
        pod from it in one step (the kubelet after writing a terminal phase, PodGC, a force delete).
        """
        last = PodObs(False, obs.deletion_requested, obs.policy, obs.controlled, obs.node_name, obs.phase,
                      obs.containers, obs.node_lost, obs.missing, obs.names, ANY, obs.disruption, obs.inits,
                      obs.sidecars, obs.container_policies)
        before = self._pod_target(lm, live, last)
        deltas = tuple(ANY_COUNT if (c is None or p is None) else searched(c - p)
                       for c, p in zip(counts, live.restarts))
        res = search(lm, live.starts, before, deltas, bound, node_seq)
        self.stats["searches"] += 1
        if not res.matches:
            self._diverged(live, lm, res, rec.line, rec.time, f"deleted as {last.describe()}", before, deltas, bound,
                           node_seq)
            return False
        self._explained(live, lm, res)
        gone_target = self._pod_target(lm, live, obs)
        gone = search(lm, res.matches, gone_target, (ANY_COUNT,) * len(deltas), 1, (node_seq[-1],))
        self.stats["searches"] += 1
        if not gone.matches:
            self._diverged(live, lm, gone, rec.line, rec.time, f"deleted as {last.describe()}", gone_target, (), 1,
                           (node_seq[-1],), reason="the pod was removed in a state from which the model allows no "
                           "removal (the kubelet removes a pod only once its phase is terminal)", status="violation")
            return False
        self._explained(live, lm, gone)
        return True

    def _node_seq(self, lm: LocalModel, live: _Live, obs: PodObs) -> tuple[NodeSeq, int]:
        """The node observations the pod's hidden path must pass through, and the latest one's number."""
        name = obs.node_name
        hist = self.node_hist.get(name) if name is not None else None
        # Unbound, or the pod itself says its node is gone (a profile may still hold it to a seen node).
        if name is None or (obs.node_lost and (self.profile.lost_frees_seen_node or hist is None)):
            return ((),), -1
        if hist is None:
            if self.unseen_nodes == "unknown":
                return ((),), -1
            healthy = self._node_target(lm, self.profile.unseen_node())
            return (((),) if live.node_free else ()) + (healthy,), -1
        newer = [c for k, c in hist if k > live.node_seen]
        if live.node_free or live.node_seen < hist[0][0] - 1:
            seq: list[NodeC] = [()]  # nothing known of the node when the pod was last seen
        else:
            seq = [next((c for k, c in reversed(hist) if k <= live.node_seen), ())]
        for c in newer:
            if c != seq[-1]:
                seq.append(c)
        if len(seq) == 1 and seq[0] == ():
            seq.append(hist[-1][1])
        return tuple(seq), hist[-1][0]

    def _node_target(self, lm: LocalModel, n: NodeObs) -> NodeC:
        return self.profile.node_fields(lm.shape, n)

    def _pod_target(self, lm: LocalModel, live: _Live, obs: PodObs) -> Target:
        same = obs.node_name is None or obs.node_name == live.node_name
        key = (id(lm), obs.deleted, obs.phase, obs.node_name is None, same, obs.terminating, obs.disruption,
               getattr(obs, "kubelet_reason", None),  # a profile's extra reading (modern: status.reason)
               getattr(obs, "client", None),  # and issue 21's (modern: DisruptionTarget reason, budget)
               tuple((c.state, c.exit, c.pull,
                      c.restarts if c.restarts is None else min(c.restarts, self.profile.restart_cap))
                     for c in obs.containers))
        t = self._targets.get(key)
        if t is None:
            if len(self._targets) > 100_000:
                self._targets.clear()
            t = self._targets[key] = Target(self.profile.pod_fields(lm.shape, obs, same))
        return t

    def _node(self, live: _Live, rec: Record) -> None:
        name = (rec.obj.get("metadata") or {}).get("name", "?")
        live.node_name = name
        obs = self.profile.node(rec.obj, rec.type == "DELETED", live.seen_ready)
        hist = self.node_hist.setdefault(name, [])
        c = self._node_target(self._node_lm, obs)
        if not hist or hist[-1][1] != c:
            self.node_seq_no += 1
            hist.append((self.node_seq_no, c))
            del hist[:-NODE_HISTORY]
        v = live.verdict
        if obs.missing:
            v.missing.extend(m for m in obs.missing if m not in v.missing)
        if obs.ready == frozenset({1}):
            live.seen_ready = True
        lm = self._node_lm
        first = live.lm is None
        if first:
            live.lm, live.starts = lm, frozenset({lm.initial})
            live.events.update(self.events.pop(v.name, {}))
        target = self._node_targets.get(c)
        if target is None:
            target = self._node_targets[c] = Target(c)
        bound = self.max_hidden + (2 if first else 0)
        res = search(lm, live.starts, target, (ANY_COUNT,), bound)
        self.stats["searches"] += 1
        if res.matches:
            self._explained(live, lm, res, pod=False)
            return
        self._diverged(live, lm, res, rec.line, rec.time, obs.describe(), target, (), bound, ((),))

    # -- outcomes ------------------------------------------------------------------------

    def _explained(self, live: _Live, lm: LocalModel, res: SearchResult, pod: bool = True) -> None:
        live.starts = res.matches
        v = live.verdict
        info = res.info
        if not info:
            acts = [lm.action(i) for i in res.path]
            info["kinds"] = Counter(a.kind for a in acts)
            info["actions"] = Counter(f"{a.kind} {a.name}" for a in acts)
            info["reasons"] = {r for a in acts for r in a.reasons}
            info["label"] = str(lm.model.decode(next(iter(res.matches))).pods[0]) if pod else None
        used = self._used.get(id(info))
        if used is None:
            if len(self._used) >= 100_000:  # the search cache was emptied many times over: keep memory bounded
                self._fold_used()
            self._used[id(info)] = [info, 1]
        else:
            used[1] += 1
        v.hidden_steps += len(res.path)
        if live.events:
            v.corroborated += sum(1 for r in live.events if r in info["reasons"])
            live.events.clear()
        if info["label"] is not None:
            self.states.add(info["label"])

    def _diverged(self, live: _Live, lm: LocalModel, res: SearchResult, line: int, time: str | None,
                  observed: str, target: Target, deltas: tuple[int, ...], bound: int, node_seq: NodeSeq,
                  reason: str = "", status: str = "") -> None:
        v = live.verdict
        status = status or ("violation" if res.exhausted else "gap")
        v.worsen(status)
        live.done = True
        self.failures += 1
        v.divergence = divergence(
            lm, res, Seen(live.starts, live.containers, live.restarts, live.node_name, dict(live.events),
                          lm is not self._node_lm),
            line=line, time=time, observed=observed, target=target, deltas=deltas, bound=bound, node_seq=node_seq,
            reason=reason, status=status)
        self._decide(v)

    # -- the end ---------------------------------------------------------------------------

    def finish(self) -> None:
        """At the end of the trace, pods must agree with what their nodes were last seen doing.

        A node that went Unknown forces the model to fail its pods (N4); if no later update of
        the pod shows that, the trace ends in a state the model does not allow.
        """
        for live in self.live.values():
            lm, t = live.lm, live.last_target
            if live.done or lm is None or t is None or live.verdict.kind != "Pod" or live.node_name is None:
                continue
            hist = self.node_hist.get(live.node_name)
            if not hist or hist[-1][0] <= live.node_seen:
                continue
            obs = PodObs(False, False, lm.model.config.slots[0].policy, False, live.node_name, ANY, (), False)
            seq, _ = self._node_seq(lm, live, obs)
            deltas = (0,) * len(live.restarts)
            res = search(lm, live.starts, t, deltas, self.max_hidden, seq)
            if not res.matches:
                seen = live.last_obs.describe() if live.last_obs else "?"
                self._diverged(live, lm, res, self.lines, None, f"{seen} (no later update)", t, deltas,
                               self.max_hidden, seq, reason=(
                                   "the trace ends with the pod as last seen, but the later observations of its "
                                   "node leave the model no way to keep it so"))
        for live in self.live.values():  # the objects still there are decided now
            self._decide(live.verdict)

    def _fold_used(self) -> None:
        """Sum the explanations used into the coverage counters (at the end, or when many are held)."""
        for info, times in self._used.values():
            for counter, part in ((self.kinds, "kinds"), (self.actions, "actions")):
                for k, x in info[part].items():
                    counter[k] += x * times
        self._used.clear()

    def result(self, fmt: str = "", interrupted: bool = False) -> OracleResult:
        """The result so far (``interrupted``: the trace did not end, so :meth:`finish` was not run)."""
        self._fold_used()
        objects = self.finished + [live.verdict for live in self.live.values()]
        objects.sort(key=lambda o: o.first_line)
        problems = [(d, n) for d, n in self.problems.values()]
        return OracleResult(fmt, self.profile.name, objects, list(self.diagnostics), self.lines, self.records,
                            self.stats, self.kinds, self.actions, self.states, dropped=Counter(self.dropped),
                            problems=problems, interrupted=interrupted)
