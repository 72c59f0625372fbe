"""Filing (+ the office's words) -> the Document model: the official order, the official tables, the generated
number sentences, and clearly marked placeholders where the office has still to write (never invented text)."""

from __future__ import annotations

import math

from govxl.document.model import Document, Paragraph, Section, table_of
from govxl.document.sentences import applications, disclosure, fees
from govxl.document.text import OfficeText
from govxl.filing import Filing
from govxl.spec import compute_totals, load_edition
from govxl.validation.prose import TableValues

# what the office may write on a line of its own in --text to have the generated sentences put there
MARKERS = {
    "【自动生成：主动公开】": disclosure,
    "【自动生成：依申请公开】": applications,
    "【自动生成：信息处理费】": fees,
}


def _fill(what: str) -> Paragraph:
    return Paragraph(f"【请填写{what}】", "placeholder")


def numbers_of(filing: Filing) -> dict[str, float]:
    """Inputs as filled and every total recomputed from them: the report prints totals that add up. A total
    over a cell that holds no usable number (in a draft) is left out, not summed as if that cell were 0."""
    ed = load_edition(filing.edition)
    inputs = {c: v for c, v in filing.inputs.items() if not math.isnan(v)}
    unusable = {c for c, v in filing.inputs.items() if math.isnan(v)}

    def broken(code: str) -> bool:
        cell = ed.cells[code]
        return code in unusable or (cell.kind == "total" and any(broken(p) for p in cell.parts))

    totals = compute_totals(ed, inputs)
    return {**inputs, **{c: v for c, v in totals.items() if not unusable or not broken(c)}}


def compose(filing: Filing, office: OfficeText | None = None, draft: bool = False) -> Document:
    ed = load_edition(filing.edition)
    values = numbers_of(filing)
    nums = TableValues(ed, values)  # the numbers the tables print, as the prose rules read them
    unit = filing.unit or "【请填写填报单位】"
    year = str(filing.year) if filing.year else "【请填写年度】"
    title = (unit, f"{year}年政府信息公开工作年度报告" + ("（草稿）" if draft else ""))
    sections = []
    own = office.sections if office else {}
    for part in ed.sections:  # the official order (spec: sections)
        number = part.number
        if part.table:
            sections.append(Section(number, part.heading, table=table_of(ed.edition, part.table, values)))
        elif number in own:
            sections.append(Section(number, part.heading, _office(own[number], nums)))
        else:
            sections.append(Section(number, part.heading, _placeholders(number, nums)))
    return Document(title, (_opening(filing, ed.basis, ed.name, unit, year),), tuple(sections), draft, ed.edition)


def _opening(filing: Filing, basis: str, name: str, unit: str, year: str) -> Paragraph:
    contact = str(filing.cover.get("contact") or "").strip()
    phone = str(filing.cover.get("phone") or "").strip()
    ask = "；".join(
        x for x in (f"联系人：{contact}" if contact else "", f"联系电话：{phone}" if phone else "") if x
    )
    return Paragraph(
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室"
        f"《{name}》（{basis}）要求编制。本报告中所列数据的统计期限自{year}年1月1日起，至{year}年12月31日止。"
        f"如对本报告有疑问，请与{unit}联系（{ask or '【请填写联系方式】'}）。"
    )


def _office(lines: tuple[str, ...], nums: TableValues) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    for line in lines:
        make = MARKERS.get(line.strip())
        if make is None:
            out.append(Paragraph(line))
        else:
            out.extend(Paragraph(s, "generated") for s in make(nums))
    return tuple(out)


def _placeholders(number: str, nums: TableValues) -> tuple[Paragraph, ...]:
    def generated(sentences: list[str], missing: str) -> list[Paragraph]:
        return [Paragraph("".join(sentences), "generated")] if sentences else [_fill(missing)]

    if number == "一":
        return (
            _fill("本年度政府信息公开工作总体情况"),
            Paragraph("（一）主动公开", "subheading"),
            *generated(disclosure(nums), "规章、行政规范性文件制发情况"),
            _fill("主动公开工作情况"),
            Paragraph("（二）依申请公开", "subheading"),
            *generated(applications(nums), "依申请公开情况（填报表中的数字有误，请先改正）"),
            Paragraph("（三）政府信息管理", "subheading"),
            _fill("政府信息管理情况"),
            Paragraph("（四）政府信息公开平台建设", "subheading"),
            _fill("政府信息公开平台建设情况"),
            Paragraph("（五）监督保障", "subheading"),
            _fill("监督保障情况"),
        )
    if number == "五":
        return (_fill("存在的主要问题及改进情况"),)
    return (
        Paragraph("（一）政府信息公开信息处理费收取情况", "subheading"),
        _fill("本年度收取信息处理费的情况"),
        *(Paragraph(s, "generated") for s in fees(nums)),
        _fill("人大代表建议和政协提案办理、年度工作要点落实、政务公开工作创新等其他需要报告的事项"),
    )
