"""Every rule's cases, read from its case file tests/cases/<rule id>.toml (the format: tests/cases/__init__.py):
each case produces exactly the findings it expects, and every rule of the catalogue has a case file whose cases
produce it."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from govxl.checker import check_paths
from govxl.findings import FileReport
from govxl.rules import CATALOGUE
from govxl.spec import available_editions, load_edition
from tests import cases
from tests.cases import Case, CaseError, build, compact, rule_of
from tests.helpers import T3

Found = set[tuple[str, str, str]]
CASES = cases.every_case()
CLEAN = tuple(sorted({c.data.get("edition", "2021") for c in CASES if c.kind == "workbook"}))


class CaseRun:
    """The cases' results, made on first use and kept: every workbook case (and each edition's clean fill) in
    one check_paths call, as an office checks its units' files together, one pass of the schema for all of
    them instead of one each; every pair across years in one call with `previous`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @functools.cached_property
    def workbooks(self) -> dict[str, FileReport]:
        out = self.folder / "workbooks"
        out.mkdir()
        paths = {}
        for i, case in enumerate(c for c in CASES if c.kind == "workbook"):
            paths[case.id] = out / f"{i:03}.xlsx"
            paths[case.id].write_bytes(build.workbook(case.data))
        for edition in CLEAN:
            paths[f"clean {edition}"] = out / f"clean-{edition}.xlsx"
            paths[f"clean {edition}"].write_bytes(build.workbook({"edition": edition}))
        return dict(zip(paths, check_paths(list(paths.values())), strict=True))

    @functools.cached_property
    def pairs(self) -> dict[str, FileReport]:
        pairs = {
            c.id: build.write_pair(c, self.folder / "pairs" / f"{i:03}")
            for i, c in enumerate(c for c in CASES if c.kind == "pair" and not c.data.get("merge"))
        }
        this = [t for t, _ in pairs.values()]
        return dict(zip(pairs, check_paths(this, previous=[last for _, last in pairs.values()]), strict=True))

    def report(self, case: Case) -> FileReport:
        return self.pairs[case.id] if case.kind == "pair" else self.workbooks[case.id]

    def found(self, case: Case) -> Found:
        if case.kind == "sentence":
            return _said(case.data["sentence"], case.data.get("last_year_new"))
        if case.kind == "report":
            return {f for f in _extracted(case.data["report"]) if f[0] in case.data["only"]}
        if case.data.get("merge"):
            return set(_merged(case, self.folder / "merges"))
        report = self.report(case)
        assert not report.problem, report.problem
        assert report.valid == (not any(f.severity.value == "error" for f in report.findings))
        return compact(report.findings)


@functools.cache
def _seed():  # type: ignore[no-untyped-def]
    from govxl.extract import extract
    from tests.conftest import corpus_file

    return extract(corpus_file("002_linzi_gov_office_2024.txt")).filing


def _said(sentence: str, last_year_new: int | None) -> Found:
    from govxl.validation.prose import check_prose

    found = check_prose(_seed(), sentence, last_year_new=last_year_new)
    assert all(f.source and f.source in sentence for f in found)  # each quotes its sentence
    return compact(found)


@functools.cache
def _extracted(name: str) -> frozenset[tuple[str, str, str]]:
    from govxl.extract import extract
    from tests.conftest import corpus_file

    return frozenset(compact(extract(corpus_file(name)).findings))


@functools.cache
def _merged(case: Case, folder: Path) -> frozenset[tuple[str, str, str]]:
    """The units' findings, and the merge's problems as findings of the rule whose message each is."""
    from govxl.merge import merge

    base = folder / case.id
    for side, data in (("this", case.data), ("last", case.data["last"])):
        (base / side).mkdir(parents=True)
        (base / side / "unit.xlsx").write_bytes(build.workbook(data, unit=case.id))
    result = merge([base / "this"], base / "merged.xlsx", previous=[base / "last"], jobs=1)
    said = {(rule_of(p), "", "") if rule_of(p) != "?" else ("?", "", p) for p in result.problems}
    return frozenset(said | {f for e in result.entries for f in compact(e.findings)})


@pytest.fixture(scope="module")
def rule_cases(tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    return CaseRun(tmp_path_factory.mktemp("rule-cases"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(rule_cases: CaseRun, case: Case) -> None:
    assert rule_cases.found(case) == case.expect


@pytest.mark.parametrize("edition", CLEAN)
def test_clean_fill_has_no_finding(rule_cases: CaseRun, edition: str) -> None:
    """The fill every workbook case starts from is clean, so a case's findings are its change's."""
    report = rule_cases.workbooks[f"clean {edition}"]
    assert not report.problem and report.findings == []


def case_file_problems(folder: Path) -> list[str]:
    """What keeps the case files from giving every rule a case: a rule of the catalogue without a file, a file
    named by no rule, a file with no case that expects its rule, a case that expects a rule the catalogue
    lacks; and a rule that only some editions' data name without a case on such an edition."""
    catalogue = {r.id for r in CATALOGUE}
    problems = []
    try:
        files = cases.load(folder)
    except CaseError as exc:
        return [str(exc)]
    problems += [f"{rule}: no case file {rule}.toml" for rule in sorted(catalogue - set(files))]
    problems += [f"{name}.toml: {name} is no rule of the catalogue" for name in sorted(set(files) - catalogue)]
    for rule, its in files.items():
        if not any(c.expects(rule) for c in its):
            problems.append(f"{rule}.toml: no case expects a finding of {rule}")
        for c in its:
            unknown = sorted({r for r, _, _ in c.expect} - catalogue)
            if unknown:
                problems.append(f"{c.id}: expects rules the catalogue lacks: {unknown}")
    named = {ed: _rules_named(ed) for ed in available_editions()}
    everywhere = functools.reduce(set.intersection, named.values())
    for ed, rules in named.items():
        for rule in sorted(rules - everywhere):
            if not any(c.expects(rule) and _edition(c) == ed for c in files.get(rule, [])):
                problems.append(f"{rule}.toml: only some editions name {rule}, and no case shows it on {ed}")
    return problems


def _rules_named(edition: str) -> set[str]:
    """The rule ids an edition's data file names: its totals, identities, relations, value rules and hints."""
    ed = load_edition(edition)
    rules = {e.rule for e in ed.equations} | {r.rule for r in ed.relations}
    rules |= {c.value_rule for c in ed.cells.values()}
    for t in ed.tables:
        rules |= {t.value_rule, *(i.rule for i in t.identities), *(h for h, _ in t.hints)}
    return rules - {""}


def _edition(case: Case) -> str | None:
    return None if case.kind in ("sentence", "report") else case.data.get("edition", "2021")


def test_every_rule_has_a_case_file() -> None:
    assert case_file_problems(cases.FOLDER) == []


def test_case_file_problems_are_found(tmp_path: Path) -> None:
    """The meta-test can fail: a file deleted, a file renamed to an id no rule has, a rule's own finding left
    out of its file, and an edition's own rule shown only on another edition are each named."""
    folder = tmp_path / "cases"
    shutil.copytree(cases.FOLDER, folder)
    (folder / "R3.1.toml").unlink()
    (folder / "R3.3.toml").rename(folder / "R3.9.toml")
    (folder / "R3.7.toml").write_text(
        (folder / "R3.7.toml").read_text(encoding="utf-8").replace('["R3.7"', '["R3.4"'), encoding="utf-8"
    )
    x3 = (folder / "X3.toml").read_text(encoding="utf-8")
    (folder / "X3.toml").write_text(x3.replace('edition = "2019"\n', ""), encoding="utf-8")
    assert case_file_problems(folder) == [
        "R3.1: no case file R3.1.toml",
        "R3.3: no case file R3.3.toml",
        "R3.9.toml: R3.9 is no rule of the catalogue",
        "R3.7.toml: no case expects a finding of R3.7",
        "R3.9.toml: no case expects a finding of R3.9",
        "X3.toml: only some editions name X3, and no case shows it on 2019",
    ]
    (folder / "B1.toml").write_text('[[case]]\nname = "typo"\nfil = {}\nexpect = []\n', encoding="utf-8")
    assert case_file_problems(folder) == ["B1.toml, case 1 ('typo'): ['fil'] are no keys of a workbook case"]


def test_every_rule_is_produced_by_its_case_file(rule_cases: CaseRun) -> None:
    """Not only expected: each case of a rule's file that expects the rule produces a finding of it."""
    files = cases.load()
    missing, skipped = [], []
    for rule in (r.id for r in CATALOGUE):
        for c in files.get(rule, []):  # a rule without a file: test_every_rule_has_a_case_file says so
            if c.expects(rule):
                try:
                    found = rule_cases.found(c)
                except pytest.skip.Exception:
                    skipped.append(c.id)
                    continue
                if rule not in {r for r, _, _ in found}:
                    missing.append(c.id)
    assert not missing, f"cases that do not produce their rule: {missing}"
    if skipped:
        pytest.skip(f"{len(skipped)} cases need the corpus: {skipped}")


def test_messages_carry_the_numbers(rule_cases: CaseRun) -> None:
    r = rule_cases.report(cases.named("R3.1", "one more received"))
    (first,) = [f for f in r.findings if f.compact() == ("R3.1", T3, "D5")]
    assert first.message == "自然人列：第一项加第二项之和 15 不等于第三项加第四项之和 14（相差 1）"
    # the identity concerns every input behind （七）总计 too, so a correction can start anywhere
    assert f"{T3}!D5" in {str(c) for c in first.cells} and f"{T3}!D27" in {str(c) for c in first.cells}
    r = rule_cases.report(cases.named("R3.3", "row total typed over"))
    (s2,) = [f for f in r.findings if f.rule == "S2"]
    assert (s2.expected, s2.actual) == ("=SUM(D7:I7)", "手填数字 99")
    (r33,) = [f for f in r.findings if f.rule == "R3.3"]
    assert (r33.expected, r33.actual) == (11, 99)
