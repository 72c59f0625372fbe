"""Fuzzing the command: hundreds of mutated workbooks through `check` (with corrections) and `merge`,
hundreds of mutated reports through `extract` and `check` of the workbooks it wrote (a sample also through
`extract --check`), each class in one call of the command's entry point (in process, as
tests.conftest.run_in_process runs it: the same argument parsing and error mapping as the installed command).

Whatever the input, the command must end with exit 0, 1 or 2, never a traceback or an internal error; every
input must be accounted for in the JSON output, with findings or a Chinese `problem` naming the file; and no
input may change. Mutants come from a seeded random.Random, so a failure reproduces exactly.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests import fuzzing
from tests.conftest import CORPUS, ROOT, Govxl
from tests.helpers import scaled, write

SEED = 20240601
Mutants = Callable[[str], list[fuzzing.Mutant]]
# 119 workbooks and 78 reports a run: the fast XML-level classes carry the numbers, openpyxl (0.3 s a save)
# adds realism. The seeds are fixed, so these are the same mutants every run; GOVXL_FUZZ_SCALE (tests.helpers)
# multiplies every count for a deeper run (say 10 before a release).
WORKBOOK_COUNTS = {k: scaled(n) for k, n in dict(bytes=30, members=36, cells=45, openpyxl=8).items()}
CHECK_CLASSES = list(WORKBOOK_COUNTS)
REPORT_COUNTS = {k: scaled(n) for k, n in dict(text=24, html=20, docx=16, pdf=18).items()}


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    clean = write(tmp_path_factory.mktemp("base") / "clean.xlsx")
    return [clean.read_bytes(), (ROOT / "examples" / "linzi_gov_office_2024.xlsx").read_bytes()]


@pytest.fixture(scope="module")
def mutants(bases: list[bytes]) -> Callable[[str], list[fuzzing.Mutant]]:
    """The mutants of a class, made once for the check and the merge test."""

    @functools.cache
    def of(kind: str) -> list[fuzzing.Mutant]:
        return fuzzing.workbook_mutants(bases, kind, WORKBOOK_COUNTS[kind], SEED)

    return of


def _materialise(folder: Path, mutants: Sequence[fuzzing.Mutant]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in mutants:
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _files_of(stdout: str) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in json.loads(stdout)["files"]}


def _assert_ran(govxl: Govxl, done: Any, args_for: Any, paths: list[Path]) -> None:
    why = fuzzing.crash_text(done)
    if why:
        culprits = fuzzing.pin_down(govxl, args_for, paths)
        pytest.fail(f"the batch crashed ({why[:300]}); files that crash alone:\n" + "\n".join(culprits))


def _assert_accounted(files: dict[str, dict[str, Any]], paths: list[Path]) -> None:
    missing = [p.name for p in paths if str(p) not in files]
    assert not missing, f"not in the JSON output: {missing[:20]}"
    bad = []
    for p in paths:
        entry = files[str(p)]
        problem = entry.get("problem")
        if problem:
            why = fuzzing.bad_message(problem, str(p))
            if why:
                bad.append(f"{p.name}: message {why}: {problem[:200]}")
    assert not bad, "\n".join(bad[:20])


def _assert_unchanged(before: dict[Path, str], folder: Path) -> None:
    assert sorted(folder.iterdir()) == sorted(before), "files appeared in or vanished from the input folder"
    changed = [p.name for p, h in before.items() if fuzzing.sha256(p) != h]
    assert not changed, f"inputs modified: {changed}"


# --- workbooks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CHECK_CLASSES)
def test_check_survives_mutated_workbooks(kind: str, mutants: Mutants, tmp_path: Path, govxl: Govxl) -> None:
    paths = _materialise(tmp_path / "in", mutants(kind))
    out = tmp_path / "out"
    out.mkdir()
    before = fuzzing.hashes(paths)

    def args_for(group: Sequence[Path]) -> list[str]:
        target = out / "pin"
        target.mkdir(exist_ok=True)
        return ["check", "--format", "json", "--output-dir", str(target), *map(str, group)]

    done = govxl("check", "--format", "json", "--output-dir", str(out), *map(str, paths))
    _assert_ran(govxl, done, args_for, paths)
    files = _files_of(done.stdout)
    _assert_accounted(files, paths)
    for p in paths:  # each readable file got its correction workbook, in the output folder
        entry = files[str(p)]
        if not entry.get("problem"):
            assert entry.get("corrections"), f"{p.name}: checked but no correction workbook"
            assert Path(entry["corrections"]).parent == out
    broken = any(f.get("problem") for f in files.values())
    assert done.returncode == 2 if broken else done.returncode in (0, 1), done.returncode
    _assert_unchanged(before, tmp_path / "in")


@pytest.mark.parametrize("kind", list(WORKBOOK_COUNTS))
def test_merge_survives_mutated_workbooks(kind: str, mutants: Mutants, tmp_path: Path, govxl: Govxl) -> None:
    folder = tmp_path / "in"
    paths = _materialise(folder, mutants(kind))
    before = fuzzing.hashes(paths)

    def args_for(group: Sequence[Path]) -> list[str]:
        target = tmp_path / f"pin-{group[0].stem}-{len(group)}.xlsx"
        return ["merge", "--format", "json", "--force", "-o", str(target), *map(str, group)]

    done = govxl("merge", "--format", "json", "--jobs", "2", "-o", str(tmp_path / "merged.xlsx"), str(folder))
    _assert_ran(govxl, done, args_for, paths)
    if done.returncode == 2 and not done.stdout.strip():  # refused as a whole: a Chinese message, no output
        assert fuzzing.bad_message(done.stderr, str(folder)) in ("", "does not name the file"), done.stderr
        assert "错误" in done.stderr
    else:
        summary = json.loads(done.stdout)
        entries = {f["path"]: f for f in summary["files"]}
        missing = [p.name for p in paths if str(p) not in entries]
        assert not missing, f"not in the merge summary: {missing[:20]}"
        bad = []
        for p in paths:
            e = entries[str(p)]
            if e["status"] == "无法读取":
                why = fuzzing.bad_message(e["reason"] or "", str(p))
                if why:
                    bad.append(f"{p.name}: reason {why}: {(e['reason'] or '')[:200]}")
        assert not bad, "\n".join(bad[:20])
    _assert_unchanged(before, folder)


# --- reports -------------------------------------------------------------------------------------------


def _corpus_texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip(f"真实报告语料不在 {CORPUS}，跳过")
    return [f.read_text(encoding="utf-8") for f in files]


def report_mutants(kind: str, count: int) -> list[fuzzing.Mutant]:
    rng = random.Random(f"{kind}-{SEED}")
    texts = _corpus_texts()
    out: list[fuzzing.Mutant] = []
    if kind == "text":
        for i in range(count):
            out.append((f"text_{i:03d}.txt", fuzzing.mutate_text(texts[i % len(texts)], rng)))
    elif kind == "html":
        for i in range(count):
            html = fuzzing.text_to_html(texts[i % len(texts)])
            out.append((f"html_{i:03d}.html", fuzzing.mutate_html(html, rng)))
    elif kind == "docx":
        docs = [fuzzing.text_to_docx(t) for t in texts[:4]]
        for i in range(count):
            out.append((f"docx_{i:03d}.docx", fuzzing.mutate_docx(docs[i % len(docs)], rng)))
    else:
        pdfs = [p.read_bytes() for p in sorted((CORPUS / "pdf").glob("*.pdf"))]
        if not pdfs:
            pytest.skip("语料中没有 PDF，跳过")
        for i in range(count):
            out.append((f"pdf_{i:03d}.pdf", fuzzing.mutate_pdf(pdfs[i % len(pdfs)], rng)))
    return out


# `extract --check` validates each report in a pass of its own; `check` of the workbooks that `extract` wrote
# gives the same findings (tests/test_extracted_workbook.py) in one pass for all. So every mutant is extracted
# and its workbook checked, and one in CHECKED_EVERY also goes through `extract --check` itself.
CHECKED_EVERY = 8


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(REPORT_COUNTS))
def test_extract_survives_mutated_reports(kind: str, tmp_path: Path, govxl: Govxl) -> None:
    paths = _materialise(tmp_path / "in", report_mutants(kind, REPORT_COUNTS[kind]))
    out = tmp_path / "out"
    out.mkdir()
    before = fuzzing.hashes(paths)

    def args_for(*options: str) -> Callable[[Sequence[Path]], list[str]]:
        def args(group: Sequence[Path]) -> list[str]:
            target = out / "pin"
            target.mkdir(exist_ok=True)
            return [
                "extract",
                *options,
                "--force",
                "--format",
                "json",
                "--output-dir",
                str(target),
                *map(str, group),
            ]

        return args

    done = govxl("extract", "--format", "json", "--output-dir", str(out), *map(str, paths))
    _assert_ran(govxl, done, args_for(), paths)
    files = _files_of(done.stdout)
    _assert_accounted(files, paths)
    workbooks = []
    for p in paths:
        entry = files[str(p)]
        if not entry.get("problem"):
            assert Path(entry["workbook"]).exists(), f"{p.name}: extracted but no workbook written"
            workbooks.append(Path(entry["workbook"]))

    def check_args(group: Sequence[Path]) -> list[str]:
        return ["check", "--format", "json", "--no-corrections", *map(str, group)]

    if workbooks:  # (mutated PDFs rarely still read)
        checked = govxl(*check_args(workbooks))
        _assert_ran(govxl, checked, check_args, workbooks)
        unreadable = {f["path"]: f["problem"] for f in _files_of(checked.stdout).values() if f.get("problem")}
        assert not unreadable, f"workbooks written by extract that check cannot read: {unreadable}"

    sample = paths[::CHECKED_EVERY]
    again = tmp_path / "again"
    again.mkdir()
    done = govxl("extract", "--check", "--format", "json", "--output-dir", str(again), *map(str, sample))
    _assert_ran(govxl, done, args_for("--check"), sample)
    _assert_accounted(_files_of(done.stdout), sample)
    _assert_unchanged(before, tmp_path / "in")


def test_mutants_are_deterministic_and_mutated(bases: list[bytes]) -> None:
    """The same seed gives the same files, and every mutant differs from its base (else the fuzz is idle)."""
    for kind in ("bytes", "members", "cells"):
        first = fuzzing.workbook_mutants(bases, kind, 20, SEED)
        assert first == fuzzing.workbook_mutants(bases, kind, 20, SEED)
        assert sum(data not in bases for _, data in first) >= 18


def test_problem_messages_name_no_library_class(mutants: Mutants, tmp_path: Path, govxl: Govxl) -> None:
    paths = _materialise(tmp_path / "in", mutants("bytes")[:30])
    done = govxl("check", "--format", "json", "--no-corrections", *map(str, paths))
    assert not fuzzing.crash_text(done), done.stderr
    problems = {p: f["problem"] for p, f in _files_of(done.stdout).items() if f.get("problem")}
    assert problems
    bad = [f"{m} ({why})" for p, m in problems.items() if (why := fuzzing.bad_message(m, p, class_note_ok=False))]
    assert not bad, "\n".join(bad[:10])
