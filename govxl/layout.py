"""Spec -> layout: where every label, merge, number cell and live check of a sheet sits, and how wide and
tall its columns and rows are. Rows and columns are 0-based; `govxl.grid` turns places into addresses and
formulas."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from govxl.errors import SpecError
from govxl.spec import Edition, Equation, Node, Table


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


def display_width(text: str) -> int:
    """Width in Excel column units: a CJK character takes two."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return max(1, math.ceil(display_width(text) / usable))


def cover_sheet(edition: Edition) -> SheetGrid:
    """The cover: its title, one row a field with its hint, the instructions and the format's stamp."""
    cover = edition.cover
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
    stamp = f"格式：{edition.basis}《{edition.name}》（{edition.edition}版）"
    sheet.labels.append(Span(row, 0, row, 2, stamp, "note"))
    sheet.last_print_row = row
    return sheet


def table_sheet(edition: Edition, table: Table) -> SheetGrid:
    """One table: heading, per block its band, corner, column headers and row labels, the number cells, and
    the live check row under the table."""
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
        starts = {leaf.code: label_cols + sum(widths[x.code] for x in leaves[:i]) for i, leaf in enumerate(leaves)}
        if block.band:
            sheet.labels.append(Span(row, 0, row, width - 1, block.band, "band"))
            row += 1
        depth = block.header_depth
        if label_cols:
            sheet.labels.append(Span(row, 0, row + depth - 1, label_cols - 1, block.corner, "corner"))
        col = label_cols
        for node in block.columns:
            col = _place_column(sheet, node, row, col, depth, 0, widths)
        if len(table.blocks) == 1:
            sheet.header_rows = (row, row + depth - 1)
        row += depth
        for leaf in leaves:
            column_places[leaf.code] = Place(row, starts[leaf.code], starts[leaf.code] + widths[leaf.code] - 1)
        first_data = row
        for node in block.rows:
            _place_row(sheet, node, row, 0, label_cols)
            row += len(node.leaves())
        for r, rleaf in enumerate(block.leaf_rows):
            for cleaf in leaves:
                code = "_".join(p for p in (table.code, rleaf.code, cleaf.code) if p)
                c0 = starts[cleaf.code]
                sheet.cells[code] = Place(first_data + r, c0, c0 + widths[cleaf.code] - 1)
    sheet.last_print_row = row - 1
    if table.label_depth and len(table.blocks) == 1:
        sheet.freeze = (sheet.header_rows[1] + 1 if sheet.header_rows else 1, label_cols)
    live = [eq for eq in edition.equations if eq.table == table.code and eq.rule in table.live_checks]
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
    _fit_rows(sheet)
    return sheet


def _place_column(
    sheet: SheetGrid, node: Node, row: int, col: int, depth: int, level: int, widths: dict[str, int]
) -> int:
    span = sum(widths[leaf.code] for leaf in node.leaves())
    last_row = row + level if node.children else row + depth - 1
    sheet.labels.append(Span(row + level, col, last_row, col + span - 1, node.label, "column"))
    child_col = col
    for child in node.children:
        child_col = _place_column(sheet, child, row, child_col, depth, level + 1, widths)
    return col + span


def _place_row(sheet: SheetGrid, node: Node, row: int, level: int, label_cols: int) -> None:
    if not node.label:
        return
    span = len(node.leaves())
    last_col = level if node.children else label_cols - 1
    sheet.labels.append(Span(row, level, row + span - 1, last_col, node.label, "row"))
    r = row
    for child in node.children:
        _place_row(sheet, child, r, level + 1, label_cols)
        r += len(child.leaves())


def _fit_rows(sheet: SheetGrid) -> None:
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
