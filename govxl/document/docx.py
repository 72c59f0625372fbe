"""Document -> .docx (python-docx): A4, 公文-style fonts named with fallbacks in the font table, the official
tables fitting the text width with their header rows repeated on every page, 草稿 in every page's header of a
draft. Nothing outside the file is referred to. Same document, same bytes (fixed dates and zip times).

Tables are written as one piece of WordprocessingML each (parsed once) rather than cell by cell through
python-docx's object API, which re-walks the table for every cell it touches.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from govxl.document.model import Document, Paragraph, Table, TableCell

# (font as offices name it, what to use where it is missing): the names Word and WPS know, then a family
FONTS = {
    "方正小标宋简体": ("宋体", "roman"),
    "黑体": ("SimHei", "modern"),
    "楷体_GB2312": ("楷体", "roman"),
    "仿宋_GB2312": ("仿宋", "modern"),
    "宋体": ("SimSun", "roman"),
}
LATIN = "Times New Roman"
TEXT_WIDTH = 8844  # twips: A4 (11906) less margins of 28 mm and 26 mm
FIXED_TIME = dt.datetime(2021, 9, 26, tzinfo=dt.timezone.utc)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def to_docx(doc: Document) -> bytes:
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
    if doc.draft:
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = head.add_run("草稿")
        run.bold = True
        run.font.size = Pt(14)
        _set_font(run._r, "黑体")
    _page_number(section.footer.paragraphs[0])
    body = word.element.body
    anchor = body[-1]  # the section properties stay last
    anchor.addprevious(_paragraph(doc.title, "title"))
    for p in doc.opening:
        anchor.addprevious(_paragraph(p.text, p.kind))
    for s in doc.sections:
        anchor.addprevious(_paragraph(s.heading, "heading"))
        for p in s.paragraphs:
            anchor.addprevious(_paragraph(p.text, p.kind))
        if s.table is not None:
            anchor.addprevious(_table(s.table))
    props = word.core_properties
    props.title, props.author, props.last_modified_by, props.comments = doc.title, "", "", "govxl"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    out = io.BytesIO()
    word.save(out)
    return _fixed_zip(out.getvalue())


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
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _paragraph(text: str, kind: str) -> object:
    from docx.oxml import parse_xml

    font, size, centre, indent, bold = _LOOK[kind]
    ppr = '<w:spacing w:line="560" w:lineRule="exact"/>' if kind != "title" else '<w:spacing w:after="240"/>'
    if centre:
        ppr += '<w:jc w:val="center"/>'
    if indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    if kind == "heading":
        ppr = '<w:keepNext/>' + ppr
    run = _run(text, font, size, bold=bold, highlight=kind == "placeholder")
    return parse_xml(f"<w:p {_W}><w:pPr>{ppr}</w:pPr>{run}</w:p>")


def _table(table: Table) -> object:
    from docx.oxml import parse_xml

    total = sum(table.col_widths)
    widths = [round(TEXT_WIDTH * w / total) for w in table.col_widths]
    size = 16 if table.width > 12 else 18  # 8 or 9 pt: table 四's fifteen columns fit the page
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
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
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )
    return parse_xml(xml)


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
    return f'<w:tc>{tcpr}<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="{jc}"/></w:pPr>{run}</w:p></w:tc>'


def _fixed_zip(data: bytes) -> bytes:
    """The package again with every member dated the same, so the same report is the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 9, 26, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


__all__ = ["Paragraph", "to_docx"]
