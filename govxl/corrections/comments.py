"""Comments on the cells concerned: a comments part and the VML drawing that shows them."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

from govxl.corrections.package import (
    _CT_COMMENTS,
    _CT_VML,
    _DECL,
    _MAIN,
    _R,
    _add_rel,
    _content_type,
    _drop_content_type,
    _drop_rels,
    _Package,
    _r_prefix,
    _rels,
    _resolve,
    _xml_text,
)
from govxl.corrections.sheets import _col_of

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
