"""The `govxl` command: in process through its entry point (tests.conftest.run_in_process) for what it says and
writes; `python -m govxl` of the installed wheel as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import installed_command, installed_env, run_in_process
from tests.helpers import read_book

govxl = run_in_process


def assert_clean_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("错误："), result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_template_command_writes_prefilled_workbook(tmp_path: Path) -> None:
    out = tmp_path / "报告.xlsx"
    result = govxl("template", "-o", str(out), "--agency", "某某镇人民政府", "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    wb = read_book(out)
    assert wb["封面"]["B3"].value == "某某镇人民政府"
    assert wb["封面"]["B4"].value == 2024


def test_template_of_the_2019_edition(tmp_path: Path) -> None:
    out = tmp_path / "2020.xlsx"
    result = govxl("template", "-o", str(out), "--edition", "2019", "--year", "2020")
    assert result.returncode == 0, result.stderr
    wb = read_book(out)
    assert wb["二、主动公开政府信息情况"]["B3"].value == "本年新制作数量"
    assert_clean_failure(govxl("template", "-o", str(tmp_path / "x.xlsx"), "--edition", "2019", "--year", "2021"))


def test_python_dash_m_works(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(Path(installed_command()[0]).parent / "python"),
            "-m",
            "govxl",
            "template",
            "-o",
            str(tmp_path / "a.xlsx"),
        ],
        capture_output=True,
        text=True,
        env=installed_env(),
    )
    assert result.returncode == 0, result.stderr


def test_cells_json(tmp_path: Path) -> None:
    result = govxl("cells", "--format", "json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert {tuple(sorted(r)) for r in rows} == {
        ("cell", "code", "col_labels", "formula", "kind", "name", "row_labels", "sheet", "value")
    }
    by_code = {r["code"]: r for r in rows}
    assert by_code["t3_done_total"]["formula"] == "=SUM(D28:I28)"
    assert by_code["t3_new_np"]["kind"] == "input" and by_code["t3_new_np"]["formula"] is None
    text = govxl("cells")
    assert (
        text.returncode == 0 and "t3_new_np" in text.stdout and "一、本年新收政府信息公开申请数量" in text.stdout
    )


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["template", "--bogus"], ["--bogus", "--help"]),
        (["template"], ["--output"]),
        (["template", "-o", "x.xlsx", "--edition", "1999"], ["1999"]),
        (["template", "-o", "x.xlsx", "--year", "abc"], ["abc"]),
        (["template", "-o", "x.xlsx", "--year", "2019"], ["2019"]),
        (["template", "-o", "x.csv"], [".xlsx"]),
        (["template", "-o", "no/such/folder/x.xlsx"], ["不存在"]),
        (["cells", "--format", "yaml"], ["yaml"]),
        (["nosuchcommand"], ["nosuchcommand"]),
    ],
)
def test_bad_flags_exit_2_without_traceback(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    assert_clean_failure(govxl(*args, cwd=tmp_path), *needles)


def test_unwritable_output_path(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root ignores folder permissions; /proc refuses new files to everyone
        target = Path("/proc/govxl.xlsx") if os.geteuid() == 0 else locked / "t.xlsx"
        assert_clean_failure(govxl("template", "-o", str(target)), "无法写入", str(target))
        assert not target.exists()
    finally:
        locked.chmod(0o700)


def test_output_that_is_a_folder_or_exists(tmp_path: Path) -> None:
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    assert_clean_failure(govxl("template", "-o", str(folder)), "已存在")
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"my data")
    assert_clean_failure(govxl("template", "-o", str(existing)), "已存在", "--force")
    assert existing.read_bytes() == b"my data"
    assert govxl("template", "-o", str(existing), "--force").returncode == 0
    assert existing.read_bytes()[:2] == b"PK"
