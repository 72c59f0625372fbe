"""The archive through its library face, on SQLite and on a real PostgreSQL server: what is stored, status,
lists and histories, the cross-year rules from the archive, export against `govxl merge`, refusals."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from govxl.archive import STATUSES, UnitMismatch, open_archive
from govxl.checker import check_paths
from govxl.errors import GovxlError
from govxl.merge import merge
from govxl.reader import read_filing
from govxl.spec import load_edition
from tests.archive_fixtures import SQLITE_ONLY, location_fixture, unit_file  # noqa: F401  (a fixture, by its name)
from tests.helpers import run_coroutine, sheet_values

ROSTER = [("甲区人民政府办公室", "政府部门"), ("乙区司法局", ""), ("丙区教育局", ""), ("丁区民政局", "")]


def _findings_json(findings: list) -> list[dict]:  # type: ignore[type-arg]
    return [f.to_json() for f in findings]


def test_add_stores_the_check_its_bytes_cells_and_findings(location: str, tmp_path: Path) -> None:
    good = unit_file(tmp_path, "甲.xlsx", "甲区人民政府办公室")
    bad = unit_file(tmp_path, "乙.xlsx", "乙区司法局", t3_new_np=99)
    (tmp_path / "坏.xlsx").write_text("不是工作簿", encoding="utf-8")
    with open_archive(location) as arch:
        added = arch.add_paths([good, tmp_path / "坏.xlsx", bad])
        expected = check_paths([good, tmp_path / "坏.xlsx", bad])
        assert [a.report.to_json() for a in added] == [r.to_json() for r in expected]
        a_good, a_broken, a_bad = added
        assert a_broken.submission_id is None and "不是 .xlsx 工作簿" in a_broken.report.problem
        assert (a_good.status, a_bad.status) == ("已通过", "有错误")
        assert a_bad.errors == expected[2].errors > 0
        assert a_good.submission_id is not None and a_bad.submission_id is not None
        assert arch.original(a_good.submission_id) == good.read_bytes()
        assert _findings_json(arch.findings(a_bad.submission_id)) == _findings_json(expected[2].findings)
        stored = arch.get(a_bad.submission_id)
        assert (stored.unit, stored.year, stored.edition) == ("乙区司法局", 2024, "2021")
        assert stored.filename == "乙.xlsx"
        assert stored.sha256 == hashlib.sha256(bad.read_bytes()).hexdigest() and stored.current
        assert stored.template_version == load_edition("2021").version
        cells = arch.cell_values(a_bad.submission_id)
        filing = read_filing(bad)
        assert all(cells[c] == filing.inputs[c] for c in filing.inputs)
        assert cells["t3_new_np"] == 99 and cells["unit"] == "乙区司法局" and cells["year"] == "2024"
        assert cells["t3_new_total"] == 99  # totals as the sheet shows them


def test_a_new_version_supersedes_and_history_keeps_every_one(location: str, tmp_path: Path) -> None:
    first = unit_file(tmp_path / "1", "甲.xlsx", "甲区人民政府办公室", t3_new_np=99)
    second = unit_file(tmp_path / "2", "甲.xlsx", "甲区人民政府办公室")
    next_year = unit_file(tmp_path / "3", "甲2025.xlsx", "甲区人民政府办公室", year=2025)
    with open_archive(location) as arch:
        (a,) = arch.add_paths([first])
        (b,) = arch.add_paths([second])
        assert b.supersedes == a.submission_id and not b.duplicate
        (again,) = arch.add_paths([second])  # the same bytes again: already the current one
        assert again.duplicate and again.submission_id == b.submission_id
        (back,) = arch.add_paths([first])  # the first version again: a new submission, its bytes stored once
        assert back.submission_id not in (a.submission_id, b.submission_id) and not back.duplicate
        arch.add_paths([next_year])
        history = arch.history("甲区人民政府办公室")
        assert [(s.year, s.current) for s in history] == [(2024, False), (2024, False), (2024, True), (2025, True)]
        assert [s.supersedes for s in history[:3]] == [None, a.submission_id, b.submission_id]
        assert arch.original(a.submission_id or 0) == first.read_bytes()
        assert arch.original(b.submission_id or 0) == second.read_bytes()
        import sqlalchemy as sa

        with arch.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM govxl_blobs")).scalar() == 3
        # names match after normalising width and spaces
        assert [s.id for s in arch.history("甲区 人民政府办公室")] == [s.id for s in history]
        assert len(arch.submissions(year=2024)) == 3 and len(arch.submissions(unit="人民政府")) == 4
        assert arch.submissions(unit="司法") == [] and len(arch.submissions()) == 4
        with pytest.raises(GovxlError, match="没有编号为 999"):
            arch.get(999)


def test_status_of_a_roster(location: str, tmp_path: Path) -> None:
    files = [
        unit_file(tmp_path, "a.xlsx", "甲区人民政府办公室"),  # passed
        unit_file(tmp_path, "b.xlsx", "乙区司法局", t3_new_np=99),  # errors
        unit_file(tmp_path, "c.xlsx", "丙区教育局", contact=""),  # a warning: to verify
        unit_file(tmp_path, "d.xlsx", "戊区卫健委"),  # not in the roster
        unit_file(tmp_path, "e.xlsx", "丁区民政局", year=2023),  # another year: 丁 has not reported for 2024
    ]
    with open_archive(location) as arch:
        ids = [a.submission_id for a in arch.add_paths(files)]
        assert arch.roster(2024) == []
        arch.save_roster(2024, ROSTER)
        assert arch.roster(2024) == ROSTER
        rows = arch.status(2024)
        assert [(r.unit, r.status, r.in_roster) for r in rows] == [
            ("甲区人民政府办公室", "已通过", True),
            ("乙区司法局", "有错误", True),
            ("丙区教育局", "待核实", True),
            ("丁区民政局", "未报送", True),
            ("戊区卫健委", "已通过", False),
        ]
        assert {r.status for r in rows} == set(STATUSES)
        assert rows[3].submission_id is None and rows[3].submitted_at is None
        assert rows[0].submitted_at is not None and rows[0].level == "政府部门"
        # the roster names the canonical spelling; a given roster is used instead of the stored one
        rows = arch.status(2024, [("甲区　人民政府办公室", "")])
        assert (rows[0].unit, rows[0].status, rows[0].submission_id) == ("甲区　人民政府办公室", "已通过", ids[0])
        arch.save_roster(2024, ROSTER[:1])  # a roster saved again replaces the year's roster
        assert arch.roster(2024) == ROSTER[:1]


def test_cross_year_rules_from_the_archive_equal_those_of_previous(location: str, tmp_path: Path) -> None:
    last = unit_file(tmp_path / "2023", "甲.xlsx", "甲区人民政府办公室", year=2023, t3_forward_np=1)
    other = unit_file(tmp_path / "2023", "乙.xlsx", "乙区司法局", year=2023)
    this = unit_file(tmp_path / "2024", "甲.xlsx", "甲区人民政府办公室")
    expected = check_paths([this], previous=[last])[0]
    assert any(f.rule == "X1" for f in expected.findings)
    with open_archive(location) as arch:
        (stored_last, _) = arch.add_paths([last, other])
        (added,) = arch.add_paths([this])
        assert added.previous_id == stored_last.submission_id
        assert added.report.to_json() == expected.to_json()
        assert _findings_json(arch.findings(added.submission_id or 0)) == _findings_json(expected.findings)
        assert arch.get(added.submission_id or 0).previous_id == stored_last.submission_id


def test_one_batch_of_two_years_checks_the_later_against_the_earlier(location: str, tmp_path: Path) -> None:
    last = unit_file(tmp_path / "2023", "甲.xlsx", "甲区人民政府办公室", year=2023, t3_forward_np=1)
    this = unit_file(tmp_path / "2024", "甲.xlsx", "甲区人民政府办公室")
    expected = check_paths([this], previous=[last])[0]
    with open_archive(location) as arch:
        new, old = arch.add_paths([this, last])
        assert new.previous_id == old.submission_id and new.report.to_json() == expected.to_json()


@SQLITE_ONLY
def test_add_bytes_with_an_expected_unit(location: str, tmp_path: Path) -> None:
    path = unit_file(tmp_path, "甲.xlsx", "甲区人民政府办公室")
    with open_archive(location) as arch:
        with pytest.raises(UnitMismatch, match="不是“乙区司法局”"):
            arch.add(path.read_bytes(), "上传.xlsx", expected_unit="乙区司法局")
        assert arch.submissions() == []
        added = arch.add(path.read_bytes(), "上传.xlsx", expected_unit="甲区 人民政府办公室")
        assert added.report.path == "上传.xlsx" and added.status == "已通过"
        broken = arch.add(b"PK not a zip", "坏.xlsx")
        assert broken.submission_id is None and broken.report.problem.startswith("坏.xlsx：")
        assert [s.filename for s in arch.submissions()] == ["上传.xlsx"]


@SQLITE_ONLY
def test_a_workbook_without_unit_is_checked_but_not_stored(location: str, tmp_path: Path) -> None:
    path = unit_file(tmp_path, "无名.xlsx", "")
    with open_archive(location) as arch:
        (added,) = arch.add_paths([path])
        assert added.submission_id is None and "未填写填报单位" in added.report.problem
        assert [f.rule for f in added.report.findings] == [f.rule for f in check_paths([path])[0].findings]
        assert arch.submissions() == []


def _sheets(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    out = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    return out


def test_export_equals_merge_of_the_current_files(location: str, tmp_path: Path) -> None:
    old = unit_file(tmp_path / "old", "甲.xlsx", "甲区人民政府办公室", t3_new_np=99)
    current = [
        unit_file(tmp_path / "now", "甲.xlsx", "甲区人民政府办公室", t2_norm_made=3, t2_norm_valid=11),
        unit_file(tmp_path / "now", "乙.xlsx", "乙区司法局", t3_new_np=99),
        unit_file(tmp_path / "now", "丙.xlsx", "丙区教育局", contact=""),
    ]
    elsewhere = unit_file(tmp_path / "2023", "甲.xlsx", "甲区人民政府办公室", year=2023)
    roster = tmp_path / "名单.csv"
    roster.write_text("填报单位,单位类型\n" + "".join(f"{u},{t}\n" for u, t in ROSTER), encoding="utf-8")
    with open_archive(location) as arch:
        arch.add_paths([old, elsewhere])
        arch.add_paths(current)
        arch.save_roster(2024, ROSTER)
        got = arch.export(2024, tmp_path / "导出.xlsx")
        with pytest.raises(GovxlError, match="已存在"):
            arch.export(2024, tmp_path / "导出.xlsx")
        with pytest.raises(GovxlError, match="没有 2030 年度"):
            arch.export(2030, tmp_path / "无.xlsx")
    want = merge([tmp_path / "now"], tmp_path / "合并.xlsx", roster=roster, year=2024)
    assert (got.exit_code, got.missing, got.sums) == (want.exit_code, want.missing, want.sums)
    a, b = _sheets(tmp_path / "导出.xlsx"), _sheets(tmp_path / "合并.xlsx")
    assert list(a) == list(b)
    for sheet in a:
        assert len(a[sheet]) == len(b[sheet]), sheet
        for row_a, row_b in zip(a[sheet], b[sheet], strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                if isinstance(y, str) and y.endswith(".xlsx"):  # a file: merge's path, export's submission of it
                    assert isinstance(x, str) and x.endswith(f"（{Path(y).name}）"), (sheet, x, y)
                else:
                    assert x == y, (sheet, x, y)


@SQLITE_ONLY
def test_the_exported_workbook_names_each_submission_not_a_temporary_folder(location: str, tmp_path: Path) -> None:
    """From a review: export merged the submissions from a temporary folder and the workbook's 文件 columns
    showed paths in it (/tmp/govxl-export-…), gone once it returned. Every sheet names the submission, as the
    command's messages do, and so does the desk's consolidated download, which is the same export."""
    import tempfile

    from govxl.serve.api import consolidated
    from govxl.serve.desk import Desk

    first = unit_file(tmp_path / "in", "甲.xlsx", "甲区人民政府办公室")
    unit_file(tmp_path / "in", "乙.xlsx", "乙区司法局", t3_new_np=99)  # has errors: in 问题清单, not summed
    unit_file(tmp_path / "in", "丙.xlsx", "丙区教育局")
    again = unit_file(tmp_path / "again", "甲.xlsx", "甲区人民政府办公室")  # same numbers: 重复, by name
    with open_archive(location) as arch:
        arch.add_paths([first])
        arch.add_paths(sorted((tmp_path / "in").glob("[乙丙].xlsx")))
        arch.add_paths([again])
        subs = {s.id: s for s in arch.submissions()}
        result = arch.export(2024, tmp_path / "导出.xlsx", include_invalid=False)
        desk = Desk(arch, "")
        try:
            download = run_coroutine(consolidated(desk, 2024))
        finally:
            desk.close()
    current = {s.label(): s for s in subs.values() if s.current}
    assert len(current) == 3, subs
    (tmp_path / "下载.xlsx").write_bytes(download)
    for path in (tmp_path / "导出.xlsx", tmp_path / "下载.xlsx"):
        sheets = _sheets(path)
        for sheet, rows in sheets.items():
            for row in rows:
                for cell in row:
                    if isinstance(cell, str):
                        assert tempfile.gettempdir() not in cell and "govxl-export-" not in cell, (sheet, cell)
        status = {r[2]: r for r in sheets["报送情况"][1:] if r[2]}
        assert set(status) == set(current), status
        assert {status[label][1] for label in current} == {s.unit for s in current.values()}
        sources = sheets["来源明细"]
        files = sources[0].index("文件")
        assert {r[files] for r in sources[2:] if r[files]} == set(current)
        problems = sheets["问题清单"]
        bad = next(label for label, s in current.items() if s.unit == "乙区司法局")
        assert {r[1] for r in problems[1:] if r[1]} == {bad}
        units = {r[0]: r[3] for r in sheets["汇总单位名单"][1:]}
        assert units == {s.unit: label for label, s in current.items() if s.unit != "乙区司法局"}
    assert sorted(e.name for e in result.entries) == sorted(current)


def test_corrections_are_those_check_writes(location: str, tmp_path: Path) -> None:
    path = unit_file(tmp_path, "乙.xlsx", "乙区司法局", t3_new_np=99)
    (report,) = check_paths([path], corrections=True, output_dir=tmp_path)
    with open_archive(location) as arch:
        (added,) = arch.add_paths([path])
        out = tmp_path / "档案的校验结果.xlsx"
        out.write_bytes(arch.corrections(added.submission_id or 0))
    assert _sheets(out)["校验结果"] == _sheets(Path(report.corrections))["校验结果"]


# --- what is not an archive ------------------------------------------------------------------------------


def _other_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.execute("INSERT INTO notes (text) VALUES ('别人的数据')")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("一个文本文件", encoding="utf-8"), "不是 SQLite 数据库文件"),
        (lambda p: p.write_bytes(b""), "是一个空文件"),
        (_other_sqlite, "是其他程序的 SQLite 数据库"),
    ],
)
def test_a_file_that_is_not_an_archive_is_refused_untouched(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "别的.sqlite"
    make(path)
    before = path.read_bytes()
    with pytest.raises(GovxlError, match=message) as caught:
        open_archive(str(path))
    assert str(path) in caught.value.message and "不是 govxl 档案" in caught.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["别的.sqlite"]


def test_a_newer_archive_is_refused_untouched(location: str) -> None:
    import sqlalchemy as sa

    open_archive(location).close()
    engine = sa.create_engine(location if "://" in location else f"sqlite:///{location}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE govxl_meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    before = Path(location).read_bytes() if "://" not in location else None
    with pytest.raises(GovxlError, match=r"档案结构版本 99.*请升级 govxl"):
        open_archive(location)
    if before is not None:
        assert Path(location).read_bytes() == before


def test_a_database_with_our_tables_but_no_meta_is_refused(location: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(location if "://" in location else f"sqlite:///{location}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE govxl_submissions (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(GovxlError, match="不是 govxl 档案"):
        open_archive(location)


def test_an_older_archive_is_migrated(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlalchemy as sa

    from govxl.archive import schema

    open_archive(location).close()

    def to_two(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE govxl_submissions ADD COLUMN note TEXT"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: to_two})
    with open_archive(location) as arch, arch.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM govxl_meta WHERE key = 'schema_version'")).scalar() == "2"
        assert "note" in {c["name"] for c in sa.inspect(conn).get_columns("govxl_submissions")}


def test_a_missing_folder_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(GovxlError, match=r"文件夹 .* 不存在"):
        open_archive(str(tmp_path / "无此文件夹" / "a.sqlite"))


def test_an_unreachable_server_is_said_plainly() -> None:
    with pytest.raises(GovxlError, match=re.escape("无法打开档案 postgresql+psycopg://govxl:***@127.0.0.1:1/x")):
        open_archive("postgresql+psycopg://govxl:secret@127.0.0.1:1/x")


def test_add_many_checks_uploads_together_each_as_add_would(location: str, tmp_path: Path) -> None:
    a = unit_file(tmp_path, "甲.xlsx", "甲区人民政府办公室")
    b = unit_file(tmp_path, "乙.xlsx", "乙区司法局", t3_new_np=99)
    with open_archive(location) as arch:
        got = arch.add_many(
            [
                (a.read_bytes(), "甲的上传.xlsx", "甲区 人民政府办公室"),
                (b.read_bytes(), "乙的上传.xlsx", "丙区教育局"),  # another unit's token
                (b"not a workbook", "坏.xlsx", None),
                (b.read_bytes(), "乙.xlsx", None),
            ]
        )
        first, wrong, broken, last = got
        assert isinstance(wrong, UnitMismatch) and "不是“丙区教育局”" in wrong.message
        assert not isinstance(first, UnitMismatch) and not isinstance(broken, UnitMismatch)
        assert not isinstance(last, UnitMismatch)
        assert first.status == "已通过" and first.report.path == "甲的上传.xlsx"
        assert broken.submission_id is None and broken.report.problem.startswith("坏.xlsx：")
        assert last.report.to_json() == {**check_paths([b])[0].to_json(), "path": "乙.xlsx"}
        assert sorted(s.filename for s in arch.submissions()) == sorted(["甲的上传.xlsx", "乙.xlsx"])


@SQLITE_ONLY
def test_a_submission_named_like_a_lock_file_is_exported_too(location: str, tmp_path: Path) -> None:
    """From an audit: export merged a folder, whose walk leaves out ~$… and .~… (an office's lock files), so
    submissions stored under such names were left out of the consolidated totals, and one alone was 无法读取
    with the temporary folder in the message."""
    a = unit_file(tmp_path / "in", "甲.xlsx", "甲区人民政府办公室")
    b = unit_file(tmp_path / "in", "~$乙.xlsx", "乙区司法局")
    c = unit_file(tmp_path / "in", ".~丙.xlsx", "丙区教育局", t3_new_np=13, t3_open_np=12)
    with open_archive(location) as arch:
        arch.add_paths([a, b, c])
        result = arch.export(2024, tmp_path / "导出.xlsx")
        assert result.exit_code == 0, result.counts()
        assert sorted(e.status for e in result.entries) == ["已汇总"] * 3
        merged = read_filing(tmp_path / "导出.xlsx")
        assert merged.inputs["t3_new_np"] == 12 + 12 + 13
        text = "\n".join(str(v) for v in sheet_values(tmp_path / "导出.xlsx").values())
        assert "govxl-export-" not in text and "~$乙.xlsx" in text
