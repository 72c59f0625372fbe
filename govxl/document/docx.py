"""Document -> .docx (python-docx): A4, 公文-style fonts named with fallbacks in the font table, the official
tables fitting the text width with their header rows repeated on every page, 草稿 in every page's header of a
draft. Nothing outside the file is referred to. Same document, same bytes (fixed dates and zip times).

python-docx makes the package once (page set-up, styles, font table, header, footer); each report then
writes only its body, as WordprocessingML text: python-docx's object API re-walks a table for every cell it
touches, and made a report in about 60 ms where this takes under 10.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape as _escape

from govxl.document.model import Document, Table, TableCell
from govxl.values import xml_safe


def escape(text: str) -> str:
    """Text for the document's XML: escaped, and without what XML cannot hold (a 填报单位 with a control
    character would make a file Word refuses to open)."""
    return _escape(xml_safe(text))


# (font as offices name it, what to use where it is missing): the names Word and WPS know, then a family
FONTS = {
    "方正小标宋简体": ("宋体", "roman"),
    "黑体": ("SimHei", "modern"),
    "楷体_GB2312": ("楷体", "roman"),
    "仿宋_GB2312": ("仿宋", "modern"),
    "宋体": ("SimSun", "roman"),
}
LATIN = "Times New Roman"
TEXT_WIDTH = 8844  # twips: A4 (11906) less margins of 28 mm (1587) and 26 mm (1474), less a twip
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def to_docx(doc: Document) -> bytes:
    members, head, tail = _base(doc.draft)
    body = [_paragraph("\n".join(doc.title_lines), "title")]
    body += [_paragraph(p.text, p.kind) for p in doc.opening]
    for s in doc.sections:
        body.append(_paragraph(s.heading, "heading"))
        body += [_paragraph(p.text, p.kind) for p in s.paragraphs]
        if s.table is not None:
            body.append(_table(s.table))
    # the package's other members are zipped once (styles alone are 800 KB of XML): only these two are new
    out = io.BytesIO(members)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "docProps/core.xml", _core(doc.title))
        _add(zf, "word/document.xml", head + "".join(body).encode("utf-8") + tail)
    return out.getvalue()


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2021, 9, 26, 0, 0, 0))  # same report, same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


@functools.cache
def _base(draft: bool) -> tuple[bytes, bytes, bytes]:
    """The package python-docx makes with the page set-up, styles, font table, header and footer — the same
    for every report, so made once — zipped without its document.xml and core properties, and its
    document.xml split where the body goes."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word = docx.Document()
    _font_table(word)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = word.styles["Normal"]
    normal.font.size = Pt(16)
    _set_font(normal.element, "仿宋_GB2312")
    if draft:
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = head.add_run("草稿")
        run.bold = True
        run.font.size = Pt(14)
        _set_font(run._r, "黑体")
    _page_number(section.footer.paragraphs[0])
    out = io.BytesIO()
    word.save(out)
    with zipfile.ZipFile(out) as zf:
        members = {name: zf.read(name) for name in zf.namelist() if name != _THUMBNAIL}
    # the template's thumbnail is a picture of some other document: no preview is better than a wrong one
    members["_rels/.rels"] = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", members["_rels/.rels"])
    document = members.pop("word/document.xml")
    del members["docProps/core.xml"]
    open_at = document.index(b"<w:body>") + len(b"<w:body>")
    close_at = document.rindex(b"<w:sectPr")
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            _add(zf, name, data)
    return package.getvalue(), document[:open_at], document[close_at:]


_THUMBNAIL = "docProps/thumbnail.jpeg"


def _core(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision><dc:description>govxl</dc:description>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2021-09-26T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2021-09-26T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _set_font(element: object, east_asia: str) -> None:
    """The font of a style or run: Chinese text in `east_asia`, Latin and digits in Times New Roman."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _font_table(word: object) -> None:
    """Declare each font with the font to use in its place (w:altName) and its family and charset, which is
    how Word, WPS and LibreOffice choose a substitute on a machine without it."""
    part = next(p for p in word.part.package.iter_parts() if p.partname == "/word/fontTable.xml")  # type: ignore[attr-defined]
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, (alt, family) in FONTS.items()
    )
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode("utf-8") + b"</w:fonts>")


def _page_number(paragraph: object) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    field = parse_xml(
        f'<w:fldSimple {_W} w:instr="PAGE"><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'
    )
    paragraph._p.append(field)  # type: ignore[attr-defined]


# paragraph kinds -> (east-Asian font, half-points, centred, first-line indent, bold)
_LOOK = {
    "title": ("方正小标宋简体", 44, True, False, False),
    "heading": ("黑体", 32, False, True, False),
    "subheading": ("楷体_GB2312", 32, False, True, False),
    "text": ("仿宋_GB2312", 32, False, True, False),
    "generated": ("仿宋_GB2312", 32, False, True, False),
    "placeholder": ("仿宋_GB2312", 32, False, True, True),
}


def _run(text: str, font: str, size: int, bold: bool = False, highlight: bool = False) -> str:
    extra = ("<w:b/>" if bold else "") + ('<w:highlight w:val="yellow"/>' if highlight else "")
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{font}"/>{extra}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        + "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
        + "</w:r>"
    )


def _paragraph(text: str, kind: str) -> str:
    font, size, centre, indent, bold = _LOOK[kind]
    ppr = '<w:spacing w:line="560" w:lineRule="exact"/>' if kind != "title" else '<w:spacing w:after="240"/>'
    if centre:
        ppr += '<w:jc w:val="center"/>'
    if indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    if kind == "heading":
        ppr = "<w:keepNext/>" + ppr
    run = _run(text, font, size, bold=bold, highlight=kind == "placeholder")
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p>"


def _table(table: Table) -> str:
    total = sum(table.col_widths)
    widths = [int(TEXT_WIDTH * w // total) for w in table.col_widths]
    widths[-1] += TEXT_WIDTH - sum(
        widths
    )  # rounded down, the last column takes the rest: never wider than the page
    size = 16 if table.width > 12 else 18  # 8 or 9 pt: table 四's fifteen columns fit the page
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    rows = []
    at: dict[tuple[int, int], tuple[TableCell, bool]] = {}
    for c in table.cells:
        for r in range(c.rowspan):
            at[(c.row + r, c.col)] = (c, r == 0)
    for r in range(table.height):
        tcs = []
        col = 0
        while col < table.width:
            cell, first = at[(r, col)]
            tcs.append(_cell(cell, first, sum(widths[cell.col : cell.col + cell.colspan]), size))
            col += cell.colspan
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < table.header_rows else "")
        rows.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(tcs)}</w:tr>")
    xml = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    return xml


def _cell(cell: TableCell, first: bool, width: int, size: int) -> str:
    span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
    merge = ""
    if cell.rowspan > 1:
        merge = '<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>"
    tcpr = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
    if not first:
        return f"<w:tc>{tcpr}<w:p/></w:tc>"
    left = cell.role == "row" or cell.role == "band"
    jc = "left" if left else "center"
    run = _run(cell.text, "宋体", size, bold=cell.role in ("column", "corner", "band")) if cell.text else ""
    ppr = f'<w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="{jc}"/></w:pPr>'
    return f"<w:tc>{tcpr}<w:p>{ppr}{run}</w:p></w:tc>"
