"""The office's own words (--text): a .docx or .txt with the six headings; what is under 一, 五 and 六 is kept
line for line as written. The tables' sections (二 to 四) of the file, if it has them, are not used: the
report's tables come from the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govxl.errors import GovxlError

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class OfficeText:
    path: Path
    sections: dict[str, tuple[str, ...]]  # 一/五/六 -> its lines, as written (blank lines dropped)


def read_office_text(path: Path) -> OfficeText:
    from govxl.extract.cells import split_sections
    from govxl.spec import available_editions, load_edition

    _, sections = split_sections(_text(path))
    # the sections that are the office's words (spec: sections; 一, 五, 六), whichever edition the workbook is
    ours = {n for e in available_editions() for n in load_edition(e).own_sections}
    own = {s.number: tuple(line.strip() for line in s.lines if line.strip()) for s in sections if s.number in ours}
    own = {k: v for k, v in own.items() if v}
    if not own:
        named = "".join(f"“{s.heading}”" for s in load_edition().sections if not s.table)
        raise GovxlError(f"{path}：找不到{named}等章节标题（每个标题单独一行，以“一、”等开头），无法取用正文")
    return OfficeText(path, own)


def _text(path: Path) -> str:
    from govxl.files import decode_text

    if not path.exists():
        raise GovxlError(f"{path}：正文文件不存在")
    if path.is_dir():
        raise GovxlError(f"{path}：这是一个文件夹，不是正文文件")
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".txt"):
        raise GovxlError(f"{path}：正文须为 Word（.docx）或文本（.txt）文件")
    if path.stat().st_size > MAX_BYTES:
        raise GovxlError(f"{path}：文件过大，不像年度报告的正文")
    data = path.read_bytes()
    if suffix == ".docx":
        from govxl.extract import docx_text

        return docx_text(path, data)
    if b"\x00" in data[:4096]:
        raise GovxlError(f"{path}：是二进制文件，不是文本文件")
    text = decode_text(data)
    if text is None:
        raise GovxlError(f"{path}：无法识别文字编码（应为 UTF-8 或 GBK）")
    return text
