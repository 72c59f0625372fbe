"""Adding an edition is adding a data file; a rule id the catalogue does not know is refused.

A synthetic 2025 edition (the 2021 one with one more row in table 二 and that row in a cross-year relation) is
written into a temporary folder named by GOVXL_EDITIONS_DIR, and the command runs template → fill → check →
merge → extract → report on it, with no change of code.

What runs where: every command here runs in this process (`run`: govxl.cli.main under click's CliRunner, with
GOVXL_EDITIONS_DIR set by monkeypatch for the call), the docs generator too (its `govxl` calls are made in
process). Different tests write different 2025 editions into different folders, so this also shows that
nothing govxl caches is keyed by an edition's name alone (test_two_editions_of_one_name_in_one_process). One
test is the seam: test_the_installed_command_reads_the_editions_folder runs the wheel's installed `govxl` as
real subprocesses (`cells --list-editions`, `template --edition 2025`, `check`) to show that the variable
reaches a fresh process and its own load of the spec."""

from __future__ import annotations

import json
import runpy
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govxl.spec import templates_dir
from tests.conftest import installed_command, installed_env, run_in_process
from tests.helpers import OpenpyxlFiller, clean_values

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
    spec["prose"]["disclosure"]["rows"].append("local")  # the report says the new row as it says 规范性文件
    if rename_rule:
        text = json.dumps(spec, ensure_ascii=False).replace(f'"rule": "{rename_rule}"', '"rule": "R3.9"', 1)
        spec = json.loads(text)
    folder.mkdir(exist_ok=True)
    path = folder / "2025.json"
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# cells the report's sentences once found by their 2021 codes, under other codes in the synthetic edition
RECODED = (("t3_otherwise_nofee", "t3_otherwise_unpaid"), ('"otherwise_nofee"', '"otherwise_unpaid"'))
RECODED += (("t4_review_", "t4_appeal_"), ('"review_', '"appeal_'), ('"code": "review"', '"code": "appeal"'))


def recoded(folder: Path) -> Path:
    """The synthetic edition with table 四's 行政复议 and table 三's unpaid-fee row under codes of its own, and
    section 六 under a heading of its own."""
    path = synthetic(folder)
    text = path.read_text(encoding="utf-8")
    for old, new in RECODED:
        assert old in text
        text = text.replace(old, new)
    spec = json.loads(text)
    (last,) = (s for s in spec["sections"] if s.get("heading", "").startswith("六、"))
    last["heading"] = "六、需要报告的其他事项"
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def run(folder: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`govxl ARGS` in this process with GOVXL_EDITIONS_DIR naming `folder` (restored after the call)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOVXL_EDITIONS_DIR", str(folder))
        return run_in_process(*args, cwd=cwd)


def run_installed(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `govxl ARGS` as a real subprocess with GOVXL_EDITIONS_DIR naming `folder` (and without
    PYTHONPATH, which would have it import this source tree instead of the wheel's copy)."""
    env = {**installed_env(), "GOVXL_EDITIONS_DIR": str(folder)}
    return subprocess.run([*installed_command(), *args], capture_output=True, text=True, env=env, check=False)


def named_values(path: Path, codes: list[str]) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    out = {}
    for code in codes:
        ((sheet, ref),) = wb.defined_names[f"gx_{code}"].destinations
        out[code] = wb[sheet][ref.replace("$", "")].value
    wb.close()
    return out


def fill(template: Path, out: Path, values: dict[str, Any]) -> Path:
    """The template filled and saved by openpyxl, as a user's script would (loaded once for each template)."""
    return OpenpyxlFiller.of(template).fill(out, values)


def template_filled_and_checked(
    runner: Callable[..., Any], folder: Path, tmp_path: Path
) -> tuple[Path, dict[str, Any], Path]:
    """The 2025 template written by `runner` (in process or the installed command), a clean fill of it (甲单位)
    saved by openpyxl, and that fill checked with nothing wrong: (template, the fill's inputs, the fill)."""
    template = tmp_path / "t.xlsx"
    r = runner(folder, "template", "-o", str(template), "--edition", "2025")
    assert r.returncode == 0, r.stderr
    inputs = {code: v for code, v in clean_values().items() if code not in ("unit", "year")}
    a = fill(template, tmp_path / "甲.xlsx", {**inputs, **EXTRA, "unit": "甲单位", "year": 2025})
    r = runner(folder, "check", str(a), "--format", "json", "--no-corrections")
    assert r.returncode == 0, r.stdout + r.stderr
    (checked,) = json.loads(r.stdout)["files"]
    assert checked["edition"] == "2025"
    assert [f for f in checked["findings"] if f["severity"] != "info"] == []
    return template, inputs, a


def test_a_new_edition_is_a_data_file(tmp_path: Path) -> None:
    folder = tmp_path / "editions"
    synthetic(folder)
    listed = json.loads(run(folder, "cells", "--list-editions").stdout)
    assert [e["edition"] for e in listed] == ["2019", "2021", "2025"]
    assert [e["edition"] for e in listed if e["default"]] == ["2021"]  # the default stays where the data puts it

    template, inputs, a = template_filled_and_checked(run, folder, tmp_path)
    b = fill(template, tmp_path / "乙.xlsx", {**inputs, **EXTRA, "unit": "乙单位", "year": 2025})
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


def test_the_installed_command_reads_the_editions_folder(tmp_path: Path) -> None:
    """The one seam of this module: GOVXL_EDITIONS_DIR reaches the installed command, which lists the
    folder's edition, writes its template and checks a workbook of it."""
    folder = tmp_path / "editions"
    synthetic(folder)
    r = run_installed(folder, "cells", "--list-editions")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert [e["edition"] for e in listed] == ["2019", "2021", "2025"]
    assert [e["edition"] for e in listed if e["default"]] == ["2021"]
    template_filled_and_checked(run_installed, folder, tmp_path)


def test_two_editions_of_one_name_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two different 2025 editions in two folders, one after the other in one process: each gives its own
    template (its cells' names), check (its schema's findings, at its own cells) and report (its tables and
    headings) and reads its own section headings in a published text. A cache keyed by the name "2025" would
    hand the second folder the first one's grid, schema, tables or sections."""
    from govxl.extract.cells import split_sections

    clean = {code: v for code, v in clean_values().items() if code not in ("unit", "year")}
    recodes = RECODED[:1] + RECODED[2:3]
    for name, make, own, other in (
        ("plain", synthetic, "t4_review_upheld", "t4_appeal_upheld"),
        ("recoded", recoded, "t4_appeal_upheld", "t4_review_upheld"),
    ):
        folder = tmp_path / name
        spec = json.loads(make(folder).read_text(encoding="utf-8"))
        if name == "recoded":  # and a heading of section 一 that speaks of a word only this edition knows
            spec["sections"][0]["topics"].append("综述")
        (folder / "2025.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setenv("GOVXL_EDITIONS_DIR", str(folder))
        _, sections = split_sections("一、年度综述\n本机关……\n六、其他需要报告的事项\n无。")
        assert [s.number for s in sections] == (["一", "六"] if name == "recoded" else ["六"]), name
        template = tmp_path / f"{name}.xlsx"
        r = run_in_process("template", "-o", str(template), "--edition", "2025")
        assert r.returncode == 0, r.stderr
        wb = openpyxl.load_workbook(template, read_only=True)
        names = set(wb.defined_names)
        wb.close()
        assert f"gx_{own}" in names and f"gx_{other}" not in names, name
        inputs = clean
        if name == "recoded":
            for old, new in recodes:
                inputs = {code.replace(old, new): v for code, v in inputs.items()}
        values = {**inputs, **EXTRA, "unit": "甲单位", "year": 2025}
        good = fill(template, tmp_path / f"{name}-甲.xlsx", {**values, own: 37})  # 37: printed nowhere else
        bad = fill(template, tmp_path / f"{name}-乙.xlsx", {**values, own: -1, "unit": "乙单位"})
        r = run_in_process("check", str(good), str(bad), "--format", "json", "--no-corrections")
        assert r.returncode == 1, r.stdout + r.stderr
        ok, wrong = json.loads(r.stdout)["files"]
        assert ok["edition"] == wrong["edition"] == "2025"
        assert [f for f in ok["findings"] if f["severity"] != "info"] == [], name
        assert [f["code"] for f in wrong["findings"] if f["severity"] == "error"] == [own], name
        page = tmp_path / f"{name}.html"
        r = run_in_process("report", str(good), "--html", str(page), "--format", "json")
        assert r.returncode == 0, r.stdout + r.stderr
        html = page.read_text(encoding="utf-8")
        assert "本年度制发地方性法规2件，废止1件，现行有效地方性法规7件。" in html, name
        assert ">37</td>" in html, name  # table 四 shows the number at its own cell
        heading = "六、需要报告的其他事项" if name == "recoded" else "六、其他需要报告的事项"
        assert f"<h2>{heading}</h2>" in html, name


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


def test_a_new_editions_report_says_what_its_data_says(tmp_path: Path) -> None:
    """`govxl report` on a workbook of the synthetic edition: its sentences take the new row of table 二 and the
    cells the edition's data names for 复议, 诉讼 and unpaid fees, though their codes are not 2021's."""
    folder = tmp_path / "editions"
    recoded(folder)
    template = tmp_path / "t.xlsx"
    assert run(folder, "template", "-o", str(template), "--edition", "2025").returncode == 0
    inputs = {code: v for code, v in clean_values().items() if code not in ("unit", "year")}
    for old, new in RECODED[:1] + RECODED[2:3]:
        inputs = {code.replace(old, new): v for code, v in inputs.items()}
    # one 予以公开 becomes an application dropped for an unpaid fee; two 复议 and one 诉讼, all upheld
    changes = {"t3_open_np": 10, "t3_otherwise_unpaid_np": 1, "t4_appeal_upheld": 2, "t4_direct_upheld": 1}
    book = fill(template, tmp_path / "甲.xlsx", {**inputs, **EXTRA, **changes, "unit": "甲单位", "year": 2025})
    page = tmp_path / "report.html"
    r = run(folder, "report", str(book), "--html", str(page), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    (done,) = json.loads(r.stdout)["files"]
    assert done["edition"] == "2025" and done["report"] == [str(page)], done
    assert [f["rule"] for f in done["findings"] if f["severity"] != "info"] == []
    html = page.read_text(encoding="utf-8")
    for sentence in (
        "本年度制发行政规范性文件1件，废止6件，现行有效行政规范性文件9件。",
        "本年度制发地方性法规2件，废止1件，现行有效地方性法规7件。",
        "其中予以公开10件，占71.43%，部分公开0件，占0%，不予公开0件，占0%，无法提供3件，占21.43%，"
        "不予处理0件，占0%，其他处理1件，占7.14%。",
        "本年度因政府信息公开被申请行政复议2件，提起行政诉讼1件。",
        "本年度因申请人逾期未按收费通知要求缴纳费用、行政机关不再处理的政府信息公开申请1件。",
    ):
        assert sentence in html, sentence
    assert "<h2>六、需要报告的其他事项</h2>" in html and "六、其他需要报告的事项" not in html


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
    r = run(folder, *command, cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "2025.json" in r.stderr and "R3.9" in r.stderr and "规则目录" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()


def _case(folder: Path, name: str) -> None:
    """One hostile edition file (or folder entry) in `folder`."""
    base: dict[str, Any] = json.loads((templates_dir() / "2021.json").read_text(encoding="utf-8"))
    base.pop("default")
    base["edition"] = "2030"
    base["years"] = {"first": 2030, "last": None}
    target = folder / "2030.json"

    def spec(change: Any) -> None:
        change(base)
        target.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")

    cases: dict[str, Any] = {
        "not json": lambda: target.write_text("{bad", encoding="utf-8"),
        "a list": lambda: target.write_text("[]", encoding="utf-8"),
        "gbk": lambda: target.write_bytes(json.dumps(base, ensure_ascii=False).encode("gbk")),
        "deep": lambda: target.write_text("[" * 100000 + "]" * 100000, encoding="utf-8"),
        "long number": lambda: target.write_text('{"edition": ' + "9" * 5000 + "}", encoding="utf-8"),
        "name differs": lambda: spec(lambda d: d.update(edition="2031")),
        "years inverted": lambda: spec(lambda d: d.update(years={"first": 2030, "last": 2020})),
        "years text": lambda: spec(lambda d: d.update(years={"first": 2030, "last": "2031"})),
        "empty name": lambda: spec(lambda d: d.update(edition="")),
        "markers of numbers": lambda: spec(lambda d: d.update(markers=[1, 2])),
        "prose counts of numbers": lambda: spec(lambda d: d["prose"]["counts"].update(new=[1])),
        "prose counts a string": lambda: spec(lambda d: d["prose"]["counts"].update(new="t3_new_total")),
        "prose bases of numbers": lambda: spec(lambda d: d["prose"].update(share_bases=[[1]])),
        "prose base empty": lambda: spec(lambda d: d["prose"].update(share_bases=[[]])),
        "prose base not a list": lambda: spec(lambda d: d["prose"].update(share_bases=["done"])),
        "prose unknown table": lambda: spec(lambda d: d["prose"]["appeals"].update(table="t9")),
        "instructions of numbers": lambda: spec(lambda d: d["cover"].update(instructions=[1])),
        "widths of text": lambda: spec(lambda d: d["tables"][0].update(label_widths=["wide"])),
        "unknown hint rule": lambda: spec(lambda d: d["tables"][1]["hints"][0].update(rule="R9.9")),
        "prose names an unknown count": lambda: spec(lambda d: d["prose"]["names"].update(nosuch="某数")),
        "prose lists an unknown outcome": lambda: spec(lambda d: d["prose"].update(listed_outcomes=["全部公开"])),
        "disclosure of a missing row": lambda: spec(lambda d: d["prose"]["disclosure"]["rows"].append("nosuch")),
        "disclosure says an unknown column": lambda: spec(
            lambda d: d["prose"]["disclosure"].update(sentence="本年度制发{label}{made}件，{nosuch}件。")
        ),
        "disclosure formats a number": lambda: spec(
            lambda d: d["prose"]["disclosure"].update(sentence="本年度制发{label}{made:x}件。")
        ),
        "section of no table": lambda: spec(lambda d: d["sections"][1].update(table="t9")),
        "section heading unnumbered": lambda: spec(lambda d: d["sections"][0].update(heading="总体情况")),
        "a table in no section": lambda: spec(lambda d: d["sections"].pop(3)),
    }
    cases[name]()


HOSTILE = [
    "not json",
    "a list",
    "gbk",
    "deep",
    "long number",
    "name differs",
    "years inverted",
    "years text",
    "empty name",
    "markers of numbers",
    "prose counts of numbers",
    "prose counts a string",
    "prose bases of numbers",
    "prose base empty",
    "prose base not a list",
    "prose unknown table",
    "instructions of numbers",
    "widths of text",
    "unknown hint rule",
    "prose names an unknown count",
    "prose lists an unknown outcome",
    "disclosure of a missing row",
    "disclosure says an unknown column",
    "disclosure formats a number",
    "section of no table",
    "section heading unnumbered",
    "a table in no section",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_edition_file_is_refused_naming_it(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govxl.errors import SpecError
    from govxl.spec import available_editions, load_edition

    folder = tmp_path / "editions"
    folder.mkdir()
    _case(folder, name)
    monkeypatch.setenv("GOVXL_EDITIONS_DIR", str(folder))
    with pytest.raises(SpecError) as refused:
        for edition in available_editions():
            load_edition(edition)
    assert "2030.json" in refused.value.message
    if name.startswith("prose base"):  # the entry by its place, never a key of the loader's own
        assert "prose.share_bases[0]" in refused.value.message and "'b'" not in refused.value.message
    if name == "unknown hint rule":
        assert "tables[1] t3.hints" in refused.value.message and "R9.9" in refused.value.message


def test_a_folder_named_like_an_edition_file_is_not_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govxl.spec import available_editions

    folder = tmp_path / "editions"
    (folder / "2030.json").mkdir(parents=True)
    (folder / "2031.json").symlink_to(folder / "missing.json")
    monkeypatch.setenv("GOVXL_EDITIONS_DIR", str(folder))
    assert available_editions() == ("2019", "2021")


@pytest.mark.parametrize("where", ["missing", "a file"])
def test_a_bad_editions_folder_is_a_message_for_every_command(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "nowhere"
    if where == "a file":
        folder.write_text("x", encoding="utf-8")
    for command in (["--help"], ["template", "-o", str(tmp_path / "x.xlsx")], ["rules"], ["cells"]):
        r = run(folder, *command)
        assert "Traceback" not in r.stderr, (command, r.stderr)
        if command not in (["--help"], ["rules"]):  # these never need an edition
            assert r.returncode == 2, (command, r.stdout + r.stderr)
            assert str(folder) in r.stderr and ("不存在" if where == "missing" else "不是文件夹") in r.stderr


def test_a_workbook_of_an_edition_this_govxl_lacks_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "editions"
    synthetic(folder)
    book = tmp_path / "2025.xlsx"
    assert run(folder, "template", "-o", str(book), "--edition", "2025").returncode == 0
    monkeypatch.delenv("GOVXL_EDITIONS_DIR", raising=False)  # the govxl that reads it has no 2025 edition
    r = run_in_process("check", str(book))
    said = r.stdout + r.stderr  # check reports each file it could not read in its listing
    assert r.returncode == 2 and "2025 版" in said and "没有这一版" in said, said


def test_template_and_merge_agree_on_a_year_two_editions_cover(tmp_path: Path) -> None:
    """With the 2025 edition present, 2025 is covered by it and by the open-ended 2021 one: workbooks made
    from the default template for 2025 are summed, not refused as the wrong edition."""
    folder = tmp_path / "editions"
    synthetic(folder)
    template = tmp_path / "t.xlsx"
    assert run(folder, "template", "-o", str(template), "--year", "2025").returncode == 0
    inputs = {code: v for code, v in clean_values().items() if code not in ("unit", "year")}
    a = fill(template, tmp_path / "甲.xlsx", {**inputs, "unit": "甲单位", "year": 2025})
    b = fill(template, tmp_path / "乙.xlsx", {**inputs, "unit": "乙单位", "year": 2025})
    r = run(folder, "merge", str(a), str(b), "-o", str(tmp_path / "m.xlsx"), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    summary = json.loads(r.stdout)
    assert summary["edition"] == "2021" and summary["included"] == 2, summary


def test_a_new_editions_cross_year_message_says_its_own_labels(tmp_path: Path) -> None:
    """X2's message names its cells by the edition's column labels, not by 2021's words: the synthetic
    edition with table 二's columns relabelled says the new labels for its new row."""
    from govxl.filing import Filing
    from govxl.grid import Grid
    from govxl.rules.crossyear import relation_finding
    from govxl.spec.loader import parse_edition

    spec = json.loads(synthetic(tmp_path).read_text(encoding="utf-8"))
    relabel = {"made": "本年新制定件数", "repealed": "本年废止数量", "valid": "现行有效数量"}
    for column in spec["tables"][0]["blocks"][0]["columns"]:
        column["label"] = relabel[column["code"]]
    ed = parse_edition(json.dumps(spec, ensure_ascii=False), "2025.json")
    (rel,) = (r for r in ed.relations if r.rule == "X2" and r.lhs[0].code == "t2_local_valid")
    filing = Filing(tmp_path / "甲.xlsx", "2025", "", {}, {}, {}, {}, {}, {})
    found = relation_finding(Grid(ed), rel, filing, 7, 8)
    said = "地方性法规行：现行有效数量 7 不等于上年现行有效数量加本年新制定件数减本年废止数量，即 8"
    assert found.message == said


def test_a_relation_across_years_in_table_4_names_its_cells(tmp_path: Path) -> None:
    """Table 四's cells have column labels only: a relation along a column there is worded with them (an
    audit found it an internal error, exit 3), and a relation running neither along a row nor a column is
    refused when the edition is read."""
    from govxl.errors import SpecError
    from govxl.filing import Filing
    from govxl.grid import Grid
    from govxl.rules.crossyear import relation_finding
    from govxl.spec.loader import parse_edition

    spec = json.loads(synthetic(tmp_path).read_text(encoding="utf-8"))
    across = {"rule": "X1", "per": "column", "each": ["upheld"]}
    spec["across_years"].append({**across, "lhs": ["t4_review_{c}"], "rhs": ["previous:t4_review_{c}"]})
    ed = parse_edition(json.dumps(spec, ensure_ascii=False), "2025.json")
    (rel,) = (r for r in ed.relations if r.lhs and r.lhs[0].code == "t4_review_upheld")
    filing = Filing(tmp_path / "甲.xlsx", "2025", "", {}, {}, {}, {}, {}, {})
    found = relation_finding(Grid(ed), rel, filing, 1, 3)
    assert found.message.startswith("结果维持列：") and "1" in found.message and "3" in found.message
    spec["across_years"][-1]["per"] = "diagonal"
    with pytest.raises(SpecError) as refused:
        parse_edition(json.dumps(spec, ensure_ascii=False), "2025.json")
    assert "2025.json" in refused.value.message and "per" in refused.value.message
