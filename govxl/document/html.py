"""Document -> one self-contained HTML page: semantic tables (rowspan/colspan, <th scope>), print CSS for A4,
readable on a phone (wide tables scroll sideways instead of shrinking). No script, no resource from outside
the file; every text is escaped."""

from __future__ import annotations

import html

from govxl.document.model import Document, Paragraph, Table, TableCell
from govxl.values import xml_safe


def escape(text: str) -> str:
    """Text for the page: escaped, and without the control characters a page has no use for."""
    return html.escape(xml_safe(text))


_SERIF = (
    '"仿宋_GB2312", "仿宋", FangSong, STFangsong, "宋体", SimSun, "AR PL UMing CN", "Noto Serif CJK SC", serif'
)
_SONG = '"宋体", SimSun, "AR PL UMing CN", "Noto Serif CJK SC", serif'
_HEI = '"黑体", SimHei, "Microsoft YaHei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'
_TITLE = '"方正小标宋简体", "华文中宋", STZhongsong, "宋体", SimSun, "AR PL UMing CN", serif'

CSS = f"""
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: #f4f4f4; color: #000; font-family: {_SERIF}; font-size: 16px; line-height: 1.8; }}
main {{ max-width: 210mm; margin: 0 auto; padding: 24px 28px 40px; background: #fff; box-sizing: border-box; }}
h1 {{ font-family: {_TITLE}; font-size: 26px; font-weight: normal; text-align: center; line-height: 1.5;
  margin: 8px 0 20px; }}
h2 {{ font-family: {_HEI}; font-size: 18px; font-weight: normal; margin: 20px 0 8px; break-after: avoid; }}
h3 {{ font-family: {_SERIF}; font-size: 16px; font-weight: bold; margin: 8px 0 4px; text-indent: 2em; }}
p {{ margin: 0 0 6px; text-indent: 2em; white-space: pre-wrap; }}
p.placeholder {{ background: #fff3a8; }}
.draft {{ color: #b00000; font-family: {_HEI}; font-size: 18px; font-weight: bold; text-align: right;
  border-bottom: 2px solid #b00000; margin: 0 0 8px; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 6px 0 14px; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; font-family: {_SONG}; font-size: 13px;
  line-height: 1.4; }}
table.wide {{ min-width: 640px; }}
table.widest {{ min-width: 720px; font-size: 12px; }}
th, td {{ border: 1px solid #000; padding: 3px 4px; text-align: center; vertical-align: middle; }}
th {{ font-weight: normal; }}
th[scope="row"], th[scope="rowgroup"], th.band {{ text-align: left; }}
td {{ font-variant-numeric: tabular-nums; }}
@media (max-width: 600px) {{
  main {{ padding: 14px 12px 28px; }}
  h1 {{ font-size: 21px; }}
  body {{ font-size: 15px; }}
}}
@page {{ size: A4; margin: 30mm 20mm 25mm; }}
@media print {{
  body {{ background: #fff; font-size: 12pt; }}
  main {{ max-width: none; padding: 0; }}
  .table-wrap {{ overflow: visible; }}
  table, table.wide, table.widest {{ min-width: 0; font-size: 9pt; }}
  table.widest {{ font-size: 8pt; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; }}
  .draft {{ display: none; }}
}}
"""
_DRAFT_PAGES = '@page { @top-right { content: "草稿"; color: #b00000; font-size: 14pt; font-weight: bold; } }'


def to_html(doc: Document) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="govxl">',
        f"<title>{escape(doc.title)}</title>",
        f"<style>{CSS}{_DRAFT_PAGES if doc.draft else ''}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    if doc.draft:
        out.append('<div class="draft">草稿</div>')
    out.append(f"<h1>{'<br>'.join(escape(line) for line in doc.title_lines)}</h1>")
    out.extend(_paragraph(p) for p in doc.opening)
    for s in doc.sections:
        out.append(f"<section><h2>{escape(s.heading)}</h2>")
        out.extend(_paragraph(p) for p in s.paragraphs)
        if s.table is not None:
            out.append(_table(s.table, s.heading))
        out.append("</section>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _paragraph(p: Paragraph) -> str:
    if p.kind == "subheading":
        return f"<h3>{escape(p.text)}</h3>"
    cls = f' class="{p.kind}"' if p.kind in ("placeholder", "generated") else ""
    return f"<p{cls}>{escape(p.text)}</p>"


def _table(table: Table, caption: str) -> str:
    wide = " widest" if table.width > 12 else " wide" if table.width > 6 else ""
    rows = table.rows()
    head, body = rows[: table.header_rows], rows[table.header_rows :]
    parts = [f'<div class="table-wrap"><table class="form{wide}" aria-label="{escape(caption)}">']
    total = sum(table.col_widths)
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in table.col_widths)
    parts.append(f"<colgroup>{cols}</colgroup>")
    if head:
        parts.append("<thead>")
        parts.extend(_row(r) for r in head)
        parts.append("</thead>")
    parts.append("<tbody>")
    parts.extend(_row(r) for r in body)
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


_SCOPE = {"column": ("col", "colgroup"), "row": ("row", "rowgroup"), "band": ("colgroup", "colgroup")}


def _row(cells: list[TableCell]) -> str:
    return "<tr>" + "".join(_cell(c) for c in cells) + "</tr>"


def _cell(c: TableCell) -> str:
    spans = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
        f' colspan="{c.colspan}"' if c.colspan > 1 else ""
    )
    text = escape(c.text)
    if c.role == "value":
        return f"<td{spans}>{text}</td>"
    if c.role == "corner":
        return f'<th{spans} scope="col">{text}</th>'
    single, group = _SCOPE[c.role]
    scope = single if (c.colspan if c.role != "row" else c.rowspan) == 1 else group
    band = ' class="band"' if c.role == "band" else ""
    return f'<th{spans} scope="{scope}"{band}>{text}</th>'
