"""`govxl check` through its command-line entry point: exit codes, outputs, and every kind of unreadable input."""

from __future__ import annotations

import functools
import io
import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT
from tests.helpers import T3, clean_values, write
from tests.test_cli import govxl


def snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.is_file() else None for p in paths}


def encrypted(path: Path, source: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    return path


def zip_bomb(path: Path) -> Path:
    path.write_bytes(_zip_bomb())
    return path


@functools.cache
def _zip_bomb() -> bytes:
    """300 MB of zeros in a 300 kB workbook. The zeros are deflated one megabyte at a time, each ended by a
    full flush, after which the compressor starts afresh: every megabyte deflates to the same bytes, so one is
    compressed and the stream is those bytes 300 times (compressing all of it took 1.7 s a test process)."""
    chunk, times = b"\0" * (1 << 20), 300
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    stream = block * times + deflate.flush()
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    small = buffer.getvalue()
    directory = small.index(b"PK\x01\x02")  # the central directory of the two small members, then its end
    entries, count = small[directory : small.index(b"PK\x05\x06")], 3
    name = b"xl/worksheets/sheet1.xml"
    # version 20, no flags, deflated, a fixed time and date; crc, compressed and real size; name, no extra
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(stream), len(chunk) * times)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fields
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, directory)
    )
    members = small[:directory] + local + stream
    entries += central + name
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(entries), len(members), 0)
    return members + entries + end


DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    good = write(d / "good.xlsx")
    # a genuine legacy .xls: the template, filled by tests.helpers.write and saved by LibreOffice 7.4 as
    # "MS Excel 97" (`soffice --headless --convert-to "xls:MS Excel 97"`), kept in the tests' data, since
    # a LibreOffice start for one file of a refusal test costs seconds and the refusal is of the container
    legacy = d / "good.xls"
    shutil.copy(DATA / "legacy.xls", legacy)
    wps = d / "wps.et"
    shutil.copy(legacy, wps)  # a WPS .et is the same OLE2 container as a legacy .xls
    other = openpyxl.Workbook()
    other.active.title = "Sheet1"
    other.active["A1"] = "随便什么表"
    other.save(d / "other.xlsx")
    truncated = d / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:3000])
    (d / "empty.xlsx").write_bytes(b"")
    (d / "notes.xlsx").write_text("这不是表格\n", encoding="utf-8")
    (d / "a folder.xlsx").mkdir()
    return {
        "missing": d / "nosuch.xlsx",
        "folder": d / "a folder.xlsx",
        "empty": d / "empty.xlsx",
        "not xlsx": d / "notes.xlsx",
        "legacy xls": legacy,
        "wps et": wps,
        "encrypted": encrypted(d / "locked.xlsx", good),
        "corrupt zip": truncated,
        "zip bomb": zip_bomb(d / "bomb.xlsx"),
        "no tables": d / "other.xlsx",
    }


EXPECTED = {
    "missing": "不存在",
    "folder": "文件夹",
    "empty": "空的",
    "not xlsx": "不是 .xlsx",
    "legacy xls": "另存为",
    "wps et": "另存为",
    "encrypted": "密码",
    "corrupt zip": "损坏",
    "zip bomb": "压缩炸弹",
    "no tables": "找不到年度报告的表格",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_bad_input_exits_2_with_message(bad_inputs: dict[str, Path], kind: str, tmp_path: Path) -> None:
    path = bad_inputs[kind]
    before = snapshot([path])
    result = govxl("check", str(path), "--output-dir", str(tmp_path))
    assert result.returncode == 2, (kind, result.stdout, result.stderr)
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert str(path) in out and EXPECTED[kind] in out, out
    assert snapshot([path]) == before
    assert list(tmp_path.iterdir()) == []  # no correction workbook for what could not be read


def test_other_files_are_still_checked(bad_inputs: dict[str, Path], tmp_path: Path) -> None:
    good = write(tmp_path / "good.xlsx")
    paths = [*bad_inputs.values(), good]
    before = snapshot(paths)
    result = govxl("check", *map(str, paths), "--format", "json", "--output-dir", str(tmp_path))
    assert result.returncode == 2
    files = json.loads(result.stdout)["files"]
    assert [f["path"] for f in files] == [str(p) for p in paths]
    assert [bool(f.get("problem")) for f in files] == [True] * len(bad_inputs) + [False]
    assert files[-1]["valid"] is True and files[-1]["corrections"]
    assert snapshot(paths) == before


def test_exit_codes_and_outputs(tmp_path: Path) -> None:
    good = write(tmp_path / "good.xlsx")
    result = govxl("check", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "通过：0 个错误" in result.stdout
    corrections = tmp_path / "good_校验.xlsx"
    assert corrections.exists()
    bad = write(tmp_path / "bad.xlsx", {**clean_values(), "t3_new_np": 13, "t4_after_other": None})
    before = bad.read_bytes()
    result = govxl("check", str(bad), "--format", "json", "--no-corrections")
    assert result.returncode == 1
    (report,) = json.loads(result.stdout)["files"]
    assert set(report) >= {"path", "edition", "valid", "errors", "warnings", "findings"}
    assert (report["valid"], report["errors"], report["warnings"]) == (False, 2, 1)
    first = report["findings"][0]
    assert set(first) == {"rule", "severity", "message", "sheet", "cell", "cells", "code", "expected", "actual"}
    assert (first["rule"], first["sheet"], first["cell"], first["code"]) == ("R3.1", T3, "D5", "t3_new_np")
    assert f"{T3}!D5" in first["cells"]
    assert bad.read_bytes() == before
    assert not (tmp_path / "bad_校验.xlsx").exists()
    # warnings alone do not fail
    warn = write(tmp_path / "warn.xlsx", {**clean_values(), "t4_after_other": None})
    assert govxl("check", str(warn), "--no-corrections").returncode == 0


def test_missing_output_dir_is_a_usage_error(tmp_path: Path) -> None:
    good = write(tmp_path / "good.xlsx")
    result = govxl("check", str(good), "--output-dir", str(tmp_path / "nope"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
