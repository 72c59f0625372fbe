"""A consolidated input's unit list, read from the one zip part of its 汇总单位名单 sheet."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError
from govxl.merge.entries import UNITS_SHEET
from govxl.values import unescape_excel


def _inner_units(path: Path) -> list[tuple[str, int | None, str]]:
    """The units a consolidated workbook sums, from the part of its 汇总单位名单 sheet alone: the other sheets
    (来源明细 holds a row of 200 numbers per input file) are never decompressed, nor the file read whole."""
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, UNITS_SHEET)
            if member is None:
                raise GovxlError(f"{path}：是汇总表，但缺少“{UNITS_SHEET}”表，无法核对其中包含的单位")
            rows = list(_stream_rows(zf, member))[1:]
    except GovxlError:
        raise
    except Exception:
        raise GovxlError(f"{path}：“{UNITS_SHEET}”表已损坏，无法核对其中包含的单位") from None
    out = []
    for row in rows:
        name = str(row[0]).strip() if row and row[0] is not None else ""
        if not name:
            continue
        raw = row[1] if len(row) > 1 else None
        year = int(raw) if isinstance(raw, float) and raw.is_integer() else None
        out.append((name, year, str(row[2] or "") if len(row) > 2 else ""))
    return out


def _sheet_member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The zip member of the sheet called `name`, by the workbook's sheet list and its relationships."""
    import html
    import posixpath

    from govxl.xlsx import _REL, _SHEET, _attrs

    book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for sheet in _SHEET.findall(book):
        a = _attrs(sheet)
        if html.unescape(a.get("name", "")) != name:
            continue
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        for rel in _REL.findall(rels):
            r = _attrs(rel)
            if r.get("Id") == rid:
                target = r.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join("xl", target))
    return None


_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_CELL_V = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_CELL_T = re.compile(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)


def _stream_rows(zf: zipfile.ZipFile, member: str) -> Iterable[list[Any]]:
    """A sheet's rows (numbers as floats, text as str) from that one member of the zip: one scan of its XML,
    no other sheet decompressed."""
    import html

    xml = zf.read(member).decode("utf-8", "replace")
    shared: list[str] | None = None
    rows: dict[int, list[Any]] = {}
    for attrs, inner in _CELL.findall(xml):
        ref = _CELL_REF.search(attrs)
        if not ref:
            continue
        kind_match = _CELL_TYPE.search(attrs)
        kind = kind_match[1] if kind_match else "n"
        value: Any = None
        if kind == "inlineStr":
            value = unescape_excel(html.unescape("".join(_CELL_T.findall(inner))))
        else:
            v = _CELL_V.search(inner)
            if v and kind == "s":
                if shared is None:
                    shared = _shared_strings(zf)
                value = shared[int(v[1])]
            elif v and kind in ("str", "e"):
                value = unescape_excel(html.unescape(v[1]))
            elif v and kind != "b":
                value = float(v[1])
        row = rows.setdefault(int(ref[2]), [])
        col = _column(ref[1])
        row.extend([None] * (col + 1 - len(row)))
        row[col] = value
    return [rows[r] for r in sorted(rows)]


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    from xml.etree.ElementTree import iterparse

    out: list[str] = []
    if "xl/sharedStrings.xml" not in zf.namelist():
        return out
    with zf.open("xl/sharedStrings.xml") as fh:
        for _, el in iterparse(fh, events=("end",)):
            if el.tag.endswith("}si"):
                # plain text, or the runs of rich text; not a phonetic guide (rPh)
                parts = [c for c in el if c.tag.endswith("}t")]
                parts += [t for r in el if r.tag.endswith("}r") for t in r if t.tag.endswith("}t")]
                out.append(unescape_excel("".join(t.text or "" for t in parts)))
                el.clear()
    return out
