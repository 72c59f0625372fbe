"""PDF with a text layer -> the text layout the cell reader understands (pdfplumber).

On each page, tables found by their ruling lines become rows of cells between pipes; the text outside them
becomes lines; both in reading order, top to bottom. A merged cell's continuation (None) is dropped, while a
cell printed empty ('') stays a blank cell.

Prose is printed in lines that wrap wherever the page ends, mid-word ("答" / "复 3050 件"), and a line break
would end a sentence for the prose rules. A line that runs to the right margin and does not end a sentence is
continued by the next one (unless that opens a heading): they become one line, with no space between two
Chinese characters. Page numbers ("- 1 -") are dropped, so a sentence goes on across a page break too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from pathlib import Path
from typing import Any

_FRAMED = re.compile(r"([^|]*\S)\s*\|")  # prose in a one-column table: "text |"
_PAGE_NUMBER = re.compile(r"\s*[-—–]\s*\d+\s*[-—–]\s*|\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*")
_ENDS = "。！？；：!?;:"  # a line ending so ends its sentence (or its heading's label)
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")
_HUNG = "。，、；：！？”’）》」』"  # what CJK typesetting lets hang into the margin
FULL = 0.85  # a line at least this wide, of the widest prose line, reached the right margin


def pdf_to_text(path: Path) -> str:
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            items: list[tuple[float, list[str]]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            hung: set[tuple[float, float]] = set()
            marks = [ch for ch in page.chars if ch["text"] in _HUNG]  # the only chars that can hang
            for table in tables:
                rows = []
                for cells_of_row, row in zip(table.extract(), table.rows, strict=False):
                    cells = [_clean(c) for c in cells_of_row if c is not None]
                    if cells:
                        cells[-1] += _hanging(marks, table.bbox, row.bbox, hung)
                    if any(cells):
                        rows.append(" | ".join(cells) + " |")
                items.append((table.bbox[1], rows))
            outside = page.filter(partial(_outside, boxes, hung))
            for line in outside.extract_text_lines():
                items.append((line["top"], [line["text"]]))
            for _, text in sorted(items, key=lambda item: item[0]):
                lines.extend(text)
    return "\n".join(join_wrapped(lines))


def join_wrapped(lines: list[str]) -> list[str]:
    """The lines with each wrapped line joined to the one it continues (see the module's doc)."""
    lines = [line for line in lines if not _PAGE_NUMBER.fullmatch(line)]
    widths = [_width(_prose(line)[0]) for line in lines if _prose(line)[0] is not None]
    if not widths:
        return lines
    full = FULL * sorted(widths)[len(widths) // 2]  # most lines of prose are full ones
    out: list[str] = []
    for line in lines:
        text, framed = _prose(line)
        if out and text is not None and not _HEADING.match(text):
            before, framed_before = _prose(out[-1])
            if (
                before is not None
                and framed == framed_before
                and _width(before) >= full
                and before[-1] not in _ENDS
                and text[:1].strip()
            ):
                space = " " if before[-1].isascii() and text[0].isascii() and before[-1].isalnum() else ""
                joined = before + space + text.lstrip()
                out[-1] = f"{joined} |" if framed else joined
                continue
        out.append(line)
    return out


def _prose(line: str) -> tuple[str | None, bool]:
    """(the text of a line of prose, whether it is framed as a one-cell table row), or (None, False) for a table
    row of several cells or a blank line."""
    m = _FRAMED.fullmatch(line)
    if m:
        return m[1].strip(), True
    if "|" in line or not line.strip():
        return None, False
    return line.rstrip(), False


def _width(text: str | None) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text or "")


def _hanging(
    chars: list[dict[str, Any]],
    table: tuple[float, float, float, float],
    row: tuple[float, float, float, float],
    hung: set[tuple[float, float]],
) -> str:
    """Punctuation hung past a table's right edge on a row's line ("……12 月 31 日" + "。"): it ends that row's
    text, not a line of its own. `chars`: the page's punctuation marks; each one taken is noted in `hung`."""
    out = []
    for ch in chars:
        cy = (ch["top"] + ch["bottom"]) / 2
        if (
            row[1] <= cy <= row[3]
            and table[2] - 2 * (ch["x1"] - ch["x0"]) <= ch["x0"] <= table[2] + 1
            and (ch["x0"] + ch["x1"]) / 2 > table[2]
        ):
            out.append(ch["text"])
            hung.add((ch["x0"], ch["top"]))
    return "".join(out)


def _clean(cell: str) -> str:
    return "".join(cell.split("\n")).strip()


def _outside(
    boxes: list[tuple[float, float, float, float]], hung: set[tuple[float, float]], obj: dict[str, Any]
) -> bool:
    if (obj.get("x0"), obj.get("top")) in hung:
        return False
    return not any(_inside(obj, box) for box in boxes)


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return bool(x0 <= cx <= x1 and top <= cy <= bottom)


def pdf_problem(exc: BaseException) -> str:
    """What went wrong reading a PDF, in words for the user (never an exception's class name)."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:  # pdfplumber wraps pdfminer's error
        seen.append(exc)
        exc = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__  # type: ignore[assignment]
    names = {type(e).__name__ for e in seen}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return "文件已加密，需要密码才能打开"
    if names & {"PSEOF"}:
        return "文件不完整，在结尾之前就断了"
    if names & {"PDFSyntaxError", "PSSyntaxError", "PDFNoValidXRef", "PDFTypeError", "PDFValueError"}:
        return "文件结构已损坏"
    if names & {"MemoryError", "RecursionError"}:
        return "文件结构过于复杂，无法读取"
    return "无法解析文件内容"
