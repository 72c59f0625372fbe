"""Extraction of published reports (text and HTML) against numbers transcribed by hand from shared/corpus."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from govxl.checker import table_findings
from govxl.extract import extract
from govxl.reader import read_filing
from tests.conftest import ROOT, CorpusRun, corpus_extraction, corpus_file
from tests.helpers import T2, T3, T4
from tests.test_cli import govxl

COLS = ("np", "biz", "sci", "ngo", "law", "other")


def row(x, name: str) -> list[float]:  # type: ignore[no-untyped-def]
    return [x.filing.inputs[f"t3_{name}_{c}"] for c in COLS]


def compact(findings, rule: str) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {f.compact() for f in findings if f.rule == rule}


def test_seed_report_extracts_to_the_example_workbook() -> None:
    x = corpus_extraction("002_linzi_gov_office_2024.txt")
    assert (x.edition, x.year, x.unit) == ("2021", 2024, "临淄区人民政府办公室")
    example = read_filing(ROOT / "examples" / "linzi_gov_office_2024.xlsx")
    assert dict(x.filing.inputs) == dict(example.inputs)
    assert x.found == 200 and not x.findings  # every number cell, nothing guessed
    assert x.published_totals["t3_done_total"] == 14 and x.published_totals["t3_new_total"] == 12
    errors = [f for f in table_findings([x.filing])[0] if f.severity.value == "error"]
    assert errors == []
    assert [h for h, _ in x.prose] == ["一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_rows_on_lines_between_pipes_cut_off_mid_row() -> None:
    """003: table 二 complete; table 三 up to (三)7, whose last cell the excerpt lost."""
    x = corpus_extraction("003_shenzhen_longgang_dept_2024.txt")
    ins = x.filing.inputs
    assert [ins[f"t2_{r}_{c}"] for r in ("rule", "norm") for c in ("made", "repealed", "valid")] == [
        0,
        0,
        0,
        5,
        1,
        25,
    ]
    assert [ins[c] for c in ("t2_license_decisions", "t2_penalty_decisions", "t2_coercion_decisions")] == [0, 0, 0]
    assert row(x, "new") == [58, 7, 0, 0, 1, 0] and x.published_totals["t3_new_total"] == 66
    assert row(x, "carried") == [2, 0, 0, 0, 0, 0]
    assert row(x, "open") == [2, 1, 0, 0, 0, 0] and row(x, "partial") == [16, 1, 0, 0, 0, 0]
    assert row(x, "deny_internal") == [1, 0, 0, 0, 0, 0]
    assert row(x, "deny_case") == [0, 0, 0, 0, 0, 0] and "t3_deny_case_total" not in x.published_totals
    missing = {f.anchor.cell for f in x.findings if f.rule == "E1" and f.anchor and f.anchor.sheet == T3}
    assert missing == {"J15"} | {f"D{r}" for r in range(16, 30)}
    assert all(math.isnan(ins[f"t3_deny_query_{c}"]) for c in COLS)  # never invented
    assert ("E1", T4, "A5") in compact(x.findings, "E1")


def test_cells_on_lines_with_blanks_and_typos() -> None:
    """006: one cell per line; blank cells; two label typos; 予以公开 with a blank 总计."""
    x = corpus_extraction("006_changchun_erdao_fwzs_2022.txt")
    assert row(x, "new") == [56, 0, 0, 0, 0, 0] and x.published_totals["t3_new_total"] == 56
    assert row(x, "open") == [18, 0, 0, 0, 0, 0] and x.published_totals["t3_open_total"] == 0
    assert compact(x.findings, "E2") == {("E2", T3, "D8"), ("E2", T3, "D13")}
    assert ("B1", T3, "E5") in compact(x.findings, "B1")  # the 法人 columns are blank, not 0
    assert ("R3.3", T3, "J7") in {f.compact() for f in table_findings([x.filing])[0]}


def test_2019_form_with_a_truncated_header() -> None:
    """011: a 2020 report on the 2019 form, its header cut to "本年新 | 本年新"."""
    x = corpus_extraction("011_weishan_liangcheng_town_2020.txt")
    assert (x.edition, x.year) == ("2019", 2020)
    assert [x.filing.inputs[f"t2_norm_{c}"] for c in ("made", "published", "public_total")] == [0, 0, 0]
    assert row(x, "new") == [0] * 6 and row(x, "carried") == [0] * 6
    assert all(math.isnan(v) for v in row(x, "open"))


def test_rows_with_only_first_and_total_cells() -> None:
    """019: rows print 自然人 and 总计 only; the 部分公开 row has one number whose column can't be told."""
    x = corpus_extraction("019_yueyang_nanhu_bureau_2019.txt")
    assert row(x, "new") == [3, 0, 0, 0, 0, 0] and x.published_totals["t3_new_total"] == 3
    assert row(x, "open") == [3, 0, 0, 0, 0, 0]
    assert all(math.isnan(v) for v in row(x, "partial"))
    notes = compact(x.findings, "E3")
    assert {("E3", T3, "D5"), ("E3", T3, "D7"), ("E3", T3, "D8")} <= notes


def test_html_page_gives_the_same_numbers(tmp_path: Path) -> None:
    """The seed report as a web page: each flattened row becomes a <tr>."""
    from benchmarks.extract import as_html

    text = corpus_file("002_linzi_gov_office_2024.txt").read_text(encoding="utf-8")
    page = tmp_path / "report.html"
    # a script in the head must not leak into the text
    page.write_text(as_html(text).replace("<html>", "<html><head><script>var x = 1;</script></head>", 1))
    x = extract(page)
    assert dict(x.filing.inputs) == dict(corpus_extraction("002_linzi_gov_office_2024.txt").filing.inputs)


def test_no_corpus_file_crashes(corpus_extracted: CorpusRun) -> None:
    """Every corpus report, texts and PDFs, through one `extract --check` call (one process, as a user's batch)."""
    result = corpus_extracted.extracted
    assert result.returncode in (0, 1, 2)
    assert "Traceback" not in result.stdout + result.stderr and "内部错误" not in result.stderr
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == set(map(str, corpus_extracted.reports))
    assert any(p.suffix == ".pdf" for p in corpus_extracted.reports)
    for path, f in files.items():
        if f.get("problem"):
            assert "找不到年度报告的章节" in f["problem"], path  # an excerpt with no table at all
        else:
            assert Path(f["workbook"]).exists(), path


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.txt", b"", "空的"),
        ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        (
            "news.html",
            "<html><body><h1>新闻</h1><p>今日天气晴。</p></body></html>".encode(),
            "找不到年度报告的章节",
        ),
        ("broken.html", "<html><body><table><tr><td>一、总体<td>3</tr".encode(), "找不到年度报告的章节"),
        ("report.pdf", b"%PDF-1.4", "PDF 文件已损坏"),
        ("report.docx", b"PK\x03\x04", "Word 文件已损坏"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "暂不支持旧版 Word"),
    ],
)
def test_bad_reports_exit_2(tmp_path: Path, name: str, content: bytes, needle: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = govxl("extract", str(path), "--output-dir", str(tmp_path))
    assert result.returncode == 2 and needle in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert path.read_bytes() == content


def test_extract_writes_a_workbook_check_accepts(tmp_path: Path) -> None:
    out = tmp_path / "linzi.xlsx"
    result = govxl("extract", str(corpus_file("002_linzi_gov_office_2024.txt")), "-o", str(out), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "抽取结果已写入" in result.stdout
    (report,) = __import__("govxl.checker", fromlist=["x"]).check_paths([out])
    assert report.valid and report.unit == "临淄区人民政府办公室"
    from tests.helpers import read_book

    wb = read_book(out)
    assert {"公布的总计", "报告正文", "抽取说明"} <= set(wb.sheetnames)
    assert wb[T2]["D5"].value == 9


# Published numbers of the three complete PDF reports, transcribed from their text layer (corpus c0*.txt).
PDF_REPORTS = {
    "c01_huaian_city_gov_2024": {
        "unit": "淮安市人民政府",
        "year": 2024,
        "t2": [1, 0, 11, 8, 26, 66, 447228, 3985758, 88283, 96171.6],
        "new": [3001, 53, 0, 0, 61, 4],
        "carried": [34, 0, 0, 0, 0, 0],
        "open": [1288, 21, 0, 0, 50, 3],
        "partial": [447, 7, 0, 0, 0, 0],
        "unable_nohold": [746, 12, 0, 0, 10, 1],
        "reject_petition": [56, 6, 0, 0, 0, 0],
        "forward": [103, 0, 0, 0, 0, 0],
        "done": [2932, 53, 0, 0, 61, 4, 3050],
        "t4": [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20],
    },
    "c02_huaian_hongze_district_gov_2023": {
        "unit": "洪泽区人民政府",
        "year": 2023,
        "t2": [0, 0, 0, 0, 5, 5, 550, 4119, 195, 7730.28],
        "new": [21, 0, 0, 0, 0, 0],
        "carried": [0] * 6,
        "open": [0] * 6,
        "unable_nohold": [10, 0, 0, 0, 0, 0],
        "reject_petition": [1, 0, 0, 0, 0, 0],
        "forward": [0] * 6,
        "done": [21, 0, 0, 0, 0, 0, 21],
        "t4": [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0],
    },
    "c03_huaian_hongze_district_gov_2024": {
        "unit": "淮安市洪泽区人民政府",
        "year": 2024,
        "t2": [0, 0, 0, 3, 0, 8, 9487, 2776, 84, 7545],
        "new": [95, 0, 0, 0, 0, 0],
        "carried": [0] * 6,
        "open": [50, 0, 0, 0, 0, 0],
        "unable_nohold": [31, 0, 0, 0, 0, 0],
        "reject_petition": [1, 0, 0, 0, 0, 0],
        "forward": [0] * 6,
        "done": [95, 0, 0, 0, 0, 0, 95],
        "t4": [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3],
    },
}
T2_CODES = [
    "t2_rule_made",
    "t2_rule_repealed",
    "t2_rule_valid",
    "t2_norm_made",
    "t2_norm_repealed",
    "t2_norm_valid",
    "t2_license_decisions",
    "t2_penalty_decisions",
    "t2_coercion_decisions",
    "t2_fee_amount",
]
T4_CODES = [
    f"t4_{b}_{c}"
    for b in ("review", "direct", "after")
    for c in ("upheld", "corrected", "other", "pending", "total")
]


@pytest.mark.parametrize("name", list(PDF_REPORTS))
def test_pdf_reports_extract_to_their_published_numbers(name: str) -> None:
    want = PDF_REPORTS[name]
    x = corpus_extraction(f"pdf/{name}.pdf")
    assert (x.edition, x.year, x.unit) == ("2021", want["year"], want["unit"])
    assert x.found == 200
    assert [x.filing.inputs[c] for c in T2_CODES] == want["t2"]
    for r in ("new", "carried", "open", "partial", "unable_nohold", "reject_petition", "forward"):
        if r in want:
            assert row(x, r) == want[r], r
    published = {**x.published_totals, **dict(x.filing.inputs)}
    assert [published[f"t3_done_{c}"] for c in (*COLS, "total")] == want["done"]
    assert [published[c] for c in T4_CODES] == want["t4"]
    errors = {f.compact() for f in table_findings([x.filing])[0] if f.severity.value == "error"}
    if name.startswith("c02"):
        # as published: 行政复议 10/1/0/0 with 总计 0, 复议后起诉 5/0/0/0 with 总计 0
        assert errors == {("R4.1", T4, "E5"), ("R4.3", T4, "O5")}
    else:
        assert errors == set()


def test_hybrid_reports_note_their_2019_layout() -> None:
    """c02/c03 put table 三 on the 2019 layout: one （六）其他处理 row, counted as its last 2021 item."""
    x = corpus_extraction("pdf/c03_huaian_hongze_district_gov_2024.pdf")
    assert ("E3", T3, "D27") in compact(x.findings, "E3")
    assert row(x, "otherwise_other") == [0] * 6


# Excerpts: the table cells each one holds, transcribed by hand; everything after the cut is missing.
EXCERPTS: dict[str, tuple[dict[str, float], set[str]]] = {
    # 杨凌示范区审计局 2022: table 二 complete, all 0; table 三 only its header
    "005_yangling_audit_2022": (dict.fromkeys(T2_CODES, 0), {"t3_new_np", "t3_forward_total", "t4_review_total"}),
    # 松木塘镇 2022: a town reporting 规章 (制发2 现行有效2); the fee row is cut off
    "012_taojiang_songmutang_town_2022": (
        dict(zip(T2_CODES[:9], [2, 0, 2, 2, 0, 2, 0, 9, 0], strict=True)),
        {"t2_fee_amount", "t3_new_np"},
    ),
    # 棠景街道 2021: cut after the （五） header
    "018_guangzhou_baiyun_tangjing_street_2021": (
        dict.fromkeys(T2_CODES[:6], 0),
        {"t2_license_decisions", "t2_penalty_decisions", "t2_fee_amount"},
    ),
    # 文登区信访局 2022, flip-book page 8: table 四 only, fifteen 0
    "025_weihai_wendeng_xinfang_2022_p8": (dict.fromkeys(T4_CODES, 0), {"t2_rule_made", "t3_new_np"}),
    # 太平镇 2022: one cell per paragraph; table 三 all 0 down to （三）3, cut after it
    "009_xixian_taiping_town_2022": (
        {
            **dict.fromkeys(T2_CODES, 0),
            **{
                f"t3_{r}_{c}": 0
                for r in ("new", "carried", "open", "partial", "deny_secret", "deny_law", "deny_safety")
                for c in COLS
            },
        },
        {"t3_deny_third_np", "t3_forward_np", "t4_review_upheld"},
    ),
    # 桃江县审计局 2020, the 2019 form with cells and pipes on lines of their own: 规范性文件 2/2/2; table 三
    # all 0 down to （二）, cut in the middle of the label "1.属于国家秘(密)"; table 三
    # all 0 down to （二）, cut in the middle of the label "1.属于国家秘(密)"
    "022_taojiang_audit_2020": (
        {
            "t2_rule_made": 0,
            "t2_rule_published": 0,
            "t2_rule_public_total": 0,
            "t2_norm_made": 2,
            "t2_norm_published": 2,
            "t2_norm_public_total": 2,
            **{
                f"t2_{r}_{c}": 0
                for r in ("license", "service", "penalty", "coercion")
                for c in ("previous", "change", "decisions")
            },
            "t2_fee_previous": 0,
            "t2_fee_change": 0,
            "t2_procurement_projects": 0,
            "t2_procurement_amount": 0,
            **{f"t3_{r}_{c}": 0 for r in ("new", "carried", "open", "partial") for c in COLS},
        },
        {"t3_deny_secret_np", "t4_review_total"},
    ),
    # 攀枝花市西区审计局 2020, the 2019 form: cut after 行政处罚
    "024_panzhihua_xiqu_audit_2020": (
        {
            f"t2_{r}_{c}": 0
            for r, cs in (
                ("rule", ("made", "published", "public_total")),
                ("norm", ("made", "published", "public_total")),
                ("license", ("previous", "change", "decisions")),
                ("service", ("previous", "change", "decisions")),
                ("penalty", ("previous", "change", "decisions")),
            )
            for c in cs
        },
        {"t2_coercion_previous", "t2_fee_previous", "t3_new_np"},
    ),
    # 天镇县信访局 2021: one cell per line; the fee row cut off
    "045_datong_tianzhen_xinfang_2021": (dict.fromkeys(T2_CODES[:9], 0), {"t2_fee_amount", "t3_new_np"}),
}


@pytest.mark.parametrize("name", list(EXCERPTS))
def test_excerpts_extract_what_they_hold(name: str) -> None:
    present, cut = EXCERPTS[name]
    x = corpus_extraction(f"{name}.txt")
    values = {**dict(x.filing.inputs), **x.published_totals}
    assert {c: values[c] for c in present} == present
    missing = {c for f in x.findings if f.rule == "E1" for c in (ref.code for ref in f.cells)}
    assert cut <= missing
    assert not set(present) & missing
    assert not [f for f in x.findings if f.rule == "B1"]  # nothing blank in these


def test_a_2022_report_on_the_2019_form() -> None:
    """013: the 2019 table 二 in a 2022 report, every cell empty: the form is told from the labels, the year
    mismatch is said, and nothing is invented."""
    x = corpus_extraction("013_jiaxian_xizhen_town_2022.txt")
    assert (x.edition, x.year, x.found) == ("2019", 2022, 0)
    assert ("X5", "封面", "B4") in {f.compact() for f in x.findings}
    assert all(math.isnan(v) for v in x.filing.inputs.values())


def test_word_document_gives_the_same_numbers(tmp_path: Path) -> None:
    """The seed report as a .docx: its rows as Word table rows, a merged cell spanning the label columns."""
    import docx

    text = corpus_file("002_linzi_gov_office_2024.txt").read_text(encoding="utf-8")
    document = docx.Document()
    for block in re.split(r"\n\s*\n", text):
        cells = [c.strip() for c in block.split("\n\t") if c.strip()]
        if block.lstrip("\n").startswith("\t") and cells:
            table = document.add_table(rows=1, cols=len(cells) + 1)
            table.rows[0].cells[0].merge(table.rows[0].cells[1])  # python-docx repeats a merged cell
            for i, cell in enumerate(cells):
                table.rows[0].cells[i + 1 if i else 0].text = cell
        else:
            for line in block.splitlines():
                if line.strip():
                    document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(str(path))
    x = extract(path)
    assert dict(x.filing.inputs) == dict(corpus_extraction("002_linzi_gov_office_2024.txt").filing.inputs)


def test_traditional_characters_and_no_headings() -> None:
    """015: a Hubei variant republished in traditional characters, with no section headings in the excerpt;
    explanatory text inside labels, an extra local row, "-" as a value, an empty fee row."""
    x = corpus_extraction("015_wuhan_ecology_env_bureau_2020.txt")
    assert (x.edition, x.year) == ("2019", 2020)
    ins = x.filing.inputs
    assert [ins[f"t2_license_{c}"] for c in ("previous", "change", "decisions")] == [8, 5, 93]
    assert [ins[f"t2_service_{c}"] for c in ("previous", "change", "decisions")] == [117, 0, 165]
    assert [ins[f"t2_penalty_{c}"] for c in ("previous", "change", "decisions")] == [90, 0, 22]
    assert [ins[f"t2_coercion_{c}"] for c in ("previous", "change")] == [4, 4]
    found = {f.compact() for f in x.findings}
    assert ("R2.1", T2, "D13") in found and math.isnan(ins["t2_coercion_decisions"])  # "-"
    (fee,) = [f for f in x.findings if f.compact() == ("B1", T2, "B16")]  # 行政事业性收费 printed empty
    assert [c.cell for c in fee.cells] == ["B16", "C16"] and fee.message.startswith("B16:C16 共2格为空")
    # "規範性檔案" is the mirror's wording for 规范性文件: not guessed, missing
    assert math.isnan(ins["t2_norm_made"])
    # outside table 二 only what is missing is said: rows (E1) and the cover the excerpt does not name (C1)
    assert not [f for f in x.findings if f.anchor and f.anchor.sheet != T2 and f.rule not in ("E1", "C1")]


# Table 三 of the two hybrid PDFs in full, transcribed from their text layer: every number is in 自然人 and
# each row's 总计 equals it; rows not listed are 0. Their single （六）其他处理 row (0) is the 2021 "3.其他".
HYBRID_T3 = {
    "c02_huaian_hongze_district_gov_2023": {
        "new": 21,
        "partial": 4,
        "deny_secret": 1,
        "deny_process": 1,
        "deny_case": 1,
        "unable_nohold": 10,
        "unable_create": 3,
        "reject_petition": 1,
        "done": 21,
    },
    "c03_huaian_hongze_district_gov_2024": {
        "new": 95,
        "open": 50,
        "partial": 9,
        "deny_safety": 1,
        "deny_process": 1,
        "deny_case": 1,
        "unable_nohold": 31,
        "unable_create": 1,
        "reject_petition": 1,
        "done": 95,
    },
}


@pytest.mark.parametrize("name", list(HYBRID_T3))
def test_hybrid_pdf_table_3_in_full(name: str) -> None:
    from govxl.spec import load_edition

    x = corpus_extraction(f"pdf/{name}.pdf")
    values = {**dict(x.filing.inputs), **x.published_totals}
    rows = {c.row for c in load_edition("2021").cells.values() if c.table == "t3"}
    for r in sorted(rows):
        np_value = HYBRID_T3[name].get(r, 0)
        assert [values[f"t3_{r}_{c}"] for c in (*COLS, "total")] == [np_value, 0, 0, 0, 0, 0, np_value], r


# Table 三 of c01 (淮安市人民政府 2024) in full, transcribed from its text layer: the six applicant columns
# and the published 总计 of every row (the 自然人 column adds up to the published 2932).
C01_T3 = {
    "new": [3001, 53, 0, 0, 61, 4, 3119],
    "carried": [34, 0, 0, 0, 0, 0, 34],
    "open": [1288, 21, 0, 0, 50, 3, 1362],
    "partial": [447, 7, 0, 0, 0, 0, 454],
    "deny_secret": [2, 0, 0, 0, 0, 0, 2],
    "deny_law": [30, 1, 0, 0, 0, 0, 31],
    "deny_safety": [5, 0, 0, 0, 0, 0, 5],
    "deny_third": [6, 0, 0, 0, 0, 0, 6],
    "deny_internal": [7, 1, 0, 0, 0, 0, 8],
    "deny_process": [12, 0, 0, 0, 0, 0, 12],
    "deny_case": [9, 0, 0, 0, 0, 0, 9],
    "deny_query": [105, 0, 0, 0, 0, 0, 105],
    "unable_nohold": [746, 12, 0, 0, 10, 1, 769],
    "unable_create": [11, 0, 0, 0, 0, 0, 11],
    "unable_unclear": [1, 0, 0, 0, 0, 0, 1],
    "reject_petition": [56, 6, 0, 0, 0, 0, 62],
    "reject_repeat": [25, 0, 0, 0, 0, 0, 25],
    "reject_publication": [0] * 7,
    "reject_mass": [0] * 7,
    "reject_confirm": [1, 0, 0, 0, 0, 0, 1],
    "otherwise_nocorrect": [67, 3, 0, 0, 1, 0, 71],
    "otherwise_nofee": [6, 0, 0, 0, 0, 0, 6],
    "otherwise_other": [108, 2, 0, 0, 0, 0, 110],
    "done": [2932, 53, 0, 0, 61, 4, 3050],
    "forward": [103, 0, 0, 0, 0, 0, 103],
}


def test_city_pdf_table_3_in_full() -> None:
    x = corpus_extraction("pdf/c01_huaian_city_gov_2024.pdf")
    values = {**dict(x.filing.inputs), **x.published_totals}
    for r, want in C01_T3.items():
        assert [values[f"t3_{r}_{c}"] for c in (*COLS, "total")] == want, r


def test_an_oversized_report_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import govxl.extract as ex

    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.truncate(ex.MAX_BYTES + 1)  # sparse: no 20 MB written, and reading it whole would be the mistake
    result = govxl("extract", str(big), "--output-dir", str(tmp_path))
    assert result.returncode == 2 and "文件过大" in result.stdout and "Traceback" not in result.stderr
