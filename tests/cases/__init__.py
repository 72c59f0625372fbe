"""The rule cases: one file per rule, tests/cases/<rule id>.toml, each a list of `[[case]]` tables.

Every case has a `name` (its test id is "<rule id> <name>") and `expect`: the exact findings it must produce,
as [rule, sheet, cell], written by hand from the official layout (table 三: rows 5-29 are 一 … 四, columns
D-J are 自然人 … 总计), never taken from the spec. What to build is one of:

- a workbook: `edition` (default 2021), over that edition's clean fill (tests/helpers.py, test_edition_2019);
  `inputs` = "zero" or "empty" sets every input cell first; `fill` = {code = value} (a value may be
  {repeat = text, times = n}); `empty` = [codes] left blank; `typed` = {sheet, cell, value} typed over the
  written workbook (over a total's formula too); `build` = a builder of BUILDERS (with `args`) for the few
  edits that need code (tests/cases/build.py). Checked, all together, by one check_paths call; every finding
  counts.
- a pair across years: the same keys for this year and `last` = {edition, inputs, fill, empty} for last
  year's workbook of the same unit (named after the case, so that every pair is checked in one call);
  checked with `previous`, or with `merge = true` merged with it (the merge's problems count as findings of
  the rule whose message they are). Every finding counts.
- a sentence (N rules): `sentence`, checked against the seed report's tables (临淄 2024: 12 received, 2
  carried over, 14 answered: 5 opened, 6 partly, 3 unable; 0 carried forward; 规范性文件 1 made, 9 in force),
  with `last_year_new` for a year-on-year change.
- a published report (E rules): `report`, a file of the corpus, extracted; `only` names the rules whose
  findings are compared (a real report draws findings of many rules).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govxl.findings import Finding

FOLDER = Path(__file__).resolve().parent
Expected = frozenset[tuple[str, str, str]]

_SIDE = {"edition", "inputs", "fill", "empty"}
_KEYS = {
    "workbook": {"name", "expect", *_SIDE, "typed", "build", "args"},
    "pair": {"name", "expect", *_SIDE, "last", "merge"},
    "sentence": {"name", "expect", "sentence", "last_year_new"},
    "report": {"name", "expect", "report", "only"},
}


class CaseError(Exception):
    """A case file that cannot be read as cases: names the file and the case."""


@dataclass(frozen=True)
class Case:
    rule: str  # the rule of the file it is in
    name: str
    expect: Expected
    data: dict[str, Any] = field(compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.rule} {self.name}"

    @property
    def kind(self) -> str:
        return kind_of(self.data)

    def expects(self, rule: str) -> bool:
        return any(r == rule for r, _, _ in self.expect)


def kind_of(data: dict[str, Any]) -> str:
    """What a case builds, told by the key only that kind has."""
    return next((kind for key, kind in _MARK.items() if key in data), "workbook")


_MARK = {"sentence": "sentence", "report": "report", "last": "pair"}


def read_file(path: Path) -> list[Case]:
    """The cases of one file, each checked for the keys its kind takes."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"{path.name}: {exc}") from None
    if set(raw) != {"case"} or not isinstance(raw["case"], list):
        raise CaseError(f"{path.name}: holds only [[case]] tables (found {sorted(raw)})")
    cases = []
    for i, data in enumerate(raw["case"]):
        where = f"{path.name}, case {i + 1} ({data.get('name', 'no name')!r})"
        kind = kind_of(data)
        unknown = set(data) - _KEYS[kind]
        if unknown:
            raise CaseError(f"{where}: {sorted(unknown)} are no keys of a {kind} case")
        if not isinstance(data.get("name"), str) or not data["name"]:
            raise CaseError(f"{where}: a case needs a name")
        if "last" in data and set(data["last"]) - _SIDE:
            raise CaseError(f"{where}: last takes only {sorted(_SIDE)}")
        for side in (data, data.get("last", {})):
            if side.get("inputs", "zero") not in ("zero", "empty"):
                raise CaseError(f'{where}: inputs is "zero" or "empty"')
        if "build" in data and data["build"] not in _builders():
            raise CaseError(f"{where}: no builder {data['build']!r} (tests/cases/build.py: BUILDERS)")
        if "typed" in data and set(data["typed"]) != {"sheet", "cell", "value"}:
            raise CaseError(f"{where}: typed is {{sheet, cell, value}}")
        expect = data.get("expect")
        if not isinstance(expect, list) or not all(
            isinstance(e, list) and len(e) == 3 and all(isinstance(x, str) for x in e) for e in expect
        ):
            raise CaseError(f"{where}: expect is a list of [rule, sheet, cell]")
        cases.append(Case(path.stem, data["name"], frozenset((r, s, c) for r, s, c in expect), data))
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise CaseError(f"{path.name}: two cases of one name")
    return cases


def _builders() -> Iterable[str]:
    from tests.cases.build import BUILDERS

    return BUILDERS


def load(folder: Path = FOLDER) -> dict[str, list[Case]]:
    """Rule id (the file's name) -> its cases, for every case file of the folder."""
    return {p.stem: read_file(p) for p in sorted(folder.glob("*.toml"))}


def every_case(folder: Path = FOLDER) -> list[Case]:
    return [c for cases in load(folder).values() for c in cases]


def named(rule: str, name: str) -> Case:
    return next(c for c in load()[rule] if c.name == name)


def rule_of(message: str) -> str:
    """The rule whose message template `message` is written from: of the templates it fits, the one with the
    most fixed words (a template of fields alone, such as E3's, fits anything); "?" if none fits."""
    fits = [(len(words), rid) for rid, (words, pattern) in _templates().items() if pattern.fullmatch(message)]
    best = max(fits, default=(0, "?"))
    return best[1] if best[0] else "?"


@functools.cache
def _templates() -> dict[str, tuple[str, re.Pattern[str]]]:
    from govxl.rules import CATALOGUE

    out = {}
    for rule in CATALOGUE:
        parts = re.split(r"\{[^}]*\}", rule.template)
        out[rule.id] = ("".join(parts), re.compile(".+?".join(map(re.escape, parts)), re.S))
    return out


def compact(findings: Iterable[Finding]) -> set[tuple[str, str, str]]:
    return {f.compact() for f in findings}
