"""The correction workbook (issue 10): written for every workbook the reader accepts, never a live formula
from user text, unique per unit in a run, opened by openpyxl and LibreOffice, and fast enough to check many
files in parallel (govxl's own correction workbooks are not checked again as inputs)."""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from govxl.checker import check_paths
from govxl.corrections import PROP_OF, PROP_UNIT
from govxl.findings import FileReport
from govxl.report import render_json, render_text
from tests.conftest import Recalc
from tests.helpers import T3, T4, clean_values, edit, read_book, scaled, write
from tests.test_cli import govxl
from tests.test_explanations import explain

UNIT = "某某区人民政府办公室"
HYPERLINK = '=HYPERLINK("http://x","y")'


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def results_part(path: Path) -> str:
    """The XML of the 校验结果 sheet of a correction workbook."""
    assert read_book(path).sheetnames[0] == "校验结果"
    with zipfile.ZipFile(path) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        workbook = zf.read("xl/workbook.xml").decode()
        rid = re.search(r'<sheet [^>]*name="校验结果"[^>]*id="([^"]+)"', workbook)
        assert rid
        target = re.search(rf'Id="{rid[1]}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid[1]}"', rels)
        assert target
        return zf.read("xl/" + (target[1] or target[2]).lstrip("/").removeprefix("xl/")).decode()


def rezip(source: Path, target: Path, change: dict[str, tuple[bytes, bytes]]) -> Path:
    """A copy of the package with bytes replaced in the named parts."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in change:
                old, new = change[info.filename]
                assert old in body
                body = body.replace(old, new)
            dst.writestr(info.filename, body)
    return target


def only(reports: list[FileReport]) -> FileReport:
    (r,) = reports
    return r


# --- 1. every workbook the reader accepts gets its correction workbook; the batch goes on -----------------


@pytest.mark.parametrize("control", [b"\x01", b"&#1;", b"&#x1b;[31m"])
def test_control_character_in_unit(tmp_path: Path, control: bytes) -> None:
    good = write(tmp_path / "good.xlsx")
    bad = rezip(
        good,
        tmp_path / "bad.xlsx",
        {"xl/sharedStrings.xml": (UNIT.encode(), "某某区".encode() + control + "人民政府办公室".encode())},
    )
    before = bad.read_bytes()
    reports = check_paths([bad, good], corrections=True, output_dir=tmp_path)
    assert [bool(r.problem) for r in reports] == [False, False], [r.problem for r in reports]
    for r in reports:
        book = openpyxl.load_workbook(r.corrections)
        assert book.sheetnames[0] == "校验结果"
    assert bad.read_bytes() == before


def mutations(good: Path, count: int) -> list[bytes]:
    """Byte- and cell-mutated copies of a valid workbook: single bytes changed in a part, attributes and
    elements garbled, odd values in cells."""
    rng = random.Random(10)
    with zipfile.ZipFile(good) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    xml_names = [n for n in parts if n.endswith((".xml", ".rels"))]
    out = []
    for k in range(count):
        changed = dict(parts)
        name = rng.choice(xml_names)
        body = bytearray(changed[name])
        kind = k % 4
        if kind == 0:
            for _ in range(rng.randint(1, 3)):
                body[rng.randrange(len(body))] = rng.randrange(256)
        elif kind == 1:
            text = body.decode("utf-8", "replace")
            text = re.sub(r"(<\w+ )", lambda m: m[1] + 'bogus="1" ' if rng.random() < 0.05 else m[1], text)
            body = bytearray(text.encode())
        elif kind == 2:
            name = "xl/sharedStrings.xml"
            text = changed[name].decode()
            strings = re.findall(r"<t[^>]*>[^<]*</t>", text)
            pick = rng.choice(strings)
            odd = rng.choice(["\x01", "&#1;", "&#xFFFE;", "=1+1", "\x1b[2J", "&amp;lt;f&amp;gt;", "9" * 400])
            body = bytearray(text.replace(pick, pick[:-4] + odd + "</t>", 1).encode("utf-8", "replace"))
        else:
            cut = rng.randrange(len(body))
            body = body[:cut] + body[cut + rng.randint(1, 40) :]
        changed[name] = bytes(body)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, b in changed.items():
                zf.writestr(n, b)
        out.append(buffer.getvalue())
    return out


def opens(path: Path) -> bool:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # from bytes: openpyxl leaves a path's file handle open when the workbook is broken
            openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
        return True
    except Exception:
        return False


@pytest.mark.slow
def test_mutated_workbooks_never_crash_the_batch(tmp_path: Path) -> None:
    good = write(tmp_path / "good.xlsx", {**clean_values(), "t3_new_np": 13, "t4_after_other": None})
    inputs = []
    for i, data in enumerate(mutations(good, scaled(16))):
        path = tmp_path / f"m{i:02d}.xlsx"
        path.write_bytes(data)
        inputs.append(path)
    out = tmp_path / "out"
    out.mkdir()
    reports = check_paths([*inputs, good], corrections=True, output_dir=out)  # no exception escapes
    assert reports[-1].corrections and not reports[-1].problem
    written = 0
    for r in reports:
        assert r.problem or r.corrections, r.path
        if r.corrections:
            written += 1
            if opens(Path(r.path)):  # what is written opens wherever the user's file opened
                openpyxl.load_workbook(r.corrections)
        assert "Traceback" not in r.problem
    assert written > len(reports) // 2  # most mutations are still readable and get their workbook


def test_bad_then_good_on_the_command_line(tmp_path: Path) -> None:
    good = write(tmp_path / "good.xlsx")
    bad = rezip(good, tmp_path / "bad.xlsx", {"xl/sharedStrings.xml": (UNIT.encode(), b"\x01" + UNIT.encode())})
    result = govxl("check", str(bad), str(good), "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "内部错误" not in result.stdout + result.stderr
    assert (tmp_path / "good_校验.xlsx").exists() and (tmp_path / "bad_校验.xlsx").exists()
    assert "\x01" not in result.stdout


# --- 2. no live formula from user text ----------------------------------------------------------------------


def test_text_typed_as_formula_is_written_as_text(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t3_new_np": HYPERLINK, "t4_after_other": None})
    r = only(check_paths([source], corrections=True))
    assert any(f.actual == HYPERLINK for f in r.findings)
    sheet = results_part(Path(r.corrections))
    assert "<f>" not in sheet and "<f " not in sheet
    assert "HYPERLINK" in sheet
    values = [c.value for row in read_book(r.corrections)["校验结果"].iter_rows() for c in row]
    assert HYPERLINK in values
    # an explanation typed as text that looks like a formula stays text in the next correction workbook
    corrections = Path(r.corrections)
    book = openpyxl.load_workbook(corrections)
    ws = book["校验结果"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("规则") + 1).value == "B1")
    ws.cell(row, header.index("说明") + 1).value = HYPERLINK
    ws.cell(row, header.index("说明") + 1).data_type = "s"  # typed as text (Excel: a leading apostrophe)
    book.save(corrections)
    again = only(check_paths([corrections], corrections=True))
    assert [f.explanation for f in again.findings if f.rule == "B1"] == [HYPERLINK]
    rows = read_book(again.corrections)["校验结果"].iter_rows(values_only=True)
    assert HYPERLINK in [r[header.index("说明")] for r in rows]
    sheet = results_part(Path(again.corrections))
    assert "<f>" not in sheet and "<f " not in sheet and "HYPERLINK" in sheet


def test_formula_in_an_input_cell_is_not_copied_live(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx")

    def put(wb: openpyxl.Workbook) -> None:
        wb[T3]["D5"] = HYPERLINK

    edit(source, put)
    r = only(check_paths([source], corrections=True))
    copy = {
        c.coordinate: c for row in read_book(r.corrections)[T3].iter_rows() for c in row if c.value is not None
    }
    assert copy["D5"].value == HYPERLINK and copy["D5"].data_type == "s"
    # the template's own totals stay formulas
    original = read_book(source)
    totals = [
        c.coordinate
        for row in original[T3].iter_rows()
        for c in row
        if c.data_type == "f" and c.coordinate != "D5"
    ]
    assert totals
    assert all(copy[cell].data_type == "f" for cell in totals)


# --- 6. --output-dir: one target per file, explanations by unit ----------------------------------------------


def test_same_name_in_two_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    warn = {"t4_after_other": None}
    a = write(tmp_path / "a" / "报表.xlsx", {**clean_values(), **warn, "unit": "甲单位"})
    b = write(tmp_path / "b" / "报表.xlsx", {**clean_values(), **warn, "unit": "乙单位"})
    first = check_paths([a, b], corrections=True, output_dir=out)
    targets = [Path(r.corrections) for r in first]
    assert len(set(targets)) == 2 and all(t.parent == out for t in targets)
    assert [read_book(t).custom_doc_props[PROP_UNIT].value for t in targets] == ["甲单位", "乙单位"]
    explain(targets[0], "B1", "M5", "甲单位的说明")
    # 乙单位 first this time: it must neither take 甲单位's explanation nor its correction workbook
    second = check_paths([b, a], corrections=True, output_dir=out)
    b_report, a_report = second
    assert all(not f.explanation for f in b_report.findings)
    assert [f.explanation for f in a_report.findings if f.rule == "B1"] == ["甲单位的说明"]
    assert Path(a_report.corrections) == targets[0] and Path(b_report.corrections) == targets[1]


def test_another_units_correction_workbook_is_not_carried(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t4_after_other": None, "unit": "甲单位"})
    r = only(check_paths([source], corrections=True))
    explain(Path(r.corrections), "B1", "M5", "甲单位的说明")
    write(source, {**clean_values(), "t4_after_other": None, "unit": "乙单位"})  # the file now is 乙单位's
    again = only(check_paths([source], corrections=True))
    assert all(not f.explanation for f in again.findings) and again.warnings == 1
    assert Path(again.corrections) != Path(r.corrections)  # 甲单位's workbook is left as it is
    assert read_book(r.corrections).custom_doc_props[PROP_UNIT].value == "甲单位"


def test_a_file_not_from_govxl_is_never_overwritten(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx")
    other = tmp_path / "unit_校验.xlsx"
    other.write_bytes(b"mine")
    r = only(check_paths([source], corrections=True))
    assert r.problem and "不会覆盖" in r.problem and other.read_bytes() == b"mine"


# --- 9. the terminal gets no control characters; --no-corrections honours explanations ------------------------


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    unit = "某\x1b[2J\x1b]0;title\x07单位\x9b31m"
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "unit": unit, "t3_new_np": "1\x1b[31m2"})
    r = only(check_paths([source]))
    text = render_text([r])
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
    assert "某" in text and "单位" in text
    assert json.loads(render_json([r]))["files"][0]["unit"] == unit  # JSON keeps the exact text


def test_no_corrections_honours_explanations(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t4_after_other": None})
    r = only(check_paths([source], corrections=True))
    explain(Path(r.corrections), "B1", "M5", "确实没有发生")
    result = govxl("check", str(source), "--no-corrections", "--format", "json")
    (report,) = json.loads(result.stdout)["files"]
    assert report["warnings"] == 0
    assert [f.get("explanation") for f in report["findings"] if f["rule"] == "B1"] == ["确实没有发生"]


# --- 10. parallel, and correction workbooks are not inputs ------------------------------------------------


@pytest.mark.slow
def test_many_files_in_parallel_match_one_by_one(tmp_path: Path) -> None:
    paths = [
        write(tmp_path / f"u{i:02d}.xlsx", {**clean_values(), "unit": f"单位{i}", "t3_new_np": 12 + i % 3})
        for i in range(18)
    ]
    together = check_paths(paths, corrections=True)
    for path, r in zip(paths, together, strict=True):
        alone = only(check_paths([path]))
        assert [f.compact() for f in r.findings] == [f.compact() for f in alone.findings]
        assert r.unit == alone.unit and Path(r.corrections).exists()


def test_rerun_in_a_folder_skips_correction_workbooks(tmp_path: Path) -> None:
    for name in ("甲", "乙"):
        write(tmp_path / f"{name}.xlsx", {**clean_values(), "unit": name, "t4_after_other": None})
    first = check_paths(sorted(tmp_path.glob("*.xlsx")), corrections=True)
    assert len(first) == 2
    second = check_paths(sorted(tmp_path.glob("*.xlsx")), corrections=True)
    checked = [r for r in second if not r.skipped]
    skipped = [r for r in second if r.skipped]
    assert len(checked) == 2 and len(skipped) == 2
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == [
        "乙.xlsx",
        "乙_校验.xlsx",
        "甲.xlsx",
        "甲_校验.xlsx",
    ]
    text = render_text(second)
    assert "已跳过" in text and "跳过 2 个校验结果工作簿" in text
    assert read_book(first[0].corrections).custom_doc_props[PROP_OF].value == Path(first[0].path).name


# --- what the workbook shows -----------------------------------------------------------------------------


def test_highlights_comments_links_and_libreoffice(tmp_path: Path, recalc: Recalc) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t4_after_other": None, "t3_new_np": 13})
    r = only(check_paths([source], corrections=True))
    book = openpyxl.load_workbook(r.corrections)
    ws = book["校验结果"]
    assert book.active.title == "校验结果"
    assert [c.value for c in ws[1]][:3] == ["序号", "严重程度", "规则"]
    assert ws["E2"].hyperlink is not None and ws["E2"].hyperlink.location == f"'{T3}'!D5"
    assert ws["B2"].fill.fgColor.rgb.endswith("FFC7CE") and ws["A1"].font.b
    assert book[T4]["M5"].fill.fgColor.rgb.endswith("FFEB9C")
    assert "B1" in book[T4]["M5"].comment.text and "R3.1" in book[T3]["D5"].comment.text
    assert book[T4]["M5"].value is None and book[T3]["D5"].value == 13  # the user's values stay
    # checking the correction workbook again replaces govxl's comments rather than doubling them
    again = only(check_paths([Path(r.corrections)], corrections=True))
    book2 = openpyxl.load_workbook(again.corrections)
    assert book2[T3]["D5"].comment.text.count("R3.1") == book[T3]["D5"].comment.text.count("R3.1")
    (converted,) = recalc([Path(again.corrections)], tmp_path / "lo")
    lo = openpyxl.load_workbook(converted)
    assert lo.sheetnames[0] == "校验结果" and lo[T3]["D5"].comment is not None


def test_explanations_of_a_correction_workbook_belong_to_its_unit(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t4_after_other": None, "unit": "甲单位"})
    corrections = Path(only(check_paths([source], corrections=True)).corrections)
    explain(corrections, "B1", "M5", "甲单位的说明")
    assert [f.explanation for f in only(check_paths([corrections])).findings if f.rule == "B1"] == ["甲单位的说明"]

    def other_unit(wb: openpyxl.Workbook) -> None:
        wb["封面"]["B3"] = "乙单位"

    edit(corrections, other_unit)  # the sheets now hold 乙单位's report under 甲单位's explanations
    again = only(check_paths([corrections]))
    assert again.unit == "乙单位" and again.warnings == 1
    assert all(not f.explanation for f in again.findings)
