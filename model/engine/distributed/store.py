"""Packed states as NumPy word arrays, their visited-set keys and owners.

A state of ``bits`` bits travels as ``words = ceil(bits / 64)`` uint64
columns.  When it fits one word the key *is* the state (exact, no
collisions); wider states are keyed by a 128-bit fingerprint, which makes a
collision in 10^10 states about 10^-18 likely.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["words_for", "to_words", "from_words", "keys_of", "owners_of", "VisitedSet"]

_M64 = (1 << 64) - 1
_C1, _C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
KEY128 = np.dtype((np.void, 16))


def words_for(bits: int) -> int:
    return max(1, -(-bits // 64))


def to_words(states: Sequence[int], words: int) -> np.ndarray:
    """Python ints -> ``(n, words)`` uint64."""
    if words == 1:
        return np.array(states, dtype=np.uint64).reshape(-1, 1)
    return np.array([[(s >> (64 * k)) & _M64 for k in range(words)] for s in states],
                    dtype=np.uint64).reshape(-1, words)


def from_words(arr: np.ndarray) -> list[int]:
    if arr.shape[1] == 1:
        return arr[:, 0].tolist()  # type: ignore[no-any-return]
    cols = [arr[:, k].tolist() for k in range(arr.shape[1])]
    return [sum(w << (64 * k) for k, w in enumerate(ws)) for ws in zip(*cols)]


def _finalise(x: np.ndarray, s1: int, c1: np.uint64, s2: int, c2: np.uint64, s3: int) -> np.ndarray:
    """A xor-shift-multiply 64-bit finaliser (the shape of splitmix64's and MurmurHash3's)."""
    x = x ^ (x >> np.uint64(s1))
    x = x * c1
    x = x ^ (x >> np.uint64(s2))
    x = x * c2
    return x ^ (x >> np.uint64(s3))  # type: ignore[no-any-return]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a cheap, well-spread 64-bit hash (the fingerprints of wide states)."""
    return _finalise(x, 30, _C1, 27, _C2, 31)


def keys_of(arr: np.ndarray) -> np.ndarray:
    """Visited-set keys: the state itself (one word) or a 128-bit fingerprint."""
    if arr.shape[1] == 1:
        return arr[:, 0]
    h1 = np.zeros(len(arr), dtype=np.uint64)
    h2 = np.full(len(arr), _GOLD, dtype=np.uint64)
    for k in range(arr.shape[1]):
        h1 = _mix(h1 ^ arr[:, k])
        h2 = _mix(h2 + arr[:, k] * _GOLD)
    return np.ascontiguousarray(np.stack([h1, h2], axis=1)).view(KEY128).ravel()


def _fmix(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: the C core's ``mix``, which indexes its tables."""
    return _finalise(x, 33, _M1, 33, _M2, 33)


def owners_of(keys: np.ndarray, parts: int) -> np.ndarray:
    """The partition that owns each key (a hash, so partitions stay balanced)."""
    if keys.dtype == np.uint64:
        h = _fmix(keys)  # the C core's own hash of a state: one hash an edge serves both
    else:
        h = keys.view(np.uint64).reshape(-1, 2)[:, 0]
    # The hash's high 32 bits scaled to [0, parts): the C core's ``owner_of`` (no division per edge).
    return (((h >> np.uint64(32)) * np.uint64(parts)) >> np.uint64(32)).astype(np.int64)


class VisitedSet:
    """Sorted key runs merged like a log-structured tree: O(log n) runs, binary-search lookups."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(r) for r in self.runs)

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self.runs)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=bool)
        for r in self.runs:
            if len(r) == 0:
                continue
            i = np.minimum(np.searchsorted(r, keys), len(r) - 1)
            found |= r[i] == keys
        return found

    def add(self, keys: np.ndarray) -> None:
        """Add keys known to be new and distinct."""
        self.runs.append(np.sort(keys))
        while len(self.runs) > 1 and len(self.runs[-2]) <= 2 * len(self.runs[-1]):
            b, a = self.runs.pop(), self.runs.pop()
            self.runs.append(np.sort(np.concatenate([a, b]), kind="stable"))
