"""Word (.docx) -> the text layout the cell reader understands: paragraphs as lines, each table row as cells
between pipes, in the document's order. A merged cell is kept once; a cell that continues a vertical merge
repeats the text of the merge's first cell, as Word shows it.

The document part is read directly with lxml (the parser python-docx itself uses, with entities and network
off): python-docx's cell access walks back up every vertical merge row by row, which made a report's table
三 quadratic (about 100 ms a report against 10 ms)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_MAIN = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
MAX_PART_BYTES = 200 * 1024 * 1024  # the document part unpacked; a report's is well under 5 MB


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)  # KeyError: a part a Word document must have is missing
    if info.file_size > MAX_PART_BYTES:
        raise ValueError("part too large")
    return zf.read(info)


def _main_part(zf: zipfile.ZipFile) -> str:
    _parse(_read(zf, "[Content_Types].xml"))  # every Word package has it: a broken one is a broken file
    rels = _parse(_read(zf, "_rels/.rels"))
    for rel in rels.iter(_REL + "Relationship"):
        if rel.get("Type") in (_MAIN, _STRICT_MAIN):
            return str(posixpath.normpath(str(rel.get("Target", "")).lstrip("/")))
    raise KeyError("officeDocument")


def _run_text(run: Any) -> str:
    out = []
    for node in run:
        tag = node.tag
        if tag == W + "t":
            out.append(node.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag == W + "br":
            out.append("\n" if node.get(W + "type") in (None, "textWrapping") else "")
        elif tag == W + "cr":
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _paragraph_text(p: Any) -> str:
    """The paragraph's runs, those in hyperlinks and insertions included; deleted text, field codes and the
    text of boxes drawn over the page are not the paragraph's."""
    out = []
    for run in p.iter(W + "r"):
        parent = run.getparent()
        while parent is not None and parent is not p and parent.tag != W + "txbxContent":
            parent = parent.getparent()
        if parent is p:
            out.append(_run_text(run))
    return "".join(out)


def _table_lines(tbl: Any) -> list[str]:
    lines = []
    above: dict[int, str] = {}  # grid column -> the text of the cell a vertical merge there started with
    for tr in tbl.findall(W + "tr"):
        before = tr.find(f"{W}trPr/{W}gridBefore")
        col = int(before.get(W + "val", "0")) if before is not None else 0
        cells = []
        for tc in tr.findall(W + "tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            merge_el = tc.find(f"{W}tcPr/{W}vMerge")
            span = max(int(span_el.get(W + "val", "1")), 1) if span_el is not None else 1
            if merge_el is not None and merge_el.get(W + "val") in (None, "continue"):
                text = above.get(col, "")
            else:
                text = "".join("".join(_paragraph_text(p).split("\n")) for p in tc.findall(W + "p")).strip()
                above[col] = text
            cells.append(text)
            col += span
        if any(cells):
            lines.append(" | ".join(cells) + " |")
    return lines


def docx_to_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        root = _parse(_read(zf, _main_part(zf)))
    body = root.find(W + "body")
    if body is None:
        raise KeyError("body")
    lines: list[str] = []
    for block in body:
        if block.tag == W + "p":
            text = _paragraph_text(block).strip()
            if text:
                lines.append(text)
        elif block.tag == W + "tbl":
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def docx_problem(exc: BaseException) -> str:
    """What went wrong reading a .docx, in words for the user (never an exception's class name)."""
    name = type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile) or name == "PackageNotFoundError":
        return "不是完整的 .docx 压缩包，文件不完整或已损坏"
    if isinstance(exc, KeyError):
        return "缺少 Word 文档必需的部件"
    if name in ("XMLSyntaxError", "XmlError", "ParseError") or isinstance(exc, SyntaxError):
        return "文档内容已损坏"
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return "文件已加密，需要密码才能打开"
    if isinstance(exc, ValueError) and "too large" in str(exc):
        return "文档内容过大，不像年度报告"
    return "无法解析文件内容"
