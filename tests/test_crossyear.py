"""One case per cross-year rule, across the 2020 (2019 form) -> 2021 switch too; the CLI and merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govxl.checker import check_paths
from govxl.merge import merge
from govxl.workbook import render
from tests.helpers import T2, T3, clean_values
from tests.test_cli import govxl
from tests.test_edition_2019 import values_2019

Pair = tuple[tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]


def v21(**changes: Any) -> dict[str, Any]:
    return {**clean_values(), "unit": "某单位", **changes}


LAST_2019 = values_2019(year=2019, t3_new_np=2, t3_open_np=2)
SAME = {"t3_forward_np": 2, "t3_open_np": 9, "t2_norm_made": 1, "t2_norm_repealed": 1, "t2_norm_valid": 9}
LAST_2021 = v21(year=2021, t3_forward_np=2, t3_new_np=14, t2_norm_valid=14)
CROSS_CASES: list[tuple[str, Pair, set[tuple[str, str, str]]]] = [
    # 2020 on the 2019 form carried 2 forward; 2021 received 2 carried over: nothing to say
    (
        "X1 holds across editions",
        (("2021", v21(year=2021)), ("2019", values_2019(t3_new_np=5, t3_forward_np=2))),
        set(),
    ),
    (
        "X1 across editions",
        (("2021", v21(year=2021)), ("2019", values_2019(t3_new_np=6, t3_forward_np=3))),
        {("X1", T3, "D6"), ("X1", T3, "J6")},
    ),
    (
        "X1",
        (("2021", v21(year=2022, t3_carried_np=3, t3_new_np=11)), ("2021", LAST_2021)),
        {("X1", T3, "D6"), ("X1", T3, "J6")},
    ),
    # 14 in force, 1 made, 6 repealed: 9 in force this year, as 临淄 reported
    ("X2 holds", (("2021", v21(year=2022)), ("2021", LAST_2021)), set()),
    ("X2", (("2021", v21(year=2022, t2_norm_valid=10)), ("2021", LAST_2021)), {("X2", T2, "D5")}),
    # 2019 form: this year's 上一年项目数量 = last year's + last year's 本年增/减 (10 - 4 = 6)
    (
        "X3 holds",
        (
            ("2019", values_2019(t2_license_previous=6)),
            ("2019", LAST_2019),
        ),
        set(),
    ),
    (
        "X3",
        (("2019", values_2019()), ("2019", LAST_2019)),
        {("X3", T2, "B8")},
    ),
    (
        "X4",
        # the same numbers two years running; carried = forwarded and made = repealed keep X1 and X2 quiet
        (("2021", v21(year=2022, **SAME)), ("2021", v21(year=2021, **SAME))),
        {("X4", "", "")},
    ),
    # units with nothing to report are identical every year without copying anything
    (
        "X4 not for empty units",
        (
            (
                "2021",
                {
                    **dict.fromkeys(clean_values(), 0),
                    "unit": "某单位",
                    "year": 2022,
                    "level": "政府部门及其他机关",
                    "contact": "a",
                    "phone": "1",
                },
            ),
            (
                "2021",
                {
                    **dict.fromkeys(clean_values(), 0),
                    "unit": "某单位",
                    "year": 2021,
                    "level": "政府部门及其他机关",
                    "contact": "a",
                    "phone": "1",
                },
            ),
        ),
        set(),
    ),
]


def write_pair(tmp: Path, pair: Pair) -> tuple[Path, Path]:
    (this_ed, this), (prev_ed, prev) = pair
    a, b = tmp / "this.xlsx", tmp / "last.xlsx"
    a.write_bytes(render(this_ed, this))
    b.write_bytes(render(prev_ed, prev))
    return a, b


@pytest.mark.parametrize(("name", "pair", "expected"), CROSS_CASES, ids=[c[0] for c in CROSS_CASES])
def test_cross_year_case(tmp_path: Path, name: str, pair: Pair, expected: set[tuple[str, str, str]]) -> None:
    this, last = write_pair(tmp_path, pair)
    (report,) = check_paths([this], previous=[last])
    cross = {f.compact() for f in report.findings if f.rule.startswith("X") and f.rule != "X5"}
    assert cross == expected


def test_x1_message_names_both_years(tmp_path: Path) -> None:
    this, last = write_pair(tmp_path, CROSS_CASES[1][1])
    (report,) = check_paths([this], previous=[last])
    x1 = next(f for f in report.findings if f.compact() == ("X1", T3, "D6"))
    assert x1.message == "自然人列：上年结转 2 不等于上年报表的“结转下年度继续办理” 3"
    assert (x1.expected, x1.actual) == (3, 2)


def test_previous_on_the_command_line(tmp_path: Path) -> None:
    this, last = write_pair(tmp_path, CROSS_CASES[1][1])
    result = govxl("check", str(this), "--previous", str(last), "--no-corrections")
    assert result.returncode == 1 and "X1" in result.stdout
    result = govxl("check", str(this), "--previous", str(tmp_path / "none.xlsx"))
    assert result.returncode == 2 and "上年报表无法读取" in result.stderr and "Traceback" not in result.stderr


def test_merge_with_previous_year(tmp_path: Path) -> None:
    (tmp_path / "2021").mkdir()
    (tmp_path / "2022").mkdir()
    for name, forward_last in (("甲", 2), ("乙", 5)):
        (tmp_path / "2021" / f"{name}.xlsx").write_bytes(
            render("2021", v21(unit=name, year=2021, t3_new_np=12 + forward_last, t3_forward_np=forward_last))
        )
        (tmp_path / "2022" / f"{name}.xlsx").write_bytes(render("2021", v21(unit=name, year=2022)))
    result = merge([tmp_path / "2022"], tmp_path / "m.xlsx", previous=[tmp_path / "2021"], jobs=1)
    by_unit = {e.unit: {f.compact() for f in e.findings if f.rule == "X1"} for e in result.entries}
    assert by_unit == {"甲": set(), "乙": {("X1", T3, "D6"), ("X1", T3, "J6")}}
    # reported, not a reason to leave the unit out
    assert all(e.status == "已汇总" for e in result.entries)
    assert any("X1（汇总）自然人列" in p and "4" in p and "7" in p for p in result.problems)  # X1.1, on the sums
    assert result.exit_code == 1
    # against last year's consolidated workbook
    merge([tmp_path / "2021"], tmp_path / "m2021.xlsx", jobs=1)
    again = merge([tmp_path / "2022"], tmp_path / "m2.xlsx", previous=[tmp_path / "m2021.xlsx"], jobs=1)
    assert any("上年汇总表" in p for p in again.problems)
