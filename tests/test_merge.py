"""`govxl merge`: exact sums, every input accounted for, merges of merges, the real command."""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from govxl.checker import check_paths
from govxl.merge import (
    COUNTED_TWICE,
    DUPLICATE,
    INCLUDED,
    INVALID,
    MISSING,
    OUTSIDE,
    SUPERSEDED,
    UNITS_SHEET,
    UNREADABLE,
    WRONG_EDITION,
    WRONG_YEAR,
    merge,
)
from govxl.reader import read_filing
from govxl.spec import load_edition
from govxl.workbook import render
from tests.conftest import Recalc
from tests.helpers import clean_values, read_book, sheet_values, write
from tests.test_check_clients import fill_by_openpyxl
from tests.test_check_properties import consistent_fill
from tests.test_cli import govxl

ED = load_edition("2021")
INPUTS = ED.input_codes


def unit(name: str, **changes: Any) -> dict[str, Any]:
    return {**clean_values(), "unit": name, **changes}


def expected_sums(fills: list[dict[str, Any]]) -> dict[str, float]:
    return {c: round(sum(float(f[c]) for f in fills), 6) for c in INPUTS}


def merged_inputs(path: Path) -> dict[str, float]:
    return {c: round(v, 6) for c, v in read_filing(path).inputs.items()}


def statuses(result: Any) -> dict[str, str]:
    return {e.path.name: e.status for e in result.entries}


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(consistent_fill(), min_size=1, max_size=5))
def test_sums_are_exact(fills: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, values in enumerate(fills):
            values.update(unit=f"单位{i}", level="设区的市人民政府")
            # half by xlsxwriter (stored totals), half by openpyxl (none)
            if i % 2:
                fill_by_openpyxl(folder / f"u{i}.xlsx", values)
            else:
                write(folder / f"u{i}.xlsx", values)
        out = folder / "merged.xlsx"
        result = merge([folder / f"u{i}.xlsx" for i in range(len(fills))], out, jobs=1)
        assert result.exit_code == 0, result.counts()
        assert merged_inputs(out) == expected_sums(fills)


@pytest.mark.soffice
def test_sums_with_libreoffice_recalculated_inputs(tmp_path: Path, recalc: Recalc) -> None:
    from tests.helpers import random_fill

    rng = random.Random(11)
    fills = []
    src = []
    for i in range(6):
        values = {**unit(f"单位{i}"), **random_fill(ED, rng, consistent=True), "level": "省级人民政府"}
        fills.append(values)
        src.append(fill_by_openpyxl(tmp_path / f"u{i}.xlsx", values))
    recalculated = recalc(src[:3], tmp_path / "lo")
    out = tmp_path / "merged.xlsx"
    result = merge([*recalculated, *src[3:]], out, jobs=2)
    assert result.exit_code == 0, result.counts()
    assert merged_inputs(out) == expected_sums(fills)
    # and the consolidated workbook computes its totals live: LibreOffice agrees with govxl
    (again,) = recalc([out], tmp_path / "lo-out")
    cells = sheet_values(again)
    t3 = "三、收到和处理政府信息公开申请情况"
    new_total = sum(sum(f[p] for f in fills) for p in ED.cells["t3_new_total"].parts)
    done_np = sum(sum(f[p] for f in fills) for p in ED.cells["t3_done_np"].parts)
    assert (cells[(t3, "J5")], cells[(t3, "D28")]) == (new_total, done_np)


def test_every_status_and_the_provenance_sheets(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    write(d / "a.xlsx", unit("甲单位"))
    write(d / "b_v1.xlsx", unit("乙单位", t3_new_np=20, t3_open_np=19))
    write(d / "b_v2.xlsx", unit("乙单位", t3_new_np=21, t3_open_np=20))
    write(d / "c.xlsx", unit("丙单位"))
    write(d / "c_copy.xlsx", unit("丙单位"))
    write(d / "d.xlsx", unit("丁单位", t3_new_np=13))  # breaks 一 + 二 = （七）+ 四
    write(d / "e.xlsx", unit("戊单位", year=2023))
    write(d / "f.xlsx", unit("己单位"))  # not in the roster
    (d / "g.xlsx").write_bytes(b"not a workbook")
    now = os.stat(d / "a.xlsx").st_mtime
    os.utime(d / "b_v1.xlsx", (now - 100, now - 100))
    os.utime(d / "c.xlsx", (now - 100, now - 100))
    roster = tmp_path / "名单.csv"
    roster.write_text(
        "填报单位,单位类型\n甲单位,政府部门及其他机关\n乙单位,\n丙单位,\n丁单位,\n戊单位,\n庚单位,\n",
        encoding="utf-8",
    )
    out = tmp_path / "merged.xlsx"
    result = merge([d], out, roster=roster, year=2024, agency="某区政务公开办", jobs=1)
    assert statuses(result) == {
        "a.xlsx": INCLUDED,
        "b_v1.xlsx": SUPERSEDED,
        "b_v2.xlsx": INCLUDED,
        "c.xlsx": DUPLICATE,
        "c_copy.xlsx": INCLUDED,
        "d.xlsx": INVALID,
        "e.xlsx": WRONG_YEAR,
        "f.xlsx": OUTSIDE,
        "g.xlsx": UNREADABLE,
    }
    # 戊单位 sent only last year's report: for this year it has not reported
    assert result.missing == ["戊单位", "庚单位"]
    assert result.exit_code == 1
    assert merged_inputs(out)["t3_new_np"] == 12 + 21 + 12
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == read_book(d / "a.xlsx").sheetnames
    status_rows = list(wb["报送情况"].iter_rows(min_row=2, values_only=True))
    assert len(status_rows) == 9 + 2  # every input file and each roster unit with no file
    assert {r[3] for r in status_rows} == {
        INCLUDED,
        SUPERSEDED,
        DUPLICATE,
        INVALID,
        WRONG_YEAR,
        OUTSIDE,
        UNREADABLE,
        MISSING,
    }
    sources = list(wb["来源明细"].iter_rows(values_only=True))
    assert sources[1][8:] == tuple(c for c in ED.cells if ED.cells[c].table)  # the codes under the labels
    a_row = next(r for r in sources[2:] if r[2] and r[2].endswith("a.xlsx"))
    assert a_row[0] == "甲单位" and len(a_row[3]) == 64 and a_row[5] == INCLUDED
    assert a_row[8:][list(sources[1][8:]).index("t3_new_np")] == 12
    problems = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert any(r[0] == "丁单位" and r[3] == "R3.1" for r in problems)
    assert wb["封面"]["B3"].value == "某区政务公开办"
    assert wb["来源明细"].freeze_panes == "A3" and wb["来源明细"].auto_filter.ref
    (check,) = check_paths([out])
    assert check.valid, [f.message for f in check.findings]


def test_merge_of_merges_equals_one_merge(tmp_path: Path) -> None:
    rng = random.Random(5)
    files = []
    for i in range(6):
        values = unit(f"单位{i}")
        # 一 = 12 + k and 予以公开 = 11 + k keep 一 + 二 = （七）+ 四 (2 carried, 3 无法提供)
        values["t3_new_np"] = 12 + rng.randint(0, 9)
        values["t3_open_np"] = values["t3_new_np"] - 1
        files.append(write(tmp_path / f"u{i}.xlsx", values))
    district_a = merge(files[:3], tmp_path / "districtA.xlsx", agency="甲区", jobs=1)
    district_b = merge(files[3:], tmp_path / "districtB.xlsx", agency="乙区", jobs=1)
    assert district_a.exit_code == district_b.exit_code == 0
    city = merge([tmp_path / "districtA.xlsx", tmp_path / "districtB.xlsx"], tmp_path / "city.xlsx", jobs=1)
    direct = merge(files, tmp_path / "direct.xlsx", jobs=1)
    assert city.exit_code == direct.exit_code == 0
    assert merged_inputs(tmp_path / "city.xlsx") == merged_inputs(tmp_path / "direct.xlsx")
    assert sorted(u[0] for u in city.units) == sorted(f"单位{i}" for i in range(6))
    names = [r[0] for r in read_book(tmp_path / "city.xlsx")[UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(f"单位{i}" for i in range(6))
    # a unit counted directly and inside a district's merge is left out once, and said so
    both = merge([tmp_path / "districtA.xlsx", files[0], *files[3:]], tmp_path / "both.xlsx", jobs=1)
    assert statuses(both)["u0.xlsx"] == COUNTED_TWICE
    assert merged_inputs(tmp_path / "both.xlsx") == merged_inputs(tmp_path / "direct.xlsx")
    assert both.exit_code == 1
    # a unit inside two merged inputs that overlap in part cannot be taken out of either: neither is summed
    # (no total counts it twice), and the overlap is reported
    overlap = merge(files[2:4], tmp_path / "districtC.xlsx", jobs=1)
    assert overlap.exit_code == 0
    twice = merge([tmp_path / "districtA.xlsx", tmp_path / "districtC.xlsx"], tmp_path / "twice.xlsx", jobs=1)
    assert twice.exit_code == 2 and any("单位2" in p for p in twice.problems)
    assert not (tmp_path / "twice.xlsx").exists() and set(statuses(twice).values()) == {COUNTED_TWICE}


def test_editions_and_years(tmp_path: Path) -> None:
    write(tmp_path / "a.xlsx", unit("甲单位"))
    write(tmp_path / "b.xlsx", unit("乙单位", year=2023))
    result = govxl("merge", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "-o", str(tmp_path / "o.xlsx"))
    assert result.returncode == 2 and "--year" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.xlsx").exists()
    result = govxl("merge", str(tmp_path), "-o", str(tmp_path / "o.xlsx"), "--year", "2023", "--format", "json")
    summary = json.loads(result.stdout)
    assert result.returncode == 1
    assert summary["year"] == 2023 and summary["included"] == 1
    assert {f["path"].rsplit("/", 1)[-1]: f["status"] for f in summary["files"]} == {
        "a.xlsx": WRONG_YEAR,
        "b.xlsx": INCLUDED,
    }
    # a year whose form is the other edition: a 2021-form workbook for 2020 is set aside, a 2019-form one counts
    write(tmp_path / "c.xlsx", unit("丙单位", year=2020))
    old = dict.fromkeys(load_edition("2019").input_codes, 0)
    old.update(
        unit="丁单位", year=2020, level="政府部门及其他机关", contact="a", phone="1", t3_new_np=1, t3_open_np=1
    )
    (tmp_path / "d2019.xlsx").write_bytes(render("2019", old))
    result = merge([tmp_path / "c.xlsx", tmp_path / "d2019.xlsx"], tmp_path / "o2.xlsx", year=2020, jobs=1)
    assert statuses(result) == {"c.xlsx": WRONG_EDITION, "d2019.xlsx": INCLUDED}
    assert result.edition == "2019" and merged_inputs(tmp_path / "o2.xlsx")["t3_new_np"] == 1
    assert read_filing(tmp_path / "o2.xlsx").edition == "2019"


def test_command_line(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for i in range(3):
        write(d / f"u{i}.xlsx", unit(f"单位{i}"))
    (d / "broken.xlsx").write_bytes(b"")
    out = tmp_path / "汇总.xlsx"
    result = govxl(
        "merge", str(d / "*.xlsx"), "-o", str(out), "--include-invalid", "--agency", "某区", "--jobs", "2"
    )
    assert result.returncode == 1, result.stderr  # the broken file was not included
    assert "已汇总 3 个单位" in result.stdout and "无法读取" in result.stdout
    assert out.exists()
    again = govxl("merge", str(d), "-o", str(out))
    assert again.returncode == 2 and "已存在" in again.stderr
    nothing = govxl("merge", str(d / "broken.xlsx"), "-o", str(tmp_path / "none.xlsx"))
    assert nothing.returncode == 2 and not (tmp_path / "none.xlsx").exists()
    ok = govxl("merge", *(str(d / f"u{i}.xlsx") for i in range(3)), "-o", str(tmp_path / "ok.xlsx"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    no_folder = govxl("merge", str(d), "-o", str(tmp_path / "nowhere" / "m.xlsx"))
    assert no_folder.returncode == 2 and "不存在" in no_folder.stderr and "Traceback" not in no_folder.stderr
    bad_roster = govxl("merge", str(d), "-o", str(tmp_path / "r.xlsx"), "--roster", str(tmp_path / "no.csv"))
    assert bad_roster.returncode == 2 and "名单文件" in bad_roster.stderr


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import pty
    import subprocess

    from govxl.pool import MIN_FOR_POOL

    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    for i in range(MIN_FOR_POOL):  # read by the process pool, as a compiler's many files are
        write(tmp_path / "in" / f"u{i:02d}.xlsx", unit(f"单位{i}"))
    from tests.conftest import installed_command, installed_env, run_in_process

    cmd = list(installed_command())
    cmd += ["merge", str(tmp_path / "in"), "-o", str(tmp_path / "out" / "m.xlsx")]
    master, slave = pty.openpty()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=slave, timeout=120, check=False, env=installed_env())
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert done.returncode == 0
    shown = seen.decode("utf-8", "replace")
    assert "读取" in shown and f"{MIN_FOR_POOL}/{MIN_FOR_POOL}" in shown
    # stderr not a terminal (the command in process: stderr a pipe, as CliRunner captures it): no bar at all
    quiet = run_in_process("merge", str(tmp_path / "in"), "-o", str(tmp_path / "out" / "m2.xlsx"))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_summary_names_at_most_thirty_left_out_files(tmp_path: Path) -> None:
    from govxl.merge import SHOWN, STATUS_SHEET, summary_text

    d = tmp_path / "in"
    d.mkdir()
    write(d / "good.xlsx", unit("甲单位"))
    for i in range(SHOWN + 1):
        (d / f"empty{i:02d}.xlsx").write_bytes(b"")
    result = merge([d], tmp_path / "m.xlsx", jobs=1)
    text = summary_text(result)
    assert text.count(f"{UNREADABLE}：") == SHOWN
    assert f"另有 1 个文件未汇总，见结果中的“{STATUS_SHEET}”表" in text
    rows = list(read_book(tmp_path / "m.xlsx")[STATUS_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(rows) == SHOWN + 2  # every file is still accounted for in the workbook
