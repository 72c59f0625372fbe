"""Prose against tables beyond the rules' cases (tests/cases/N*.toml, sentences checked against the seed
report's tables): a whole published report's prose, and last year's workbook on the command line."""

from __future__ import annotations

from govxl.extract import extract
from govxl.validation.prose import check_prose
from tests.conftest import corpus_file


def test_seed_prose_reports_only_the_nudged_percentages() -> None:
    x = extract(corpus_file("002_linzi_gov_office_2024.txt"))
    found = check_prose(x.filing, "\n".join(body for _, body in x.prose))
    assert sorted((f.rule, f.severity.value, f.actual) for f in found) == [
        ("N5", "warning", 21.44),
        ("N5", "warning", 42.85),
    ]


def test_previous_year_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from govxl.workbook import render
    from tests.helpers import clean_values
    from tests.test_cli import govxl

    last = tmp_path / "2023.xlsx"
    last.write_bytes(render("2021", {**clean_values(), "year": 2023, "t3_new_np": 30, "t3_open_np": 29}))
    report = corpus_file("002_linzi_gov_office_2024.txt")
    result = govxl("extract", str(report), "--output-dir", str(tmp_path), "--check", "--previous", str(last))
    assert "N6" in result.stdout and "应为下降60%" in result.stdout, result.stdout
