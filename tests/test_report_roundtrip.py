"""`govxl report`'s main test: what it writes, read back by the extractor, is the workbook, cell for cell, and
`extract --check` of it finds no error and nothing wrong in its prose (N1–N11)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from govxl.checker import prose_findings, table_findings
from govxl.document import compose, make_report, render_docx, render_html
from govxl.document.compose import numbers_of
from govxl.extract import Extraction, extract
from govxl.findings import Finding, Severity
from govxl.reader import Filing, read_filing
from govxl.spec import compute_totals, load_edition
from tests.helpers import scaled
from tests.report_fills import UNITS, consistent_fill, filing_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "linzi_gov_office_2024.xlsx"
FILLS = scaled(25)  # random fills an edition, each through Word and HTML: 50 reports read back


def read_back(x: Extraction) -> dict[str, float]:
    """Every number the extractor read: inputs, and totals as published."""
    out = {c: v for c, v in x.filing.inputs.items() if not math.isnan(v)}
    return {**out, **x.published_totals}


def wrong(findings: list[Finding]) -> list[str]:
    """What `extract --check` must not say of a generated report: an error, or anything of the prose."""
    return [f"{f.rule} {f.message}" for f in findings if f.severity is Severity.ERROR or f.rule.startswith("N")]


def check_all(filings: list[Filing]) -> list[list[Finding]]:
    """`extract --check`'s findings of each (checker.filing_findings), the table rules run for all at once."""
    return [
        f.findings + table + prose_findings(f) for f, table in zip(filings, table_findings(filings), strict=True)
    ]


@pytest.mark.slow  # about 2 s an edition, most of it python-docx walking the Word tables back
@pytest.mark.parametrize("edition", ["2021", "2019"])
def test_random_fills_come_back_cell_for_cell(edition: str, tmp_path: Path) -> None:
    ed = load_edition(edition)
    rng = random.Random(f"report-{edition}")
    years = range(ed.first_year, (ed.last_year or 2025) + 1)
    read: list[Filing] = []
    for i in range(FILLS):
        values = consistent_fill(ed, rng)
        unit, year = rng.choice(UNITS), rng.choice(years)
        doc = compose(filing_of(ed, values, unit, year, phone="0533-1234567"))
        expected = {**{c: float(v) for c, v in values.items()}, **compute_totals(ed, values)}
        for suffix, render in ((".docx", render_docx), (".html", render_html)):
            path = tmp_path / f"{i}{suffix}"
            path.write_bytes(render(doc))
            x = extract(path)
            assert (x.edition, x.unit, x.year) == (edition, unit, year), path
            assert not x.findings, [f.message for f in x.findings]  # every label official, nothing guessed
            got = read_back(x)
            assert got == expected, {c: (got.get(c), v) for c, v in expected.items() if got.get(c) != v}
            read.append(x.filing)
            path.unlink()
    for filing, findings in zip(read, check_all(read), strict=True):
        assert not wrong(findings), (filing.path, wrong(findings))


def test_the_example_workbook_comes_back_cell_for_cell(tmp_path: Path) -> None:
    run = make_report(EXAMPLE, tmp_path / "报告.docx", tmp_path / "报告.html")
    assert run.written and not run.report.errors
    filing = read_filing(EXAMPLE)
    expected = numbers_of(filing)
    assert expected["t3_new_total"] == 12  # the example is the Linzi workbook, not an empty one
    extracted = [extract(Path(p)) for p in run.written]
    for x in extracted:
        assert read_back(x) == expected
        assert not x.findings, [f.message for f in x.findings]
        assert (x.unit, x.year) == (filing.unit, filing.year)
    for findings in check_all([x.filing for x in extracted]):
        assert not wrong(findings)
        assert [f.rule for f in findings] == ["R3.7"]  # the one hint `govxl check` gives the workbook itself
