"""``kubelife explore``: walk a configuration's state space in the browser (see docs/explore.md)."""

from __future__ import annotations

from kubelife.explore.session import ExploreError, Session

__all__ = ["Session", "ExploreError"]
