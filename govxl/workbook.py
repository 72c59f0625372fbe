"""Spec + grid -> the locked workbook offices fill (xlsxwriter).

The same writer makes the blank template, the filled example and consolidated workbooks: `values` fills input
cells, and totals get the cached results a spreadsheet would compute, so a reader that trusts the cache is not
misled. Where each label and cell goes is govxl.layout's (the grid's sheets); how they look and what an input
accepts is govxl.workbook_styles'; the rows of plain data sheets are govxl.datasheets'; this module writes the
book from them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from govxl.datasheets import DataSheet, _inject
from govxl.files import write_atomically
from govxl.grid import CHECK_BROKEN, CHECK_OK, Grid, a1, grid_for
from govxl.layout import Place, SheetGrid
from govxl.skeleton import FilterRange, Skeleton, check_key, contents, hint_key, placeholder
from govxl.spec import PROP_EDITION, PROP_FINGERPRINT, PROP_VERSION, default_edition
from govxl.workbook_styles import FONT, INPUT_FILL, TOTAL_FILL, add_formats, validation

__all__ = ["CREATED", "FONT", "INPUT_FILL", "TOTAL_FILL", "DataSheet", "Values", "render", "write_template"]

# A fixed creation date keeps the output byte-identical from run to run.
CREATED = dt.datetime(2021, 9, 26, 0, 0, 0)


Values = Mapping[str, Any]


class _Writer:
    """xlsxwriter writing a workbook whose every cell's content is given (`contents`, by slot key); a Skeleton
    is written by it with every varying cell blank."""

    def __init__(
        self,
        grid: Grid,
        contents: Mapping[str, Any],
        hinted: Iterable[str] = (),
        properties: Mapping[str, str] | None = None,
        extra: Sequence[DataSheet] = (),
        published: Iterable[str] = (),
    ) -> None:
        self.grid = grid
        self.edition = grid.edition
        self.contents = contents
        self.hinted = tuple(hinted)
        self.properties = properties or {}
        self.extra = extra
        self.published = frozenset(published)
        self.injected: dict[str, tuple[Iterable[Sequence[Any]], int]] = {}  # data sheet part -> (rows, first)
        # each table's varying cells as written (last write wins, as in the file): reference -> (slot key, formula)
        self.slots: dict[str, dict[str, tuple[str, bool]]] = {}
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "default_format_properties": {"font_name": FONT, "font_size": 11}},
        )
        self.fmt = add_formats(self.book)

    def write(self) -> bytes:
        ed = self.edition
        self.book.set_properties(
            {
                "title": "政府信息公开工作年度报告",
                "subject": f"{ed.basis} {ed.edition}版",
                "author": "govxl",
                "comments": "由 govxl template 生成；请在浅黄色单元格内填写。",
                "created": CREATED,
            }
        )
        self.book.set_custom_property(PROP_EDITION, ed.edition)
        self.book.set_custom_property(PROP_VERSION, ed.version)
        self.book.set_custom_property(PROP_FINGERPRINT, self.grid.fingerprint)
        for name, value in self.properties.items():
            self.book.set_custom_property(name, value)
        for sheet in self.grid.sheets:
            self._sheet(sheet)
        for data in self.extra:
            self._data_sheet(data)
        for code in ed.cells:
            self.book.define_name(self.grid.defined_name(code), "=" + self.grid.reference(code))
        self.book.close()
        written = self.buffer.getvalue()
        return _inject(written, self.injected) if self.injected else written

    def _data_sheet(self, data: DataSheet) -> None:
        """Headers, widths, panes and filter by xlsxwriter; the rows themselves are serialised afterwards by
        `_rows_xml` (xlsxwriter's per-cell dispatch was most of a 2,000-unit merge's writing time)."""
        ws = self.book.add_worksheet(data.name)
        bold = self.fmt["data_header"]
        for i, width in enumerate(data.widths):
            ws.set_column(i, i, width)
        for r, header in enumerate(data.header):
            ws.write_row(r, 0, header, bold)
        first = len(data.header)
        width = max((len(h) for h in data.header), default=1)
        ws.freeze_panes(first, 0)
        ws.autofilter(first - 1, 0, first - 1 + data.count, width - 1)
        if data.hidden:
            ws.hide()
        self.injected[self._part()] = (data.rows, first)

    def _part(self) -> str:
        """The package part of the worksheet added last."""
        return f"xl/worksheets/sheet{len(self.book.worksheets())}.xml"

    def _merge_blank(self, ws: Any, slots: dict[str, tuple[str, bool]], p: Place, fmt: Any) -> None:
        """A merged cell's range, blank: what the cells it covers held (a hint's slot among them) is gone."""
        ws.merge_range(p.row, p.col, p.row, p.last_col, "", fmt)
        for col in range(p.col + 1, p.last_col + 1):
            slots.pop(a1(p.row, col), None)

    def _sheet(self, sg: SheetGrid) -> None:
        ws = self.book.add_worksheet(sg.name)
        slots = self.slots[self._part()] = {}
        ws.hide_gridlines(2)
        for i, width in enumerate(sg.col_widths):
            ws.set_column(i, i, width)
        for row, height in sorted(sg.row_heights.items()):
            ws.set_row(row, height)
        for span in sg.labels:
            role = span.role
            if role == "row" and span.row != span.last_row:
                role = "group"
            fmt = self.fmt[role]
            if span.merged:
                ws.merge_range(span.row, span.col, span.last_row, span.last_col, span.text, fmt)
            else:
                ws.write_string(span.row, span.col, span.text, fmt)
        for code in self.hinted:
            if code in sg.cells:
                place = sg.cells[code]
                _put(ws, place.row, place.col + 1, self.contents.get(hint_key(code)), self.fmt["hint"])
                slots[a1(place.row, place.col + 1)] = (hint_key(code), False)
        fields = {f.code: f for f in self.edition.cover.fields}
        by_rule: dict[tuple[str, str, str], list[Place]] = {}
        for code, place in sg.cells.items():
            cell = self.edition.cells[code]
            if cell.kind == "total":
                fmt = self.fmt["total"]
            else:
                fmt = self.fmt["input_text" if cell.value in ("text", "choice") else "input"]
            if place.last_col != place.col:
                self._merge_blank(ws, slots, place, fmt)
            formula = cell.kind == "total" and code not in self.published
            slots[a1(place.row, place.col)] = (code, formula)
            if formula:
                ws.write_formula(place.row, place.col, self.grid.formula(code), fmt, self.contents[code])
                continue
            _put(ws, place.row, place.col, self.contents.get(code), fmt)
            if cell.kind == "total":
                continue
            by_rule.setdefault((cell.value, cell.unit, code if code in fields else ""), []).append(place)
        # one validation per kind of input: a short sqref list instead of one rule per cell
        for (kind, unit, field_code), places in sorted(by_rule.items()):
            options = validation(kind, unit, fields.get(field_code), self.edition)
            options["multi_range"] = " ".join(a1(p.row, p.col) for p in places)
            ws.data_validation(places[0].row, places[0].col, places[0].row, places[0].col, options)
        for i, check in enumerate(sg.checks):
            p, eq = check.place, check.equation
            if p.last_col != p.col:
                self._merge_blank(ws, slots, p, self.fmt["check"])
            slots[a1(p.row, p.col)] = (check_key(sg.name, i), True)
            result = self.contents[check_key(sg.name, i)]
            ws.write_formula(p.row, p.col, self.grid.check_formula(eq), self.fmt["check"], result)
        if sg.checks:
            row = sg.checks[0].place.row
            first, last = min(c.place.col for c in sg.checks), max(c.place.last_col for c in sg.checks)
            for criteria, fmt in ((CHECK_BROKEN, "broken"), (CHECK_OK, "ok")):
                ws.conditional_format(
                    row,
                    first,
                    row,
                    last,
                    {"type": "cell", "criteria": "==", "value": f'"{criteria}"', "format": self.fmt[fmt]},
                )
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.set_paper(9)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.fit_to_pages(1, 0)
        if sg.table:
            ws.set_landscape()
        # the printout is the official form alone; the live checks are for the screen
        ws.print_area(0, 0, sg.last_print_row, sg.width - 1)
        if sg.header_rows:
            ws.repeat_rows(*sg.header_rows)
        if sg.freeze:
            ws.freeze_panes(*sg.freeze)
        if not sg.table:
            ws.activate()
            ws.set_first_sheet()


def _put(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@dataclass(frozen=True)
class _Shape:
    """What a workbook's structure depends on, beyond its values."""

    grid: Grid
    hinted: frozenset[str]
    properties: tuple[str, ...]
    sheets: tuple[tuple[str, tuple[tuple[Any, ...], ...], tuple[float, ...], bool], ...]


@functools.lru_cache(maxsize=32)
def _skeleton(shape: _Shape) -> Skeleton:
    grid = shape.grid
    placeholders = {name: placeholder(i) for i, name in enumerate(shape.properties)}
    # each data sheet's filter over one row, so that its range has two ends whatever the sheet's width
    extra = [DataSheet(name, header, (), 1, widths, hidden) for name, header, widths, hidden in shape.sheets]
    blank = contents(grid, {}, dict.fromkeys(shape.hinted), {})
    writer = _Writer(grid, blank, sorted(shape.hinted), placeholders, extra)
    package = writer.write()
    # the data sheets follow the tables: their sheet indexes (0-based) count on from them
    data = enumerate(writer.injected.items(), start=len(grid.sheets))
    filters = {part: (first, _filter(first, index)) for index, (part, (_, first)) in data}
    return Skeleton(package, writer.slots, shape.properties, filters)


def _filter(first: int, sheet: int) -> FilterRange:
    """A data sheet's autofilter, written from its last header row (`first`, 1-based) over one more row."""
    name = rf'(<definedName name="_xlnm._FilterDatabase" localSheetId="{sheet}"[^>]*>[^<]*\$)'
    return FilterRange(
        re.compile(rf'(<autoFilter ref="[A-Z]+{first}:[A-Z]+){first + 1}(")'), re.compile(rf"{name}{first + 1}(<)")
    )


def render(
    edition: str | None = None,
    values: Values | None = None,
    *,
    hints: Mapping[str, str] | None = None,
    properties: Mapping[str, str] | None = None,
    extra: Sequence[DataSheet] = (),
    published: Mapping[str, Any] | None = None,
) -> bytes:
    """The workbook as bytes: blank when `values` is None, else filled with the given cell values by code.
    `hints` replace the grey hints beside cover entries, `properties` add custom document properties (text)
    and `extra` appends plain data sheets (a consolidation's provenance). `published` puts a value (a number,
    text, or None for a blank) in place of a total's formula: an extracted report's totals as printed.

    xlsxwriter writes the structure once for each shape (govxl.skeleton); the values are written into it."""
    grid = grid_for(edition or default_edition())
    hints, properties, published = hints or {}, properties or {}, published or {}
    sheets = tuple((d.name, tuple(map(tuple, d.header)), tuple(d.widths), d.hidden) for d in extra)
    shape = _Shape(grid, frozenset(hints), tuple(properties), sheets)
    skeleton = _skeleton(shape)
    rows = {part: (d.rows, d.count) for part, d in zip(skeleton.data_sheets, extra, strict=True)}
    filled = contents(grid, values or {}, hints, published)
    return skeleton.fill(filled, properties, rows, frozenset(published))


def render_directly(edition: str | None = None, values: Values | None = None, **options: Any) -> bytes:
    """The same workbook written by xlsxwriter cell by cell (`options` as render() takes them), as each skeleton
    is: what tests/test_skeleton.py compares render() with (xlsxwriter copies a text that looks like rich text,
    <r>…</r>, into the package as XML)."""
    grid = grid_for(edition or default_edition())
    hints, published = options.get("hints") or {}, options.get("published") or {}
    filled = contents(grid, values or {}, hints, published)
    texts = {name: str(value) for name, value in (options.get("properties") or {}).items()}  # as render() does
    return _Writer(grid, filled, sorted(hints), texts, options.get("extra", ()), published).write()


def write_template(
    path: Path, edition: str | None = None, values: Values | None = None, *, overwrite: bool = False
) -> None:
    write_atomically(path, render(edition, values), overwrite=overwrite)
