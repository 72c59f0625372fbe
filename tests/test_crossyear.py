"""Across years beyond the rules' cases (tests/cases/X*.toml): the messages, the command line, and merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govxl.checker import check_paths
from govxl.merge import merge
from govxl.workbook import render
from tests.cases import named
from tests.cases.build import write_pair
from tests.helpers import T3, clean_values
from tests.test_cli import govxl


def v21(**changes: Any) -> dict[str, Any]:
    return {**clean_values(), "unit": "某单位", **changes}


def test_x1_message_names_both_years(tmp_path: Path) -> None:
    this, last = write_pair(named("X1", "across editions"), tmp_path)
    (report,) = check_paths([this], previous=[last])
    x1 = next(f for f in report.findings if f.compact() == ("X1", T3, "D6"))
    assert x1.message == "自然人列：上年结转 2 不等于上年报表的“结转下年度继续办理” 3"
    assert (x1.expected, x1.actual) == (3, 2)


def test_previous_on_the_command_line(tmp_path: Path) -> None:
    this, last = write_pair(named("X1", "across editions"), tmp_path)
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
