"""A published report's text -> sections, each a stream of table cells, whatever the layout it was flattened to.

Layouts seen in published copies (shared/corpus): one cell per line behind a tab with blank lines between
rows; whole rows on a line with cells between pipes; one cell per line ending in a pipe, where a lone pipe is a
blank cell and a line of pipes only pads a row; one cell per paragraph. All become one list of cells: text,
"" for a cell known to be blank, and ROW for a row's end where the layout shows one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from govxl.spec import Edition, loaded_editions

ROW = "\x00row"
SECTION = re.compile(r"^ *([一二三四五六七八九十]+)、(.*)$")
_ONLY_PIPES = re.compile(r"^\|{2,}$")
_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?)+")


@dataclass
class Section:
    number: str  # 一 … 六
    heading: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_sections(text: str) -> tuple[list[str], list[Section]]:
    """(lines before the first heading, the sections in order). A heading is 一、…六、 at a line's start that
    speaks of its section's topic, each later than the one before (an excerpt may start at any of them), so
    numbered items inside the prose are not mistaken for headings. The sections and what each heading speaks
    of ("四、因政府信息公开工作被申请行政复议…": 复议) are the editions' (spec: sections), any edition's, since
    which edition a report is of is told from its sections."""
    editions = loaded_editions()  # as GOVXL_EDITIONS_DIR reads now: the caches below key by these objects
    order, topics = _sections(editions)
    head: list[str] = []
    sections: list[Section] = []
    for line in text.splitlines():
        single = re.fullmatch(r"([^|]+?)\s*\|\s*", line)  # a one-cell row: a page framed as a table
        if single and SECTION.match(single[1]):
            line = single[1]
        m = SECTION.match(line)  # a table cell (behind a tab, or between pipes) is never a heading
        later = order[order.index(sections[-1].number) + 1 :] if sections else order
        heading = m and m[1] in later and "|" not in line and topics[m[1]].search(m[2])
        if m and heading and not _is_row_label(m[2], editions):
            sections.append(Section(m[1], f"{m[1]}、{m[2].strip()}"))
        elif sections:
            sections[-1].lines.append(line)
        else:
            head.append(line)
    return head, sections


@cache
def _sections(editions: tuple[Edition, ...]) -> tuple[tuple[str, ...], dict[str, re.Pattern[str]]]:
    """The editions' section numbers in order, and for each the words one of which its heading carries."""
    words: dict[str, list[str]] = {}
    for ed in editions:
        for section in ed.sections:
            words.setdefault(section.number, []).extend(section.topics)
    order = tuple(words)  # as the editions list them: the official order
    return order, {n: re.compile("|".join(map(re.escape, dict.fromkeys(w)))) for n, w in words.items()}


def _is_row_label(text: str, editions: tuple[Edition, ...]) -> bool:
    """A table's own numbered rows (table 三's "四、结转下年度继续办理") when printed as lines of their own."""
    return any(text.strip().startswith(label[:4]) for label in _numbered_rows(editions))


@cache
def _numbered_rows(editions: tuple[Edition, ...]) -> tuple[str, ...]:
    """Every edition's row labels that are numbered like section headings (一、…), without the number."""
    out = []
    for ed in editions:
        for table in ed.tables:
            for block in table.blocks:
                for row in block.rows:
                    m = SECTION.match(row.label)
                    if m:
                        out.append(m[2].strip())
    return tuple(dict.fromkeys(out))


def cells_of(lines: list[str]) -> list[str]:
    """The table cells of some lines, in reading order."""
    out: list[str] = []
    tabbed = sum(line.startswith("\t") for line in lines) > len(lines) // 4
    unterminated = False  # the previous line was a cell's text without its closing pipe
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if tabbed:
            if not stripped and not line.startswith("\t"):
                _row_end(out)
            elif line.startswith("\t"):
                out.append(stripped)
            elif out and out[-1] != ROW:  # a cell's text broken over lines
                out[-1] += stripped
            continue
        if not stripped:
            continue
        if "|" not in stripped:
            # a layout of spaces: wide gaps part cells, and numbers side by side are so many cells
            pieces = [p for p in re.split(r"\s{2,}", stripped) if p]
            for piece in pieces:
                out.extend(piece.split() if _NUMBERS.fullmatch(piece) else [piece])
            if len(pieces) > 1 or _NUMBERS.fullmatch(stripped):
                _row_end(out)
            else:
                unterminated = True
            continue
        if stripped == "|" and unterminated:  # "行政规范性文件" then "|": the pipe closes the label
            unterminated = False
            continue
        unterminated = False
        if _ONLY_PIPES.match(stripped.replace(" ", "")):
            _row_end(out)
            continue
        pieces = [p.strip() for p in stripped.split("|")]
        if pieces and pieces[0] == "" and stripped.startswith("|") and len(pieces) > 2:
            pieces = pieces[1:]  # "| a | b |": a leading pipe opens the row
        if pieces and pieces[-1] == "":
            pieces = pieces[:-1]
        out.extend(pieces)
        if len(pieces) > 1:
            _row_end(out)
    return out


def _row_end(out: list[str]) -> None:
    if out and out[-1] != ROW:
        out.append(ROW)


def norm(text: str) -> str:
    """What two spellings of a label share: width, spaces, quotes and brackets do not count."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^(\d+)[、．.]", r"\1.", text)  # "3、其他" is item 3.其他
    for a, b in (("“", '"'), ("”", '"'), ("「", '"'), ("」", '"'), ("〔", "["), ("〕", "]"), ("：", ":")):
        text = text.replace(a, b)
    return text
