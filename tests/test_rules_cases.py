"""One case per rule: a fill that breaks it and the exact findings (rule, sheet, cell) it must produce.

Addresses are written by hand from the official layout (table 三: rows 5-29 are 一 … 四, columns D-J are
自然人 … 总计), not taken from the spec."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.packaging.custom import CustomPropertyList, StringProperty

from govxl.checker import check_paths
from govxl.findings import FileReport
from govxl.rules import CATALOGUE
from govxl.spec import load_edition
from tests.helpers import COVER, T2, T3, T4, clean_values, compact, edit, report, write

Build = Callable[[Path], Path]


def filled(**changes: Any) -> Build:
    def build(tmp: Path) -> Path:
        return write(tmp / "case.xlsx", {**clean_values(), **changes})

    return build


def edited(change: Callable[[openpyxl.Workbook], None]) -> Build:
    def build(tmp: Path) -> Path:
        return edit(write(tmp / "case.xlsx"), change)

    return build


def typed(sheet: str, cell: str, value: Any) -> Build:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell] = value

    return edited(change)


def stale_cache(tmp: Path) -> Path:
    """Change two inputs in the sheet XML but leave the totals' stored results as they were."""
    src = write(tmp / "fresh.xlsx")
    out = tmp / "case.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                text = data.decode()
                text, n1 = re.subn(r'(<c r="D7"[^>]*><v>)11(</v>)', r"\g<1>10\g<2>", text)
                text, n2 = re.subn(r'(<c r="D17"[^>]*><v>)3(</v>)', r"\g<1>4\g<2>", text)
                assert n1 == n2 == 1
                data = text.encode()
            zout.writestr(item, data)
    return out


def moved_rows(wb: openpyxl.Workbook) -> None:
    """What inserting a row above table 三's data does in a spreadsheet: cells, formulas and names move."""
    ws = wb[T3]
    ws.move_range("A5:J29", rows=1, translate=True)
    for dn in list(wb.defined_names.values()):
        ((sheet, ref),) = dn.destinations
        if sheet == T3:
            col, row = re.fullmatch(r"\$([A-Z]+)\$(\d+)", ref).groups()
            if int(row) >= 5:
                dn.attr_text = f"'{T3}'!${col}${int(row) + 1}"


def no_props(wb: openpyxl.Workbook) -> None:
    wb.custom_doc_props = CustomPropertyList()


def not_from_template(wb: openpyxl.Workbook) -> None:
    """A copy of the official form made by hand: no govxl properties and no names of cell codes (a template
    that only lost its properties, as on a re-save by Gnumeric, is still recognised: test_check_clients)."""
    no_props(wb)
    for name in list(wb.defined_names):
        del wb.defined_names[name]


def old_fingerprint(wb: openpyxl.Workbook) -> None:
    props = CustomPropertyList()
    for p in wb.custom_doc_props.props:
        value = "0000000000000000" if p.name == "govxl_fingerprint" else p.value
        value = "0.9.0" if p.name == "govxl_template_version" else value
        props.append(StringProperty(name=p.name, value=value))
    wb.custom_doc_props = props


def rename(old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[old].title = new

    return change


def delete(name: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        del wb[name]

    return change


CASES: list[tuple[str, Build, set[tuple[str, str, str]]]] = [
    ("nothing", filled(), set()),
    ("R3.1", filled(t3_new_np=13), {("R3.1", T3, "D5"), ("R3.1", T3, "J5")}),
    (
        "R3.2",
        typed(T3, "D28", 20),
        {("S2", T3, "D28"), ("R3.2", T3, "D28"), ("R3.2", T3, "J28"), ("R3.1", T3, "D5"), ("R3.1", T3, "J5")},
    ),
    ("R3.3", typed(T3, "J7", 99), {("S2", T3, "J7"), ("R3.3", T3, "J7"), ("R3.2", T3, "J28")}),
    ("R3.4 text", filled(t3_partial_biz="abc"), {("R3.4", T3, "E8")}),
    ("R3.4 decimal", filled(t3_open_np=10.5, t3_unable_nohold_np=3.5), {("R3.4", T3, "D7"), ("R3.4", T3, "D17")}),
    ("R3.4 formula", typed(T3, "I9", "=1+1"), {("R3.4", T3, "I9")}),
    (
        "R3.5 R3.6",
        filled(t3_carried_biz=2, t3_open_biz=1, t3_forward_biz=1),
        {("R3.5", T3, "E29"), ("R3.6", T3, "E28")},
    ),
    ("R3.7", filled(t3_open_np=5, t3_partial_np=6), {("R3.7", T3, "J8")}),
    ("R2.1", filled(t2_norm_made=-1, t2_fee_amount="abc"), {("R2.1", T2, "B5"), ("R2.1", T2, "B15")}),
    ("R2.1 amount ok", filled(t2_fee_amount=12.3456), set()),
    ("R2.2", filled(t2_rule_made=2), {("R2.2", T2, "B4")}),
    ("R2.2 entitled", filled(t2_rule_made=2, level="设区的市人民政府"), set()),
    ("R2.2U", filled(t2_rule_valid=3, level=None), {("C1", COVER, "B5"), ("R2.2U", T2, "D4")}),
    ("R4.1", typed(T4, "E5", 5), {("S2", T4, "E5"), ("R4.1", T4, "E5")}),
    ("R4.2", typed(T4, "J5", 1), {("S2", T4, "J5"), ("R4.2", T4, "J5")}),
    ("R4.3", typed(T4, "O5", 2), {("S2", T4, "O5"), ("R4.3", T4, "O5")}),
    ("R4.4", filled(t4_review_upheld=1.5), {("R4.4", T4, "A5")}),
    ("B1", filled(t4_after_other=None), {("B1", T4, "M5")}),
    ("B2", filled(**dict.fromkeys(load_edition("2021").input_codes)), {("B2", T2, "B4")}),
    # a spreadsheet's SUM skips text, so the stored 一 总计 (0) differs from the 12 govxl reads: S3 says so
    ("T1", filled(t3_new_np="１２件"), {("T1", T3, "D5"), ("S3", T3, "J5")}),
    ("C1", filled(contact=None), {("C1", COVER, "B6")}),
    ("C2", filled(year="明年"), {("C2", COVER, "B4")}),
    ("C3", filled(level="火星局"), {("C3", COVER, "B5")}),
    ("C4", filled(unit="某" * 101), {("C4", COVER, "B3")}),
    ("X5", filled(year=2019), {("X5", COVER, "B4")}),
    ("S1", typed(T3, "B7", "（一）公开"), {("S1", T3, "B7")}),
    ("S1.1", edited(delete(T4)), {("S1.1", T4, "")}),
    ("S1.2", edited(rename(T4, "表四")), {("S1.2", "表四", "")}),
    ("S1.3", edited(moved_rows), {("S1.3", T3, "D6")}),
    ("S2", typed(T3, "J5", 12), {("S2", T3, "J5")}),
    ("S3", stale_cache, {("S3", T3, "J7"), ("S3", T3, "J17")}),
    ("M1", edited(not_from_template), {("M1", "", "")}),
    ("M1 properties lost", edited(no_props), set()),
    ("M2", edited(old_fingerprint), {("M2", "", "")}),
]


@pytest.fixture(scope="module")
def rule_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FileReport]:
    """Every case's workbook (each in a folder of its own), checked in one call as an office checks its units'
    files together: one pass of the schema for all of them instead of one each."""
    paths = {name: build(tmp_path_factory.mktemp("case")) for name, build, _ in CASES}
    return dict(zip(paths, check_paths(list(paths.values())), strict=True))


@pytest.mark.parametrize(("name", "expected"), [(c[0], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_rule_case(rule_cases: dict[str, FileReport], name: str, expected: set[tuple[str, str, str]]) -> None:
    r = rule_cases[name]
    assert not r.problem, r.problem
    assert compact(r) == expected
    assert r.valid == (not any(f.severity.value == "error" for f in r.findings))


def _rules_of_2019_signed_change(tmp: Path) -> set[str]:
    from govxl.workbook import render
    from tests.test_edition_2019 import values_2019

    path = tmp / "signed.xlsx"
    path.write_bytes(render("2019", values_2019(t2_penalty_change=1.5)))
    return {f.rule for f in report(path).findings}


def _rules_of_a_merge_across_years(tmp: Path) -> set[str]:
    """X1.1 is said of a merge's sums, in its problems, as the rule's template words it."""
    from govxl.merge import merge
    from govxl.rules import RULES
    from govxl.workbook import render

    for year, forward in ((2021, 5), (2022, 0)):
        (tmp / str(year)).mkdir()
        values = {**clean_values(), "year": year, "t3_new_np": 12 + forward, "t3_forward_np": forward}
        (tmp / str(year) / "甲.xlsx").write_bytes(render("2021", values))
    result = merge([tmp / "2022"], tmp / "m.xlsx", previous=[tmp / "2021"], jobs=1)
    opening = RULES["X1.1"].template.split("{", 1)[0]
    return {"X1.1"} if any(p.startswith(opening) for p in result.problems) else set()


def _rules_of_extracting(name: str) -> Callable[[Path], set[str]]:
    def run(tmp: Path) -> set[str]:
        from govxl.extract import extract
        from tests.conftest import corpus_file

        return {f.rule for f in extract(corpus_file(name)).findings}

    return run


def _rules_of_a_year_on_year_sentence(tmp: Path) -> set[str]:
    from govxl.extract import extract
    from govxl.validation.prose import check_prose
    from tests.conftest import corpus_file

    seed = extract(corpus_file("002_linzi_gov_office_2024.txt")).filing
    found = check_prose(seed, "2024年共收到政府信息公开申请12件，同比下降55.55%。", last_year_new=30)
    return {f.rule for f in found}


# Rules that no case table (CASES here, CROSS_CASES, PROSE_CASES) can show: each with the test that shows it
# in full, and a run that produces its finding here, so that the list cannot go stale.
ELSEWHERE: dict[str, tuple[str, Callable[[Path], set[str]]]] = {
    "R2.4": ("tests/test_edition_2019.py::test_signed_change_and_r24", _rules_of_2019_signed_change),
    "E1": (
        "tests/test_extract.py::test_rows_on_lines_between_pipes_cut_off_mid_row",
        _rules_of_extracting("003_shenzhen_longgang_dept_2024.txt"),
    ),
    "E2": (
        "tests/test_extract.py::test_cells_on_lines_with_blanks_and_typos",
        _rules_of_extracting("006_changchun_erdao_fwzs_2022.txt"),
    ),
    "E3": (
        "tests/test_extract.py::test_rows_with_only_first_and_total_cells",
        _rules_of_extracting("019_yueyang_nanhu_bureau_2019.txt"),
    ),
    "N6": (
        "tests/test_prose.py::test_year_on_year_change_against_last_year",
        _rules_of_a_year_on_year_sentence,
    ),
    "X1.1": ("tests/test_crossyear.py::test_merge_with_previous_year", _rules_of_a_merge_across_years),
}


def test_every_rule_has_a_case(tmp_path: Path) -> None:
    """Every rule of the catalogue has a case that produces its finding: a row of a case table (each run by
    its parametrised test, which asserts the exact findings), or an entry of ELSEWHERE that runs here."""
    import importlib
    import inspect

    from tests.test_crossyear import CROSS_CASES
    from tests.test_prose import PROSE_CASES

    catalogue = {r.id for r in CATALOGUE}
    in_tables = {rule for _, _, expected in CASES + CROSS_CASES + PROSE_CASES for rule, _, _ in expected}
    assert in_tables <= catalogue, f"cases name rules the catalogue lacks: {sorted(in_tables - catalogue)}"
    assert set(ELSEWHERE) <= catalogue, sorted(set(ELSEWHERE) - catalogue)
    without = sorted(catalogue - in_tables - set(ELSEWHERE))
    assert not without, f"rules with no case: {without}"
    for rule, (where, produce) in ELSEWHERE.items():
        assert rule not in in_tables, f"{rule} has a case in a table: drop it from ELSEWHERE"
        path, name = where.split("::")
        test = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
        assert rule in inspect.getsource(test), f"{where} does not assert {rule}"
        assert rule in produce(tmp_path), f"{rule}: no finding of it where {where} says there is one"


def test_messages_carry_the_numbers(tmp_path: Path) -> None:
    r = report(filled(t3_new_np=13)(tmp_path))
    (first,) = [f for f in r.findings if f.compact() == ("R3.1", T3, "D5")]
    assert first.message == "自然人列：第一项加第二项之和 15 不等于第三项加第四项之和 14（相差 1）"
    # the identity concerns every input behind （七）总计 too, so a correction can start anywhere
    assert f"{T3}!D5" in {str(c) for c in first.cells} and f"{T3}!D27" in {str(c) for c in first.cells}
    r = report(typed(T3, "J7", 99)(tmp_path))
    (s2,) = [f for f in r.findings if f.rule == "S2"]
    assert (s2.expected, s2.actual) == ("=SUM(D7:I7)", "手填数字 99")
    (r33,) = [f for f in r.findings if f.rule == "R3.3"]
    assert (r33.expected, r33.actual) == (11, 99)
