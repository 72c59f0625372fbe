"""Builds an Edition from its data file, checking it whole: unique codes, sums that name existing cells, no
cycles, rule ids the catalogue knows. Every error names the file and the entry."""

from __future__ import annotations

import json
from typing import Any

from govxl.errors import SpecError
from govxl.rules import RULES  # the catalogue sits below the spec
from govxl.spec.model import (
    NUMERIC_KINDS,
    Block,
    Cell,
    Cover,
    CoverField,
    Edition,
    Equation,
    Identity,
    Node,
    Prose,
    Relation,
    Table,
    Term,
    cell_code,
)


class _Loader:
    """Builds an Edition from parsed JSON, raising SpecError that names the file and the entry."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> SpecError:
        return SpecError(f"版式数据文件 {self.source} 有误（{where}）：{problem}")

    def get(self, obj: Any, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(obj, dict):
            raise self.fail(where, "应为对象（JSON object）")
        if key not in obj:
            if default is ...:
                raise self.fail(where, f"缺少键 {key!r}")
            return default
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(where, f"键 {key!r} 的类型不对")
        return value

    def node(self, raw: Any, where: str, allow_blank: bool = False) -> Node:
        code = self.get(raw, "code", where, str, "")
        label = self.get(raw, "label", where, str, "")
        where = f"{where} {label or code!r}"
        # only the one unlabelled row of a table without row labels (table 四) may lack both label and code
        if not label and (code or not allow_blank):
            raise self.fail(where, "标签为空")
        if (code and not code.replace("_", "").isalnum()) or not code.isascii():
            raise self.fail(where, f"编码 {code!r} 只能含 ASCII 字母、数字和下划线")
        children = tuple(self.node(c, where) for c in self.get(raw, "children", where, list, []))
        value = self.get(raw, "value", where, str, "")
        if value and value not in NUMERIC_KINDS:
            raise self.fail(where, f"未知的取值类型 {value!r}")
        node = Node(
            code=code,
            label=label,
            children=children,
            sum=tuple(self.get(raw, "sum", where, list, [])),
            rule=self.get(raw, "rule", where, str, ""),
            value=value,
            rule_making=self.get(raw, "rule_making", where, bool, False),
            span=self.get(raw, "span", where, int, 0),
            value_rule=self.get(raw, "value_rule", where, str, ""),
            unit=self.get(raw, "unit", where, str, ""),
        )
        if node.sum and children:
            raise self.fail(where, "合计项不能再有下级")
        if node.sum and not node.rule:
            raise self.fail(where, "合计项须注明规则编号 rule")
        if not children and not code and not allow_blank:
            raise self.fail(where, "末级项须有编码")
        return node

    def axis_index(self, nodes: tuple[Node, ...], where: str) -> dict[str, Node]:
        index: dict[str, Node] = {}

        def visit(n: Node) -> None:
            if n.code:
                if n.code in index:
                    raise self.fail(where, f"编码 {n.code!r} 重复")
                index[n.code] = n
            for c in n.children:
                visit(c)

        for n in nodes:
            visit(n)
        return index

    def expand(self, refs: tuple[str, ...], index: dict[str, Node], where: str) -> tuple[Node, ...]:
        out: list[Node] = []
        for ref in refs:
            if ref not in index:
                raise self.fail(where, f"引用了不存在的编码 {ref!r}")
            out.extend(index[ref].leaves())
        return tuple(out)

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
            choices = tuple(self.get(f, "choices", where, list, []))
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
                    rule_making=tuple(self.get(f, "rule_making", where, list, [])),
                    aliases=aliases,
                )
            )
        cover = Cover(
            sheet=self.get(cover_raw, "sheet", "cover", str),
            title=self.get(cover_raw, "title", "cover", str),
            fields=tuple(fields_),
            instructions=tuple(self.get(cover_raw, "instructions", "cover", list, [])),
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
        last = years.get("last")
        return Edition(
            edition=ed,
            version=self.get(raw, "version", "顶层", str),
            name=self.get(raw, "name", "顶层", str),
            basis=self.get(raw, "basis", "顶层", str),
            first_year=self.get(years, "first", "years", int),
            last_year=last if isinstance(last, int) else None,
            cover=cover,
            tables=tuple(tables),
            cells=cells,
            equations=tuple(equations),
            relations=relations,
            default=self.get(raw, "default", "顶层", bool, False),
            markers=tuple(self.get(raw, "markers", "顶层", list, [])),
            prose=self.prose(self.get(raw, "prose", "顶层", dict, {}), cells),
        )

    def prose(self, raw: dict[str, Any], cells: dict[str, Cell]) -> Prose:
        """What the prose rules compare sentences with; group names expand to the cells they cover."""
        where = "prose"
        counts: dict[str, tuple[str, ...]] = {}
        for name, codes in self.get(raw, "counts", where, dict, {}).items():
            for code in codes:
                if code not in cells:
                    raise self.fail(f"prose.counts.{name}", f"引用了不存在的单元格 {code!r}")
            counts[name] = tuple(codes)
        place = self.get(raw, "outcome_cells", where, dict, {"table": "", "column": ""})
        table, column = self.get(place, "table", where, str), self.get(place, "column", where, str)
        outcomes = []
        for i, o in enumerate(self.get(raw, "outcomes", where, list, [])):
            owhere = f"prose.outcomes[{i}]"
            rows = self.get(o, "rows", owhere, list)
            codes = tuple(
                c.code
                for c in cells.values()
                if c.table == table
                and c.column == column
                and any(c.row == r or c.row.startswith(r + "_") for r in rows)
            )
            if not codes:
                raise self.fail(owhere, f"行 {rows!r} 在表 {table!r} 的 {column!r} 列没有单元格")
            outcomes.append((self.get(o, "name", owhere, str), codes))
        bases = tuple(tuple(b) for b in self.get(raw, "share_bases", where, list, []))
        for b in bases:
            if not set(b) <= set(counts):
                raise self.fail("prose.share_bases", f"{b!r} 不在 counts 中")
        appeals_raw = self.get(raw, "appeals", where, dict, {"table": "", "not_upheld": []})
        atable = self.get(appeals_raw, "table", "prose.appeals", str)
        appeals = tuple(c.code for c in cells.values() if c.table == atable and c.kind == "input" and atable)
        kinds = self.get(appeals_raw, "not_upheld", "prose.appeals", list)  # leaf columns under each appeal
        not_upheld = tuple(c for c in appeals if any(cells[c].column.endswith(k) for k in kinds))
        return Prose(counts, tuple(outcomes), bases, appeals, not_upheld)

    def check_rules(self, ed: Edition) -> None:
        """Every rule id the file names is one the catalogue knows: a renamed id would otherwise load, and
        break only when a workbook broke the rule."""
        named: list[tuple[str, str]] = [(f"equations（表 {e.table}）", e.rule) for e in ed.equations]
        for t in ed.tables:
            named.append((f"tables {t.code} value_rule", t.value_rule))
            named += [(f"tables {t.code} hints", rule) for rule, _ in t.hints]
        named += [(f"单元格 {c.code} value_rule", c.value_rule) for c in ed.cells.values() if c.value_rule]
        named += [(f"across_years {r.rule}", r.rule) for r in ed.relations]
        for where, rule in named:
            if rule not in RULES:
                raise self.fail(where, f"规则编号 {rule!r} 不在规则目录中（见 govxl rules）")

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
            rule = self.get(raw, "rule", where, str)
            if self.get(raw, "identical", where, bool, False):
                out.append(Relation(rule, identical=True))
                continue
            for c in self.get(raw, "each", where, list, [""]):
                lhs = tuple(self.term(t, c, where, cells) for t in self.get(raw, "lhs", where, list))
                rhs = tuple(self.term(t, c, where, cells) for t in self.get(raw, "rhs", where, list))
                out.append(Relation(rule, lhs, rhs, per=self.get(raw, "per", where, str, "row")))
        return tuple(out)

    def table(self, raw: Any, where: str, cells: dict[str, Cell]) -> tuple[Table, list[Equation]]:
        tcode = self.get(raw, "code", where, str)
        sheet = self.get(raw, "sheet", where, str)
        where = f"{where} {tcode}"
        blocks: list[Block] = []
        equations: list[Equation] = []
        for bi, braw in enumerate(self.get(raw, "blocks", where, list)):
            bwhere = f"{where}.blocks[{bi}]"
            block = Block(
                band=self.get(braw, "band", bwhere, str, ""),
                corner=self.get(braw, "corner", bwhere, str, ""),
                columns=tuple(self.node(c, bwhere) for c in self.get(braw, "columns", bwhere, list)),
                rows=tuple(self.node(r, bwhere, allow_blank=True) for r in self.get(braw, "rows", bwhere, list)),
            )
            blocks.append(block)
            equations.extend(self.block_cells(tcode, sheet, block, bwhere, cells))
        table = Table(
            code=tcode,
            sheet=sheet,
            heading=self.get(raw, "heading", where, str),
            blocks=tuple(blocks),
            label_widths=tuple(float(w) for w in self.get(raw, "label_widths", where, list, [])),
            value_width=float(self.get(raw, "value_width", where, (int, float), 10)),
            identities=(),
            live_checks=tuple(self.get(raw, "live_checks", where, list, [])),
            live_check_caption=self.get(raw, "live_check_caption", where, str, ""),
            value_rule=self.get(raw, "value_rule", where, str),
            hints=tuple(
                (
                    self.get(h, "rule", where, str),
                    tuple(cell_code(tcode, "", c) for c in self.get(h, "when_nonzero", where, list)),
                )
                for h in self.get(raw, "hints", where, list, [])
            ),
        )
        if len(table.label_widths) != table.label_depth:
            raise self.fail(where, f"label_widths 应有 {table.label_depth} 项")
        identities = []
        for ii, iraw in enumerate(self.get(raw, "identities", where, list, [])):
            iwhere = f"{where}.identities[{ii}]"
            ident = Identity(
                rule=self.get(iraw, "rule", iwhere, str),
                lhs=tuple(self.get(iraw, "lhs", iwhere, list)),
                rhs=tuple(self.get(iraw, "rhs", iwhere, list)),
                caption=self.get(iraw, "caption", iwhere, str, ""),
                for_each_column=self.get(iraw, "for_each_column", iwhere, bool, False),
                op=self.get(iraw, "op", iwhere, str, "="),
            )
            if ident.op not in ("=", "<=", ">="):
                raise self.fail(iwhere, f"未知的比较符 {ident.op!r}")
            identities.append(ident)
            equations.extend(self.identity_equations(table, ident, iwhere))
        table = Table(**{**table.__dict__, "identities": tuple(identities)})
        for code, cell in list(cells.items()):
            if cell.table == tcode and not cell.value_rule:
                cells[code] = Cell(**{**cell.__dict__, "value_rule": table.value_rule})
        for rule, hint_cells in table.hints:
            for code in hint_cells:
                if code not in cells:
                    raise self.fail(where, f"提示规则 {rule} 引用了不存在的单元格 {code!r}")
        rules = {e.rule for e in equations if e.table == tcode}
        for rule in table.live_checks:
            if rule not in rules:
                raise self.fail(where, f"live_checks 中的 {rule} 不是本表的等式")
        return table, equations

    def block_cells(
        self, tcode: str, sheet: str, block: Block, where: str, cells: dict[str, Cell]
    ) -> list[Equation]:
        rows = self.axis_index(block.rows, where + " 行")
        cols = self.axis_index(block.columns, where + " 列")
        row_paths = _paths(block.rows)
        col_paths = _paths(block.columns)
        equations: list[Equation] = []
        for r in block.leaf_rows:
            row_parts = self.expand(r.sum, rows, f"{where} {r.label}")
            if r in row_parts:
                raise self.fail(f"{where} {r.label}", "合计项引用了自身")
            for c in block.leaf_columns:
                col_parts = self.expand(c.sum, cols, f"{where} {c.label}")
                if c in col_parts:
                    raise self.fail(f"{where} {c.label}", "合计项引用了自身")
                code = cell_code(tcode, r.code, c.code)
                if code in cells:
                    raise self.fail(where, f"单元格编码 {code!r} 重复")
                # A cell under both a total row and a total column sums across its row; the column view is
                # still checked, as its own equation.
                parts = tuple(cell_code(tcode, r.code, p.code) for p in col_parts) or tuple(
                    cell_code(tcode, p.code, c.code) for p in row_parts
                )
                band = (block.band,) if block.band else ()
                cells[code] = Cell(
                    code=code,
                    sheet=sheet,
                    table=tcode,
                    kind="total" if parts else "input",
                    value=c.value or r.value or "count",
                    row_labels=band + row_paths[r],
                    col_labels=col_paths[c],
                    parts=parts,
                    row=r.code,
                    column=c.code,
                    rule_making=r.rule_making,
                    value_rule=c.value_rule or r.value_rule,
                    unit=c.unit or r.unit,
                )
                if col_parts:
                    rhs = tuple(cell_code(tcode, r.code, p.code) for p in col_parts)
                    equations.append(Equation(c.rule, tcode, "total", (code,), rhs, column=c.code))
                if row_parts:
                    rhs = tuple(cell_code(tcode, p.code, c.code) for p in row_parts)
                    equations.append(Equation(r.rule, tcode, "total", (code,), rhs, column=c.code))
        return equations

    def identity_equations(self, table: Table, ident: Identity, where: str) -> list[Equation]:
        out: list[Equation] = []
        for block in table.blocks:
            rows = self.axis_index(block.rows, where)
            if not all(ref in rows for ref in ident.lhs + ident.rhs):
                continue
            lhs = self.expand(ident.lhs, rows, where)
            rhs = self.expand(ident.rhs, rows, where)
            columns = block.leaf_columns if ident.for_each_column else block.leaf_columns[:1]
            for c in columns:
                out.append(
                    Equation(
                        ident.rule,
                        table.code,
                        "identity",
                        tuple(cell_code(table.code, r.code, c.code) for r in lhs),
                        tuple(cell_code(table.code, r.code, c.code) for r in rhs),
                        column=c.code,
                        op=ident.op,
                    )
                )
            return out
        raise self.fail(where, "等式引用的行不在同一块中")

    def check_acyclic(self, cells: dict[str, Cell]) -> None:
        state: dict[str, int] = {}

        def visit(code: str, trail: tuple[str, ...]) -> None:
            if state.get(code) == 2:
                return
            if state.get(code) == 1:
                raise self.fail(" → ".join((*trail, code)), "合计公式循环引用")
            state[code] = 1
            for p in cells[code].parts:
                visit(p, (*trail, code))
            state[code] = 2

        for code in cells:
            visit(code, ())


def _paths(nodes: tuple[Node, ...]) -> dict[Node, tuple[str, ...]]:
    out: dict[Node, tuple[str, ...]] = {}

    def visit(n: Node, trail: tuple[str, ...]) -> None:
        here = trail + ((n.label,) if n.label else ())
        if not n.children:
            out[n] = here
        for c in n.children:
            visit(c, here)

    for n in nodes:
        visit(n, ())
    return out


def parse_edition(text: str, source: str) -> Edition:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"版式数据文件 {source} 不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    loader = _Loader(source)
    ed = loader.edition(raw)
    loader.check_rules(ed)
    return ed
