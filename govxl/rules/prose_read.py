"""What the prose rules (N1–N11) read with: the table numbers a sentence is compared with, where a finding
points, and the comparing and rounding they share. Which cells a stated number is compared with, the outcome
groups, the percentage bases and table 四's cells are the edition's (spec: prose), never this code's."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from govxl.findings import CellRef, Finding
from govxl.rules.registry import finding
from govxl.values import show

if TYPE_CHECKING:
    from govxl.spec import Edition

NUM = r"(\d+)"


class Values(Protocol):
    """The table numbers the prose is compared with (govxl.validation.prose builds them)."""

    ed: Edition

    def get(self, *codes: str) -> float | None: ...

    def count(self, *names: str) -> float | None: ...


class Places(Protocol):
    """Where a finding about a cell points (govxl.grid.Grid)."""

    def ref(self, code: str) -> CellRef: ...


def refs(grid: Places, *codes: str) -> tuple[CellRef, ...]:
    return tuple(grid.ref(c) for c in codes)


def compare(
    rule: str, v: Values, grid: Places, s: str, stated: float, codes: tuple[str, ...], what: str
) -> list[Finding]:
    """A finding when a number the sentence states is not the sum of the table's cells `codes`."""
    table = v.get(*codes)
    if table is None or abs(table - stated) < 1e-9:
        return []
    f = finding(
        rule,
        refs(grid, *codes[:1]),
        expected=table,
        actual=stated,
        what=what,
        stated=show(stated),
        table=show(table),
        sentence=s,
    )
    return [with_source(f, s)]


def with_source(f: Finding, s: str) -> Finding:
    return replace(f, source=s)


def counts(s: str, pattern: str) -> Iterable[float]:
    for m in re.finditer(pattern, s):
        yield float(m[1])


def rounds_to(x: float, p: float, d: int) -> bool:
    return bool(abs(round(x + 1e-12, d) - p) < 1e-9)


def truncates_to(x: float, p: float, d: int) -> bool:
    return bool(abs(math.floor(x * 10**d + 1e-9) / 10**d - p) < 1e-9)
