"""The first sheet, 校验结果: one row a finding, linked to its cell."""

from __future__ import annotations

from typing import Any

from govxl.corrections.package import _MAIN, _R, _xml_text
from govxl.findings import FileReport, Finding, Severity

HEADER = ("序号", "严重程度", "规则", "工作表", "位置", "问题", "应为", "实际", "状态", "说明")
WIDTHS = (6, 9, 8, 24, 30, 70, 14, 14, 10, 40)


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
