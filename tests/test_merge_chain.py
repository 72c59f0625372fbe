"""Merges of merges identified by the units they sum; big consolidated workbooks read back; exact sums;
outputs that are never an input and never raced; rosters that need their header."""

from __future__ import annotations

import multiprocessing
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govxl import intake
from govxl.errors import GovxlError
from govxl.files import write_atomically
from govxl.merge import COUNTED_TWICE, DUPLICATE, INCLUDED, INVALID, SUPERSEDED, merge
from govxl.reader import load_bytes, read_filing
from tests.helpers import clean_values, sheet_values, write
from tests.test_cli import govxl


def unit(name: str, k: int = 0) -> dict[str, Any]:
    # 一 = 12 + k and 予以公开 = 11 + k keep 一 + 二 = （七）+ 四
    return {**clean_values(), "unit": name, "t3_new_np": 12 + k, "t3_open_np": 11 + k}


def units(folder: Path, names: list[str], seed: int) -> list[Path]:
    folder.mkdir()
    rng = random.Random(seed)
    return [write(folder / f"{name}.xlsx", unit(name, rng.randint(0, 9))) for name in names]


def official_cells(path: Path) -> dict[tuple[str, str], Any]:
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames[:4]
    # 封面 and the three tables; the provenance sheets name the input files
    return {key: value for key, value in sheet_values(path, data_only=False).items() if key[0] in sheets}


def test_merges_of_disjoint_units_without_agency_both_count(tmp_path: Path) -> None:
    units(tmp_path / "甲", ["甲一", "甲二", "甲三"], 1)
    units(tmp_path / "乙", ["乙一", "乙二"], 2)
    m1 = merge([tmp_path / "甲"], tmp_path / "m1.xlsx", jobs=1)
    m2 = merge([tmp_path / "乙"], tmp_path / "m2.xlsx", jobs=1)
    assert m1.exit_code == m2.exit_code == 0
    city = merge([tmp_path / "m1.xlsx", tmp_path / "m2.xlsx"], tmp_path / "市.xlsx", jobs=1)
    assert [e.status for e in city.entries] == [INCLUDED, INCLUDED] and city.exit_code == 0
    direct = merge([tmp_path / "甲", tmp_path / "乙"], tmp_path / "all.xlsx", jobs=1)
    assert official_cells(tmp_path / "市.xlsx") == official_cells(tmp_path / "all.xlsx")
    assert sorted(u[0] for u in city.units) == sorted(u[0] for u in direct.units)
    # the covers say what each merge sums, and no two different merges say the same
    covers = {read_filing(tmp_path / f).unit for f in ("m1.xlsx", "m2.xlsx", "市.xlsx")}
    assert len(covers) == 3 and all("汇总" in c for c in covers)
    assert "3 个单位" in read_filing(tmp_path / "m1.xlsx").unit


def test_overlaps_are_double_counting_named_by_unit(tmp_path: Path) -> None:
    files = units(tmp_path / "甲", ["甲一", "甲二"], 3)
    units(tmp_path / "乙", ["乙一"], 4)
    merge([tmp_path / "甲"], tmp_path / "m1.xlsx", jobs=1)
    merge([tmp_path / "甲", tmp_path / "乙"], tmp_path / "m3.xlsx", jobs=1)
    # a unit and a merge containing it: the unit's own file is left out, by name
    alone = merge([files[0], tmp_path / "m1.xlsx"], tmp_path / "o1.xlsx", jobs=1)
    entry = next(e for e in alone.entries if e.path == files[0])
    assert entry.status == COUNTED_TWICE and "甲一" in entry.reason and alone.exit_code == 1
    # a merge and a merge containing it: both count in full, so the overlap is reported with its units
    both = merge([tmp_path / "m1.xlsx", tmp_path / "m3.xlsx"], tmp_path / "o2.xlsx", jobs=1)
    assert both.exit_code == 1 and len(both.problems) == 1
    assert "甲一" in both.problems[0] and "甲二" in both.problems[0] and "乙一" not in both.problems[0]
    assert "m1.xlsx" in both.problems[0] and "m3.xlsx" in both.problems[0]
    # and the total never counts them twice: the merge wholly inside the other is left out whole
    assert {e.path.name: e.status for e in both.entries} == {"m1.xlsx": COUNTED_TWICE, "m3.xlsx": INCLUDED}
    assert len(both.units) == 3 and both.sums == merge([tmp_path / "m3.xlsx"], tmp_path / "o3.xlsx", jobs=1).sums


def test_merges_overlapping_in_part_are_both_left_out(tmp_path: Path) -> None:
    units(tmp_path / "a", ["甲", "乙"], 3)
    units(tmp_path / "b", ["丙"], 3)
    write(tmp_path / "b" / "乙.xlsx", unit("乙", 3))
    merge([tmp_path / "a"], tmp_path / "m1.xlsx", jobs=1)
    merge([tmp_path / "b"], tmp_path / "m2.xlsx", jobs=1)
    units(tmp_path / "c", ["丁"], 5)
    result = merge([tmp_path / "m1.xlsx", tmp_path / "m2.xlsx", tmp_path / "c"], tmp_path / "o.xlsx", jobs=1)
    statuses = {e.path.name: e.status for e in result.entries}
    assert statuses["m1.xlsx"] == statuses["m2.xlsx"] == COUNTED_TWICE and result.exit_code == 1
    assert [u[0] for u in result.units] == ["丁"] and "乙" in result.problems[0]


def test_a_unit_without_a_name_is_not_summed(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write(tmp_path / "in" / "a.xlsx", {**unit("甲", 1)})
    write(tmp_path / "in" / "b.xlsx", {**unit("甲", 2), "unit": None})
    result = merge([tmp_path / "in"], tmp_path / "m.xlsx", jobs=1, include_invalid=True)
    nameless = next(e for e in result.entries if e.path.name == "b.xlsx")
    assert nameless.status == INVALID and "填报单位" in nameless.reason
    assert [u[0] for u in result.units] == ["甲"]


def test_two_merges_of_the_same_units_are_versions_of_one(tmp_path: Path) -> None:
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    write(tmp_path / "v1" / "a.xlsx", unit("甲一", 1))
    write(tmp_path / "v1" / "b.xlsx", unit("甲二", 2))
    write(tmp_path / "v2" / "a.xlsx", unit("甲一", 5))  # 甲一 corrected its numbers
    write(tmp_path / "v2" / "b.xlsx", unit("甲二", 2))
    merge([tmp_path / "v1"], tmp_path / "old.xlsx", jobs=1)
    merge([tmp_path / "v2"], tmp_path / "copy.xlsx", agency="另一个名字", jobs=1)
    merge([tmp_path / "v2"], tmp_path / "new.xlsx", jobs=1)
    now = os.stat(tmp_path / "new.xlsx").st_mtime
    for i, name in enumerate(("old.xlsx", "copy.xlsx")):
        os.utime(tmp_path / name, (now - 100 + i, now - 100 + i))
    result = merge([tmp_path / n for n in ("old.xlsx", "copy.xlsx", "new.xlsx")], tmp_path / "o.xlsx", jobs=1)
    assert {e.path.name: e.status for e in result.entries} == {
        "old.xlsx": SUPERSEDED,  # the same units with older numbers
        "copy.xlsx": DUPLICATE,  # the same units and numbers as new.xlsx, whatever its cover says
        "new.xlsx": INCLUDED,
    }
    assert read_filing(tmp_path / "o.xlsx").inputs["t3_new_np"] == 17 + 14


def test_a_consolidated_workbook_beyond_the_unit_limits_is_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "in"
    units(d, [f"单位{i}" for i in range(3)], 5)
    merge([d], tmp_path / "m.xlsx", jobs=1)
    one = d / "单位0.xlsx"
    # limits shrunk below both files' sizes, as a 50,000-unit merge is beyond the real ones
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(intake, "MAX_UNZIPPED_BYTES", 1000)
    assert load_bytes(tmp_path / "m.xlsx")
    with pytest.raises(GovxlError, match="文件过大"):
        load_bytes(one)
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 50 * 1024 * 1024)
    with pytest.raises(GovxlError, match="压缩炸弹"):
        load_bytes(one)
    # a bomb that claims to be a consolidated workbook is still one
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(tmp_path / "m.xlsx") as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, src.read(info))
        with zf.open("xl/worksheets/sheet99.xml", "w", force_zip64=True) as big:
            for _ in range(20):
                big.write(b"\0" * (1 << 20))
    with pytest.raises(GovxlError, match="压缩炸弹"):
        load_bytes(bomb)
    # the chain goes on from the big one
    up = merge([tmp_path / "m.xlsx"], tmp_path / "up.xlsx", jobs=1)
    assert up.exit_code == 0 and len(up.units) == 3


def test_sums_are_exact_integers_and_absurd_numbers_never_reach_them(tmp_path: Path) -> None:
    from govxl.values import MAX_MAGNITUDE

    big = MAX_MAGNITUDE  # the largest count a cell may hold
    a = write(tmp_path / "a.xlsx", {**unit("甲"), "t3_new_np": big, "t3_open_np": big - 1})
    b = write(tmp_path / "b.xlsx", {**unit("乙"), "t3_new_np": big, "t3_open_np": big - 1})
    result = merge([a, b], tmp_path / "m.xlsx", jobs=1, include_invalid=True)
    assert result.sums["t3_new_np"] == 2 * big and isinstance(result.sums["t3_new_np"], int)
    assert read_filing(tmp_path / "m.xlsx").inputs["t3_new_np"] == 2 * big
    # numbers no report holds are refused where they are read, so a merge never sums (or overflows on) them
    c = write(tmp_path / "c.xlsx", {**unit("丙"), "t3_new_np": 1e308, "t3_open_np": 1e308})
    d = write(tmp_path / "d.xlsx", {**unit("丁"), "t3_new_np": 1e308, "t3_open_np": 1e308})
    kept = merge([c, d], tmp_path / "m2.xlsx", jobs=1, include_invalid=True)
    assert kept.sums["t3_new_np"] == 0 and all(e.errors for e in kept.entries)
    done = govxl("merge", str(c), str(d), "-o", str(tmp_path / "m3.xlsx"))
    assert done.returncode == 2 and "没有可汇总的单位" in done.stdout + done.stderr
    assert "内部错误" not in done.stderr and not (tmp_path / "m3.xlsx").exists()


def test_the_output_is_never_an_input(tmp_path: Path) -> None:
    d = tmp_path / "in"
    files = units(d, ["甲", "乙", "丙"], 6)
    before = files[1].read_bytes()
    done = govxl("merge", str(d), "-o", str(files[1]), "--force")
    assert done.returncode == 2 and "输入文件之一" in done.stderr and "Traceback" not in done.stderr
    assert files[1].read_bytes() == before
    os.link(files[2], tmp_path / "link.xlsx")  # the same file by another name
    with pytest.raises(GovxlError, match="输入文件之一"):
        merge([d], tmp_path / "link.xlsx", overwrite=True, jobs=1)
    with pytest.raises(GovxlError, match="输入文件之一"):
        merge([files[0]], files[2], overwrite=True, previous=[d], jobs=1)


def test_a_roster_needs_its_header(tmp_path: Path) -> None:
    files = units(tmp_path / "in", ["甲", "乙"], 7)
    roster = tmp_path / "名单.csv"
    roster.write_text("甲\n乙\n", encoding="utf-8")
    with pytest.raises(GovxlError, match="表头"):
        merge(files, tmp_path / "m.xlsx", roster=roster, jobs=1)
    roster.write_text("序号,填报单位\n1,甲\n2,乙\n3,丙\n", encoding="utf-8")
    result = merge(files, tmp_path / "m.xlsx", roster=roster, jobs=1)
    assert result.missing == ["丙"]


def test_a_roster_counts_the_units_inside_a_merged_input(tmp_path: Path) -> None:
    units(tmp_path / "甲", ["甲一", "甲二"], 8)
    merge([tmp_path / "甲"], tmp_path / "m1.xlsx", jobs=1)
    roster = tmp_path / "名单.csv"
    roster.write_text("填报单位\n甲一\n甲二\n乙一\n", encoding="utf-8")
    result = merge([tmp_path / "m1.xlsx"], tmp_path / "m.xlsx", roster=roster, jobs=1)
    assert [e.status for e in result.entries] == [INCLUDED] and result.missing == ["乙一"]


def _write_at(args: tuple[str, bytes, Any]) -> bool:
    path, data, barrier = args
    barrier.wait()
    try:
        write_atomically(Path(path), data)
    except GovxlError:
        return False
    return True


def test_two_writers_of_one_new_file_never_both_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    # one pool of two writers and one barrier for every attempt: a barrier lets both through at once, then
    # is ready for the next attempt's pair
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        for attempt in range(10):
            target = tmp_path / f"out{attempt}.xlsx"
            jobs = [(str(target), b"first", barrier), (str(target), b"other", barrier)]
            results = pool.map(_write_at, jobs, chunksize=1)
            assert sorted(results) == [False, True]
            assert target.read_bytes() == (b"first" if results[0] else b"other")
    assert not list(tmp_path.glob(".govxl-*"))  # no temporary file left behind


def test_two_merges_writing_one_output_at_once(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import installed_command, installed_env

    d = tmp_path / "in"
    units(d, ["甲", "乙"], 9)
    cmd = [*installed_command(), "merge", str(d), "-o", str(tmp_path / "m.xlsx")]
    env = installed_env()
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in runs]
    codes = sorted(p.returncode for p in runs)
    assert codes == [0, 2], outputs
    assert any("已存在" in err.decode() for _, err in outputs)
    assert read_filing(tmp_path / "m.xlsx").inputs["t3_new_np"] > 0


def test_the_unit_list_in_shared_strings_or_inline(tmp_path: Path) -> None:
    import re

    units(tmp_path / "甲", ["甲一", "甲&二"], 10)
    merge([tmp_path / "甲"], tmp_path / "m1.xlsx", jobs=1)
    # as another program saves it: the unit list's text moved into the shared strings
    with zipfile.ZipFile(tmp_path / "m1.xlsx") as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    sst = parts["xl/sharedStrings.xml"].decode()
    base = sst.count("<si>")
    added: list[str] = []

    def shared(m: re.Match[str]) -> str:
        added.append(m[1])
        return f't="s"><v>{base + len(added) - 1}</v>'

    sheet = re.sub(r't="inlineStr"><is><t>(.*?)</t></is>', shared, parts["xl/worksheets/sheet8.xml"].decode())
    assert added and "inlineStr" not in sheet
    parts["xl/worksheets/sheet8.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = sst.replace(
        "</sst>", "".join(f"<si><t>{t}</t></si>" for t in added) + "</sst>"
    ).encode()
    with zipfile.ZipFile(tmp_path / "resaved.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    from govxl.merge.sheetpart import _inner_units

    names = sorted((n, y) for n, y, _ in _inner_units(tmp_path / "resaved.xlsx"))
    assert names == sorted([("甲一", 2024), ("甲&二", 2024)])
    assert _inner_units(tmp_path / "resaved.xlsx") == _inner_units(tmp_path / "m1.xlsx")


def test_a_consolidated_workbook_is_not_asked_for_a_contact(tmp_path: Path) -> None:
    units(tmp_path / "in", ["甲", "乙"], 2)
    merge([tmp_path / "in"], tmp_path / "m.xlsx", jobs=1)
    filing = read_filing(tmp_path / "m.xlsx")
    assert not [f for f in filing.findings if f.rule == "C1"], filing.findings


def test_a_folder_with_no_workbook_is_said(tmp_path: Path) -> None:
    units(tmp_path / "in", ["甲"], 1)
    (tmp_path / "空.xlsx").mkdir()  # a folder, even one named like a workbook
    result = merge([tmp_path / "in", tmp_path / "空.xlsx"], tmp_path / "m.xlsx", jobs=1)
    empty = next(e for e in result.entries if e.path.name == "空.xlsx")
    assert "文件夹中没有 .xlsx 工作簿" in empty.reason and result.exit_code == 1
