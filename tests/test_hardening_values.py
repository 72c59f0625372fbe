"""Issue 10 items 7, 9 and 11, issue 9 item 5: huge numbers, the edition's years, the small honest rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from govxl.cli import main
from govxl.spec import load_edition
from govxl.values import MAX_MAGNITUDE, parse_number
from tests.helpers import COVER, T2, T3, clean_values, compact, report, write


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    code = exit_.value.code
    return int(code if isinstance(code, int) else 0), capsys.readouterr().err


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
