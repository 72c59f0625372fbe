"""Adding an edition is adding a data file; a rule id the catalogue does not know is refused.

A synthetic 2025 edition (the 2021 one with one more row in table 二 and that row in a cross-year relation) is
written into a temporary folder named by GOVXL_EDITIONS_DIR, and the installed command runs template → fill →
check → merge → extract on it, with no change of code."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govxl.spec import templates_dir
from tests.conftest import installed_command
from tests.helpers import clean_values

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEED = CORPUS / "002_linzi_gov_office_2024.txt"
EXTRA = {"t2_local_made": 2, "t2_local_repealed": 1, "t2_local_valid": 7}


def synthetic(folder: Path, rename_rule: str | None = None) -> Path:
    spec: dict[str, Any] = json.loads((templates_dir() / "2021.json").read_text(encoding="utf-8"))
    spec["edition"] = "2025"
    spec["years"] = {"first": 2025, "last": None}
    spec.pop("default")
    spec["tables"][0]["blocks"][0]["rows"].append({"code": "local", "label": "地方性法规"})
    x2 = next(r for r in spec["across_years"] if r["rule"] == "X2")
    x2["each"].append("local")
    if rename_rule:
        text = json.dumps(spec, ensure_ascii=False).replace(f'"rule": "{rename_rule}"', '"rule": "R3.9"', 1)
        spec = json.loads(text)
    folder.mkdir(exist_ok=True)
    path = folder / "2025.json"
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVXL_EDITIONS_DIR": str(folder)}
    return subprocess.run([*installed_command(), *args], capture_output=True, text=True, env=env, check=False)


def named_values(path: Path, codes: list[str]) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=False)
    out = {}
    for code in codes:
        ((sheet, ref),) = wb.defined_names[f"gx_{code}"].destinations
        out[code] = wb[sheet][ref.replace("$", "")].value
    return out


def fill(template: Path, out: Path, values: dict[str, Any]) -> Path:
    wb = openpyxl.load_workbook(template)
    for code, value in values.items():
        ((sheet, ref),) = wb.defined_names[f"gx_{code}"].destinations
        wb[sheet][ref.replace("$", "")] = value
    wb.save(out)
    return out


def test_a_new_edition_is_a_data_file(tmp_path: Path) -> None:
    folder = tmp_path / "editions"
    synthetic(folder)
    listed = json.loads(run(folder, "cells", "--list-editions").stdout)
    assert [e["edition"] for e in listed] == ["2019", "2021", "2025"]
    assert [e["edition"] for e in listed if e["default"]] == ["2021"]  # the default stays where the data puts it

    template = tmp_path / "t.xlsx"
    r = run(folder, "template", "-o", str(template), "--edition", "2025")
    assert r.returncode == 0, r.stderr
    inputs = {code: v for code, v in clean_values().items() if code not in ("unit", "year")}
    a = fill(template, tmp_path / "甲.xlsx", {**inputs, **EXTRA, "unit": "甲单位", "year": 2025})
    b = fill(template, tmp_path / "乙.xlsx", {**inputs, **EXTRA, "unit": "乙单位", "year": 2025})

    r = run(folder, "check", str(a), "--format", "json", "--no-corrections")
    assert r.returncode == 0, r.stdout + r.stderr
    (checked,) = json.loads(r.stdout)["files"]
    assert checked["edition"] == "2025"
    assert [f for f in checked["findings"] if f["severity"] != "info"] == []
    # the new row is checked like the others: a negative count there is an error at its cell
    wrong = {**inputs, **EXTRA, "t2_local_made": -1, "unit": "丙", "year": 2025}
    bad = fill(template, tmp_path / "丙.xlsx", wrong)
    r = run(folder, "check", str(bad), "--format", "json", "--no-corrections")
    assert r.returncode == 1
    (found,) = json.loads(r.stdout)["files"]
    assert [(f["rule"], f["code"]) for f in found["findings"] if f["severity"] == "error"] == [
        ("R2.1", "t2_local_made")
    ]
    # and so is the new relation across years: last year's 现行有效 7, plus 2 made, less 1 repealed, is not 7
    r = run(folder, "check", str(a), "--previous", str(b), "--format", "json", "--no-corrections")
    (across,) = json.loads(r.stdout)["files"]
    assert ("X2", "t2_local_valid") in [(f["rule"], f["code"]) for f in across["findings"]]

    merged = tmp_path / "汇总.xlsx"
    r = run(folder, "merge", str(a), str(b), "-o", str(merged), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert named_values(merged, list(EXTRA)) == {c: 2 * v for c, v in EXTRA.items()}
    r = run(folder, "check", str(merged), "--format", "json", "--no-corrections")
    assert json.loads(r.stdout)["files"][0]["edition"] == "2025"


@pytest.mark.skipif(not SEED.exists(), reason="corpus not present")
def test_a_new_edition_is_extracted(tmp_path: Path) -> None:
    """A published report of the new edition: the seed report moved to 2025, with the new row in table 二."""
    folder = tmp_path / "editions"
    synthetic(folder)
    text = SEED.read_text(encoding="utf-8").replace("2024", "2025")
    row = "\t行政规范性文件\n\t1\n\t6\n\t9\n\n"
    assert row in text
    text = text.replace(row, row + "\t地方性法规\n\t2\n\t1\n\t7\n\n", 1)
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "x.xlsx"
    r = run(folder, "extract", str(report), "-o", str(out), "--format", "json")
    assert r.returncode in (0, 1), r.stdout + r.stderr
    assert named_values(out, list(EXTRA)) == EXTRA
    r = run(folder, "check", str(out), "--format", "json", "--no-corrections")
    assert json.loads(r.stdout)["files"][0]["edition"] == "2025"


def test_the_docs_generator_picks_up_a_new_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "editions"
    synthetic(folder)
    monkeypatch.setenv("GOVXL_EDITIONS_DIR", str(folder))
    gen = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "gen_docs.py"))
    out = tmp_path / "docs"
    out.mkdir()
    written = gen["cell_docs"](out)
    assert [p.name for p in written] == ["cells-2019.md", "cells-2021.md", "cells-2025.md"]
    assert "t2_local_made" in (out / "cells-2025.md").read_text(encoding="utf-8")


REFUSING = [["template", "-o", "x.xlsx", "--edition", "2025"], ["cells", "--list-editions"], ["cells"]]


@pytest.mark.parametrize("command", REFUSING)
def test_an_unknown_rule_id_is_refused(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "editions"
    synthetic(folder, rename_rule="R3.2")
    r = run(folder, *command)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "2025.json" in r.stderr and "R3.9" in r.stderr and "规则目录" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()
