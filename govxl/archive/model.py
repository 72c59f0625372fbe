"""The archive's values: what an add did, one unit's standing for a year, one stored submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from govxl.errors import GovxlError
from govxl.findings import FileReport

MISSING, HAS_ERRORS, TO_VERIFY, PASSED = "未报送", "有错误", "待核实", "已通过"
STATUSES = (MISSING, HAS_ERRORS, TO_VERIFY, PASSED)


def status_of(errors: int, warnings: int) -> str:
    """A stored submission's standing: errors first, then unexplained warnings (待核实), else 已通过."""
    if errors:
        return HAS_ERRORS
    return TO_VERIFY if warnings else PASSED


class UnitMismatch(GovxlError):
    """The workbook's 填报单位 is another unit than the one it was uploaded for."""


@dataclass
class Added:
    """What `Archive.add` did with one file. `submission_id` is None when nothing was stored (unreadable,
    skipped, or lacking 填报单位/报告年度: `report.problem` or `report.skipped` says why). `duplicate`: the
    same bytes are already the unit-year's current submission, which is returned instead of a copy."""

    submission_id: int | None
    report: FileReport
    unit: str = ""
    year: int | None = None
    status: str = ""
    errors: int = 0
    warnings: int = 0
    previous_id: int | None = None  # the submission the cross-year rules (X1–X4) were checked against
    duplicate: bool = False
    previous_label: str = ""  # that submission as a person names it: #id 单位 年度（文件名）
    supersedes: int | None = None  # the unit-year's submission this one replaced as current


@dataclass
class UnitStatus:
    unit: str
    status: str
    errors: int
    warnings: int
    submitted_at: datetime | None
    submission_id: int | None
    in_roster: bool
    level: str = ""  # 单位类型, from the roster


@dataclass
class Submission:
    id: int
    unit: str
    year: int
    edition: str
    filename: str
    submitted_at: datetime
    sha256: str
    status: str
    errors: int
    warnings: int
    supersedes: int | None
    current: bool
    template_version: str = ""
    previous_id: int | None = None
    size: int = 0

    def label(self) -> str:
        return f"#{self.id} {self.unit} {self.year} 年度（{self.filename}）"
