"""Cells of a section -> the spec's cells by code, walking the official labels as a grammar.

Each row of the official table is looked for by its label, in order, from where the previous row ended; the
cells after it, up to the next label or the row's end, are its values. Published totals are kept as published
(the rules then judge them against their parts); a row that is not there is missing, never invented.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

from govxl.extract.cells import ROW, norm
from govxl.spec import Block, Edition, Node, Table, cell_code
from govxl.values import Parsed, parse_number

_NOT_A_NUMBER = {"-", "—", "－", "无", "/", "／", "--"}
SIMILAR = 0.8


@dataclass
class TableRead:
    values: dict[str, Parsed] = field(default_factory=dict)  # code -> the published cell, parsed
    missing: list[str] = field(default_factory=list)  # codes not found (cut off, or absent)
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (code, official label, as published)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (code, what was assumed)


@functools.lru_cache(maxsize=1 << 16)
def is_value(cell: str) -> bool:
    if cell.isascii() and cell.strip().isdigit():  # most of a table: a count, read without parse_number
        return True
    return cell == "" or cell.strip() in _NOT_A_NUMBER or parse_number(cell, "signed").status != "bad"


_norm = functools.lru_cache(maxsize=1 << 16)(norm)  # a big page repeats its cells; each is normalised once


class _Label:
    """One official label, normalised once, scored against many cells: a bound on the similarity from the
    lengths (and then from the characters shared) rejects most cells before difflib compares them, and difflib
    indexes the label once, not once a cell. A page of megabytes of cells is read in time linear in its size."""

    def __init__(self, label: str) -> None:
        self.norm = _norm(label)
        self.chars = frozenset(self.norm)
        self.matcher = difflib.SequenceMatcher(None, "", self.norm)

    def score(self, cell: str) -> float:
        a, b = _norm(cell), self.norm
        if not a:
            return 0.0
        if a == b:
            return 1.0
        if a.startswith(b) or (b.startswith(a) and len(a) >= len(b) * 0.6):
            return 0.95
        total = len(a) + len(b)
        if 2 * min(len(a), len(b)) < SIMILAR * total:  # ratio() can be no more than this
            return 0.0
        if 2 * sum(ch in self.chars for ch in a) < SIMILAR * total:  # nor more than the characters shared
            return 0.0
        self.matcher.set_seq1(a)
        return self.matcher.ratio()


def _find(cells: list[str], start: int, label: str) -> tuple[int, int, str]:
    """(index of the label's last cell, index after it, the label as published), or (-1, start, "")."""
    best = (-1, start, "", 0.0)
    official = _Label(label)
    for i in range(start, len(cells)):
        cell = cells[i]
        if cell == ROW or is_value(cell):
            continue
        score = official.score(cell)
        joined = cell
        j = i
        # a label broken over two cells ("本年新" + "制作数量")
        if score < SIMILAR and i + 1 < len(cells) and cells[i + 1] != ROW and not is_value(cells[i + 1]):
            both = official.score(cell + cells[i + 1])
            if both > score:
                score, joined, j = both, cell + cells[i + 1], i + 1
        if score >= SIMILAR and score > best[3]:
            best = (j, j + 1, joined, score)
            if score == 1.0:
                break
        if best[0] >= 0 and i > best[0] + 40:
            break
    return best[0], best[1], best[2]


def _values_after(cells: list[str], i: int, n: int) -> tuple[list[str], int]:
    """The n cells of a row after its label. A label spanning two columns can leave an empty cell behind it
    (PDF tables): one blank too many at the front of a row is that, not a value."""
    values, end = _collect(cells, i, n + 1)
    if len(values) == n + 1 and values[0] == "" and (end >= len(cells) or cells[end] == ROW):
        return values[1:], end
    return _collect(cells, i, n)


def _collect(cells: list[str], i: int, n: int) -> tuple[list[str], int]:
    out: list[str] = []
    while i < len(cells) and len(out) < n:
        cell = cells[i]
        if cell == ROW:
            if out:
                break
            i += 1
            continue
        if not is_value(cell):
            break
        out.append(cell)
        i += 1
    return out, i


def read_table(ed: Edition, table: Table, cells: list[str]) -> TableRead:
    got = TableRead()
    pos = 0
    for block in table.blocks:
        pos = _read_block(ed, table, block, cells, pos, got)
    return got


def _read_block(ed: Edition, table: Table, block: Block, cells: list[str], pos: int, got: TableRead) -> int:
    leaves = block.leaf_columns
    if block.band:
        at, after, _ = _find(cells, pos, block.band)
        if at >= 0:
            pos = after
    if not any(r.label for r in block.rows):  # table 四: one unlabelled row after the header
        return _read_unlabelled(table, block, cells, pos, got)
    for node in block.rows:
        pos = _read_row_node(table, node, leaves, cells, pos, got)
    return pos


def _read_row_node(
    table: Table, node: Node, leaves: tuple[Node, ...], cells: list[str], pos: int, got: TableRead
) -> int:
    if node.children:
        start = pos
        for child in node.children:
            pos = _read_row_node(table, child, leaves, cells, pos, got)
        codes = [cell_code(table.code, leaf.code, c.code) for leaf in node.leaves() for c in leaves]
        if all(code in got.missing for code in codes) and node.code:
            # the group printed as one row (a 2019 layout in a 2021 report): its values go to its last item
            at, after, published = _find(cells, start, node.label)
            values, end = _values_after(cells, after, len(leaves)) if at >= 0 else ([], after)
            if len(values) == len(leaves):
                last = node.leaves()[-1]
                for c, text in zip(leaves, values, strict=True):
                    code = cell_code(table.code, last.code, c.code)
                    got.missing.remove(code)
                    got.values[code] = parse_number(text, c.value or "count", c.unit)
                got.notes.append(
                    (
                        cell_code(table.code, last.code, leaves[0].code),
                        f"“{published}”只有一行，按其最后一项“{last.label}”计",
                    )
                )
                for leaf in node.leaves()[:-1]:
                    for c in leaves:
                        code = cell_code(table.code, leaf.code, c.code)
                        got.missing.remove(code)
                        got.values[code] = parse_number("0")
                return end
        return pos
    at, after, published = _find(cells, pos, node.label)
    codes = [cell_code(table.code, node.code, c.code) for c in leaves]
    if at < 0:
        got.missing.extend(codes)
        return pos
    if norm(published) != norm(node.label):
        got.labels.append((codes[0], node.label, published))
    values, end = _values_after(cells, after, len(leaves))
    if 0 < len(values) < len(leaves) and len(values) == 2 and values[0] == values[1] and leaves[-1].sum:
        # rows printed with only their first and 总计 cells (the others left empty)
        got.notes.append((codes[0], "只印了第一列和总计两个数，其余各列按空白计"))
        values = [values[0]] + [""] * (len(leaves) - 2) + [values[1]]
    elif 0 < len(values) < len(leaves) and _continues(cells, end):
        # fewer numbers than columns, yet the table goes on (a label or numbers follow): the row was printed
        # short, not cut off, so which column each number belongs to cannot be told, and none is guessed
        got.notes.append((codes[0], f"“{published}”一行只有 {len(values)} 个数，无法确定各属哪一列，按缺失处理"))
        values = []
    for code, c, text in zip(codes, leaves, values, strict=False):
        got.values[code] = parse_number(text, c.value or "count", c.unit)
    got.missing.extend(codes[len(values) :])
    return end


def _continues(cells: list[str], end: int) -> bool:
    """Whether anything of the table follows: numbers, or a label (a stray character is not one)."""
    return any(c not in (ROW, "") and (is_value(c) or len(norm(c)) >= 2) for c in cells[end:])


def _read_unlabelled(table: Table, block: Block, cells: list[str], pos: int, got: TableRead) -> int:
    leaves = block.leaf_columns
    row = block.leaf_rows[0]
    codes = [cell_code(table.code, row.code, c.code) for c in leaves]
    # with no row label to find, the numbers count only after the table's own header (行政复议 …)
    at, i, _ = _find(cells, pos, block.columns[0].label)
    if at < 0:
        got.missing.extend(codes)
        return pos
    while i < len(cells) and (cells[i] == ROW or not is_value(cells[i]) or cells[i] == ""):
        i += 1
    values, end = _values_after(cells, i, len(leaves))
    without_totals = [c for c in leaves if not c.sum]
    if len(values) == len(without_totals) < len(leaves):
        got.notes.append((codes[0], "表格未印总计列，总计按分项计算"))
        targets = without_totals
    else:
        targets = list(leaves)
    for c, text in zip(targets, values, strict=False):
        got.values[cell_code(table.code, row.code, c.code)] = parse_number(text, c.value or "count", c.unit)
    # totals the table did not print are computed from their parts, not missing
    unprinted = {cell_code(table.code, row.code, c.code) for c in leaves if c not in targets}
    got.missing.extend(code for code in codes if code not in got.values and code not in unprinted)
    return end
