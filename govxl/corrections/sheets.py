"""The user's sheets in the correction workbook: the cells concerned highlighted, and every formula the
template does not have there written as its text."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import lru_cache

from govxl.corrections.package import _attrs, _set_attr, _xml_text
from govxl.corrections.styles import _Styles

_CELL = re.compile(r"<((?:\w+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
_ROW = re.compile(r"<((?:\w+:)?)row\b([^>]*?)(/>|>(.*?)</\1row>)", re.S)
_ROW_NUMBER = re.compile(r'\br\s*=\s*"(\d+)"')
# a cell whose first child is a formula (never a self-closing one)
_FORMULA_CELL = re.compile(r"<((?:\w+:)?)c\b([^>]*?)((?<!/)>(\s*<(?:\w+:)?f\b.*?)</\1c>)", re.S)
_R_ATTR = re.compile(r'\br\s*=\s*"([A-Z]{1,3}\d+)"')
_F = re.compile(r"<((?:\w+:)?)f\b([^>]*?)(?:/>|>(.*?)</\1f>)", re.S)


@lru_cache(maxsize=4096)
def _col_of(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not m:
        return (0, 0)
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


def _norm_formula(text: str) -> str:
    return re.sub(r"[\s$]", "", text).upper().lstrip("=")


def _edit_sheet(
    xml: str,
    styles: _Styles,
    highlight: Mapping[str, str],
    fills: dict[str, int],
    keep: Mapping[str, str] | None,
) -> str:
    """The sheet with `highlight` (cell -> fill colour) applied and, when `keep` is given (cell -> the
    template's formula), every other formula replaced by its text."""
    formulas: dict[str, str] = {}
    if keep is not None and 't="shared"' in xml:  # a shared formula's text is known only at its master
        from govxl.xlsx import SheetCells, _scan

        scanned = SheetCells([])
        _scan(xml, scanned)
        formulas = scanned.formulas
    m = re.search(r"<((?:\w+:)?)sheetData\b([^>]*?)(/>|>(.*?)</\1sheetData>)", xml, re.S)
    if m is None:
        return xml
    prefix = m[1]
    pending = dict(highlight)
    by_row: dict[int, list[str]] = {}
    for ref in highlight:
        by_row.setdefault(_col_of(ref)[0], []).append(ref)

    def cell(c: re.Match[str]) -> str:
        inner = c[4] or ""
        found = _R_ATTR.search(c[2])
        ref = found[1] if found else ""
        f = _F.search(inner) if keep is not None and "<" in inner else None
        if ref not in pending and f is None:
            return c[0]  # most cells: nothing to change
        tag = f"<{c[1]}c{c[2]}>"
        if ref in pending:
            base = int(_attrs(c[2]).get("s", "0") or 0)
            tag = _set_attr(tag, "s", str(styles.highlighted(base, pending.pop(ref), fills)))
        if f is not None and keep is not None:
            text = formulas.get(ref) or "=" + html.unescape(f[3] or "")
            expected = keep.get(ref)
            if expected is not None and (text == expected or _norm_formula(text) == _norm_formula(expected)):
                if "shared" in f[2] or "array" in f[2]:  # stand alone: its master may be rewritten
                    inner = (
                        inner[: f.start()] + f"<{f[1]}f>{_xml_text(text.lstrip('='))}</{f[1]}f>" + inner[f.end() :]
                    )
            else:  # a formula the template does not have here: its text, never live
                tag = _set_attr(tag, "t", "inlineStr")
                inner = f"<{c[1]}is><{c[1]}t>{_xml_text(text)}</{c[1]}t></{c[1]}is>"
        return f"{tag}{inner}</{c[1]}c>"

    def row(r: re.Match[str], number: int) -> str:
        if number not in by_row:
            if keep is None or "<f" not in (r[4] or ""):
                return r[0]
            return _FORMULA_CELL.sub(cell, r[0])  # only its formula cells can change
        inner = _CELL.sub(cell, r[4] or "")
        missing = sorted((_col_of(ref)[1], ref) for ref in by_row.get(number, ()) if ref in pending)
        tag = f"<{r[1]}row{r[2]}>"
        if missing:
            for _, ref in missing:
                pending.pop(ref)
            added = {
                ref: f'<{r[1]}c r="{ref}" s="{styles.highlighted(0, highlight[ref], fills)}"/>'
                for _, ref in missing
            }
            parts = [(_col_of(_attrs(c[2]).get("r", ""))[1], c[0]) for c in _CELL.finditer(inner)]
            parts += [(col, added[ref]) for col, ref in missing]
            inner = "".join(p for _, p in sorted(parts, key=lambda x: x[0]))
            tag = _set_attr(tag, "spans", None)
        return f"{tag}{inner}</{r[1]}row>"

    rows: list[tuple[int, str]] = []
    last = 0
    for r in _ROW.finditer(m[4] or ""):
        given = _ROW_NUMBER.search(r[2])
        number = int(given[1]) if given else last + 1
        last = number
        rows.append((number, row(r, number)))
    for number in sorted({_col_of(ref)[0] for ref in pending}):
        new_cells = sorted((_col_of(ref)[1], ref) for ref in pending if _col_of(ref)[0] == number)
        body = "".join(
            f'<{prefix}c r="{ref}" s="{styles.highlighted(0, highlight[ref], fills)}"/>' for _, ref in new_cells
        )
        rows.append((number, f'<{prefix}row r="{number}">{body}</{prefix}row>'))
    rows.sort(key=lambda x: x[0])
    data = f"<{prefix}sheetData{m[2]}>" + "".join(r for _, r in rows) + f"</{prefix}sheetData>"
    return xml[: m.start()] + data + xml[m.end() :]
