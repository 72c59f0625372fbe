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
_NAME = re.compile(r"<(?:\w+:)?definedName\b([^>]*)>(.*?)</(?:\w+:)?definedName>", re.S)
_PROP = re.compile(r"<(?:\w+:)?property\b([^>]*)>\s*<[\w:]+>(.*?)</[\w:]+>\s*</(?:\w+:)?property>", re.S)
_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_A1 = re.compile(r"([A-Z]+)(\d+)")


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
    defined_names: dict[str, tuple[str, str]]  # name -> (sheet, A1 without $)
    properties: dict[str, str]
    _zip: zipfile.ZipFile
    _calamine: Any
    _paths: dict[str, str]

    def sheet(self, name: str) -> SheetCells:
        rows = self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells = SheetCells(rows)
        path = self._paths.get(name)
        if path and path in self._zip.namelist():
            _scan(self._zip.read(path).decode("utf-8", "replace"), cells)
        return cells

    def close(self) -> None:
        self._zip.close()
        self._calamine.close()


def _scan(xml: str, cells: SheetCells) -> None:
    masters: dict[str, tuple[str, str]] = {}  # shared formula id -> (text, anchor)
    pending: list[tuple[str, str]] = []
    for attrs_text, inner in _CELL.findall(xml):
        if not inner:
            continue
        attrs = _attrs(attrs_text)
        ref = attrs.get("r", "")
        f = _FORMULA.search(inner)
        if f:
            fattrs = _attrs(f[1])
            text = html.unescape(f[2] or "")
            if fattrs.get("t") == "shared":
                si = fattrs.get("si", "")
                if text:
                    masters[si] = (text, ref)
                else:
                    pending.append((ref, si))
            if text:
                cells.formulas[ref] = "=" + text
        if attrs.get("t") == "e":
            v = _VALUE.search(inner)
            cells.errors[ref] = html.unescape(v[1]) if v else "#N/A"
    if pending:
        from openpyxl.formula.translate import Translator

        for ref, si in pending:
            if si in masters:
                text, anchor = masters[si]
                cells.formulas[ref] = Translator("=" + text, origin=anchor).translate_formula(ref)


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
    names = {}
    for attrs_text, text in _NAME.findall(book_xml):
        a = _attrs(attrs_text)
        if "localSheetId" in a:
            continue
        ref = html.unescape(text).strip()
        if "!" not in ref or "," in ref:
            continue
        sheet, cell = ref.rsplit("!", 1)
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        cell = cell.replace("$", "")
        if _A1.fullmatch(cell):
            names[a.get("name", "")] = (sheet, cell)
    props = {}
    if "docProps/custom.xml" in zf.namelist():
        custom = zf.read("docProps/custom.xml").decode("utf-8", "replace")
        props = {_attrs(a).get("name", ""): html.unescape(v) for a, v in _PROP.findall(custom)}
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return Workbook(list(calamine.sheet_names), names, props, zf, calamine, paths)
