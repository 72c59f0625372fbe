"""Formula injection: text that users type (unit name, contact, a 说明, text in an input cell, a roster name,
words in a published report) must reach every written workbook as text, never as a formula.

Every command that writes a workbook is run through its command-line entry point; then the XML of every sheet of
every output is scanned: no <f> element may hold a payload, and each payload must still be there as text.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CORPUS, Govxl
from tests.helpers import clean_values, write

PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "=1+1",
    "=cmd|'/C calc'!A0",  # DDE
)
_F = re.compile(r"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_T = re.compile(r"<(?:\w+:)?t\b[^>]*?>(.*?)</(?:\w+:)?t>", re.S)


def _is_payload_formula(formula: str, payload: str) -> bool:
    """Whether a formula is the payload (or its body after the =, as a writer would store it)."""
    f = formula.strip()
    body = payload[1:] if payload.startswith("=") else payload
    distinctive = payload.lstrip("=+-@")
    return f in (payload, body) or (len(distinctive) > 6 and distinctive in f)


def scan(path: Path) -> tuple[list[str], str]:
    """(formulas of every sheet, all the text of the workbook: shared strings, inline strings, comments)."""
    formulas: list[str] = []
    texts: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".xml"):
                continue
            body = z.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/"):
                formulas += [html.unescape(m.group(1) or "") for m in _F.finditer(body)]
            texts += [html.unescape(m.group(1)) for m in _T.finditer(body)]
    return formulas, "\n".join(texts)


def assert_clean(path: Path, expected: tuple[str, ...]) -> None:
    formulas, text = scan(path)
    injected = [(p, f) for f in formulas for p in PAYLOADS if _is_payload_formula(f, p)]
    assert not injected, f"{path.name}: payloads written as formulas: {injected[:5]}"
    lost = [p for p in expected if p not in text]
    assert not lost, f"{path.name}: payload text lost: {lost}"


def _unit(i: int, payload: str) -> str:
    return payload if i == 0 else f"{payload}{i}"  # also unique per unit: merge keys units by name


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One workbook per payload: as unit name, contact and text in an input cell, with a blank cell whose B1
    warning the office can explain."""
    folder = tmp_path_factory.mktemp("filled")
    out = []
    for i, payload in enumerate(PAYLOADS):
        values = {**clean_values(), "unit": _unit(i, payload), "contact": payload}
        values["t3_open_other"] = payload  # text in an input cell (T1)
        values["t4_after_other"] = None  # blank: a B1 warning
        out.append(write(folder / f"unit{i}.xlsx", values))
    return out


def test_template_agency(tmp_path: Path, govxl: Govxl) -> None:
    for i, payload in enumerate(PAYLOADS):
        target = tmp_path / f"t{i}.xlsx"
        done = govxl("template", "-o", str(target), "--agency", payload)
        assert done.returncode == 0, done.stderr
        assert_clean(target, (payload,))


def _check(govxl: Govxl, files: list[Path], folder: Path, pattern: str) -> list[Path]:
    folder.mkdir()
    done = govxl("check", "--output-dir", str(folder), *map(str, files))
    assert done.returncode in (0, 1), done.stderr
    written = sorted(folder.glob(pattern))
    assert len(written) == len(files)
    return written


def test_check_corrections(filled: list[Path], tmp_path: Path, govxl: Govxl) -> None:
    for path, payload in zip(_check(govxl, filled, tmp_path / "first", "*_校验.xlsx"), PAYLOADS, strict=True):
        assert_clean(path, (payload,))


def test_check_explained_corrections(filled: list[Path], tmp_path: Path, govxl: Govxl) -> None:
    """The office explains the B1 warning with a payload in 说明 and checks the correction workbook again."""
    corrections = _check(govxl, filled, tmp_path / "first", "*_校验.xlsx")
    for path, payload in zip(corrections, PAYLOADS, strict=True):
        book = openpyxl.load_workbook(path)
        ws = book["校验结果"]
        header = [c.value for c in ws[1]]
        rows = [r for r in ws.iter_rows(min_row=2) if r[header.index("规则")].value == "B1"]
        assert rows, f"{path.name}: no B1 row to explain"
        note = rows[0][header.index("说明")]
        note.value = payload
        note.data_type = "s"  # typed as text (as after a leading apostrophe in Excel)
        book.save(path)
    # one at a time, as an office checks its own correction workbook: among several inputs govxl skips them
    again = [
        p for i, c in enumerate(corrections) for p in _check(govxl, [c], tmp_path / f"second{i}", "*_校验2.xlsx")
    ]
    for path, payload in zip(again, PAYLOADS, strict=True):
        assert_clean(path, (payload,))


def test_merge_with_roster(filled: list[Path], tmp_path: Path, govxl: Govxl) -> None:
    roster = tmp_path / "名单.csv"
    names = [_unit(i, p) for i, p in enumerate(PAYLOADS)] + [f"{p}未报" for p in PAYLOADS]
    roster.write_text("填报单位\n" + "\n".join('"' + n.replace('"', '""') + '"' for n in names) + "\n", "utf-8")
    target = tmp_path / "汇总.xlsx"
    done = govxl("merge", *map(str, filled), "-o", str(target), "--roster", str(roster), "--include-invalid")
    assert done.returncode in (0, 1), done.stderr
    assert_clean(target, tuple(names))


def test_extract_report(tmp_path: Path, govxl: Govxl) -> None:
    source = CORPUS / "002_linzi_gov_office_2024.txt"
    if not source.exists():
        pytest.skip(f"真实报告语料不在 {CORPUS}，跳过")
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith("临淄区人民政府办公室2024年"))
    number = next(i for i, line in enumerate(lines) if i > title and re.fullmatch(r"\t\d+", line))
    section = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    assert section < number
    reports = []
    for i, payload in enumerate(PAYLOADS):
        changed = list(lines)
        changed[title] = changed[title].replace("临淄区人民政府办公室", payload)  # the unit in the title
        changed[number] = f"\t{payload}"  # a table cell
        # prose of section 一, which the workbook keeps (the title's unit is refused: it is no agency's name)
        changed.insert(section + 1, f"本机关名称为{payload}，特此说明。")
        path = tmp_path / f"report{i}.txt"
        path.write_text("\n".join(changed), encoding="utf-8")
        reports.append(path)
    out = tmp_path / "out"
    out.mkdir()
    done = govxl("extract", "--check", "--output-dir", str(out), *map(str, reports))
    assert done.returncode in (0, 1), done.stderr
    for path, payload in zip(reports, PAYLOADS, strict=True):
        assert_clean(out / f"{path.stem}.xlsx", (payload,))


def test_scan_sees_an_injected_formula(tmp_path: Path) -> None:
    """The scan must be able to fail: a workbook whose cell holds the payload as a formula is caught."""
    book = openpyxl.Workbook()
    book.active["A1"] = '=HYPERLINK("http://x","y")'
    book.active["A2"] = "=1+1"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    formulas, _ = scan(path)
    assert any(_is_payload_formula(f, PAYLOADS[0]) for f in formulas)
    assert any(_is_payload_formula(f, "=1+1") for f in formulas)
    with pytest.raises(AssertionError):
        assert_clean(path, ())
