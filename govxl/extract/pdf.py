"""PDF with a text layer -> the text layout the cell reader understands (pdfplumber).

On each page, tables found by their ruling lines become rows of cells between pipes; the text outside them
becomes lines; both in reading order, top to bottom. A merged cell's continuation (None) is dropped, while a
cell printed empty ('') stays a blank cell.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any


def pdf_to_text(path: Path) -> str:
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            items: list[tuple[float, list[str]]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                rows = []
                for row in table.extract():
                    cells = [_clean(c) for c in row if c is not None]
                    if any(cells):
                        rows.append(" | ".join(cells) + " |")
                items.append((table.bbox[1], rows))
            outside = page.filter(partial(_outside, boxes))
            for line in outside.extract_text_lines():
                items.append((line["top"], [line["text"]]))
            for _, text in sorted(items, key=lambda item: item[0]):
                lines.extend(text)
    return "\n".join(lines)


def _clean(cell: str) -> str:
    return "".join(cell.split("\n")).strip()


def _outside(boxes: list[tuple[float, float, float, float]], obj: dict[str, Any]) -> bool:
    return not any(_inside(obj, box) for box in boxes)


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return bool(x0 <= cx <= x1 and top <= cy <= bottom)
