"""The record every reader produces and every command consumes: one unit's filing, its numbers by cell code,
and the identity of a unit. It sits at the bottom: readers (workbook, published report) build it, the
validation layer judges it, check, merge, extract and the rest apply it."""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govxl.findings import CellRef, Finding

if TYPE_CHECKING:
    from govxl.grid import Grid


class CellValues(MutableMapping[str, float]):
    """Numbers by cell code, held as one array of doubles in a fixed order of codes (nan where unset).

    A merge keeps tens of thousands of filings in memory at once: a dict of 166 Python floats costs about
    9 KB a unit, this 1.3 KB; and a frame is built by stacking the arrays rather than by 3 million lookups."""

    __slots__ = ("codes", "data", "index")

    def __init__(self, codes: tuple[str, ...], data: array[float] | None = None) -> None:
        self.codes = codes
        self.index = _index_of(codes)
        self.data = data if data is not None else array("d", [math.nan]) * len(codes)

    def __getitem__(self, code: str) -> float:
        return self.data[self.index[code]]  # an unknown code is a KeyError of the index

    def __setitem__(self, code: str, value: float) -> None:
        self.data[self.index[code]] = value

    def __delitem__(self, code: str) -> None:
        self.data[self.index[code]] = math.nan

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __reduce__(self) -> tuple[Any, ...]:
        return (CellValues, (self.codes, self.data))


@cache
def _index_of(codes: tuple[str, ...]) -> dict[str, int]:
    return {code: i for i, code in enumerate(codes)}


@dataclass
class Filing:
    """One unit's workbook as read: numbers by code, and what the raw cells showed."""

    path: Path
    edition: str
    sha256: str
    properties: dict[str, str]
    cover: dict[str, Any]
    inputs: CellValues  # every input: blank -> 0.0 (reported), unusable -> nan
    typed_totals: dict[str, float]  # totals whose formula was replaced by a number (nan if not a number)
    formulas_ok: dict[str, bool]
    cached: CellValues  # the totals' stored results; nan where none was stored
    findings: list[Finding] = field(default_factory=list)
    explanations: dict[tuple[str, str], str] = field(default_factory=dict)
    # where cells were read when not where the spec puts them (a renamed sheet, moved rows): most units have
    # none, which keeps a filing small when thousands are merged
    sheet_names: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)
    prose: str | None = None  # a published report's text (an extraction), for the prose rules

    def ref(self, grid: Grid, code: str) -> CellRef:
        """Where the cell of `code` is in this workbook."""
        spec_sheet = grid.sheet_of(code).name
        cell = self.moved.get(code) or grid.address(code)
        return CellRef(self.sheet_names.get(spec_sheet, spec_sheet), cell, code)

    @property
    def unit(self) -> str:
        return str(self.cover.get("unit") or "")

    @property
    def year(self) -> int | None:
        year = self.cover.get("year")
        return year if isinstance(year, int) else None


def unit_key(name: str) -> str:
    """How two spellings of one unit's name are recognised as the same: width and spaces do not count."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
