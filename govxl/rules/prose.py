"""Prose against tables (N1–N11): the counts a report states in its text must be the counts in its tables.
The rules are registered by the modules that detect them: prose_counts (numbers stated: N1–N4, N7, N10),
prose_claims (what is said without a number: N8, N9, N11), prose_shares (percentages: N5, N6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from govxl.findings import Finding
from govxl.rules import prose_claims, prose_counts, prose_shares
from govxl.rules.prose_read import Places, Values

# N1 … N11, in the catalogue's order
FAMILY = tuple(
    sorted((*prose_counts.FAMILY, *prose_claims.FAMILY, *prose_shares.FAMILY), key=lambda r: int(r.id[1:]))
)

_RULES: tuple[Callable[[Values, Places, str], list[Finding]], ...] = (
    prose_counts.stated,
    prose_counts.n3,
    prose_counts.n4,
    prose_shares.n5,
    prose_claims.n8,
    prose_claims.n9,
    prose_claims.n11,
)


def detect(v: Values, grid: Places, sentences: Iterable[str], last_year_new: float | None) -> list[Finding]:
    """The prose findings of some sentences; `last_year_new` (last year's 本年新收) gives N6 its base."""
    out: list[Finding] = []
    for s in sentences:
        for rule in _RULES:
            out.extend(rule(v, grid, s))
        if last_year_new:
            out.extend(prose_shares.n6(v, s, last_year_new))
    return out
