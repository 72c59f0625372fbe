"""Prose against tables: one case per rule, as sentences checked against the seed report's tables
(12 received, 2 carried over, 14 answered: 5 opened, 6 partly, 3 unable; 0 carried forward;
行政规范性文件 1 made, 9 in force)."""

from __future__ import annotations

import pytest

from govxl.extract import extract
from govxl.validation.prose import check_prose
from tests.conftest import corpus_file
from tests.helpers import T2, T3, T4

PROSE_CASES: list[tuple[str, str, set[tuple[str, str, str]]]] = [
    ("N1", "2024年共收到政府信息公开申请13件。", {("N1", T3, "J5")}),
    ("N2", "作出答复14件（含上年结转3件）。", {("N2", T3, "J6")}),
    ("N3", "全年作出政府信息公开申请答复15件。", {("N3", T3, "J28")}),
    ("N4", "其中予以公开5件，部分公开7件，无法提供3件。", {("N4", T3, "J8")}),
    ("N4 group", "不予公开1件。", {("N4", T3, "J9")}),
    ("N5", "予以公开5件，占40%。", {("N5", "", "")}),
    ("N5 truncation is fine", "部分公开6件，占42.85%。", set()),
    ("N7", "结转下年度继续办理2件。", {("N7", T3, "J29")}),
    ("N8", "本年度未收到政府信息公开申请。", {("N8", T3, "J5")}),
    ("N9", "本年度未因政府信息公开被申请行政复议，行政复议1起。", {("N9", T4, "E5")}),
    ("N10", "区政府规范性文件现行有效10件。", {("N10", T2, "D5")}),
    ("N11", "主动公开政府信息  条。", {("N11", "", "")}),
    ("agreeing prose", "共收到政府信息公开申请12件，作出答复14件（含上年结转2件），其中予以公开5件。", set()),
]


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return extract(corpus_file("002_linzi_gov_office_2024.txt")).filing


@pytest.mark.parametrize(("name", "sentence", "expected"), PROSE_CASES, ids=[c[0] for c in PROSE_CASES])
def test_prose_case(seed, name: str, sentence: str, expected: set[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    found = check_prose(seed, sentence)
    assert {f.compact() for f in found} == expected
    assert all(f.source and f.source in sentence for f in found)  # each quotes its sentence


def test_seed_prose_reports_only_the_nudged_percentages() -> None:
    x = extract(corpus_file("002_linzi_gov_office_2024.txt"))
    found = check_prose(x.filing, "\n".join(body for _, body in x.prose))
    assert sorted((f.rule, f.severity.value, f.actual) for f in found) == [
        ("N5", "warning", 21.44),
        ("N5", "warning", 42.85),
    ]


@pytest.mark.parametrize(("last_year", "expected"), [(27, set()), (30, {("N6", "", "")})])
def test_year_on_year_change_against_last_year(seed, last_year: int, expected: set) -> None:  # type: ignore[no-untyped-def]
    """The seed report says 同比下降55.55%: right for 27 received in 2023 (−55.555…, truncated), not for 30."""
    found = check_prose(seed, "2024年共收到政府信息公开申请12件，同比下降55.55%。", last_year_new=last_year)
    assert {f.compact() for f in found} == expected


def test_previous_year_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from govxl.workbook import render
    from tests.helpers import clean_values
    from tests.test_cli import govxl

    last = tmp_path / "2023.xlsx"
    last.write_bytes(render("2021", {**clean_values(), "year": 2023, "t3_new_np": 30, "t3_open_np": 29}))
    report = corpus_file("002_linzi_gov_office_2024.txt")
    result = govxl("extract", str(report), "--output-dir", str(tmp_path), "--check", "--previous", str(last))
    assert "N6" in result.stdout and "应为下降60%" in result.stdout, result.stdout
