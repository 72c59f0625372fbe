"""`govxl archive …` and `govxl check --archive` through the command's entry point (in process: the installed
command's archive runs in tests/test_archive_durability.py and tests/test_installed.py), on SQLite and on
real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.archive_fixtures import location_fixture, unit_file  # noqa: F401  (a fixture, by its name)
from tests.conftest import Govxl


def _no_trace(text: str) -> None:
    assert "Traceback" not in text and "Error" not in text, text


def test_every_archive_command(govxl: Govxl, location: str, tmp_path: Path) -> None:
    unit_file(tmp_path / "in", "1甲.xlsx", "甲区人民政府办公室")
    b = unit_file(tmp_path / "in", "2乙.xlsx", "乙区司法局", t3_new_np=99)
    (tmp_path / "in" / "3坏.xlsx").write_text("不是工作簿", encoding="utf-8")
    roster = tmp_path / "名单.csv"
    units = "甲区人民政府办公室,政府部门\n乙区司法局,\n丙区教育局,\n"
    roster.write_text(f"填报单位,单位类型\n{units}", encoding="utf-8")
    arch = ["--archive", location]

    done = govxl("archive", "add", str(tmp_path / "in"), "--roster", str(roster), *arch)
    assert done.returncode == 2, done.stderr  # one unreadable file: said, and the others stored
    _no_trace(done.stderr)
    assert "无法校验" in done.stdout and "不是 .xlsx 工作簿" in done.stdout
    assert "已归档：#1（甲区人民政府办公室 2024 年度，已通过）" in done.stdout
    assert "R3.1" in done.stdout and "已归档：#2（乙区司法局 2024 年度，有错误）" in done.stdout
    assert "档案中没有该单位 2023 年度的报送" in done.stdout and "已存为 2024 年度的名单" in done.stdout

    done = govxl("archive", "status", "--year", "2024", *arch)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(ln.split()[:2] == ["乙区司法局", "有错误"] for ln in lines)
    assert any(ln.split()[:2] == ["丙区教育局", "未报送"] for ln in lines)
    done = govxl("archive", "status", "--year", "2024", "--format", "json", *arch)
    body = json.loads(done.stdout)
    assert [(u["unit"], u["status"]) for u in body["units"]] == [
        ("甲区人民政府办公室", "已通过"),
        ("乙区司法局", "有错误"),
        ("丙区教育局", "未报送"),
    ]
    assert body["counts"] == {"未报送": 1, "有错误": 1, "待核实": 0, "已通过": 1, "名单外": 0}
    other = tmp_path / "新名单.csv"
    other.write_text("填报单位\n甲区人民政府办公室\n丁区民政局\n", encoding="utf-8")
    done = govxl("archive", "roster", str(other), "--year", "2024", *arch)
    assert done.returncode == 0 and "已导入 2024 年度名单：2 个单位" in done.stdout
    done = govxl("archive", "status", "--year", "2024", "--format", "json", *arch)
    rows = [(u["unit"], u["status"], u["in_roster"]) for u in json.loads(done.stdout)["units"]]
    assert rows == [
        ("甲区人民政府办公室", "已通过", True),
        ("丁区民政局", "未报送", True),
        ("乙区司法局", "有错误", False),
    ]
    done = govxl("archive", "status", "--year", "2024", "--roster", str(roster), *arch)  # a roster given instead
    assert any(ln.split()[:2] == ["丙区教育局", "未报送"] for ln in done.stdout.splitlines())
    assert "丁区民政局" not in done.stdout
    assert govxl("archive", "roster", str(roster), "--year", "2024", *arch).returncode == 0  # the first again

    fixed = unit_file(tmp_path / "new", "乙.xlsx", "乙区司法局")
    done = govxl("archive", "add", str(fixed), "--format", "json", *arch)
    assert done.returncode == 0, done.stderr
    (one,) = json.loads(done.stdout)["files"]
    assert (one["submission_id"], one["supersedes"], one["status"], one["valid"]) == (3, 2, "已通过", True)

    done = govxl("archive", "list", "--year", "2024", "--unit", "司法", "--format", "json", *arch)
    listed = json.loads(done.stdout)["submissions"]
    assert [(s["id"], s["current"], s["status"]) for s in listed] == [(2, False, "有错误"), (3, True, "已通过")]
    done = govxl("archive", "list", *arch)
    assert done.returncode == 0 and "共 3 份报送" in done.stdout and "已被替代" in done.stdout
    done = govxl("archive", "history", "乙区 司法局", *arch)
    assert done.returncode == 0 and "#2" in done.stdout and "#3" in done.stdout and "#1 " not in done.stdout
    done = govxl("archive", "history", "无此单位", *arch)
    assert done.returncode == 0 and "档案中没有“无此单位”的报送" in done.stdout

    got = tmp_path / "取回.xlsx"
    done = govxl("archive", "get", "2", "-o", str(got), *arch)
    assert done.returncode == 0, done.stderr
    assert got.read_bytes() == b.read_bytes()
    done = govxl("archive", "get", "2", "-o", str(got), *arch)
    assert done.returncode == 2 and "已存在" in done.stderr
    done = govxl("archive", "get", "2", "--corrections", "-o", str(tmp_path / "校验.xlsx"), *arch)
    assert done.returncode == 0 and (tmp_path / "校验.xlsx").stat().st_size > 0
    done = govxl("archive", "get", "9", "-o", str(tmp_path / "无.xlsx"), *arch)
    assert done.returncode == 2 and "没有编号为 9 的报送" in done.stderr

    out = tmp_path / "汇总.xlsx"
    done = govxl("archive", "export", "--year", "2024", "-o", str(out), "--format", "json", *arch)
    assert done.returncode == 1, done.stderr  # 丙区教育局 has not reported
    summary = json.loads(done.stdout)
    assert summary["missing"] == ["丙区教育局"] and out.exists()
    assert summary["sums"]["t3_new_np"] == 24 and summary["units"] == 2  # 甲 and the corrected 乙, 12 each


def test_check_with_the_archive_says_which_submission(govxl: Govxl, location: str, tmp_path: Path) -> None:
    last = unit_file(tmp_path / "2023", "甲.xlsx", "甲区人民政府办公室", year=2023, t3_forward_np=1)
    this = unit_file(tmp_path / "2024", "甲.xlsx", "甲区人民政府办公室")
    lone = unit_file(tmp_path / "2024", "乙.xlsx", "乙区司法局")
    arch = ["--archive", location]
    assert govxl("archive", "add", str(last), *arch).returncode == 1  # its forward count breaks R3
    want = govxl("check", str(this), "--previous", str(last), "--no-corrections", "--format", "json")
    done = govxl("check", str(this), str(lone), *arch, "--no-corrections", "--format", "json")
    assert done.returncode == want.returncode == 1, done.stderr
    files = json.loads(done.stdout)["files"]
    assert files[0]["findings"] == json.loads(want.stdout)["files"][0]["findings"]
    assert [f["previous_submission"] for f in files] == [1, None]
    done = govxl("check", str(this), *arch, "--no-corrections")
    assert "跨年度核对（X1–X4）依据档案中的报送 #1 甲区人民政府办公室 2023 年度（甲.xlsx）" in done.stdout
    done = govxl("check", str(this), *arch, "--previous", str(last))
    assert done.returncode == 2 and "只能给出一个" in done.stderr


def test_what_is_not_an_archive_is_refused_with_exit_2(
    govxl: Govxl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "笔记.txt"
    text.write_text("别人的文件", encoding="utf-8")
    before = text.read_bytes()
    for args in (["status", "--year", "2024"], ["add", str(text)], ["list"]):
        done = govxl("archive", *args, "--archive", str(text))
        assert done.returncode == 2, done.stderr
        assert f"{text} 不是 govxl 档案（不是 SQLite 数据库文件）" in done.stderr
        _no_trace(done.stderr)
    assert text.read_bytes() == before
    # a command that only reads creates no archive, wherever its path comes from (an audit found the default
    # place and $GOVXL_ARCHIVE still got an empty one); one that stores makes it there
    env_dir = tmp_path / "cwd"
    env_dir.mkdir()
    done = govxl("archive", "list", cwd=env_dir)  # the default: govxl-archive.sqlite in the current folder
    assert done.returncode == 2 and "govxl-archive.sqlite" in done.stderr and "不存在" in done.stderr
    assert list(env_dir.iterdir()) == []
    elsewhere = tmp_path / "环境变量给的.sqlite"
    monkeypatch.setenv("GOVXL_ARCHIVE", str(elsewhere))
    ran = govxl("archive", "list", cwd=env_dir)
    assert ran.returncode == 2 and str(elsewhere) in ran.stderr and not elsewhere.exists(), ran.stderr
    workbook = unit_file(tmp_path / "in", "a.xlsx", "甲单位")
    stored = govxl("archive", "add", str(workbook), cwd=env_dir)
    assert stored.returncode == 0 and elsewhere.exists(), stored.stderr


def test_an_id_or_year_no_database_holds_is_a_message(govxl: Govxl, tmp_path: Path) -> None:
    """From an audit: a 23-digit id overflowed SQLite's integers and ended in 内部错误, exit 3."""
    archive = str(tmp_path / "a.sqlite")
    for args in (
        ["get", "9" * 23, "-o", str(tmp_path / "g.xlsx")],
        ["status", "--year", "9" * 20],
        ["export", "--year", "0", "-o", str(tmp_path / "e.xlsx")],
    ):
        r = govxl("archive", *args, "--archive", archive)
        assert r.returncode == 2, (args, r.stdout + r.stderr)
        _no_trace(r.stdout + r.stderr)
        assert "内部错误" not in r.stderr


def test_status_without_a_roster_counts_the_units_it_lists(govxl: Govxl, tmp_path: Path) -> None:
    """From an audit: with no roster the summary said 已通过 0 个 under a table of units that had passed."""
    archive = ["--archive", str(tmp_path / "a.sqlite")]
    unit_file(tmp_path / "in", "a.xlsx", "甲单位")
    unit_file(tmp_path / "in", "b.xlsx", "乙单位", t3_new_np=13)
    assert govxl("archive", "add", str(tmp_path / "in"), *archive).returncode in (0, 1)
    done = govxl("archive", "status", "--year", "2024", *archive)
    assert "共 2 个单位：未报送 0 个，有错误 1 个，待核实 0 个，已通过 1 个" in done.stdout, done.stdout


def test_a_command_that_only_reads_never_creates_an_archive(govxl: Govxl, location: str, tmp_path: Path) -> None:
    """From an audit: `archive status --archive 档案s.sqlite` (a typo) made an empty archive there and said
    nobody had reported. A command that only reads refuses an archive that is not there, naming it, and makes
    nothing; add and roster make it."""
    import sqlalchemy as sa

    sqlite = "://" not in location
    said = f"档案 {location} 不存在" if sqlite else "中还没有 govxl 档案"
    workbook = unit_file(tmp_path / "in", "甲.xlsx", "甲区人民政府办公室")
    before = sorted(tmp_path.rglob("*"))
    arch = ["--archive", location]
    for args in (
        ["archive", "status", "--year", "2024", *arch],
        ["archive", "list", *arch],
        ["archive", "history", "甲区人民政府办公室", *arch],
        ["archive", "export", "--year", "2024", "-o", str(tmp_path / "汇总.xlsx"), *arch],
        ["archive", "get", "1", "-o", str(tmp_path / "取回.xlsx"), *arch],
        ["check", str(workbook), "--no-corrections", *arch],
    ):
        done = govxl(*args)
        assert done.returncode == 2, (args, done.stdout + done.stderr)
        assert said in done.stderr, (args, done.stderr)
        _no_trace(done.stderr)
        assert sorted(tmp_path.rglob("*")) == before, args  # no archive, no temporary file, no output
    if not sqlite:
        engine = sa.create_engine(location)
        try:
            assert sa.inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
    nowhere = tmp_path / "无此文件夹" / "档案.sqlite"
    done = govxl("archive", "list", "--archive", str(nowhere))
    assert done.returncode == 2 and f"档案 {nowhere} 不存在" in done.stderr and not nowhere.parent.exists()

    assert govxl("archive", "add", str(workbook), *arch).returncode == 0  # adding makes it
    done = govxl("archive", "status", "--year", "2024", *arch)
    assert done.returncode == 0 and "已通过 1 个" in done.stdout, done.stdout
    roster = tmp_path / "名单.csv"
    roster.write_text("填报单位\n甲区人民政府办公室\n", encoding="utf-8")
    other = tmp_path / "另一个档案.sqlite"
    done = govxl("archive", "roster", str(roster), "--year", "2024", "--archive", str(other))
    assert done.returncode == 0 and other.exists()  # importing a roster makes one too: it is the first step


def test_an_id_or_year_no_database_holds_is_a_message_in_an_archive_there(govxl: Govxl, tmp_path: Path) -> None:
    """The audit's overflowing ids and years, asked of an archive that exists (the read-only commands refuse
    one that is not there before they look at an id or a year)."""
    archive = ["--archive", str(tmp_path / "a.sqlite")]
    assert govxl("archive", "add", str(unit_file(tmp_path / "in", "a.xlsx", "甲单位")), *archive).returncode == 0
    for args, said in (
        (["get", "9" * 23, "-o", str(tmp_path / "g.xlsx")], f"没有编号为 {'9' * 23} 的报送"),
        (["status", "--year", "9" * 20], "不是有效的报告年度"),
        (["export", "--year", "0", "-o", str(tmp_path / "e.xlsx")], "不是有效的报告年度"),
    ):
        r = govxl("archive", *args, *archive)
        assert r.returncode == 2 and said in r.stderr, (args, r.stdout + r.stderr)
        _no_trace(r.stdout + r.stderr)


def test_export_names_the_submissions_not_its_temporary_folder(govxl: Govxl, tmp_path: Path) -> None:
    """From an audit: export's summary named each file by a path in a temporary folder that was gone by the
    time it was read. It names the submission (#编号 单位 年度（原文件名）) and the output asked for."""
    archive = ["--archive", str(tmp_path / "a.sqlite")]
    unit_file(tmp_path / "in", "1甲.xlsx", "甲区人民政府办公室")
    unit_file(tmp_path / "in", "2乙.xlsx", "乙区司法局", t3_new_np=99)
    assert govxl("archive", "add", str(tmp_path / "in"), *archive).returncode == 1
    out = tmp_path / "汇总.xlsx"
    done = govxl("archive", "export", "--year", "2024", "-o", str(out), *archive)
    assert done.returncode == 1, done.stderr  # 乙 has errors: not summed
    assert f"写入 {out}（2024年度" in done.stdout
    assert "未汇总（有错误）：#2 乙区司法局 2024 年度（2乙.xlsx）（" in done.stdout, done.stdout
    assert "govxl-export-" not in done.stdout + done.stderr
    done = govxl(
        "archive", "export", "--year", "2024", "-o", str(tmp_path / "汇总2.xlsx"), "--format", "json", *archive
    )
    summary = json.loads(done.stdout)
    assert summary["output"] == str(tmp_path / "汇总2.xlsx")
    assert sorted(f["path"] for f in summary["files"]) == [
        "#1 甲区人民政府办公室 2024 年度（1甲.xlsx）",
        "#2 乙区司法局 2024 年度（2乙.xlsx）",
    ]
    assert "govxl-export-" not in done.stdout + done.stderr
