"""Word (.docx) -> the text layout the cell reader understands (python-docx): paragraphs as lines, each table
row as cells between pipes, in the document's order. A merged cell that python-docx repeats across the
columns it spans is kept once."""

from __future__ import annotations

from pathlib import Path


def docx_to_text(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells, previous = [], None
                for cell in row.cells:
                    if previous is not None and cell._tc is previous:
                        continue
                    previous = cell._tc
                    cells.append("".join(cell.text.split("\n")).strip())
                if any(cells):
                    lines.append(" | ".join(cells) + " |")
    return "\n".join(lines)
