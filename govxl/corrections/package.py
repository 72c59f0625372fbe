"""The user's workbook as a zip package of parts, edited as text: parts read and checked, relationships,
content types and custom properties added or dropped, every other part copied as it is."""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Mapping

from govxl.errors import GovxlError

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


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
