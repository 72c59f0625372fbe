"""styles.xml with the correction workbook's fonts, fills and cell formats appended."""

from __future__ import annotations

import re

from govxl.corrections.package import _MAIN, _set_attr
from govxl.errors import GovxlError
from govxl.findings import Severity

FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}

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
