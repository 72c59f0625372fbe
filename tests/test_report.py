"""`govxl report`: what it writes from a workbook and the office's text, and what it refuses to write."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import docx
import pytest

from govxl.checker import filing_findings
from govxl.cli import main
from govxl.document import compose, make_report, render_docx, render_html
from govxl.document.text import read_office_text
from govxl.extract import extract
from govxl.reader import read_filing
from tests.conftest import ROOT, Govxl, corpus_file

EXAMPLE = ROOT / "examples" / "linzi_gov_office_2024.xlsx"
WITH_ERRORS = ROOT / "examples" / "with_errors_2024.xlsx"
SEED = "002_linzi_gov_office_2024.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_seed_reports_own_text_is_kept_and_checked_as_published(tmp_path: Path) -> None:
    seed = corpus_file(SEED)
    published = extract(seed)
    run_ = make_report(EXAMPLE, tmp_path / "r.docx", tmp_path / "r.html", text=seed)
    assert len(run_.written) == 2
    office = [lines(t) for _, t in published.prose]
    word, page = (extract(Path(p)) for p in run_.written)
    # sections 一, 五 and 六 as the office wrote them, line for line, and under the same headings
    assert [lines(t) for _, t in word.prose] == office
    assert [h for h, _ in word.prose] == [h for h, _ in page.prose] == [h for h, _ in published.prose]
    # the page holds each line as written; a browser (and so the extractor) shows a run of spaces as one
    html = Path(run_.written[1]).read_text(encoding="utf-8")
    assert all(f"<p>{escape(line)}</p>" in html for section in office for line in section)
    assert [[" ".join(x.split()) for x in lines(t)] for _, t in page.prose] == [
        [" ".join(x.split()) for x in section] for section in office
    ]
    said = [(f.rule, f.severity, f.message) for f in filing_findings(published.filing) if f.rule.startswith("N")]
    ours_said = [(f.rule, f.severity, f.message) for f in run_.report.findings if f.rule.startswith("N")]
    # 42.85% and 21.44%, forced to add up to 100
    assert [(r, s.value) for r, s, _ in said] == [("N5", "warning")] * 2
    assert ours_said == said
    assert run_.report.warnings == 2 and not run_.report.errors


def test_without_text_the_office_gets_placeholders_and_only_sentences_made_from_the_tables() -> None:
    doc = compose(read_filing(EXAMPLE))
    own = [s for s in doc.sections if s.table is None]
    assert [s.number for s in own] == ["一", "五", "六"]
    kinds = {p.kind for s in own for p in s.paragraphs}
    assert kinds == {"placeholder", "subheading", "generated"}  # nothing written as if the office had
    placeholders = [p.text for s in own for p in s.paragraphs if p.kind == "placeholder"]
    assert all(t.startswith("【请填写") and t.endswith("】") for t in placeholders)
    assert any(s.number == "五" and s.paragraphs[0].kind == "placeholder" for s in own)
    generated = " ".join(p.text for s in own for p in s.paragraphs if p.kind == "generated")
    assert "收到政府信息公开申请12件，上年结转申请2件" in generated
    # shares of the 14 answered, rounded, not nudged to 100: 5/14, 6/14, 3/14
    assert "予以公开5件，占35.71%，部分公开6件，占42.86%" in generated and "无法提供3件，占21.43%" in generated
    assert "制发行政规范性文件1件，废止6件，现行有效行政规范性文件9件" in generated


def test_a_workbook_with_errors_gets_no_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_docx, out_html = tmp_path / "r.docx", tmp_path / "r.html"
    code, out, _ = run(capsys, "report", str(WITH_ERRORS), "-o", str(out_docx), "--html", str(out_html))
    assert code == 1
    assert not out_docx.exists() and not out_html.exists()
    assert "R3.1" in out and "R2.2" in out and "未写出报告" in out
    assert list(tmp_path.iterdir()) == []


def test_a_draft_is_written_and_marked_on_every_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_docx, out_html = tmp_path / "r.docx", tmp_path / "r.html"
    args = ("report", str(WITH_ERRORS), "-o", str(out_docx), "--html", str(out_html), "--draft")
    code, out, _ = run(capsys, *args)
    assert code == 1  # still said: the workbook has errors
    assert "草稿已写入" in out and "R3.1" in out
    word = docx.Document(str(out_docx))
    assert all("草稿" in s.header.paragraphs[0].text for s in word.sections)
    assert "草稿" in word.paragraphs[0].text
    page = out_html.read_text(encoding="utf-8")
    assert "<title>淄博市临淄区人民政府办公室2024年政府信息公开工作年度报告（草稿）</title>" in page
    assert 'content: "草稿"' in page  # in every printed page's margin (the Chromium test prints it)
    final = make_report(EXAMPLE, tmp_path / "f.docx", tmp_path / "f.html")
    assert all("草稿" not in Path(p).read_text(encoding="utf-8", errors="replace") for p in final.written[1:])
    assert all(not s.header.paragraphs[0].text for s in docx.Document(final.written[0]).sections)


def test_a_wrong_number_in_the_offices_text_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "正文.txt"
    text.write_text(
        "一、总体情况\n本年度共收到政府信息公开申请13件。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "report", str(EXAMPLE), "-o", str(tmp_path / "r.docx"), "--text", str(text))
    assert code == 1
    assert "N1" in out and "13" in out
    assert not (tmp_path / "r.docx").exists()


def test_markers_in_the_offices_text_take_the_generated_sentences(tmp_path: Path) -> None:
    text = tmp_path / "正文.txt"
    text.write_text(
        "一、总体情况\n我办认真贯彻落实条例。\n（二）依申请公开\n【自动生成：依申请公开】\n"
        "五、存在的主要问题及改进情况\n信息发布还不够及时。\n六、其他需要报告的事项\n【自动生成：信息处理费】\n",
        encoding="utf-8",
    )
    doc = compose(read_filing(EXAMPLE), read_office_text(text))
    one = next(s for s in doc.sections if s.number == "一")
    assert [p.kind for p in one.paragraphs] == ["text", "text"] + ["generated"] * 4
    assert one.paragraphs[2].text == "本年度共收到政府信息公开申请12件，上年结转申请2件。"
    five = next(s for s in doc.sections if s.number == "五")
    assert [p.text for p in five.paragraphs] == ["信息发布还不够及时。"]


def test_the_same_report_is_the_same_bytes() -> None:
    filing = read_filing(EXAMPLE)
    assert render_docx(compose(filing)) == render_docx(compose(filing))
    assert render_html(compose(filing)) == render_html(compose(filing))


def test_text_from_the_workbook_is_escaped(tmp_path: Path) -> None:
    filing = read_filing(EXAMPLE)
    filing.cover["unit"] = '<script>alert("x")</script>某局&'
    doc = compose(filing)
    page = render_html(doc).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;某局&amp;" in page
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(doc))
    assert docx.Document(str(path)).paragraphs[0].text.startswith('<script>alert("x")</script>某局&')


def test_control_characters_in_the_workbook_never_break_the_documents(tmp_path: Path) -> None:
    """From an audit: a 填报单位 with control characters (which the workbook holds) made a .docx that Word and
    every XML parser refuse. What XML cannot hold is dropped; the rest of the name stays."""
    import zipfile
    from xml.etree import ElementTree

    filing = read_filing(EXAMPLE)
    filing.cover["unit"] = "单位\x01\x02\x07\x0b\x1b[31m红\u202e局"
    doc = compose(filing)
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(doc))
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(zf.read(name))  # every part is well-formed XML
    assert docx.Document(str(path)).paragraphs[0].text.startswith("单位[31m红\u202e局")
    page = render_html(doc).decode("utf-8")
    assert "单位[31m红\u202e局" in page and not any(c in page for c in "\x01\x02\x07\x0b\x1b")


def test_bad_requests_are_said_plainly_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    no_headings = tmp_path / "正文.txt"
    no_headings.write_text("我们今年做了很多工作。\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    code, _, err = run(capsys, "report", str(EXAMPLE), "-o", str(out), "--text", str(no_headings))
    assert code == 2 and str(no_headings) in err and "章节标题" in err and not out.exists()
    code, _, err = run(capsys, "report", str(EXAMPLE), "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and ".docx" in err
    code, _, err = run(capsys, "report", str(tmp_path / "无.xlsx"), "-o", str(out))
    assert code == 2 and "无.xlsx" in err and "Traceback" not in err
    # an output already there: neither file is written, the old one is kept as it was
    out.write_bytes(b"old")
    html = tmp_path / "r.html"
    code, _, err = run(capsys, "report", str(EXAMPLE), "-o", str(out), "--html", str(html))
    assert code == 2 and "--force" in err and out.read_bytes() == b"old" and not html.exists()
    code, _, _ = run(capsys, "report", str(EXAMPLE), "-o", str(out), "--html", str(html), "--force")
    assert code == 0 and out.read_bytes().startswith(b"PK") and html.exists()


def test_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "report", str(EXAMPLE), "--html", str(tmp_path / "r.html"), "--format", "json")
    assert code == 0
    (entry,) = json.loads(out)["files"]
    assert entry["report"] == [str(tmp_path / "r.html")] and entry["draft"] is False
    assert [f["rule"] for f in entry["findings"]] == ["R3.7"]


def test_the_installed_command_writes_the_report(govxl: Govxl, tmp_path: Path) -> None:
    out_docx, out_html = tmp_path / "报告.docx", tmp_path / "报告.html"
    done = govxl("report", str(EXAMPLE), "-o", str(out_docx), "--html", str(out_html))
    assert done.returncode == 0, done.stderr
    assert f"报告已写入：{out_docx}" in done.stdout
    assert extract(out_docx).published_totals["t3_done_total"] == 14
    refused = govxl("report", str(WITH_ERRORS), "-o", str(tmp_path / "x.docx"), "--format", "json")
    assert refused.returncode == 1, refused.stderr
    assert json.loads(refused.stdout)["files"][0]["report"] == []
    assert not (tmp_path / "x.docx").exists()


def test_a_draft_of_an_unreadable_cell_prints_no_number_for_it_nor_for_its_totals(tmp_path: Path) -> None:
    from tests.helpers import clean_values, write

    values = clean_values()
    values["t3_new_np"] = "十二"
    workbook = write(tmp_path / "填报表.xlsx", values)
    refused = make_report(workbook, tmp_path / "r.docx", None)
    assert refused.blocked and [f.rule for f in refused.report.findings if f.severity.value == "error"] == ["R3.4"]
    doc = compose(read_filing(workbook), draft=True)
    t3 = next(s.table for s in doc.sections if s.table is not None and s.table.code == "t3")
    shown = {c.code: c.text for c in t3.cells if c.code}
    assert shown["t3_new_np"] == shown["t3_new_total"] == ""  # not a total that counts 十二 as 0
    assert shown["t3_carried_total"] == "2" and shown["t3_done_total"] == "14"
    one = next(s for s in doc.sections if s.number == "一")
    said = [p for p in one.paragraphs if "申请" in p.text and p.kind != "subheading"]
    assert [p.kind for p in said] == ["placeholder"]  # no sentence says how many were received


def _expected_rows(edition: str) -> dict[str, list[list[str]]]:
    """Each table's rows as the official form prints them (shared/official-format.md, transcribed by hand in
    tests/official_labels.py): the header labels and row labels that begin on each row, and how many numbers."""
    from tests import official_labels as ol

    def t2(rows: list[tuple]) -> list[list[str]]:
        out = []
        for kind, *rest in rows:
            out.append([rest[0]] if kind == "band" else rest[0] if kind == "head" else [rest[0]] + ["#"] * rest[1])
        return out

    def t3(rows: list[list[str]]) -> list[list[str]]:
        out = []
        for i, labels in enumerate(rows):
            starting = [lb for k, lb in enumerate(labels) if i == 0 or rows[i - 1][: k + 1] != labels[: k + 1]]
            out.append(starting + ["#"] * 7)
        return out

    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    head3 = [[ol.T3_NOTE, "申请人情况"], ["自然人", "法人或其他组织", "总计"], [c[-1] for c in ol.T3_COLUMNS[1:6]]]
    head4 = [["行政复议", "行政诉讼"], [*outcomes, "未经复议直接起诉", "复议后起诉"], outcomes * 2]
    modern = edition == "2021"
    return {
        "t2": t2(ol.T2_ROWS_2021 if modern else ol.T2_ROWS_2019),
        "t3": head3 + t3(ol.T3_ROWS_2021 if modern else ol.T3_ROWS_2019),
        "t4": [*head4, ["#"] * 15],
    }


@pytest.mark.parametrize("edition", ["2021", "2019"])
def test_the_tables_are_the_official_ones_label_for_label(edition: str) -> None:
    import random

    from lxml import html as lxml_html

    from govxl.spec import load_edition
    from tests.report_fills import consistent_fill, filing_of

    ed = load_edition(edition)
    doc = compose(filing_of(ed, consistent_fill(ed, random.Random(5)), "某某局", ed.first_year))
    expected = _expected_rows(edition)
    tables = lxml_html.fromstring(render_html(doc)).findall(".//table")
    for table, code in zip(tables, ("t2", "t3", "t4"), strict=True):
        rows = [
            [c.text_content() if c.tag == "th" else "#" for c in tr.iterchildren("th", "td")]
            for tr in table.iter("tr")
        ]
        assert rows == expected[code], code
    # the Word tables: each cell where it begins (a vertical merge's later rows continue it), numbers as #
    import io
    import re
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(render_docx(doc))) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
    for table, code in zip(body.iter(f"{w}tbl"), ("t2", "t3", "t4"), strict=True):
        rows = []
        for tr in table.iter(f"{w}tr"):
            texts = [
                "".join(t.text or "" for t in tc.iter(f"{w}t"))
                for tc in tr.iter(f"{w}tc")
                if tc.find(f"{w}tcPr/{w}vMerge") is None
                or tc.find(f"{w}tcPr/{w}vMerge").get(f"{w}val") == "restart"
            ]
            rows.append(["#" if re.fullmatch(r"-?\d+(\.\d+)?", t) else t for t in texts])
        assert rows == expected[code], code


@pytest.mark.parametrize("kind", [".docx", ".txt"])
def test_the_offices_text_may_be_word_or_gbk_text(kind: str, tmp_path: Path) -> None:
    written = [
        "一、总体情况",
        "2024年，我局认真贯彻《条例》。",
        "二、主动公开政府信息情况",
        "（表格由填报表生成，此处的文字不用）",
        "五、存在的主要问题及改进情况",
        "一是信息更新不够及时。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    text = tmp_path / f"正文{kind}"
    if kind == ".docx":
        word = docx.Document()
        for line in written:
            word.add_paragraph(line)
        word.save(str(text))
    else:
        text.write_bytes("\r\n".join(written).encode("gbk"))
    office = read_office_text(text)
    assert office.sections == {
        "一": ("2024年，我局认真贯彻《条例》。",),
        "五": ("一是信息更新不够及时。",),
        "六": ("本年度未收取信息处理费。",),
    }


def test_the_word_file_fits_a4_repeats_table_heads_and_refers_to_nothing_outside() -> None:
    import io
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    data = render_docx(compose(read_filing(EXAMPLE), draft=True))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        rels = b"".join(zf.read(n) for n in names if n.endswith(".rels"))
        body = etree.fromstring(zf.read("word/document.xml"))
        fonts = zf.read("word/fontTable.xml").decode("utf-8")
    assert b'TargetMode="External"' not in rels and not [n for n in names if "media" in n or "thumbnail" in n]
    page = body.find(f"{w}body/{w}sectPr/{w}pgSz")
    margins = body.find(f"{w}body/{w}sectPr/{w}pgMar")
    assert (page.get(f"{w}w"), page.get(f"{w}h")) == ("11906", "16838")  # A4 in twips
    text_width = 11906 - int(margins.get(f"{w}left")) - int(margins.get(f"{w}right"))
    heads = []
    for table in body.iter(f"{w}tbl"):
        assert sum(int(c.get(f"{w}w")) for c in table.iter(f"{w}gridCol")) <= text_width
        rows = list(table.iter(f"{w}tr"))
        heads.append(sum(r.find(f"{w}trPr/{w}tblHeader") is not None for r in rows))
        repeated = [r.find(f"{w}trPr/{w}tblHeader") is not None for r in rows]
        assert repeated == sorted(repeated, reverse=True)  # the heading rows are the first rows
    assert heads == [0, 3, 3]  # tables 三 and 四 repeat their three header rows on every page
    for name, alt in (("仿宋_GB2312", "仿宋"), ("宋体", "SimSun"), ("方正小标宋简体", "宋体")):
        assert f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>' in fonts


def test_both_files_or_neither(tmp_path: Path) -> None:
    """From an audit: an .html that cannot be written left the .docx written beside it."""
    from govxl.errors import GovxlError

    docx_out, html_out = tmp_path / "r.docx", tmp_path / "missing" / "r.html"
    with pytest.raises(GovxlError, match="不存在"):
        make_report(EXAMPLE, docx_out, html_out, None)
    assert not docx_out.exists()
    (tmp_path / "missing").mkdir()
    (tmp_path / "missing" / "r.html").mkdir()  # a folder where the page should go
    with pytest.raises(GovxlError, match="文件夹"):
        make_report(EXAMPLE, docx_out, html_out, None, overwrite=True)
    assert not docx_out.exists()
