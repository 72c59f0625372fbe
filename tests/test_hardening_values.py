"""Issue 10 items 7, 9 and 11, issue 9 item 5: huge numbers, the edition's years, the small honest rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govxl.cli import main
from govxl.spec import load_edition
from govxl.values import MAX_MAGNITUDE, parse_number
from tests.helpers import COVER, T2, T3, T4, clean_values, compact, report, write


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    code = exit_.value.code
    out = capsys.readouterr()
    return int(code if isinstance(code, int) else 0), out.out + out.err


@pytest.mark.parametrize("value", [1e308, -1e308, 10**17 + 1, MAX_MAGNITUDE + 1, "100000000000000000001", "1e308"])
def test_a_magnitude_no_report_holds_is_refused(value: object) -> None:
    parsed = parse_number(value)
    assert parsed.status == "bad" and parsed.number is None


def test_the_bound_itself_is_a_number() -> None:
    assert parse_number(MAX_MAGNITUDE).number == MAX_MAGNITUDE
    assert parse_number("1,000,000,000").number == MAX_MAGNITUDE
    assert parse_number(-MAX_MAGNITUDE, "signed").number == -MAX_MAGNITUDE


def test_huge_cells_are_findings_at_their_cells_and_not_summed(tmp_path: Path) -> None:
    # 1e17+1 and 1e17+2 are the same double: read as numbers, the imbalance of 1 would vanish
    values = {**clean_values(), "t3_new_np": 10**17 + 1, "t3_open_np": 10**17 + 2, "t3_new_biz": 1e308}
    r = report(write(tmp_path / "huge.xlsx", values))
    found = compact(r)
    assert {("R3.4", T3, "D5"), ("R3.4", T3, "D7"), ("R3.4", T3, "E5")} <= found
    bad = [f for f in r.findings if f.rule == "R3.4"]
    assert all("数值过大" in f.message for f in bad)
    # not used in sums: no identity is judged on numbers that cannot be held exactly
    assert not [f for f in r.findings if f.rule in ("R3.1", "R3.2", "R3.3")]
    assert not r.valid


def test_sums_at_the_bound_stay_exact(tmp_path: Path) -> None:
    # the largest accepted numbers, off by one: the imbalance must be seen
    # 一 + 二 = MAX + 2; 七 + 四 = (MAX - 2) + 3
    values = {**clean_values(), "t3_new_np": MAX_MAGNITUDE, "t3_open_np": MAX_MAGNITUDE - 2}
    r = report(write(tmp_path / "edge.xlsx", values))
    (first,) = [f for f in r.findings if f.compact() == ("R3.1", T3, "D5")]
    assert "相差 1" in first.message


def test_an_edition_says_which_years_it_covers() -> None:
    assert load_edition("2019").years == "2019—2020年度"
    assert load_edition("2021").years == "2021年度起"


def test_template_for_a_year_outside_the_edition_names_its_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_main(capsys, "template", "-o", str(tmp_path / "x.xlsx"), "--edition", "2019", "--year", "2021")
    assert code == 2
    assert "2019—2020年度" in err and "年度起" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_x5_names_the_same_years(tmp_path: Path) -> None:
    r = report(write(tmp_path / "y.xlsx", {**clean_values(), "year": 2019}))
    (x5,) = [f for f in r.findings if f.rule == "X5"]
    assert "（适用于 2021年度起）" in x5.message


def test_an_off_list_agency_type_is_a_finding_and_judged_as_unknown(tmp_path: Path) -> None:
    r = report(write(tmp_path / "mars.xlsx", {**clean_values(), "level": "火星局", "t2_rule_made": 2}))
    assert compact(r) == {("C3", COVER, "B5"), ("R2.2U", T2, "B4")}
    (c3,) = [f for f in r.findings if f.rule == "C3"]
    assert "火星局" in c3.message and "省级人民政府" in c3.message
    assert r.valid  # both 核实: nothing proves the 规章 wrong


@pytest.mark.parametrize(("written", "expected"), [("省人民政府", set()), ("县人民政府", {("R2.2", T2, "B4")})])
def test_another_name_of_an_official_choice_is_that_choice(
    tmp_path: Path, written: str, expected: set[tuple[str, str, str]]
) -> None:
    r = report(write(tmp_path / "alias.xlsx", {**clean_values(), "level": written, "t2_rule_made": 2}))
    assert compact(r) == expected


def test_an_overlong_unit_name_is_said_not_cut(tmp_path: Path) -> None:
    r = report(write(tmp_path / "long.xlsx", {**clean_values(), "unit": "某" * 20_000}))
    (c4,) = [f for f in r.findings if f.rule == "C4"]
    assert c4.compact() == ("C4", COVER, "B3") and "20000" in c4.message
    assert not report(write(tmp_path / "ok.xlsx", {**clean_values(), "unit": "某" * 100})).findings


def test_template_refuses_an_agency_name_it_would_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.xlsx"
    code, err = run_main(capsys, "template", "-o", str(out), "--agency", "某" * 40_000)
    assert code == 2 and "40000" in err and "100" in err
    assert not out.exists()


def test_system_refusals_are_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from govxl.errors import GovxlError
    from govxl.files import write_atomically

    for number, english, chinese in (
        (errno.EROFS, "Read-only file system", "只读"),
        (errno.ENOSPC, "No space left on device", "磁盘空间不足"),
    ):

        def refuse(*_: object, number: int = number, english: str = english, **__: object) -> None:
            raise OSError(number, english)

        with monkeypatch.context() as m:  # the temporary file's creation is refused
            m.setattr(os, "open", refuse)
            with pytest.raises(GovxlError) as err:
                write_atomically(tmp_path / "out.xlsx", b"x")
        assert chinese in err.value.message and english not in err.value.message
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bad.docx", b"PK\x05\x06" + b"\x00" * 18, "Word"),  # an empty zip: no document inside
        ("bad.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "PDF"),
    ],
)
def test_broken_documents_are_described_without_class_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, text = run_main(capsys, "extract", str(path), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2 and needle in text
    for english in ("PackageNotFoundError", "PdfminerException", "PDFSyntaxError", "Error", "Exception"):
        assert english not in text


def test_a_broken_workbook_is_described_without_class_names(tmp_path: Path) -> None:
    import zipfile

    from govxl.errors import GovxlError
    from govxl.reader import read_filing

    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook><sheets><sheet name=")
    with pytest.raises(GovxlError) as err:
        read_filing(path)
    assert "XmlError" not in err.value.message and "Error" not in err.value.message


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (("check",), "缺少参数 FILES"),
        (("check", "--bogus", "x.xlsx"), "没有选项 --bogus"),
        (("check", "--previou", "x"), "是否要用 --previous"),
        (("check", "--edition", "2020", "x.xlsx"), "“2020”不是可选的值（可选："),
        (("template",), "缺少选项 -o / --output"),
        (("template", "-o"), "选项 -o 后面缺少取值"),
        (("template", "-o", "a.xlsx", "--year", "abc"), "“abc”不是整数"),
        (("frob",), "没有命令 frob"),
        (("template", "-o", "a.xlsx", "extra"), "多余的参数：extra"),
    ],
)
def test_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], chinese: str) -> None:
    import re

    code, err = run_main(capsys, *args)
    assert code == 2 and chinese in err
    words = set(re.findall(r"[A-Za-z]{3,}", err)) - {"FILES", "govxl", "check", "template", "help", "output"}
    words -= {"edition", "previous", "bogus", "previou", "year", "abc", "frob", "extra", "xlsx"}
    from govxl.cli import cli

    words -= set(cli.commands)  # the names of the commands, which are English words
    assert not words, words


def test_a_run_of_blank_cells_is_one_finding_with_its_labels(tmp_path: Path) -> None:
    values = {**clean_values(), "t4_review_upheld": None}
    # a block: 商业企业 and 科研机构 of 一、本年新收 and 二、上年结转 (E5:F6)
    values.update(t3_new_biz=None, t3_new_sci=None, t3_carried_biz=None, t3_carried_sci=None)
    r = report(write(tmp_path / "blank.xlsx", values))
    blanks = [f for f in r.findings if f.rule == "B1"]
    assert {f.compact() for f in blanks} == {("B1", T3, "E5"), ("B1", T4, "A5")}
    (block,) = [f for f in blanks if f.anchor and f.anchor.sheet == T3]
    assert {c.cell for c in block.cells} == {"E5", "F5", "E6", "F6"}  # each still marked in the corrections
    assert block.message.startswith("E5:F6 共4格为空（申请人情况 · 法人或其他组织：")
    assert "商业企业" in block.message and "科研机构" in block.message
    (single,) = [f for f in blanks if f.anchor and f.anchor.sheet == T4]
    assert single.message == "A5为空（行政复议 · 结果维持）：没有发生的请填0，不要留空"


def test_a_blank_column_is_one_finding(tmp_path: Path) -> None:
    codes = [c for c in load_edition("2021").input_codes if c.startswith("t3_") and c.endswith("_other")]
    r = report(write(tmp_path / "col.xlsx", {**clean_values(), **dict.fromkeys(codes, None)}))
    (col,) = [f for f in r.findings if f.rule == "B1"]
    assert len(col.cells) == len(codes) and {c.cell[0] for c in col.cells} == {"I"}
    assert col.message.startswith(f"I5:I{col.cells[-1].cell[1:]} 共{len(codes)}格为空")


def test_nothing_filled_is_said_once(tmp_path: Path) -> None:
    ed = load_edition("2021")
    values = {**dict.fromkeys(ed.input_codes, None), "unit": "某局", "year": 2024, "level": "县级人民政府"}
    values.update(contact="张三", phone="1")
    r = report(write(tmp_path / "empty.xlsx", values))
    assert [f.rule for f in r.findings] == ["B2"]
    (b2,) = r.findings
    assert "表格尚未填写" in b2.message and len(b2.cells) == len(ed.input_codes)
    assert not r.valid


def test_grouping_blanks_keeps_every_cell_once() -> None:
    import random

    from govxl.findings import CellRef
    from govxl.grid import grid_for, parse_a1
    from govxl.rules import finding
    from govxl.rules.blank import group_blanks

    grid = grid_for("2021")
    ed = grid.edition

    def ref(code: str) -> CellRef:
        return CellRef(grid.sheet_of(code).name, grid.address(code), code)

    rng = random.Random(3)
    for _ in range(30):
        # a published report may print a total empty too: it is a blank finding of its own
        codes = rng.sample(ed.input_codes, rng.randrange(1, 60)) + rng.sample(ed.total_codes, 2)
        per_cell = [finding("B1", (ref(c),), expected=0, count="", labels="") for c in codes]
        other = finding("C1", (ref("unit"),), label="填报单位")
        grouped = group_blanks([*per_cell, other], ed, ref, parse_a1)
        cells = [c.code for f in grouped if f.rule == "B1" for c in f.cells]
        assert sorted(cells) == sorted(codes) and other in grouped
        assert all("（）" not in f.message for f in grouped)
