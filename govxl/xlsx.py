"""A fast, read-only view of an .xlsx: cell values by python-calamine, plus what calamine does not expose —
formulas, error cells, defined names, custom document properties — from the package's XML directly.

About 2 ms for a filled report workbook, against 50 ms for openpyxl reading it twice (formulas and cached
values). Only what the reader needs is parsed; nothing here writes.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*?)/?>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*?)/?>")
_NAME = re.compile(
    r'<(?:\w+:)?definedName\b[^>]*?\bname="([^"]+)"([^>]*)>\s*'
    r"(?:'((?:[^']|'')+)'|([^!<']+))!\$?([A-Z]{1,3})\$?(\d+)\s*</(?:\w+:)?definedName>"
)
# the value element may carry attributes, such as its namespace declaration (openpyxl with lxml writes one)
_PROP = re.compile(
    r"<(?:\w+:)?property\b([^>]*)>\s*<[\w:]+(?:\s[^>]*)?>(.*?)</[\w:]+>\s*</(?:\w+:)?property>", re.S
)
# <f> is a cell's first child (ECMA-376 CT_Cell), so only formula cells match; likewise only error cells
_FORMULA_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_ERROR_CELL = re.compile(r'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(r'\br="([A-Z]+\d+)"')
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)


def _sheet_name(quoted: str, plain: str) -> str:
    name = quoted.replace("''", "'") if quoted else plain
    return html.unescape(name) if "&" in name else name


def _attrs(text: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(text)}


@dataclass
class SheetCells:
    """One sheet: values by (row, col), 0-based; formulas and error values by A1 address."""

    rows: list[list[Any]]
    formulas: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            v = self.rows[row][col]
            return None if v == "" else v
        return None


@dataclass
class Workbook:
    sheet_names: list[str]
    _book_xml: str
    properties: dict[str, str]
    _zip: zipfile.ZipFile
    _calamine: Any
    _paths: dict[str, str]
    _members: frozenset[str]

    def defined_names(self) -> dict[str, tuple[str, str]]:
        """Workbook-level names of single cells: name -> (sheet, A1 without $)."""
        return {
            html.unescape(name): (_sheet_name(quoted, plain), col + row)
            for name, attrs, quoted, plain, col, row in _NAME.findall(self._book_xml)
            if "localSheetId" not in attrs
        }

    def sheet(self, name: str, formulas: bool = True) -> SheetCells:
        """The sheet's values; with `formulas`, also its formulas and error cells (a scan of its XML)."""
        rows = self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells = SheetCells(rows)
        path = self._paths.get(name)
        if formulas and path and path in self._members:
            _scan(self._zip.read(path).decode("utf-8", "replace"), cells)
        return cells

    def close(self) -> None:
        self._zip.close()
        self._calamine.close()


def _scan(xml: str, cells: SheetCells) -> None:
    masters: dict[str, tuple[str, str]] = {}  # shared formula id -> (text, anchor)
    pending: list[tuple[str, str]] = []
    for cell_attrs, f_attrs, f_text in _FORMULA_CELL.findall(xml):
        ref = _REF.search(cell_attrs)
        if not ref:
            continue
        text = html.unescape(f_text or "")
        if 't="shared"' in f_attrs:
            si = _attrs(f_attrs).get("si", "")
            if text:
                masters[si] = (text, ref[1])
            else:
                pending.append((ref[1], si))
        if text:
            cells.formulas[ref[1]] = "=" + text
    for cell_attrs, inner in _ERROR_CELL.findall(xml) if 't="e"' in xml else ():
        ref = _REF.search(cell_attrs)
        if ref:
            v = _VALUE.search(inner)
            cells.errors[ref[1]] = html.unescape(v[1]) if v else "#N/A"
    if pending:
        from openpyxl.formula.translate import Translator

        for ref_text, si in pending:
            if si in masters:
                text, anchor = masters[si]
                cells.formulas[ref_text] = Translator("=" + text, origin=anchor).translate_formula(ref_text)


def open_workbook(data: bytes) -> Workbook:
    """Raises zipfile.BadZipFile, KeyError or calamine's errors on a broken package; the caller words them."""
    from python_calamine import CalamineWorkbook

    zf = zipfile.ZipFile(io.BytesIO(data))
    book_xml = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels_xml = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for rel in _REL.findall(rels_xml):
        a = _attrs(rel)
        target = a.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[a.get("Id", "")] = path
    paths = {}
    for sheet in _SHEET.findall(book_xml):
        a = _attrs(sheet)
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        paths[a.get("name", "")] = targets.get(rid, "")
    props = {}
    if "docProps/custom.xml" in zf.namelist():
        custom = zf.read("docProps/custom.xml").decode("utf-8", "replace")
        props = {_attrs(a).get("name", ""): html.unescape(v) for a, v in _PROP.findall(custom)}
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return Workbook(list(calamine.sheet_names), book_xml, props, zf, calamine, paths, frozenset(zf.namelist()))
