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


def docx_problem(exc: BaseException) -> str:
    """What went wrong reading a .docx, in words for the user (never an exception's class name)."""
    import zipfile

    name = type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile) or name == "PackageNotFoundError":
        return "不是完整的 .docx 压缩包，文件不完整或已损坏"
    if isinstance(exc, KeyError):
        return "缺少 Word 文档必需的部件"
    if name in ("XMLSyntaxError", "XmlError", "ParseError") or isinstance(exc, SyntaxError):
        return "文档内容已损坏"
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return "文件已加密，需要密码才能打开"
    return "无法解析文件内容"
