"""Loading a table: its blocks of row and column trees become cells by code, the equations of its totals and
printed identities; and no total may, through other totals, sum itself."""

from __future__ import annotations

from typing import Any

from govxl.spec.base import BaseLoader
from govxl.spec.model import (
    Block,
    Cell,
    Equation,
    Identity,
    Node,
    Table,
    cell_code,
)


class TableLoader(BaseLoader):
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
