"""What a merge knows of each input file (Entry), what it returns (MergeResult), and the words it uses:
the statuses a file can end in and the names of the provenance sheets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govxl.filing import Filing
from govxl.findings import Finding, Severity
from govxl.intake import PROP_MERGED

INCLUDED = "已汇总"
INVALID = "未汇总（有错误）"
DUPLICATE = "重复（内容相同）"
SUPERSEDED = "被新版本替代"
WRONG_YEAR = "年度不符"
WRONG_EDITION = "版本不符"
UNREADABLE = "无法读取"
MISSING = "未报送"
OUTSIDE = "名单外"
COUNTED_TWICE = "重复计入"
STATUSES = (
    INCLUDED,
    INVALID,
    DUPLICATE,
    SUPERSEDED,
    WRONG_YEAR,
    WRONG_EDITION,
    UNREADABLE,
    COUNTED_TWICE,
    OUTSIDE,
    MISSING,
)

SOURCES_SHEET = "来源明细"
PROBLEMS_SHEET = "问题清单"
STATUS_SHEET = "报送情况"
UNITS_SHEET = "汇总单位名单"
SHOWN = 30  # files left out that the summary names one by one; all are in 报送情况


@dataclass
class Entry:
    """One input file and what became of it."""

    path: Path
    filing: Filing | None = None
    problem: str = ""
    mtime: float = 0.0
    inner: list[tuple[str, int | None, str]] = field(default_factory=list)  # units inside a merged input
    findings: list[Finding] = field(default_factory=list)
    status: str = ""
    reason: str = ""
    shown: str = ""  # what the user knows the file as, when not its path (an archive's submission)

    @property
    def name(self) -> str:
        """The file as the sheets and summaries name it."""
        return self.shown or str(self.path)

    @property
    def short(self) -> str:
        """The file as a message about another file names it in passing."""
        return self.shown or self.path.name

    @property
    def unit(self) -> str:
        return self.filing.unit if self.filing else ""

    @property
    def year(self) -> int | None:
        return self.filing.year if self.filing else None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def merged(self) -> bool:
        return bool(self.filing and PROP_MERGED in self.filing.properties)


@dataclass
class MergeResult:
    output: Path | None
    year: int | None
    edition: str
    entries: list[Entry]
    missing: list[str]  # roster units with no file
    sums: dict[str, float]
    problems: list[str]  # merge-level problems (a unit inside two merged inputs)
    units: list[tuple[str, int | None, str, str]]  # every unit summed: name, year, sha-256, via which file

    @property
    def exit_code(self) -> int:
        if self.output is None:
            return 2
        complete = all(e.status == INCLUDED for e in self.entries) and not self.missing and not self.problems
        return 0 if complete else 1

    def counts(self) -> dict[str, int]:
        c = Counter(e.status for e in self.entries)
        c[MISSING] = len(self.missing)
        return {s: c[s] for s in STATUSES if c[s]}
