"""Findings -> the correction workbook: a copy of the input whose first sheet 校验结果 lists every finding,
with each cell concerned highlighted and commented. The input file itself is never written.

The copy is made at the zip level: every part of the user's package is copied as it is, and only what the
correction workbook adds is written — a new worksheet part, a few styles, highlight styles on the cells
concerned, comments with their VML drawing, and a custom property marking the file as govxl's. No
spreadsheet library has to accept (or re-save) the user's file, so what the reader read can always be
written, and in a few milliseconds. Every text is written as text (inline strings, XML-escaped, control
characters removed); a formula the user typed where the template has none is written as its text.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError, describe
from govxl.files import write_atomically
from govxl.findings import FileReport, Finding, Severity
from govxl.reader import CORRECTIONS_SHEET, load_bytes

HEADER = ("序号", "严重程度", "规则", "工作表", "位置", "问题", "应为", "实际", "状态", "说明")
WIDTHS = (6, 9, 8, 24, 30, 70, 14, 14, 10, 40)
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
SUFFIX = "_校验"
PROP_OF = "govxl_corrections_of"  # the name of the file a correction workbook was written for
PROP_UNIT = "govxl_corrections_unit"  # and its 填报单位: explanations are carried only to the same unit

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# characters XML 1.0 does not allow, raw or as character references (a mutated or hand-made package)
_BAD_CHARS = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:0*(?:[0-8]|1[1249]|1[4-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));", re.I
)
_TEXT_BAD = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


def corrections_path(source: Path, output_dir: Path | None) -> Path:
    """X.xlsx -> X_校验.xlsx; checking X_校验.xlsx again -> X_校验2.xlsx, so no file is its own output."""
    folder = output_dir if output_dir is not None else source.parent
    again = re.fullmatch(rf"(.*){SUFFIX}(\d*)", source.stem)
    if again:
        return folder / f"{again[1]}{SUFFIX}{int(again[2] or 1) + 1}.xlsx"
    return folder / f"{source.stem}{SUFFIX}.xlsx"


def candidate_paths(source: Path, output_dir: Path | None) -> Iterator[Path]:
    """Where the correction workbook of `source` may go, in order of preference: X_校验.xlsx, then
    X(2)_校验.xlsx, X(3)_校验.xlsx … when the first is taken in this run or belongs to another unit."""
    first = corrections_path(source, output_dir)
    yield first
    for k in range(2, 1000):
        yield first.with_name(f"{source.stem}({k}){SUFFIX}.xlsx")


@dataclass
class Existing:
    """What is already at a target path: nothing, a govxl correction workbook (of which unit, with which
    explanations), or something else that must not be overwritten."""

    kind: str  # "none" | "govxl" | "other" | "unreadable"
    unit: str = ""
    explanations: dict[tuple[str, str], str] = field(default_factory=dict)


def inspect_target(target: Path) -> Existing:
    if not target.exists():
        return Existing("none")
    from govxl.reader import read_filing

    try:
        filing = read_filing(target)
    except GovxlError:
        return Existing("unreadable")
    props = filing.properties
    is_ours = PROP_OF in props or bool(filing.explanations) or _has_corrections_sheet(target)
    if not is_ours:
        return Existing("other")
    return Existing("govxl", props.get(PROP_UNIT, filing.unit), filing.explanations)


def _has_corrections_sheet(path: Path) -> bool:
    from govxl.xlsx import open_workbook

    try:
        book = open_workbook(load_bytes(path))
    except Exception:
        return False
    try:
        return CORRECTIONS_SHEET in book.sheet_names
    finally:
        book.close()


def explanations_in(target: Path) -> dict[tuple[str, str], str]:
    """Explanations an office already wrote into an earlier correction workbook (Python API)."""
    found = inspect_target(target)
    if found.kind == "other":
        raise GovxlError(f"{target} 已存在且不是 govxl 的校验结果文件，不会覆盖；请改名或用 --output-dir")
    if found.kind == "unreadable":
        raise GovxlError(f"{target} 已存在且无法读取，不会覆盖；请改名或用 --output-dir")
    return found.explanations


def write_corrections(
    report: FileReport,
    source: Path,
    target: Path,
    keep: Mapping[tuple[str, str], str] | None = None,
    sheets: Sequence[str] | None = None,
) -> Path:
    """Write the correction workbook of `source` to `target`. `keep` maps (sheet, cell) to the template's
    formula there: formulas of the sheets named in `sheets` stay live only where they are the template's
    own; any other formula is written as its text. Raises GovxlError when the package cannot be copied."""
    if target.resolve() == source.resolve():
        raise GovxlError(f"{source}：校验结果文件不能与被校验的文件同名")
    data = load_bytes(source)
    try:
        out = build_corrections(data, report, source.name, keep or {}, sheets)
    except GovxlError as exc:
        raise GovxlError(f"{source}：{exc.message}，无法写出校验结果工作簿") from None
    except Exception as exc:
        raise GovxlError(f"{source}：文件内部结构有误，无法写出校验结果工作簿（{describe(exc)}）") from None
    write_atomically(target, out, overwrite=True)
    return target


# --- the package --------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return html.escape(_TEXT_BAD.sub("", text), quote=True)


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _set_attr(tag: str, name: str, value: str | None) -> str:
    """`tag` (an element's start tag) with attribute `name` set to `value` (or removed when None)."""
    tag = re.sub(rf'\s{re.escape(name)}\s*=\s*"[^"]*"', "", tag)
    if value is None:
        return tag
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{value}"{tag[end:]}'


def _well_formed(name: str, body: bytes) -> None:
    """Raises GovxlError unless `body` is well-formed XML with its namespaces declared (expat: about twice as
    fast as building an lxml tree, and what every spreadsheet program requires of a part)."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError:
        raise GovxlError("文件已损坏：其中的一个组成部分格式有误") from None


class _Package:
    def __init__(self, data: bytes) -> None:
        self.order: list[str] = []
        self.parts: dict[str, bytes] = {}
        self.changed: set[str] = set()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.is_dir() or info.filename in self.parts:
                    continue
                body = zf.read(info)
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    body = _BAD_CHARS.sub(b"", body)
                    _well_formed(info.filename, body)
                self.order.append(info.filename)
                self.parts[info.filename] = body

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, text: str | bytes, *, checked: bool = True) -> None:
        """Set a part; `checked` parts are parsed again before the package is written (a worksheet whose
        well-formed cells were swapped for well-formed cells need not be: it is the largest part)."""
        if name not in self.parts:
            self.order.append(name)
        if checked:
            self.changed.add(name)
        self.parts[name] = text.encode("utf-8") if isinstance(text, str) else text

    def drop(self, name: str) -> None:
        if name in self.parts:
            del self.parts[name]
            self.order.remove(name)

    def unique(self, stem: str, ext: str) -> str:
        n = 1
        while f"{stem}{n}{ext}" in self.parts:
            n += 1
        return f"{stem}{n}{ext}"

    def bytes(self) -> bytes:
        for name in self.changed & set(self.parts):  # what was written here must parse, as what was read did
            _well_formed(name, self.parts[name])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            first = "[Content_Types].xml"
            for name in ([first] if first in self.parts else []) + [n for n in self.order if n != first]:
                zf.writestr(
                    zipfile.ZipInfo(name, date_time=(2021, 9, 26, 0, 0, 0)),
                    self.parts[name],
                    zipfile.ZIP_DEFLATED,
                    1,
                )
        return out.getvalue()


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _rels(pkg: _Package, part: str) -> list[dict[str, str]]:
    path = _rels_path(part)
    if path not in pkg.parts:
        return []
    return [_attrs(m) for m in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", pkg.text(path))]


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _add_rel(pkg: _Package, part: str, rel_type: str, target: str) -> str:
    path = _rels_path(part)
    if path not in pkg.parts:
        pkg.put(
            path,
            f'{_DECL}<Relationships xmlns="{_PKG_RELS}"></Relationships>',
        )
    text = pkg.text(path)
    ids = set(re.findall(r'\bId="([^"]*)"', text))
    n = 1
    while f"rIdGovxl{n}" in ids:
        n += 1
    rid = f"rIdGovxl{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
    text = re.sub(r"<((?:\w+:)?)Relationships\b([^>]*)/>", r"<\1Relationships\2></\1Relationships>", text, count=1)
    head, sep, tail = text.rpartition("</")
    pkg.put(path, head + rel + sep + tail)
    return rid


def _drop_rels(pkg: _Package, part: str, ids: set[str]) -> None:
    path = _rels_path(part)
    if path in pkg.parts:
        text = re.sub(
            r"<(?:\w+:)?Relationship\b[^>]*>",
            lambda m: "" if _attrs(m[0]).get("Id") in ids else m[0],
            pkg.text(path),
        )
        pkg.put(path, text)


def _content_type(pkg: _Package, part: str | None, ctype: str, extension: str | None = None) -> None:
    name = "[Content_Types].xml"
    text = pkg.text(name)
    if extension is not None:
        if re.search(rf'Extension="{extension}"', text, re.I):
            return
        item = f'<Default Extension="{extension}" ContentType="{ctype}"/>'
    else:
        item = f'<Override PartName="/{part}" ContentType="{ctype}"/>'
    head, sep, tail = text.rpartition("</")
    pkg.put(name, head + item + sep + tail)


def _drop_content_type(pkg: _Package, part: str) -> None:
    name = "[Content_Types].xml"
    pkg.put(name, re.sub(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', "", pkg.text(name)))


# --- styles -----------------------------------------------------------------------------------------------

_MINIMAL_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class _Styles:
    """styles.xml with fonts, fills and cell formats appended (never changing an existing index)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.xfs = self._children("cellXfs", "xf")
        self.new: dict[str, list[str]] = {"fonts": [], "fills": [], "cellXfs": []}
        self.counts = {
            "fonts": len(self._children("fonts", "font")),
            "fills": len(self._children("fills", "fill")),
            "cellXfs": len(self.xfs),
        }
        if not self.counts["fonts"] or not self.counts["fills"] or not self.xfs:
            raise GovxlError("文件的样式表（styles.xml）不完整（文件已损坏）")
        self.clones: dict[tuple[int, str], int] = {}

    def _section(self, name: str) -> re.Match[str] | None:
        return re.search(rf"<((?:\w+:)?){name}\b[^>]*?(?:/>|>(.*?)</\1{name}>)", self.xml, re.S)

    def _children(self, section: str, child: str) -> list[str]:
        m = self._section(section)
        if not m or m[2] is None:
            return []
        return re.findall(rf"<(?:\w+:)?{child}\b[^>]*?(?:/>|>.*?</(?:\w+:)?{child}>)", m[2], re.S)

    def add(self, section: str, item: str) -> int:
        self.new[section].append(item)
        return self.counts[section] + len(self.new[section]) - 1

    def fill(self, rgb: str) -> int:
        return self.add(
            "fills",
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>',
        )

    def highlighted(self, base: int, rgb: str, fills: dict[str, int]) -> int:
        """A copy of cell format `base` with the fill of `rgb`."""
        key = (base, rgb)
        if key not in self.clones:
            xf = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
            start = re.match(r"<[^>]*>", xf)
            assert start is not None
            tag = _set_attr(_set_attr(start[0], "fillId", str(fills[rgb])), "applyFill", "1")
            self.clones[key] = self.add("cellXfs", tag + xf[start.end() :])
        return self.clones[key]

    def text(self) -> str:
        for section, items in self.new.items():
            if not items:
                continue
            m = self._section(section)
            assert m is not None
            prefix = m[1]
            count = self.counts[section] + len(items)
            start_tag = re.match(r"<[^>]*>", m[0])
            assert start_tag is not None
            start = _set_attr(start_tag[0], "count", str(count))
            body = (m[2] or "") + "".join(items)
            self.xml = self.xml[: m.start()] + start + body + f"</{prefix}{section}>" + self.xml[m.end() :]
        return self.xml


# --- the sheets -------------------------------------------------------------------------------------------

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


_AFTER_LEGACY = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def _insert_before(xml: str, tags: Sequence[str], element: str) -> str:
    for tag in tags:
        m = re.search(rf"<(?:\w+:)?{tag}\b", xml)
        if m:
            return xml[: m.start()] + element + xml[m.start() :]
    i = xml.rfind("</")
    return xml[:i] + element + xml[i:]


def _r_prefix(xml: str) -> tuple[str, str]:
    """The prefix the element's document uses for the relationships namespace (declaring one if none)."""
    root = re.search(r"<(?![?!])[^>]*?>", xml)
    assert root is not None
    tag = root[0]
    m = re.search(rf'xmlns:([\w.-]+)="{re.escape(_R)}"', tag)
    if m:
        return m[1], xml
    new = tag[:-2] + f' xmlns:govxlr="{_R}"/>' if tag.endswith("/>") else tag[:-1] + f' xmlns:govxlr="{_R}">'
    return "govxlr", xml[: root.start()] + new + xml[root.end() :]


def _comments(pkg: _Package, sheet_part: str, xml: str, notes: Mapping[str, str], block: int) -> str:
    """Comments on `notes` (cell -> text) of the sheet: a comments part and its VML drawing. The comments of
    an earlier correction workbook (all by govxl) are replaced; a sheet with the user's own comments keeps
    them and gets none."""
    rels = _rels(pkg, sheet_part)
    ours = {r["Id"] for r in rels if r.get("Type", "").endswith(("/comments", "/vmlDrawing"))}
    if ours or re.search(r"<(?:\w+:)?legacyDrawing\b", xml):
        for r in rels:
            if r.get("Id") in ours and r.get("Type", "").endswith("/comments"):
                target = _resolve(sheet_part, r.get("Target", ""))
                authors = (
                    re.findall(r"<(?:\w+:)?author>(.*?)</(?:\w+:)?author>", pkg.text(target))
                    if target in pkg.parts
                    else []
                )
                if set(authors) != {"govxl"}:
                    return xml
        for r in rels:
            if r.get("Id") in ours:
                target = _resolve(sheet_part, r.get("Target", ""))
                pkg.drop(target)
                _drop_content_type(pkg, target)
        _drop_rels(pkg, sheet_part, ours)
        xml = re.sub(r"<(?:\w+:)?legacyDrawing\b[^>]*/>", "", xml)
    comments = pkg.unique("xl/govxl_comments", ".xml")
    vml = pkg.unique("xl/drawings/govxl_vmlDrawing", ".vml")
    items = []
    shapes = []
    for n, (ref, text) in enumerate(sorted(notes.items(), key=lambda x: _col_of(x[0])), start=1):
        row, col = _col_of(ref)
        items.append(
            f'<comment ref="{ref}" authorId="0"><text><r><t xml:space="preserve">{_xml_text(text)}</t></r>'
            "</text></comment>"
        )
        shapes.append(
            f'<v:shape id="_x0000_s{block * 1024 + n}" type="#_x0000_t202" style="position:absolute;'
            'margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:120pt;z-index:1;visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col}, 15, {max(row - 2, 0)}, 10, {col + 4}, 15, {row + 6}, 4</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>"
            "</x:ClientData></v:shape>"
        )
    pkg.put(
        comments,
        f'{_DECL}<comments xmlns="{_MAIN}"><authors><author>govxl</author>'
        f"</authors><commentList>{''.join(items)}</commentList></comments>",
    )
    pkg.put(
        vml,
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{''.join(shapes)}</xml>",
    )
    _content_type(pkg, comments, _CT_COMMENTS)
    _content_type(pkg, None, _CT_VML, extension="vml")
    base = posixpath.dirname(sheet_part)
    _add_rel(pkg, sheet_part, f"{_R}/comments", posixpath.relpath(comments, base))
    rid = _add_rel(pkg, sheet_part, f"{_R}/vmlDrawing", posixpath.relpath(vml, base))
    prefix, xml = _r_prefix(xml)
    main = re.match(r"<((?:\w+:)?)", re.search(r"<(?!\?)[^>]*>", xml)[0])  # type: ignore[index]
    p = main[1] if main else ""
    return _insert_before(xml, _AFTER_LEGACY, f'<{p}legacyDrawing {prefix}:id="{rid}"/>')


def _status(f: Finding) -> str:
    if f.severity is Severity.WARNING and f.explanation:
        return "已说明"
    if f.severity is Severity.ERROR:
        return "须改正"
    return "请核实" if f.severity is Severity.WARNING else "提示"


def _cell_xml(ref: str, value: Any, style: int) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    return (
        f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>'
    )


def _results_sheet(report: FileReport, names: set[str], style: dict[str, int]) -> str:
    letters = "ABCDEFGHIJ"
    rows = [
        '<row r="1">'
        + "".join(_cell_xml(f"{letters[i]}1", h, style["header"]) for i, h in enumerate(HEADER))
        + "</row>"
    ]
    links = []
    for n, f in enumerate(report.findings, start=1):
        r = n + 1
        a = f.anchor
        values = (
            n,
            f.severity.chinese,
            f.rule,
            a.sheet if a else "",
            a.cell if a else "",
            f.message,
            _plain(f.expected),
            _plain(f.actual),
            _status(f),
            f.explanation,
        )
        linked = bool(a and a.cell and a.sheet in names)
        cells = []
        for i, v in enumerate(values):
            s = style[f.severity.value] if i == 1 else style["link"] if i == 4 and linked else style["body"]
            cells.append(_cell_xml(f"{letters[i]}{r}", v, s))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        if linked and a:
            location = "'" + a.sheet.replace("'", "''") + "'!" + a.cell
            links.append(f'<hyperlink ref="E{r}" location="{_xml_text(location)}" display="{_xml_text(a.cell)}"/>')
    last = len(report.findings) + 1
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(WIDTHS))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:J{last}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>"
        f'<autoFilter ref="A1:J{last}"/>'
        + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
        + '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>'
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _custom_properties(pkg: _Package, values: Mapping[str, str]) -> None:
    name = "docProps/custom.xml"
    if name not in pkg.parts:
        pkg.put(
            name,
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            'docPropsVTypes"></Properties>',
        )
        _content_type(pkg, name, _CT_CUSTOM)
        _add_rel(pkg, "", f"{_R}/custom-properties", name)
    text = pkg.text(name)
    for key in values:
        text = re.sub(rf'<((?:\w+:)?)property\b[^>]*name="{key}".*?</\1property>', "", text, flags=re.S)
    pids = [int(p) for p in re.findall(r'\bpid="(\d+)"', text)]
    pid = max([1, *pids]) + 1
    root = re.search(r"<((?:\w+:)?)Properties\b", text)
    p = root[1] if root else ""
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    items = "".join(
        f'<{p}property fmtid="{_FMTID}" pid="{pid + i}" name="{key}">'
        f'<vt:lpwstr xmlns:vt="{vt}">{_xml_text(value)}</vt:lpwstr></{p}property>'
        for i, (key, value) in enumerate(values.items())
    )
    text = re.sub(r"<((?:\w+:)?)Properties\b([^>]*)/>", r"<\1Properties\2></\1Properties>", text, count=1)
    head, sep, tail = text.rpartition("</")
    pkg.put(name, head + items + sep + tail)


def build_corrections(
    data: bytes,
    report: FileReport,
    source_name: str,
    keep: Mapping[tuple[str, str], str],
    sheets: Sequence[str] | None = None,
) -> bytes:
    pkg = _Package(data)
    book_part = "xl/workbook.xml"
    book = pkg.text(book_part)
    rels = {r.get("Id", ""): _resolve(book_part, r.get("Target", "")) for r in _rels(pkg, book_part)}
    sheets_m = re.search(r"<((?:\w+:)?)sheets\b[^>]*>(.*?)</\1sheets>", book, re.S)
    if sheets_m is None:
        raise GovxlError("文件的 xl/workbook.xml 中没有工作表列表（文件已损坏）")
    p = sheets_m[1]
    entries = re.findall(r"<(?:\w+:)?sheet\b[^>]*>", sheets_m[2])
    parts: dict[str, str] = {}
    order: list[str] = []
    old_index = None
    for i, e in enumerate(entries):
        a = _attrs(e)
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        name = a.get("name", "")
        if name == CORRECTIONS_SHEET:
            old_index = i
            old_part = rels.get(rid, "")
            for r in _rels(pkg, old_part):
                if r.get("TargetMode") != "External":
                    target = _resolve(old_part, r.get("Target", ""))
                    pkg.drop(target)
                    _drop_content_type(pkg, target)
            pkg.drop(old_part)
            pkg.drop(_rels_path(old_part))
            _drop_content_type(pkg, old_part)
            _drop_rels(pkg, book_part, {rid})
            continue
        order.append(name)
        parts[name] = rels.get(rid, "")
    kept_entries = [e for i, e in enumerate(entries) if i != old_index]
    # the styles
    styles_part = next(
        (
            t
            for r in _rels(pkg, book_part)
            if r.get("Type", "").endswith("/styles")
            for t in [_resolve(book_part, r.get("Target", ""))]
        ),
        "",
    )
    if not styles_part or styles_part not in pkg.parts:
        styles_part = styles_part or "xl/styles.xml"
        pkg.put(styles_part, _MINIMAL_STYLES)
        _content_type(pkg, styles_part, _CT_STYLES)
        _add_rel(pkg, book_part, f"{_R}/styles", posixpath.relpath(styles_part, "xl"))
    styles = _Styles(pkg.text(styles_part))
    fills = {rgb: styles.fill(rgb) for rgb in FILLS.values()}
    bold = styles.add("fonts", '<font><b/><sz val="11"/></font>')
    link_font = styles.add("fonts", '<font><u/><sz val="11"/><color rgb="FF0563C1"/></font>')
    wrap = '<alignment vertical="top" wrapText="1"/>'
    style = {
        "header": styles.add(
            "cellXfs", f'<xf numFmtId="0" fontId="{bold}" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        ),
        "body": styles.add(
            "cellXfs",
            f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{wrap}</xf>',
        ),
        "link": styles.add(
            "cellXfs",
            f'<xf numFmtId="0" fontId="{link_font}" fillId="0" borderId="0" xfId="0" applyFont="1" '
            f'applyAlignment="1">{wrap}</xf>',
        ),
    }
    for severity, rgb in FILLS.items():
        style[severity.value] = styles.add(
            "cellXfs",
            f'<xf numFmtId="0" fontId="0" fillId="{fills[rgb]}" borderId="0" xfId="0" applyFill="1" '
            f'applyAlignment="1">{wrap}</xf>',
        )
    # the cells concerned: the worst finding's colour, and a comment listing what is wrong there
    notes: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        for ref in f.cells:
            if ref.cell and ref.sheet in parts and re.fullmatch(r"[A-Z]{1,3}\d+", ref.cell):
                notes.setdefault((ref.sheet, ref.cell), []).append(f)
    rank = list(Severity)
    scan = set(sheets) if sheets is not None else set(order)
    block = 100
    for name in order:
        part = parts[name]
        if part not in pkg.parts or not part.endswith(".xml"):
            continue
        xml = pkg.text(part)
        xml = re.sub(r'\stabSelected\s*=\s*"(?:1|true)"', "", xml)
        here = {cell: found for (sheet, cell), found in notes.items() if sheet == name}
        highlight = {
            cell: FILLS[min(found, key=lambda f: rank.index(f.severity)).severity] for cell, found in here.items()
        }
        sheet_keep = (
            {cell: text for (sheet, cell), text in keep.items() if sheet == name} if name in scan else None
        )
        if highlight or sheet_keep is not None:
            xml = _edit_sheet(xml, styles, highlight, fills, sheet_keep)
        if here:
            texts = {}
            for cell, found in here.items():
                text = "\n".join(f"[{f.severity.chinese} {f.rule}] {f.message}" for f in found[:8])
                if len(found) > 8:
                    text += f"\n……另有 {len(found) - 8} 条，见“{CORRECTIONS_SHEET}”表"
                texts[cell] = text
            block += 1
            xml = _comments(pkg, part, xml, texts, block)
        pkg.put(part, xml, checked=False)
    pkg.put(styles_part, styles.text())
    # the new first sheet
    sheet_part = pkg.unique("xl/worksheets/govxl_check", ".xml")
    pkg.put(sheet_part, _results_sheet(report, set(order), style))
    _content_type(pkg, sheet_part, _CT_SHEET)
    rid = _add_rel(pkg, book_part, f"{_R}/worksheet", posixpath.relpath(sheet_part, "xl"))
    r_prefix, book = _r_prefix(book)
    sheets_m = re.search(r"<((?:\w+:)?)sheets\b[^>]*>(.*?)</\1sheets>", book, re.S)
    assert sheets_m is not None
    ids = [int(_attrs(e).get("sheetId", "0") or 0) for e in entries if _attrs(e).get("sheetId", "").isdigit()]
    new = f'<{p}sheet name="{CORRECTIONS_SHEET}" sheetId="{max([0, *ids]) + 1}" {r_prefix}:id="{rid}"/>'
    book = book[: sheets_m.start(2)] + new + "".join(kept_entries) + book[sheets_m.end(2) :]

    def shift(m: re.Match[str]) -> str:
        k = int(m[1])
        if old_index is not None and k == old_index:
            return 'localSheetId="DROP"'
        if old_index is not None and k > old_index:
            k -= 1
        return f'localSheetId="{k + 1}"'

    book = re.sub(r'localSheetId="(\d+)"', shift, book)
    book = re.sub(r'<((?:\w+:)?)definedName\b[^>]*localSheetId="DROP".*?</\1definedName>', "", book, flags=re.S)
    quoted = _xml_text(_quoted(CORRECTIONS_SHEET))
    titles = f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="0">{quoted}!$1:$1</{p}definedName>'
    last = len(report.findings) + 1
    filt = (
        f'<{p}definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{quoted}!$A$1:$J${last}'
        f"</{p}definedName>"
    )
    if re.search(r"<(?:\w+:)?definedNames\b[^>]*/>", book):
        book = re.sub(
            r"<((?:\w+:)?)definedNames\b[^>]*/>",
            lambda m: f"<{m[1]}definedNames>{filt}{titles}</{m[1]}definedNames>",
            book,
            count=1,
        )
    elif re.search(r"<(?:\w+:)?definedNames\b", book):
        book = re.sub(r"(<(?:\w+:)?definedNames\b[^>]*>)", lambda m: m[1] + filt + titles, book, count=1)
    else:
        end = re.search(r"</(?:\w+:)?sheets>", book)
        assert end is not None
        book = book[: end.end()] + f"<{p}definedNames>{filt}{titles}</{p}definedNames>" + book[end.end() :]
    book = re.sub(
        r"<(?:\w+:)?workbookView\b[^>]*>",
        lambda m: _set_attr(_set_attr(m[0], "firstSheet", None), "activeTab", "0"),
        book,
    )
    pkg.put(book_part, book)
    _custom_properties(pkg, {PROP_OF: source_name, PROP_UNIT: report.unit})
    return pkg.bytes()


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
