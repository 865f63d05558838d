"""A partition's actor: it runs its levels itself, trading with the other partitions directly.

The driver starts :meth:`Peer.run` on every actor and then only watches.
Each level, a peer expands its frontier and sends each other peer its batch,
settles, sends each peer its slice of the level's order keys, ranks its own
slice and sends the ranks back, then commits (see
:mod:`kubelife.model.engine.distributed.partition` for what these steps compute).
Messages go actor to actor (``put``), never through the driver: a level
costs three message latencies, not three round trips through the process
that owns every object.  The peers agree on every level's totals, so they
all stop at the same level.

Nothing here imports Ray: peers reach each other through the actor handles
the driver passes to ``run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from kubelife.model.engine.distributed.partition import Partition, Problem

__all__ = ["Peer"]


class Peer:
    def __init__(self, index: int, parts: int, factory: Callable[[], Problem]) -> None:
        self.part = Partition(index, parts, factory)
        self.index, self.parts = index, parts
        self._inbox: dict[tuple[int, str], dict[int, Any]] = {}
        self._arrived = asyncio.Event()
        self._go = -1  # with ``pause``: the last level the driver has looked at
        # level -> (states so far, edges so far, new states), once committed (and saved)
        self.done: dict[int, tuple[int, int, int]] = {}

    def reset(self, factory: Callable[[], Problem] | None, index: int = 0, parts: int = 1) -> None:
        """Start over on another problem (``None``: just let go of the last run's data).  Actors are
        reused across runs: a fresh process costs seconds."""
        if "part" in self.__dict__:
            self.part.close()
        self.__dict__.clear()
        if factory is not None:
            self.__init__(index, parts, factory)  # type: ignore[misc]

    # -- what the driver asks before and after a run ------------------------------------------

    def ready(self) -> bool:
        """Answers once the partition is built (model compiled), so a run's clock starts at the search."""
        return True

    def load(self, path: str) -> int:
        return self.part.load(path)

    def locate(self, sid: int) -> tuple[int, int] | None:
        return self.part.locate(sid)

    def id_of(self, state: int) -> int | None:
        return self.part.id_of(state)

    def summary(self) -> dict[str, Any]:
        return self.part.summary()

    async def progress(self) -> dict[int, tuple[int, int, int]]:
        # A coroutine, so it runs on the event loop between the level loop's steps, never beside one.
        return dict(self.done)

    # -- messages ---------------------------------------------------------------------------------

    async def put(self, level: int, kind: str, sender: int, payload: Any) -> None:
        self._inbox.setdefault((level, kind), {})[sender] = payload
        self._arrived.set()

    async def go(self, level: int) -> None:
        self._go = max(self._go, level)  # calls need not start in order
        self._arrived.set()

    async def _gather(self, level: int, kind: str) -> dict[int, Any]:
        """Every other peer's message of this kind for this level (early ones wait in the inbox)."""
        while len(self._inbox.get((level, kind), {})) < self.parts - 1:
            self._arrived.clear()
            await self._arrived.wait()
        return self._inbox.pop((level, kind), {})

    def _send(self, peers: list[Any], level: int, kind: str, payloads: list[Any]) -> None:
        for j, peer in enumerate(peers):
            if j != self.index:
                peer.put.remote(level, kind, self.index, payloads[j])

    # -- the search ---------------------------------------------------------------------------------

    async def run(self, peers: list[Any], level: int, chunk: int, seed: int | None, checkpoint: str | None,
                  max_states: int | None, pause: bool) -> str:
        """Levels from ``level`` on: from the initial state at level 0 (``seed``, given to its owner
        only), else from the loaded frontier.  Returns ``"done"``, or ``"limit"`` past ``max_states``.
        With ``pause`` each level waits for the driver's :meth:`go` (its per-level hook sees them all).

        The seed comes with the call, not before it: an async actor need not start one submitter's
        calls in order."""
        p, me, w = self.part, self.index, self.parts
        expand = level > 0
        if seed is not None:
            p.seed(seed)
        while True:
            got: dict[int, Any] = {}
            if expand:
                self._send(peers, level, "b", p.expand_level(chunk))
                got = await self._gather(level, "b")
            s = p.settle(*[got[j] for j in sorted(got)])
            self._send(peers, level, "s", [(s[j], s[w]) for j in range(w)])
            got = await self._gather(level, "s")
            got[me] = (s[me], s[w])
            sums = [got[j][1] for j in range(w)]
            r = p.rank(*[got[j][0] for j in range(w)])
            self._send(peers, level, "r", [(r[0], r[1 + j]) for j in range(w)])
            got = await self._gather(level, "r")
            got[me] = (r[0], r[1 + me])
            p.commit(*[got[j][0] for j in range(w)], *[got[j][1] for j in range(w)], *sums)
            n_new = p.span[1]
            if level > 0 and n_new == 0:
                return "done"
            if checkpoint is not None:
                p.save(f"{checkpoint}/part-{me}.L{level}.pkl")
            self.done[level] = (p.base, sum(e for _, _, e in sums), n_new)
            if max_states is not None and p.base > max_states:
                return "limit"
            while pause and self._go < level:
                self._arrived.clear()
                await self._arrived.wait()
            level += 1
            expand = True
