"""Builds an Edition from its data file, checking it whole: unique codes, sums that name existing cells, no
cycles, rule ids the catalogue knows. Every error names the file and the entry."""

from __future__ import annotations

import json
from typing import Any

from govxl.errors import SpecError
from govxl.spec.model import (
    Cell,
    Cover,
    CoverField,
    Edition,
    Equation,
    Relation,
    ReportSection,
    Table,
    Term,
)
from govxl.spec.prose import ProseLoader
from govxl.spec.tables import TableLoader

NUMERALS = "一二三四五六七八九十"  # what a section heading's number is written in


class _Loader(TableLoader, ProseLoader):
    """Builds an Edition from parsed JSON, raising SpecError that names the file and the entry."""

    def edition(self, raw: Any) -> Edition:
        ed = self.get(raw, "edition", "顶层", str)
        years = self.get(raw, "years", "顶层", dict)
        cover_raw = self.get(raw, "cover", "顶层", dict)
        fields_ = []
        for i, f in enumerate(self.get(cover_raw, "fields", "cover", list)):
            where = f"cover.fields[{i}]"
            ftype = self.get(f, "type", where, str)
            if ftype not in ("text", "year", "choice"):
                raise self.fail(where, f"未知的封面项类型 {ftype!r}")
            choices = tuple(self.strings(f, "choices", where, []))
            if ftype == "choice" and not choices:
                raise self.fail(where, "下拉项须列出 choices")
            aliases = tuple(self.get(f, "aliases", where, dict, {}).items())
            for alias, target in aliases:
                if target not in choices or not isinstance(alias, str):
                    raise self.fail(where, f"别名 {alias!r} 须对应 choices 中的一项")
            fields_.append(
                CoverField(
                    code=self.get(f, "code", where, str),
                    label=self.get(f, "label", where, str),
                    type=ftype,
                    hint=self.get(f, "hint", where, str, ""),
                    choices=choices,
                    max_length=self.get(f, "max_length", where, int, 0),
                    rule_making=tuple(self.strings(f, "rule_making", where, [])),
                    aliases=aliases,
                )
            )
        cover = Cover(
            sheet=self.get(cover_raw, "sheet", "cover", str),
            title=self.get(cover_raw, "title", "cover", str),
            fields=tuple(fields_),
            instructions=tuple(self.strings(cover_raw, "instructions", "cover", [])),
        )
        cells: dict[str, Cell] = {}
        for f in cover.fields:
            cells[f.code] = Cell(f.code, cover.sheet, "", "input", f.type, (f.label,), (), row=f.code)
        tables: list[Table] = []
        equations: list[Equation] = []
        for ti, traw in enumerate(self.get(raw, "tables", "顶层", list)):
            table, eqs = self.table(traw, f"tables[{ti}]", cells)
            tables.append(table)
            equations.extend(eqs)
        sheets = [cover.sheet] + [t.sheet for t in tables]
        if len(set(sheets)) != len(sheets):
            raise self.fail("tables", "工作表名称重复")
        for name in sheets:
            if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
                raise self.fail(name, "不能用作 Excel 工作表名称")
        self.check_acyclic(cells)
        relations = self.relations(self.get(raw, "across_years", "顶层", list, []), cells)
        first = self.get(years, "first", "years", int)
        last = self.get(years, "last", "years", (int, type(None)), None)
        if not 1900 < first < 2200 or (last is not None and last < first):
            raise self.fail("years", "起止年度不对（应为四位年份，last 不早于 first，或 null 表示至今）")
        if not ed or not ed.replace("_", "").replace("-", "").isalnum() or not ed.isascii():
            raise self.fail("edition", f"版本名 {ed!r} 只能含 ASCII 字母、数字、- 和 _")
        return Edition(
            edition=ed,
            version=self.get(raw, "version", "顶层", str),
            name=self.get(raw, "name", "顶层", str),
            basis=self.get(raw, "basis", "顶层", str),
            first_year=first,
            last_year=last,
            cover=cover,
            tables=tuple(tables),
            cells=cells,
            equations=tuple(equations),
            relations=relations,
            default=self.get(raw, "default", "顶层", bool, False),
            markers=tuple(self.strings(raw, "markers", "顶层", [])),
            prose=self.prose(self.get(raw, "prose", "顶层", dict, {}), cells),
            sections=self.sections(self.get(raw, "sections", "顶层", list), tables),
        )

    def sections(self, raws: list[Any], tables: list[Table]) -> tuple[ReportSection, ...]:
        """The report's sections in order; a table's takes the table's heading, and every table has one."""
        out: list[ReportSection] = []
        by_code = {t.code: t for t in tables}
        for i, raw in enumerate(raws):
            where = f"sections[{i}]"
            table = self.get(raw, "table", where, str, "")
            if table and table not in by_code:
                raise self.fail(where, f"没有表 {table!r}")
            heading = by_code[table].heading if table else self.get(raw, "heading", where, str)
            number = heading.split("、", 1)[0]
            if not number or number == heading or any(ch not in NUMERALS for ch in number):
                raise self.fail(where, f"标题 {heading!r} 应以“一、”等序号开头")
            topics = tuple(self.strings(raw, "topics", where))
            if not topics or not all(topics):
                raise self.fail(where, "topics 应列出标题中的词")
            out.append(ReportSection(number, heading, topics, table))
        numbers = [s.number for s in out]
        if len(set(numbers)) != len(numbers):
            raise self.fail("sections", "章节序号重复")
        missing = [t.code for t in tables if t.code not in {s.table for s in out}]
        if missing:
            raise self.fail("sections", f"表 {missing!r} 不在任何章节中")
        return tuple(out)

    def term(self, text: str, c: str, where: str, cells: dict[str, Cell]) -> Term:
        """ "-previous:t3_forward_{c}" -> Term; "-" subtracts, "previous:" is a cell of last year's workbook."""
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("-")
        previous = text.startswith("previous:")
        code = text.removeprefix("previous:").replace("{c}", c)
        # a previous year's cell may be of another edition: checked when the two are compared
        if not previous and code not in cells:
            raise self.fail(where, f"引用了不存在的单元格 {code!r}")
        return Term(code, previous, sign)

    def relations(self, raws: list[Any], cells: dict[str, Cell]) -> tuple[Relation, ...]:
        out: list[Relation] = []
        for i, raw in enumerate(raws):
            where = f"across_years[{i}]"
            rule = self.rule(raw, "rule", where)
            if self.get(raw, "identical", where, bool, False):
                out.append(Relation(rule, identical=True))
                continue
            for c in self.strings(raw, "each", where, [""]):
                lhs = tuple(self.term(t, c, where, cells) for t in self.strings(raw, "lhs", where))
                rhs = tuple(self.term(t, c, where, cells) for t in self.strings(raw, "rhs", where))
                per = self.get(raw, "per", where, str, "row")
                if per not in ("row", "column"):
                    raise self.fail(where, f'键 \'per\' 应为 "row" 或 "column"，不是 {per!r}')
                out.append(Relation(rule, lhs, rhs, per=per))
        return tuple(out)


def parse_edition(text: str, source: str) -> Edition:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"版式数据文件 {source} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有语法错误"
        ) from None
    except (RecursionError, ValueError):  # nested thousands deep, or a number of thousands of digits
        raise SpecError(f"版式数据文件 {source} 不是可用的 JSON（嵌套过深或数字过长）") from None
    loader = _Loader(source)
    try:
        ed = loader.edition(raw)
    except RecursionError:
        raise SpecError(f"版式数据文件 {source} 有误：表头嵌套过深") from None
    loader.check_rules()
    return ed
