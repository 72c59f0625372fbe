"""render() fills a structure xlsxwriter wrote once (govxl.skeleton): the package it gives is the one xlsxwriter
writes cell by cell (render_directly), part for part, whatever the values, hints, properties, printed totals and
data sheets; and a text is written as text even where xlsxwriter would copy it into the package as XML."""

from __future__ import annotations

import io
import math
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govxl.checker import check_paths
from govxl.datasheets import DataSheet
from govxl.grid import grid_for
from govxl.spec import available_editions, compute_totals, load_edition
from govxl.workbook import render, render_directly

TEXTS = [
    "某某区人民政府办公室",
    " 前后有空格 ",
    "换行\n与制表\t",
    "控制\x01字符\x1f",
    "字面的 _x0041_ 转义",
    "引号\"与'撇号'、&、<、>",
    "=SUM(A1:A9)",
    "@cmd|' /c calc'!A0",
    "\ufffe\uffff",
    "𠀀𠀁" * 3,
    "长" * 40_000,  # beyond Excel's 32,767: cut as xlsxwriter cuts it
]


def _fill(edition: str, rng: random.Random) -> dict[str, Any]:
    ed = load_edition(edition)
    values: dict[str, Any] = {}
    for code in ed.input_codes:
        pick = rng.random()
        if pick < 0.15:
            continue
        if ed.cells[code].value in ("text", "choice") or pick < 0.25:
            values[code] = rng.choice(TEXTS)
        elif pick < 0.3:
            values[code] = rng.choice([0.5, -3, 1e20, 2.5e-7, 10**15 + 1, True, ""])
        else:
            values[code] = rng.randrange(0, 5000)
    return values


def _shape(edition: str, rng: random.Random) -> dict[str, Any]:
    ed = load_edition(edition)
    totals = list(ed.total_codes)
    return {
        "hints": {"unit": f"抽取自：{rng.choice(TEXTS)[:50]}", **({"year": "核对"} if rng.random() < 0.5 else {})},
        "properties": {"govxl-a": rng.choice(TEXTS)[:200], "govxl-b": "\ue0000\ue001 占位符的样子"},
        "published": {c: rng.choice([None, 7, "七", 0.5]) for c in rng.sample(totals, 5)},
        "extra": [
            DataSheet("来源", [["填报单位", "数"], ["", "合计"]], [[t[:20], i] for i, t in enumerate(TEXTS)], 11),
            DataSheet("空", [["一", "二", "三"]], [], 0, [10, 20, 30]),
            DataSheet("一列", [["只一列"]], [["甲"], ["乙"]], 2, hidden=True),
        ],
    }


def _normalised(package: bytes) -> dict[str, str]:
    """Every part's text, with each shared-string cell given its text instead of its index in the table (whose
    order differs) and a range of one cell, A1:A1, written as A1 (as xlsxwriter writes it)."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        parts = {name: z.read(name).decode("utf-8") for name in z.namelist()}
    strings = re.findall(r"<si>(.*?)</si>", parts.pop("xl/sharedStrings.xml"), re.S)
    out = {}
    for name, text in parts.items():
        text = re.sub(r'( t="s")><v>(\d+)</v>', lambda m: f"{m[1]}><si>{strings[int(m[2])]}</si>", text)
        out[name] = re.sub(r"(\$?[A-Z]+\$?[0-9]+):\1(?![0-9])", r"\1", text)
    out["strings"] = "\n".join(sorted(set(strings)))
    return out


@pytest.mark.parametrize("edition", available_editions())
def test_the_filled_skeleton_is_the_package_xlsxwriter_writes(edition: str) -> None:
    rng = random.Random(f"skeleton-{edition}")
    fills: list[dict[str, Any]] = [{}, {"values": _fill(edition, rng)}]
    fills += [{"values": _fill(edition, rng), **_shape(edition, rng)} for _ in range(4)]
    for kwargs in fills:
        fast, direct = _normalised(render(edition, **kwargs)), _normalised(render_directly(edition, **kwargs))
        assert list(fast) == list(direct)
        for name in direct:
            assert fast[name] == direct[name], (name, kwargs.keys())


def test_a_text_that_looks_like_rich_text_is_written_as_that_text(tmp_path: Path) -> None:
    """xlsxwriter copies a shared string that begins <r> and ends </r> into the package as XML: a unit named
    "<r>x</r>" came back blank, and one named "<r><t>局</t></r>" as 局."""
    grid = grid_for("2021")
    sheet, ref = grid.sheet_of("unit").name, grid.address("unit")
    for unit in ("<r>x</r>", "<r><t>某局</t></r>", "<r></t></si><si><t>多出的一项</t></r>"):
        path = tmp_path / "unit.xlsx"
        path.write_bytes(render("2021", {"unit": unit, "year": 2024}))
        (report,) = check_paths([path])
        assert report.unit == unit
        assert openpyxl.load_workbook(path, read_only=True)[sheet][ref].value == unit


def test_property_values_are_written_whatever_they_hold() -> None:
    props = {"govxl-a": "\ue0001\ue001", "govxl-b": "<&>\"'", "govxl-c": ""}
    book = openpyxl.load_workbook(io.BytesIO(render("2021", {}, properties=props)), read_only=True)
    found = {p.name: p.value for p in book.custom_doc_props.props}
    assert {k: found[k] or "" for k in props} == props


def test_a_number_that_is_not_finite_is_refused_as_xlsxwriter_refuses_it() -> None:
    for bad in (math.nan, math.inf):
        for write in (render, render_directly):
            with pytest.raises(TypeError):
                write("2021", {"t3_new_np": bad})


def test_a_property_is_written_whatever_its_name_or_value() -> None:
    """A name that looks like the skeleton's placeholder is a name; a value that is not text is its text."""
    props: dict[str, Any] = {"\ue0000\ue001": "甲", "\ue0009\ue001": "乙", "govxl-n": 5, "govxl-t": True}
    book = openpyxl.load_workbook(io.BytesIO(render("2021", {}, properties=props)), read_only=True)
    found = {p.name: p.value for p in book.custom_doc_props.props}
    assert {k: found.get(k) for k in props} == {k: str(v) for k, v in props.items()}


def test_printed_totals_do_not_make_a_new_skeleton() -> None:
    """Each extraction prints its own set of totals: they are values put where the formulas were, so a batch
    of extractions shares one skeleton."""
    from govxl.workbook import _skeleton

    totals = list(load_edition("2021").total_codes)
    render("2021", {}, hints={"unit": "甲"}, published={totals[0]: 1})
    before = _skeleton.cache_info()
    for i in range(1, 6):
        render("2021", {}, hints={"unit": "乙"}, published={c: i for c in totals[:i]})
    after = _skeleton.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits + 5)


def test_a_data_sheet_needs_a_header_row() -> None:
    with pytest.raises(ValueError, match="header"):
        DataSheet("无表头", [], [["甲"]], 1)


def test_a_literal_escape_in_a_unit_survives_merges(tmp_path: Path) -> None:
    """A unit named _x0041_局 is listed as such in a merge and a merge of merges, as govxl's reader
    (python-calamine, which reads _x0041_ as A, as Excel does) reads the provenance sheets."""
    from python_calamine import CalamineWorkbook

    from govxl.merge import merge
    from govxl.merge.provenance import UNITS_SHEET
    from tests.helpers import clean_values

    unit = "_x0041_局"
    first = tmp_path / "u.xlsx"
    first.write_bytes(render("2021", {**clean_values(), "unit": unit}))
    merge([first], tmp_path / "m1.xlsx", jobs=1)
    merge([tmp_path / "m1.xlsx"], tmp_path / "m2.xlsx", jobs=1)
    for merged in ("m1.xlsx", "m2.xlsx"):
        rows = CalamineWorkbook.from_path(str(tmp_path / merged)).get_sheet_by_name(UNITS_SHEET).to_python()
        assert [r[0] for r in rows[1:]] == [unit], merged


NAMES = ["_x005F_x0041_局", "_x0041_x0042_局", "空\x00字符局", "_xD800_局", "_xFFFE_局"]


@pytest.mark.parametrize("unit", NAMES)
def test_a_unit_name_comes_back_as_written_from_the_cover_and_from_merges(tmp_path: Path, unit: str) -> None:
    """However a name holds Excel's escape (_xHHHH_, escapes that share an underscore, one naming a surrogate)
    or a control character, the cover, a merge's unit list and a merge of merges read back that name, and a
    merge of the merge with the unit's own file counts the unit once."""
    from python_calamine import CalamineWorkbook

    from govxl.merge import merge
    from govxl.merge.entries import COUNTED_TWICE, UNITS_SHEET
    from govxl.reader import read_filing
    from tests.helpers import clean_values

    own = tmp_path / "u.xlsx"
    own.write_bytes(render("2021", {**clean_values(), "unit": unit}))
    other = tmp_path / "v.xlsx"
    other.write_bytes(render("2021", {**clean_values(), "unit": "乙单位"}))
    assert read_filing(own).unit == unit
    merge([own, other], tmp_path / "m1.xlsx", jobs=1)
    merge([tmp_path / "m1.xlsx"], tmp_path / "m2.xlsx", jobs=1)
    for merged in ("m1.xlsx", "m2.xlsx"):
        rows = CalamineWorkbook.from_path(str(tmp_path / merged)).get_sheet_by_name(UNITS_SHEET).to_python()
        assert sorted(r[0] for r in rows[1:]) == sorted([unit, "乙单位"]), merged
    again = merge([tmp_path / "m1.xlsx", own], tmp_path / "m3.xlsx", jobs=1)
    assert [e.status for e in again.entries if e.unit == unit] == [COUNTED_TWICE]


def test_a_printed_total_is_what_the_totals_above_it_sum() -> None:
    """An extraction prints 一 总计's 自然人 column as the report had it (999): 总计 of 一's row is the sum a
    spreadsheet computes with that value, and so is its cached result."""
    from govxl.grid import grid_for
    from tests.helpers import clean_values, read_book

    ed, grid = load_edition("2021"), grid_for("2021")
    values = clean_values()
    numbers = {k: v for k, v in values.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    parts = ed.cells["t3_done_total"].parts
    assert "t3_done_np" in parts
    book = read_book(render("2021", values, published={"t3_done_np": 999}), data_only=True)
    sheet = book[grid.sheet_of("t3_done_total").name]
    computed = compute_totals(ed, numbers)
    want = 999 + sum(computed[p] if p in computed else numbers.get(p, 0) for p in parts if p != "t3_done_np")
    assert sheet[grid.address("t3_done_total")].value == want


def test_a_provenance_cell_whose_escape_names_a_surrogate_is_read_as_written(tmp_path: Path) -> None:
    """A merged workbook whose unit list says _xD800_局 unescaped (another program's, or a crafted one): read as
    python-calamine reads it, the text as written, where decoding it to a lone surrogate crashed every merge of
    it and the archive's export of its year."""
    from govxl.merge import merge
    from tests.helpers import clean_values, patch_package

    own = tmp_path / "u.xlsx"
    own.write_bytes(render("2021", {**clean_values(), "unit": "_xD800_局"}))
    merge([own], tmp_path / "m1.xlsx", jobs=1)
    data = (tmp_path / "m1.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"_x005F_xD800_" in z.read(n)]
    assert sheets
    crafted = tmp_path / "crafted.xlsx"
    unescaped = dict.fromkeys(sheets, lambda text: text.replace("_x005F_xD800_", "_xD800_"))
    crafted.write_bytes(patch_package(data, unescaped))
    result = merge([crafted], tmp_path / "m2.xlsx", jobs=1)
    assert [e.status for e in result.entries] == ["已汇总"]
