"""An extracted workbook is the published report: its cells hold what was published, totals included, and
`govxl check` of it gives exactly the findings `govxl extract --check` gave; a merge of such workbooks says
which numbers were published and which computed."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from govxl.checker import check_paths, filing_findings
from govxl.errors import GovxlError
from govxl.extract import write_extraction
from govxl.grid import CHECK_BROKEN, CHECK_OK, grid_for
from govxl.published import RECORD_HEADER, read_record
from govxl.reader import read_filing
from tests.conftest import CORPUS, CorpusRun, Recalc, corpus_extraction, corpus_file
from tests.helpers import sheet_values
from tests.test_cli import govxl

COMPLETE = [
    "002_linzi_gov_office_2024.txt",
    "c01_huaian_city_gov_2024.txt",
    "c02_huaian_hongze_district_gov_2023.txt",
    "c03_huaian_hongze_district_gov_2024.txt",
    "pdf/c01_huaian_city_gov_2024.pdf",
    "pdf/c02_huaian_hongze_district_gov_2023.pdf",
    "pdf/c03_huaian_hongze_district_gov_2024.pdf",
]
C02 = "c02_huaian_hongze_district_gov_2023.txt"
# every published report of the corpus, excerpts included: what check says of the workbook must be what
# extract --check said of the report, whatever the report lacks
EVERY = sorted(
    str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.txt"), *CORPUS.glob("pdf/*.pdf")] if p.name != "README.md"
)


def seen(findings) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.severity.value, ";".join(map(str, f.cells)), f.message) for f in findings]


def extracted(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    x = corpus_extraction(name)
    out = tmp_path / (Path(name).stem + ".xlsx")
    write_extraction(x, out)
    return x, out


def said(findings: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(f["rule"], f["severity"], ";".join(f["cells"]), f["message"]) for f in findings]


@pytest.mark.parametrize("name", EVERY)
def test_check_of_the_workbook_gives_the_findings_of_extract(corpus_extracted: CorpusRun, name: str) -> None:
    """`extract --check` of the report and `check` of the workbook it wrote say the same (both commands run
    once over the whole corpus: tests/conftest.py)."""
    extracted = {f["path"]: f for f in json.loads(corpus_extracted.extracted.stdout)["files"]}
    checked = {f["path"]: f for f in json.loads(corpus_extracted.checked.stdout)["files"]}
    report = extracted[str(CORPUS / name)]
    assert not report.get("problem"), report["problem"]
    workbook = checked[report["workbook"]]
    assert not workbook.get("problem"), workbook["problem"]
    assert said(workbook["findings"]) == said(report["findings"])
    assert workbook["findings"], "a real report always draws some finding (E2, R3.7, N5 …)"


@pytest.mark.parametrize("name", COMPLETE)
def test_total_cells_hold_the_published_numbers(tmp_path: Path, name: str) -> None:
    x, out = extracted(tmp_path, name)
    grid = grid_for(x.edition)
    cells = sheet_values(out, data_only=False)  # as openpyxl reads the workbook: formulas as formulas
    blanks = {f.anchor.code for f in x.findings if f.rule == "B1" and f.anchor}
    for code, published in x.published_totals.items():
        value = cells.get((grid.sheet_of(code).name, grid.address(code)))
        if math.isnan(published):
            assert isinstance(value, str) and not value.startswith("="), (code, value)
        elif code in blanks:
            assert value is None, (code, value)  # printed blank: a blank it stays (counted as 0, said by B1)
        else:
            assert value == published, (code, value, published)
    assert x.published_totals, "a complete report publishes totals"
    filing = read_filing(out)
    assert {c: v for c, v in filing.typed_totals.items()} == pytest.approx(x.published_totals, nan_ok=True)


def test_c02_wrong_table_4_totals_are_errors_in_both(tmp_path: Path) -> None:
    from tests.helpers import read_book

    out = tmp_path / "c02.xlsx"
    done = govxl("extract", str(corpus_file(C02)), "-o", str(out), "--check", "--format", "json")
    checked = govxl("check", str(out), "--no-corrections", "--format", "json")
    assert done.returncode == checked.returncode == 1, done.stdout + done.stderr + checked.stderr

    def errors(stdout: str) -> set[tuple[str, str]]:
        (f,) = json.loads(stdout)["files"]
        return {(x["rule"], x["cell"]) for x in f["findings"] if x["severity"] == "error"}

    def everything(stdout: str) -> list[tuple[str, str, str, str]]:
        (f,) = json.loads(stdout)["files"]
        return [(x["rule"], x["severity"], ";".join(x["cells"]), x["message"]) for x in f["findings"]]

    assert errors(done.stdout) == errors(checked.stdout) == {("R4.1", "E5"), ("R4.3", "O5")}
    assert everything(done.stdout) == everything(checked.stdout)
    t4 = grid_for("2021").sheet_of("t4_review_total")
    sheet = read_book(out)[t4.name]
    assert sheet["E5"].value == 0 and sheet["O5"].value == 0  # as published, not =SUM(A5:D5)
    live = [sheet.cell(c.place.row + 1, c.place.col + 1).value for c in t4.checks]
    assert live and all(str(v).startswith("=") for v in live)  # the template's 校验 row stays live


def test_the_live_check_rows_show_where_the_published_report_breaks(tmp_path: Path, recalc: Recalc) -> None:
    from tests.helpers import read_book

    _, wrong = extracted(tmp_path, C02)
    _, right = extracted(tmp_path, "002_linzi_gov_office_2024.txt")
    wrong_out, right_out = recalc([wrong, right], tmp_path / "lo")
    t4 = grid_for("2021").sheet_of("t4_review_total")
    (check_row,) = {c.place.row for c in t4.checks}

    def results(path: Path) -> list[str]:
        ws = read_book(path, data_only=True)[t4.name]
        return [ws.cell(check_row + 1, c.place.col + 1).value for c in t4.checks]

    assert CHECK_BROKEN in results(wrong_out)
    assert set(results(right_out)) == {CHECK_OK}
    # saved by a real spreadsheet, it is still the published report to govxl
    for before, after in ((wrong, wrong_out), (right, right_out)):
        assert seen(check_paths([after])[0].findings) == seen(check_paths([before])[0].findings)


def test_extract_without_check_does_not_say_passed(tmp_path: Path) -> None:
    out = tmp_path / "c02.xlsx"
    result = govxl("extract", str(corpus_file(C02)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "通过" not in result.stdout and "未校验" in result.stdout, result.stdout
    assert f"govxl check {out}" in result.stdout
    as_json = govxl("extract", str(corpus_file(C02)), "-o", str(out), "--force", "--format", "json")
    (unchecked,) = json.loads(as_json.stdout)["files"]
    assert unchecked["checked"] is False and unchecked["valid"] is None


def test_check_previous_runs_n6_on_an_extracted_workbook(tmp_path: Path) -> None:
    from govxl.workbook import render
    from tests.helpers import clean_values

    _, out = extracted(tmp_path, "002_linzi_gov_office_2024.txt")
    for new, expected in ((27, []), (30, ["N6"])):  # the report says 同比下降55.55%: 27 last year
        last = tmp_path / f"2023-{new}.xlsx"
        last.write_bytes(render("2021", {**clean_values(), "year": 2023, "t3_new_np": new, "t3_open_np": new - 1}))
        (report,) = check_paths([out], previous=[last])
        assert [f.rule for f in report.findings if f.rule == "N6"] == expected


def test_extract_check_merge_chain(tmp_path: Path) -> None:
    """Extract → check → merge: the merged inputs are the sum of what the reports published, and a published
    total that contradicts its parts stops the merge until --include-invalid, which says what it replaced."""
    from govxl.merge import INCLUDED, INVALID, merge
    from tests.helpers import read_book

    start = {}
    for name in ("002_linzi_gov_office_2024.txt", "c03_huaian_hongze_district_gov_2024.txt"):
        x, out = extracted(tmp_path, name)
        (report,) = check_paths([out])
        assert report.valid, report.findings
        start[out] = x
    merged = tmp_path / "merged.xlsx"
    result = merge(list(start), merged, jobs=1)
    assert [e.status for e in result.entries] == [INCLUDED, INCLUDED]
    end = read_filing(merged)
    for code in end.inputs:
        published = sum(0 if math.isnan(x.filing.inputs[code]) else x.filing.inputs[code] for x in start.values())
        assert end.inputs[code] == pytest.approx(published), code

    x, c02 = extracted(tmp_path, C02)
    refused = merge([c02], tmp_path / "refused.xlsx", jobs=1)
    assert [e.status for e in refused.entries] == [INVALID] and refused.output is None
    summed = merge([c02], tmp_path / "summed.xlsx", jobs=1, include_invalid=True)
    assert [e.status for e in summed.entries] == [INCLUDED]
    assert read_filing(tmp_path / "summed.xlsx").inputs["t4_review_upheld"] == 10
    wb = read_book(tmp_path / "summed.xlsx")
    notes = {r[4]: r[5] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[3] == "公布"}
    t4 = grid_for("2021").sheet_of("t4_review_total").name
    assert notes[f"{t4}!E5"] == "公布的总计为 0，与分项之和 11 不符：汇总时用分项之和 11，未用公布的总计"
    assert notes[f"{t4}!O5"] == "公布的总计为 0，与分项之和 5 不符：汇总时用分项之和 5，未用公布的总计"
    rows = list(wb["来源明细"].iter_rows(values_only=True))
    col = rows[1].index("t4_review_total")
    computed, published = rows[2], rows[3]
    assert computed[5] == INCLUDED and computed[col] == 11
    assert "公布" in published[5] and published[col] == 0
    assert x.published_totals["t4_review_total"] == 0


def test_an_edited_record_is_said_plainly() -> None:
    rows = [RECORD_HEADER, ["E2", "严重", "表三!D8#t3_partial_np", "说明", "null", "null", ""]]
    with pytest.raises(GovxlError, match=r"抽取记录.*第 2 行"):
        read_record("报告.xlsx", rows)


def test_reports_of_one_name_get_workbooks_of_their_own(tmp_path: Path) -> None:
    txt = corpus_file("c01_huaian_city_gov_2024.txt")
    pdf = corpus_file("pdf/c01_huaian_city_gov_2024.pdf")
    out = tmp_path / "out"
    out.mkdir()
    done = govxl("extract", str(txt), str(pdf), "--output-dir", str(out), "--format", "json")
    assert done.returncode == 0, done.stderr
    written = [f["workbook"] for f in json.loads(done.stdout)["files"]]
    assert written == [str(out / f"{txt.stem}.xlsx"), str(out / f"{txt.stem}(2).xlsx")]
    assert all(Path(w).exists() for w in written)


def test_a_share_with_no_base_in_the_tables_is_not_judged() -> None:
    """031 states 占30.61% of a base its tables do not give: the sentence cannot be judged, so no N5 says
    it is wrong with 按数量计算应为（无法计算）."""
    x = corpus_extraction("031_shanghai_city_2023.txt")
    n5 = [f for f in filing_findings(x.filing) if f.rule == "N5"]
    assert not [f for f in n5 if "无法计算" in f.message or f.expected is None]


def test_extract_says_extracted_not_checked(tmp_path: Path) -> None:
    good = corpus_file("002_linzi_gov_office_2024.txt")
    done = govxl("extract", str(good), str(tmp_path / "无此报告.txt"), "--output-dir", str(tmp_path))
    assert done.returncode == 2
    assert "无法抽取" in done.stdout and "校验" not in done.stdout.replace("未校验", "").replace("--check", "")
