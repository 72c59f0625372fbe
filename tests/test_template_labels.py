"""The generated workbook carries the official labels verbatim, each at its place in the hierarchy.

Positions are read from the workbook's own cells and merges and compared with tests/official_labels.py, an
independent transcription of official-format.md."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govxl.cells import cell_map
from govxl.workbook import render
from tests.official_labels import (
    T2_ROWS_2021,
    T2_SHEET,
    T3_COLUMNS,
    T3_NOTE,
    T3_ROWS_2021,
    T3_SHEET,
    T4_COLUMNS,
    T4_SHEET,
)

Box = tuple[int, int, int, int]


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render("2021")))


def box_at(ws: Worksheet, row: int, col: int) -> Box:
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    return (row, col, row, col)


def text_of(ws: Worksheet, box: Box) -> str | None:
    value = ws.cell(box[0], box[1]).value
    return value if isinstance(value, str) else None


def chain_down(ws: Worksheet, col: int, first_row: int, last_row: int) -> list[str]:
    """Distinct labels heading a column, top to bottom; the last must reach the last header row."""
    out, row = [], first_row
    while row <= last_row:
        box = box_at(ws, row, col)
        out.append(text_of(ws, box))
        row = box[2] + 1
    assert row == last_row + 1
    return out


def chain_across(ws: Worksheet, row: int, first_col: int, last_col: int) -> list[str]:
    out, col = [], first_col
    while col <= last_col:
        box = box_at(ws, row, col)
        out.append(text_of(ws, box))
        col = box[3] + 1
    return out


def test_sheets_and_headings(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["封面", T2_SHEET, T3_SHEET, T4_SHEET]
    for name in (T2_SHEET, T3_SHEET, T4_SHEET):
        assert book[name]["A1"].value == name  # the section heading, verbatim


def test_table3_header_and_rows(book: openpyxl.Workbook) -> None:
    ws = book[T3_SHEET]
    assert box_at(ws, 2, 1) == (2, 1, 4, 3)  # the note spans 3 label columns and 3 header rows
    assert ws["A2"].value == T3_NOTE
    for i, expected in enumerate(T3_COLUMNS):
        assert chain_down(ws, 4 + i, 2, 4) == expected, get_column_letter(4 + i)
    assert box_at(ws, 2, 4) == (2, 4, 2, 10)  # 申请人情况 spans the 7 number columns
    assert box_at(ws, 3, 5) == (3, 5, 3, 9)  # 法人或其他组织 spans 5
    for i, expected in enumerate(T3_ROWS_2021):
        row = 5 + i
        assert chain_across(ws, row, 1, 3) == expected, f"row {row}"
        assert box_at(ws, row, 4) == (row, 4, row, 4)  # number cells are not merged into labels
    assert box_at(ws, 7, 1) == (7, 1, 28, 1)  # 三、本年度办理结果 spans rows 3-24 of the table (22 rows)
    assert ws.cell(5 + len(T3_ROWS_2021), 1).value is None  # nothing follows 四 directly


def test_table4_header(book: openpyxl.Workbook) -> None:
    ws = book[T4_SHEET]
    for i, expected in enumerate(T4_COLUMNS):
        assert chain_down(ws, 1 + i, 2, 4) == expected, get_column_letter(1 + i)
    assert box_at(ws, 2, 1) == (2, 1, 2, 5)
    assert box_at(ws, 2, 6) == (2, 6, 2, 15)
    assert box_at(ws, 3, 1) == (3, 1, 4, 1)  # 结果维持 under 行政复议 spans two rows


def test_table2_blocks(book: openpyxl.Workbook) -> None:
    ws = book[T2_SHEET]
    row = 2
    for entry in T2_ROWS_2021:
        kind = entry[0]
        if kind == "band":
            assert box_at(ws, row, 1) == (row, 1, row, 4)
            assert ws.cell(row, 1).value == entry[1]
        elif kind == "head":
            assert chain_across(ws, row, 1, 4) == entry[1], f"row {row}"
        else:
            assert ws.cell(row, 1).value == entry[1]
            assert len(chain_across(ws, row, 2, 4)) == entry[2], f"row {row}"
        row += 1
    assert ws.cell(row, 1).value is None


def test_cell_map_labels_match_transcription() -> None:
    """`govxl cells` names each number cell by the same labels the official form heads it with."""
    rows = {r["code"]: r for r in cell_map("2021")}
    t3 = [r for r in rows.values() if r["sheet"] == T3_SHEET]
    assert len(t3) == 25 * 7
    for r in t3:
        col = openpyxl.utils.cell.column_index_from_string("".join(ch for ch in r["cell"] if ch.isalpha()))
        row = int("".join(ch for ch in r["cell"] if ch.isdigit()))
        assert r["row_labels"] == T3_ROWS_2021[row - 5]
        assert r["col_labels"] == T3_COLUMNS[col - 4]
    t4 = [r for r in rows.values() if r["sheet"] == T4_SHEET]
    assert [r["col_labels"] for r in t4] == T4_COLUMNS
    assert all(r["row_labels"] == [] for r in t4)
    assert rows["t2_norm_valid"]["row_labels"] == ["第二十条第（一）项", "行政规范性文件"]
    assert rows["t2_norm_valid"]["col_labels"] == ["现行有效件数"]
    assert rows["t2_fee_amount"]["col_labels"] == ["本年收费金额（单位：万元）"]
    assert rows["unit"]["sheet"] == "封面" and rows["unit"]["row_labels"] == ["填报单位"]
