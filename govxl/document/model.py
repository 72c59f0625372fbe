"""The report as one small model: a title, the opening paragraph, and sections 一 to 六, of which 二, 三 and 四
hold the official tables. Both writers (.docx, .html) render this model and nothing else, so they cannot disagree.

A table is built from the same spec grid the template uses (govxl.grid): every label, header band and merge
is where the template puts it, so the report prints the form label for label; no label is written here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from govxl.grid import Grid, grid_for
from govxl.values import show

Role = Literal["band", "corner", "column", "row", "value"]
Kind = Literal["text", "subheading", "placeholder", "generated"]


@dataclass(frozen=True)
class TableCell:
    row: int  # 0-based within the table
    col: int
    rowspan: int
    colspan: int
    text: str
    role: Role
    code: str = ""  # the cell code of a number cell

    @property
    def header(self) -> bool:
        return self.role != "value"


@dataclass(frozen=True)
class Table:
    code: str  # t2, t3, t4
    width: int  # grid columns
    height: int  # grid rows
    cells: tuple[TableCell, ...]  # in reading order: by row, then column
    header_rows: int  # leading rows that head the table, repeated on every page it runs over
    col_widths: tuple[float, ...]  # relative widths, the template's

    def rows(self) -> list[list[TableCell]]:
        """The cells that start in each row (the HTML view: a merged cell belongs to its first row)."""
        out: list[list[TableCell]] = [[] for _ in range(self.height)]
        for c in self.cells:
            out[c.row].append(c)
        return out


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    heading: str
    paragraphs: tuple[Paragraph, ...] = ()
    table: Table | None = None


@dataclass(frozen=True)
class Document:
    title_lines: tuple[str, ...]  # the title as printed: the agency on a line, then the year's report
    opening: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    draft: bool = False
    edition: str = "2021"

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    def prose(self) -> str:
        """The text of sections 一, 五 and 六, as the prose rules read a published report's."""
        return "\n".join(p.text for s in self.sections if s.table is None for p in s.paragraphs)


@cache  # by the Grid (one per Edition object), not the edition's name: see govxl.spec
def _skeleton(grid: Grid, code: str) -> Table:
    """The table with its labels and the places of its numbers (texts empty): the same for every filing."""
    sheet = next(s for s in grid.sheets if s.table == code)
    first, last = 1, sheet.last_print_row  # row 0 is the heading, which the report prints as the section's
    cells: list[TableCell] = []
    covered: set[tuple[int, int]] = set()
    for span in sheet.labels:
        if span.role not in ("band", "corner", "column", "row") or not first <= span.row <= last:
            continue
        cells.append(
            TableCell(
                span.row - first,
                span.col,
                span.last_row - span.row + 1,
                span.last_col - span.col + 1,
                span.text,
                span.role,  # type: ignore[arg-type]
            )
        )
    for cell_code, place in sheet.cells.items():
        cells.append(
            TableCell(place.row - first, place.col, 1, place.last_col - place.col + 1, "", "value", cell_code)
        )
    for c in cells:
        covered.update((c.row + r, c.col + k) for r in range(c.rowspan) for k in range(c.colspan))
    height = last - first + 1
    # a place neither a label nor a number covers (none in the official forms) is printed empty, not dropped,
    # so that every row has the table's width
    for r in range(height):
        for k in range(sheet.width):
            if (r, k) not in covered:
                cells.append(TableCell(r, k, 1, 1, "", "value"))
    cells.sort(key=lambda c: (c.row, c.col))
    header = sheet.header_rows[1] - first + 1 if sheet.header_rows else 0
    return Table(code, sheet.width, height, tuple(cells), header, tuple(sheet.col_widths))


def table_of(edition: str, code: str, values: Mapping[str, float]) -> Table:
    """The official table `code` with the numbers of `values` (a cell with no number is printed blank)."""
    skeleton = _skeleton(grid_for(edition), code)
    cells = tuple(
        TableCell(c.row, c.col, c.rowspan, c.colspan, number_text(values.get(c.code)), c.role, c.code)
        if c.code
        else c
        for c in skeleton.cells
    )
    return Table(code, skeleton.width, skeleton.height, cells, skeleton.header_rows, skeleton.col_widths)


def number_text(value: float | None) -> str:
    """A number as the tables print it: 12, 3.5 — never 12.0; nothing for a cell with no usable number."""
    if value is None or math.isnan(value):
        return ""
    return show(value)
