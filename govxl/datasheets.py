"""Plain data sheets after the official tables (a consolidation's provenance, an extraction's record):
xlsxwriter writes their headers, widths and filter; their rows are streamed into the finished package
afterwards, a batch at a time, so that a 2,000-unit merge neither holds them all nor pays xlsxwriter's
per-cell cost."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govxl.grid import col_letter
from govxl.values import excel_text, xml_safe


@dataclass(frozen=True)
class DataSheet:
    """A plain sheet appended after the official tables: header rows, then data rows, filterable."""

    name: str
    header: Sequence[Sequence[Any]]
    rows: Iterable[Sequence[Any]]  # may be a generator: rows are streamed into the file, never all held
    count: int  # how many rows `rows` yields (the filter range is written before them)
    widths: Sequence[float] = ()
    hidden: bool = False  # a record for programs (an extraction's findings), not for people

    def __post_init__(self) -> None:
        if not self.header or not max(map(len, self.header)):
            raise ValueError(f"data sheet {self.name!r} has no header row (its filter starts there)")


def _rows_xml(rows: Iterable[Sequence[Any]], first: int, batch: int = 500) -> Iterable[str]:
    """SpreadsheetML <row> elements for plain values (numbers, text inline, booleans; None and nan are no
    cell), yielded a batch at a time."""
    letters = [col_letter(i) for i in range(64)]
    out: list[str] = []
    for n, row in enumerate(rows, start=first + 1):
        cells = []
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            if i >= len(letters):
                letters.extend(col_letter(j) for j in range(len(letters), i + 64))
            ref = f"{letters[i]}{n}"
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, int):
                cells.append(f'<c r="{ref}"><v>{int(v)}</v></c>')
            elif isinstance(v, float):
                if v == v:  # nan: no value
                    cells.append(f'<c r="{ref}"><v>{float(v)!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(str(v))}</t></is></c>')
        out.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(out) >= batch:
            yield "".join(out)
            out.clear()
    if out:
        yield "".join(out)


def _xml_text(text: str) -> str:
    """Text as an inline string holds it: as Excel writes it (govxl.values.excel_text: a unit's name in the
    provenance is the name on its cover, control characters and all), without what UTF-8 cannot encode (a lone
    surrogate), &, < and > escaped."""
    text = xml_safe(excel_text(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stream_rows(text: str, rows: Iterable[Sequence[Any]], first: int) -> Iterator[str]:
    """A data sheet's XML as xlsxwriter wrote it (headers only), with the rows streamed in before
    </sheetData> and its <dimension> dropped (it would name the headers alone)."""
    text = text.replace("<sheetData/>", "<sheetData></sheetData>")
    text = re.sub(r'<dimension ref="[^"]*"/>', "", text, count=1)
    head, tail = text.split("</sheetData>", 1)
    yield head
    yield from _rows_xml(rows, first)
    yield "</sheetData>" + tail


def _inject(data: bytes, streams: Mapping[str, tuple[Iterable[Sequence[Any]], int]]) -> bytes:
    """Stream rows into the named sheet parts; every other part is copied as is."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            if item.filename not in streams:
                dst.writestr(info, body, compresslevel=1)
                continue
            rows, first = streams[item.filename]
            with dst.open(info, "w", force_zip64=True) as part:
                for chunk in stream_rows(body.decode("utf-8"), rows, first):
                    part.write(chunk.encode("utf-8"))
    return out.getvalue()
