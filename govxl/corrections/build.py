"""The correction workbook of one file, as bytes: the user's package with the results sheet put first."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

from govxl.corrections.comments import _comments
from govxl.corrections.package import (
    _CT_SHEET,
    _CT_STYLES,
    _R,
    _add_rel,
    _attrs,
    _content_type,
    _custom_properties,
    _drop_content_type,
    _drop_rels,
    _Package,
    _quoted,
    _r_prefix,
    _rels,
    _rels_path,
    _resolve,
    _set_attr,
    _xml_text,
)
from govxl.corrections.results import _results_sheet
from govxl.corrections.sheets import _edit_sheet
from govxl.corrections.styles import _MINIMAL_STYLES, FILLS, _Styles
from govxl.corrections.targets import PROP_OF, PROP_UNIT
from govxl.errors import GovxlError
from govxl.findings import FileReport, Finding, Severity
from govxl.reader import CORRECTIONS_SHEET


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
