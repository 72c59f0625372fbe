"""What users get from `pip install .`: the wheel holds every module and data file of the tree, and the
installed `govxl` (not the source tree) runs every subcommand on real inputs."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, Govxl, corpus_file, installed_env


def _wheel(installed_govxl: list[str]) -> Path:
    given = os.environ.get("GOVXL_WHEEL_DIR")
    folder = Path(given) if given else Path(installed_govxl[0]).parent.parent.parent / "dist"
    (wheel,) = folder.glob("govxl-*.whl")
    return wheel


def test_wheel_holds_every_module_and_data_file_of_the_tree(installed_govxl: list[str]) -> None:
    names = set(zipfile.ZipFile(_wheel(installed_govxl)).namelist())
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "govxl").rglob("*.py")}
    tree |= {f"govxl/workbook_templates/{p.name}" for p in (ROOT / "workbook_templates").glob("*.json")}
    desk = ROOT / "govxl" / "serve"  # its pages, CSS and script
    tree |= {p.relative_to(ROOT).as_posix() for d in ("templates", "static") for p in (desk / d).iterdir()}
    assert tree, "no modules found in the tree"
    missing = sorted(tree - names)
    assert not missing, f"missing from the wheel: {missing}"


def test_installed_command_is_not_the_source_tree(installed_govxl: list[str]) -> None:
    import subprocess

    python = Path(installed_govxl[0]).parent / "python"
    probe = (
        "import govxl, pkgutil, importlib, json;"
        "mods=[m.name for m in pkgutil.walk_packages(govxl.__path__, 'govxl.')];"
        "[importlib.import_module(m) for m in mods if not m.endswith('__main__')];"
        "print(json.dumps({'file': govxl.__file__, 'mods': mods}))"
    )
    done = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, cwd="/", timeout=120, env=installed_env()
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert not Path(seen["file"]).resolve().is_relative_to((ROOT / "govxl").resolve())
    assert "site-packages" in Path(seen["file"]).parts
    tree = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "govxl").rglob("*.py")}
    tree = {m.removesuffix(".__init__") for m in tree} - {"govxl"}
    assert tree <= set(seen["mods"]), sorted(tree - set(seen["mods"]))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["template", "-o", "no/such/folder/x.xlsx"], "不存在"),
        (["cells", "--format", "yaml"], "yaml"),
        (["rules", "--format", "yaml"], "yaml"),
        (["check", "无此文件.xlsx"], "文件不存在"),
        (["merge", "无此文件.xlsx", "-o", "汇总.xlsx"], "文件不存在"),
        (["extract", "空.txt", "--output-dir", "."], "文件是空的"),
    ],
    ids=["template", "cells", "rules", "check", "merge", "extract"],
)
def test_installed_command_refuses_bad_input_in_chinese(
    govxl_installed: Govxl, tmp_path: Path, args: list[str], needle: str
) -> None:
    """One bad input per command, through the installed command: exit 2, a Chinese message, no traceback
    (the rest of the bad inputs run in process, through the same entry point)."""
    (tmp_path / "空.txt").write_bytes(b"")
    done = govxl_installed(*args, cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert needle in out and "Traceback" not in out and "内部错误" not in out, out
    assert "错误" in done.stderr or "无法" in done.stdout, out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["空.txt"]  # nothing written


@pytest.mark.slow
def test_installed_command_runs_every_subcommand(govxl_installed: Govxl, tmp_path: Path) -> None:
    """template → check → merge → extract (a PDF and a text), with the installed command."""
    blank = tmp_path / "模板.xlsx"
    assert govxl_installed("template", "-o", str(blank), "--agency", "某某局", "--year", "2024").returncode == 0
    for args in (("cells", "--format", "json"), ("rules", "--format", "json")):
        done = govxl_installed(*args)
        assert done.returncode == 0 and json.loads(done.stdout), done.stderr
    example = ROOT / "examples" / "linzi_gov_office_2024.xlsx"
    done = govxl_installed("check", str(example), "--output-dir", str(tmp_path), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["files"][0]["unit"]
    merged = tmp_path / "汇总.xlsx"
    demo = ROOT / "examples" / "merge_demo"
    done = govxl_installed(
        "merge", str(demo), "-o", str(merged), "--roster", str(demo / "名单.csv"), "--format", "json"
    )
    assert done.returncode in (0, 1), done.stderr
    assert merged.exists() and json.loads(done.stdout)["units"] >= 1
    # the wheel's dependencies read a real PDF (the shortest of the corpus: each PDF is read by the
    # extractor's own tests) in one batch with a published text, each to its own workbook
    reports = [
        corpus_file("pdf/c03_huaian_hongze_district_gov_2024.pdf"),
        corpus_file("002_linzi_gov_office_2024.txt"),
    ]
    out = tmp_path / "extracted"
    out.mkdir()
    done = govxl_installed("extract", *map(str, reports), "--output-dir", str(out), "--check", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    found = {r["path"]: r for r in json.loads(done.stdout)["files"]}
    assert set(found) == set(map(str, reports))
    for report in reports:
        written = out / f"{report.stem}.xlsx"
        assert found[str(report)]["workbook"] == str(written) and written.stat().st_size > 0
        assert found[str(report)]["year"] == 2024 and found[str(report)]["unit"]
    assert CORPUS.exists()
