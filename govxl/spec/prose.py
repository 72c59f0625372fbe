"""Loading an edition's `prose`: the counts, outcome groups, percentage bases and table 四 cells the prose rules
compare sentences with, and what the generated sentences of a report say (which outcomes they list, the
sentence said of table 二's rows). Group and row names expand to the cells they cover, checked here."""

from __future__ import annotations

import string
from typing import Any

from govxl.spec.base import BaseLoader
from govxl.spec.model import Cell, Prose, RowSentence, cell_code


class ProseLoader(BaseLoader):
    def prose(self, raw: dict[str, Any], cells: dict[str, Cell]) -> Prose:
        where = "prose"
        counts: dict[str, tuple[str, ...]] = {}
        raw_counts = self.get(raw, "counts", where, dict, {})
        for name in raw_counts:
            codes = self.strings(raw_counts, name, "prose.counts")
            for code in codes:
                if code not in cells:
                    raise self.fail(f"prose.counts.{name}", f"引用了不存在的单元格 {code!r}")
            if not codes:
                raise self.fail(f"prose.counts.{name}", "应列出至少一个单元格")
            counts[name] = tuple(codes)
        raw_names = self.get(raw, "names", where, dict, {})
        for name in raw_names:
            if name not in counts:
                raise self.fail("prose.names", f"{name!r} 不在 counts 中")
            self.get(raw_names, name, "prose.names", str)
        # a count the edition gives no word for is called by its first cell's labels, never by its code
        names = {n: raw_names.get(n) or _labels(cells[codes[0]]) for n, codes in counts.items()}
        outcomes = self.outcomes(raw, cells)
        known = dict(outcomes)
        listed = []
        for name in self.strings(raw, "listed_outcomes", where, []):
            if name not in known:
                raise self.fail("prose.listed_outcomes", f"{name!r} 不在 outcomes 中")
            listed.append((name, known[name]))
        raw_bases = self.get(raw, "share_bases", where, list, [])
        bases = []
        for i, b in enumerate(raw_bases):
            entry = f"prose.share_bases[{i}]"
            if not isinstance(b, list) or not b or not all(isinstance(x, str) for x in b):
                raise self.fail(entry, "应为一个或几个计数名组成的列表")
            if not set(b) <= set(counts):
                raise self.fail(entry, f"{b!r} 不在 counts 中")
            bases.append(tuple(b))
        appeals_raw = self.get(raw, "appeals", where, dict, {"table": "", "not_upheld": []})
        atable = self.get(appeals_raw, "table", "prose.appeals", str)
        if atable and not any(c.table == atable for c in cells.values()):
            raise self.fail("prose.appeals", f"没有表 {atable!r}")
        appeals = tuple(c.code for c in cells.values() if c.table == atable and c.kind == "input" and atable)
        kinds = self.strings(appeals_raw, "not_upheld", "prose.appeals")  # leaf columns under each appeal
        not_upheld = tuple(c for c in appeals if any(cells[c].column.endswith(k) for k in kinds))
        disclosure = self.row_sentence(raw["disclosure"], cells) if "disclosure" in raw else None
        return Prose(counts, outcomes, tuple(bases), appeals, not_upheld, names, tuple(listed), disclosure)

    def outcomes(self, raw: dict[str, Any], cells: dict[str, Cell]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each outcome group's name and the cells of its rows (a row and the rows under it) in one column."""
        where = "prose"
        place = self.get(raw, "outcome_cells", where, dict, {"table": "", "column": ""})
        table, column = self.get(place, "table", where, str), self.get(place, "column", where, str)
        outcomes = []
        for i, o in enumerate(self.get(raw, "outcomes", where, list, [])):
            owhere = f"prose.outcomes[{i}]"
            rows = self.strings(o, "rows", owhere)
            group = tuple(
                c.code
                for c in cells.values()
                if c.table == table
                and c.column == column
                and any(c.row == r or c.row.startswith(r + "_") for r in rows)
            )
            if not group:
                raise self.fail(owhere, f"行 {rows!r} 在表 {table!r} 的 {column!r} 列没有单元格")
            outcomes.append((self.get(o, "name", owhere, str), group))
        return tuple(outcomes)

    def row_sentence(self, raw: Any, cells: dict[str, Cell]) -> RowSentence:
        where = "prose.disclosure"
        table = self.get(raw, "table", where, str)
        columns = self.strings(raw, "columns", where)
        text = self.get(raw, "sentence", where, str)
        try:
            parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
        except ValueError:
            raise self.fail(where, f"句子 {text!r} 的花括号不成对") from None
        if any(spec or conv for _, spec, conv in parsed):
            raise self.fail(where, f"句子 {text!r} 中的字段只能写作 {{列编码}} 或 {{label}}")
        fields = {f for f, _, _ in parsed}
        unknown = fields - {"label", *columns}
        if unknown:
            raise self.fail(where, f"句子中的 {sorted(unknown)!r} 既不是 label 也不是所列的列")
        rows = []
        for row in self.strings(raw, "rows", where):
            codes = tuple((c, cell_code(table, row, c)) for c in columns)
            missing = [code for _, code in codes if code not in cells]
            if missing or not codes:
                raise self.fail(where, f"行 {row!r} 在表 {table!r} 没有单元格 {missing!r}")
            rows.append((row, cells[codes[0][1]].row_labels[-1], codes))
        only = self.strings(raw, "only_if_any", where, [])
        if not set(only) <= {r for r, _, _ in rows}:
            raise self.fail(where, f"only_if_any {only!r} 应是 rows 中的行")
        return RowSentence(text, tuple(rows), tuple(only))


def _labels(cell: Cell) -> str:
    return " / ".join(cell.row_labels + cell.col_labels)
