"""The fast reader against package shapes that Excel and WPS write and our own writer does not."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from govxl.checker import check_paths
from tests.helpers import T3, write


def rewrite_part(src: Path, out: Path, part: str, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = change(data.decode()).encode()
            zout.writestr(item, data)
    return out


def as_shared_formulas(xml: str) -> str:
    """Table 三's 总计 column J5:J29 as Excel saves it: one master formula, the others referring to it."""

    def cell(m: re.Match[str]) -> str:
        row = int(m[1])
        if row == 5:
            return f'<c r="J5"{m[2]}><f t="shared" ref="J5:J29" si="0">SUM(D5:I5)</f>'
        return f'<c r="J{row}"{m[2]}><f t="shared" si="0"/>'

    xml, n = re.subn(r'<c r="J(\d+)"([^>]*)><f>SUM\(D\1:I\1\)</f>', cell, xml)
    assert n == 25
    return xml


def test_shared_formulas_are_understood(tmp_path: Path) -> None:
    src = write(tmp_path / "plain.xlsx")
    shared = rewrite_part(src, tmp_path / "shared.xlsx", "xl/worksheets/sheet3.xml", as_shared_formulas)
    (report,) = check_paths([shared])
    assert report.valid and not report.findings, [f.message for f in report.findings]


def test_a_shared_formula_that_no_longer_fits_is_reported(tmp_path: Path) -> None:
    src = write(tmp_path / "plain.xlsx")

    def wrong(xml: str) -> str:  # the master sums one column too few: every dependent inherits it
        return as_shared_formulas(xml).replace(">SUM(D5:I5)</f>", ">SUM(D5:H5)</f>")

    shared = rewrite_part(src, tmp_path / "wrong.xlsx", "xl/worksheets/sheet3.xml", wrong)
    (report,) = check_paths([shared])
    s2 = {f.compact() for f in report.findings if f.rule == "S2"}
    assert s2 == {("S2", T3, f"J{row}") for row in range(5, 30)}


def test_properties_whose_value_elements_carry_attributes(tmp_path: Path) -> None:
    """openpyxl with lxml installed writes <vt:lpwstr xmlns:vt="…">: the template is still recognised."""
    src = write(tmp_path / "plain.xlsx")

    def declare(xml: str) -> str:
        vt = 'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"'
        out, n = re.subn(r"<vt:lpwstr>", f"<vt:lpwstr {vt}>", xml)
        assert n == 3
        return out

    shaped = rewrite_part(src, tmp_path / "shaped.xlsx", "docProps/custom.xml", declare)
    (report,) = check_paths([shaped])
    assert report.valid and not report.findings, [f.message for f in report.findings]
