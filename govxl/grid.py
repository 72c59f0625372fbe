"""Spec -> sheet coordinates: the address, defined name and formula of every cell, and the structure's
fingerprint.

This is the only module that turns places into cell addresses; where things are placed is
`govxl.layout`. Rows and columns are 0-based here; `a1()` turns them into Excel addresses. Everything that
writes or reads a workbook asks a Grid where things are.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache, cached_property

from govxl.findings import CellRef
from govxl.layout import Place, SheetGrid, cover_sheet, table_sheet
from govxl.spec import Edition, Equation, load_edition

# Place and SheetGrid are the types of a Grid's answers: named here for whoever asks the grid
__all__ = [
    "CHECK_BROKEN",
    "CHECK_OK",
    "NAME_PREFIX",
    "Grid",
    "Place",
    "SheetGrid",
    "a1",
    "a1_range",
    "col_letter",
    "grid_for",
    "parse_a1",
    "quote_sheet",
]

NAME_PREFIX = "gx_"
CHECK_OK = "相符"
CHECK_BROKEN = "不符"


def col_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    """'D5' -> (4, 3), 0-based (row, col)."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    if not m:
        raise ValueError(f"not an A1 address: {ref!r}")
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def a1_range(row: int, col: int, last_row: int, last_col: int) -> str:
    if (row, col) == (last_row, last_col):
        return a1(row, col)
    return f"{a1(row, col)}:{a1(last_row, last_col)}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class Grid:
    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.sheets: list[SheetGrid] = [cover_sheet(edition)] + [table_sheet(edition, t) for t in edition.tables]
        self.where: dict[str, tuple[SheetGrid, Place]] = {
            code: (sheet, place) for sheet in self.sheets for code, place in sheet.cells.items()
        }
        # asked for every cell of every workbook read: computed once
        self._address = {code: a1(place.row, place.col) for code, (_, place) in self.where.items()}
        self.positions = {code: (place.row, place.col) for code, (_, place) in self.where.items()}
        # per sheet, what a reader visits: (code, A1, (row, col), is a table input)
        self.read_plan = {
            sheet.name: [
                (
                    code,
                    self._address[code],
                    self.positions[code],
                    edition.cells[code].kind == "input" and bool(edition.cells[code].table),
                )
                for code in sheet.cells
            ]
            for sheet in self.sheets
        }
        self._formula = {
            code: "=" + self._sum_expr(cell.parts) for code, cell in edition.cells.items() if cell.kind == "total"
        }

    def sheet_of(self, code: str) -> SheetGrid:
        return self.where[code][0]

    def address(self, code: str) -> str:
        return self._address[code]

    def ref(self, code: str) -> CellRef:
        """Where a finding about the cell points: its sheet and address in the official layout. (A workbook
        read with renamed sheets names its own sheets; `Filing` does that.)"""
        return CellRef(self.sheet_of(code).name, self._address[code], code)

    def reference(self, code: str) -> str:
        """Absolute reference with the sheet, as a defined name needs it."""
        sheet, place = self.where[code]
        return f"{quote_sheet(sheet.name)}!{a1(place.row, place.col, absolute=True)}"

    def defined_name(self, code: str) -> str:
        return NAME_PREFIX + code

    def _sum_expr(self, codes: tuple[str, ...]) -> str:
        places = sorted((self.where[c][1] for c in codes), key=lambda p: (p.row, p.col))
        runs: list[list[Place]] = []
        for p in places:
            if runs and _extends(runs[-1], p):
                runs[-1].append(p)
            else:
                runs.append([p])
        refs = [a1_range(r[0].row, r[0].col, r[-1].row, r[-1].col) for r in runs]
        return f"SUM({','.join(refs)})"

    def formula(self, code: str) -> str:
        return self._formula[code]

    def formula_at(self, code: str, cell: str) -> str:
        """The total's formula as it reads when the cell has moved to `cell` (rows or columns inserted)."""
        formula = self.formula(code)
        if not cell or cell == self.address(code):
            return formula
        from openpyxl.formula.translate import Translator

        return str(Translator(formula, origin=self.address(code)).translate_formula(cell))

    def check_formula(self, eq: Equation) -> str:
        return f'=IF({self._sum_expr(eq.lhs)}={self._sum_expr(eq.rhs)},"{CHECK_OK}","{CHECK_BROKEN}")'

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the structure a reader relies on: sheets, labels, codes, addresses and formulas."""
        structure = {
            "sheets": [s.name for s in self.sheets],
            "labels": [
                [s.name, a1_range(lb.row, lb.col, lb.last_row, lb.last_col), lb.text]
                for s in self.sheets
                for lb in s.labels
                if lb.role not in ("hint", "note")
            ],
            "cells": [
                [
                    code,
                    self.sheet_of(code).name,
                    self.address(code),
                    cell.kind,
                    self.formula(code) if cell.kind == "total" else "",
                ]
                for code, cell in self.edition.cells.items()
            ],
        }
        blob = json.dumps(structure, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


def _extends(run: list[Place], p: Place) -> bool:
    """Whether p continues a straight run of adjacent cells (across a row, or down a column)."""
    first, last = run[0], run[-1]
    across = first.row == last.row == p.row and p.col == last.last_col + 1
    down = first.col == last.col == p.col and p.row == last.row + 1
    return across or down


def grid_for(edition: str) -> Grid:
    """The grid of the edition of that name as GOVXL_EDITIONS_DIR reads now (see govxl.spec)."""
    return _grid(load_edition(edition))


@cache  # by the Edition object: a name may mean another edition when GOVXL_EDITIONS_DIR changes
def _grid(edition: Edition) -> Grid:
    return Grid(edition)
