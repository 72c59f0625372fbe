"""Issue 10 items 7, 9 and 11, issue 9 item 5: huge numbers, the edition's years, the small honest rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from govxl.cli import main
from govxl.spec import load_edition
from govxl.values import MAX_MAGNITUDE, parse_number
from tests.helpers import T3, clean_values, compact, report, write


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
