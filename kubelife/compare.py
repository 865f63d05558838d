"""Row-by-row comparison of a profile with the one it refines (``Profile.refines``).

``kubelife diff --markdown`` prints it after the differences when one side refines the other.
"""

from __future__ import annotations

from kubelife import profiles
from kubelife.profiles import Profile

__all__ = ["row_comparison", "comparison_markdown"]


def row_comparison(prof: Profile) -> tuple[tuple[str, str, str, str], ...]:
    """``(row, earlier expectation, this profile's expectation, what changed)``; an empty change means
    the same outcome.  Rows only this profile has come last, marked new."""
    if not prof.refines:
        raise profiles.ProfileError(f"the {prof.name} profile refines no other profile.")
    base = profiles.get(prof.refines)
    mine = {r.id: r for r in prof.rows}
    out = [(r.id, r.expect, mine[r.id].expect, prof.row_notes.get(r.id, "")) for r in base.rows if r.id in mine]
    ids = {r.id for r in base.rows}
    out += [(r.id, "(no such row)", r.expect, f"new in {prof.name}") for r in prof.rows if r.id not in ids]
    return tuple(out)


def comparison_markdown(prof: Profile) -> str:
    lines = [f"| row | {prof.refines} | {prof.name} | what changed |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d or 'same'} |" for a, b, c, d in row_comparison(prof)]
    return "\n".join(lines)
