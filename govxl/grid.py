"""Spec -> sheet coordinates: where every label, merge, number cell and live check sits.

This is the only module that does cell arithmetic. Rows and columns are 0-based here; `a1()` turns them into
Excel addresses. Everything that writes or reads a workbook asks a Grid where things are.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from govxl.errors import SpecError
from govxl.spec import Edition, Equation, Node, Table, load_edition

NAME_PREFIX = "gx_"
CHECK_OK = "相符"
CHECK_BROKEN = "不符"


@dataclass(frozen=True)
class Span:
    """A label rectangle (merged when it covers more than one cell)."""

    row: int
    col: int
    last_row: int
    last_col: int
    text: str
    role: str  # heading, band, corner, column, row, caption, title, field, hint, note

    @property
    def merged(self) -> bool:
        return self.row != self.last_row or self.col != self.last_col


@dataclass(frozen=True)
class Place:
    row: int
    col: int
    last_col: int


@dataclass(frozen=True)
class CheckCell:
    place: Place
    equation: Equation


@dataclass
class SheetGrid:
    name: str
    table: str  # "" for the cover
    width: int
    labels: list[Span] = field(default_factory=list)
    cells: dict[str, Place] = field(default_factory=dict)
    checks: list[CheckCell] = field(default_factory=list)
    col_widths: list[float] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    header_rows: tuple[int, int] | None = None
    last_print_row: int = 0
    freeze: tuple[int, int] | None = None


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


def display_width(text: str) -> int:
    """Width in Excel column units: a CJK character takes two."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return max(1, math.ceil(display_width(text) / usable))


class Grid:
    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.sheets: list[SheetGrid] = [self._cover()] + [self._table(t) for t in edition.tables]
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

    # --- addresses and formulas ---------------------------------------------------------------------

    def sheet_of(self, code: str) -> SheetGrid:
        return self.where[code][0]

    def address(self, code: str) -> str:
        return self._address[code]

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

    # --- layout ------------------------------------------------------------------------------------

    def _cover(self) -> SheetGrid:
        cover = self.edition.cover
        sheet = SheetGrid(name=cover.sheet, table="", width=3, col_widths=[16, 44, 56])
        sheet.labels.append(Span(0, 0, 0, 2, cover.title, "title"))
        sheet.row_heights[0] = 32
        row = 2
        for f in cover.fields:
            sheet.labels.append(Span(row, 0, row, 0, f.label, "field"))
            sheet.cells[f.code] = Place(row, 1, 1)
            if f.hint:
                sheet.labels.append(Span(row, 2, row, 2, f.hint, "hint"))
            sheet.row_heights[row] = 22
            row += 1
        row += 1
        sheet.labels.append(Span(row, 0, row, 2, "填报说明", "note"))
        row += 1
        for text in cover.instructions:
            sheet.labels.append(Span(row, 0, row, 2, text, "note"))
            sheet.row_heights[row] = 15 * _lines(text, sum(sheet.col_widths)) + 6
            row += 1
        row += 1
        stamp = f"格式：{self.edition.basis}《{self.edition.name}》（{self.edition.edition}版）"
        sheet.labels.append(Span(row, 0, row, 2, stamp, "note"))
        sheet.last_print_row = row
        return sheet

    def _table(self, table: Table) -> SheetGrid:
        label_cols = table.label_depth
        values = table.value_columns
        width = label_cols + values
        sheet = SheetGrid(
            name=table.sheet,
            table=table.code,
            width=width,
            col_widths=list(table.label_widths) + [table.value_width] * values,
        )
        sheet.labels.append(Span(0, 0, 0, width - 1, table.heading, "heading"))
        sheet.row_heights[0] = 30
        row = 1
        column_places: dict[str, Place] = {}
        for block in table.blocks:
            leaves = block.leaf_columns
            widths = _leaf_widths(table.code, leaves, values)
            starts = {
                leaf.code: label_cols + sum(widths[x.code] for x in leaves[:i]) for i, leaf in enumerate(leaves)
            }
            if block.band:
                sheet.labels.append(Span(row, 0, row, width - 1, block.band, "band"))
                row += 1
            depth = block.header_depth
            if label_cols:
                sheet.labels.append(Span(row, 0, row + depth - 1, label_cols - 1, block.corner, "corner"))
            col = label_cols
            for node in block.columns:
                col = self._place_column(sheet, node, row, col, depth, 0, widths)
            if len(table.blocks) == 1:
                sheet.header_rows = (row, row + depth - 1)
            row += depth
            for leaf in leaves:
                column_places[leaf.code] = Place(row, starts[leaf.code], starts[leaf.code] + widths[leaf.code] - 1)
            first_data = row
            for node in block.rows:
                self._place_row(sheet, node, row, 0, label_cols)
                row += len(node.leaves())
            for r, rleaf in enumerate(block.leaf_rows):
                for cleaf in leaves:
                    code = "_".join(p for p in (table.code, rleaf.code, cleaf.code) if p)
                    c0 = starts[cleaf.code]
                    sheet.cells[code] = Place(first_data + r, c0, c0 + widths[cleaf.code] - 1)
        sheet.last_print_row = row - 1
        if table.label_depth and len(table.blocks) == 1:
            sheet.freeze = (sheet.header_rows[1] + 1 if sheet.header_rows else 1, label_cols)
        live = [eq for eq in self.edition.equations if eq.table == table.code and eq.rule in table.live_checks]
        if live:
            captions = [i.caption for i in table.identities if i.rule in table.live_checks and i.caption]
            if table.live_check_caption:
                captions.append(table.live_check_caption)
            row += 1
            sheet.labels.append(Span(row, 0, row, width - 1, "；".join(captions), "caption"))
            row += 1
            if label_cols:
                sheet.labels.append(Span(row, 0, row, label_cols - 1, "校验结果", "caption"))
            for eq in live:
                anchor = column_places[eq.column]
                sheet.checks.append(CheckCell(Place(row, anchor.col, anchor.last_col), eq))
            sheet.row_heights[row] = 22
        self._fit_rows(sheet)
        return sheet

    def _place_column(
        self, sheet: SheetGrid, node: Node, row: int, col: int, depth: int, level: int, widths: dict[str, int]
    ) -> int:
        span = sum(widths[leaf.code] for leaf in node.leaves())
        last_row = row + level if node.children else row + depth - 1
        sheet.labels.append(Span(row + level, col, last_row, col + span - 1, node.label, "column"))
        child_col = col
        for child in node.children:
            child_col = self._place_column(sheet, child, row, child_col, depth, level + 1, widths)
        return col + span

    def _place_row(self, sheet: SheetGrid, node: Node, row: int, level: int, label_cols: int) -> None:
        if not node.label:
            return
        span = len(node.leaves())
        last_col = level if node.children else label_cols - 1
        sheet.labels.append(Span(row, level, row + span - 1, last_col, node.label, "row"))
        r = row
        for child in node.children:
            self._place_row(sheet, child, r, level + 1, label_cols)
            r += len(child.leaves())

    def _fit_rows(self, sheet: SheetGrid) -> None:
        """Row heights that show wrapped labels whole (Excel does not fit rows of generated files)."""
        for span in sheet.labels:
            if span.role in ("heading",) or span.row != span.last_row:
                continue
            width = sum(sheet.col_widths[span.col : span.last_col + 1])
            height = 15.0 * _lines(span.text, width) + 6
            sheet.row_heights[span.row] = max(sheet.row_heights.get(span.row, 20.0), height)
        # a label that spans rows must fit in their summed height
        for span in sheet.labels:
            if span.row == span.last_row or span.role == "corner":
                continue
            width = sum(sheet.col_widths[span.col : span.last_col + 1])
            need = 15.0 * _lines(span.text, width) + 6
            rows = range(span.row, span.last_row + 1)
            have = sum(sheet.row_heights.get(r, 20.0) for r in rows)
            if need > have:
                extra = (need - have) / len(rows)
                for r in rows:
                    sheet.row_heights[r] = sheet.row_heights.get(r, 20.0) + extra


def _leaf_widths(table: str, leaves: tuple[Node, ...], values: int) -> dict[str, int]:
    """How many sheet columns each leaf column takes: its `span` where the spec gives one, else an equal share
    of the widest block (table 二 of 2021: one value column spanning three)."""
    if any(leaf.span for leaf in leaves):
        widths = {leaf.code: leaf.span or 1 for leaf in leaves}
    elif values % len(leaves) == 0:
        widths = {leaf.code: values // len(leaves) for leaf in leaves}
    else:
        raise SpecError(f"{table}：各块的列数须能整除最宽块的列数 {values}，或为各列指定 span")
    if sum(widths.values()) != values:
        raise SpecError(f"{table}：各列 span 之和应为 {values}")
    return widths


def _extends(run: list[Place], p: Place) -> bool:
    """Whether p continues a straight run of adjacent cells (across a row, or down a column)."""
    first, last = run[0], run[-1]
    across = first.row == last.row == p.row and p.col == last.last_col + 1
    down = first.col == last.col == p.col and p.row == last.row + 1
    return across or down


@cache
def grid_for(edition: str) -> Grid:
    return Grid(load_edition(edition))
