"""Properties and rows by profile: the one place that knows which profile has which.

Consumers that work on any :class:`~kubelife.model.k8s.cluster.ClusterModel` call
:func:`properties_for_profile` and :func:`rows_for` instead of
``kubelife.properties.seed.properties_for`` and ``kubelife.properties.rows.ROWS``.
"""

from __future__ import annotations

from kubelife.model.k8s.cluster import ClusterModel
from kubelife.properties.core import Property
from kubelife.properties.rows import Row

__all__ = ["properties_for_profile", "rows_for", "row_by_id_for"]


def properties_for_profile(m: ClusterModel) -> list[Property]:
    if m.config.profile == "modern":
        from kubelife.properties.modern import modern_properties
        return modern_properties(m)
    from kubelife.properties.seed import properties_for
    return properties_for(m)


def rows_for(profile: str) -> tuple[Row, ...]:
    if profile == "modern":
        from kubelife.properties.modern_rows import MODERN_ROWS
        return MODERN_ROWS
    from kubelife.properties.rows import ROWS
    return ROWS


def row_by_id_for(rid: str, profile: str) -> Row:
    for r in rows_for(profile):
        if r.id == rid:
            return r
    raise KeyError(f"unknown row {rid!r} for profile {profile!r}")
