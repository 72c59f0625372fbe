"""govxl: the annual government-information-disclosure report (政府信息公开工作年度报告) as checked workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govxl.findings import FileReport, Finding, Severity

__version__ = "0.1.0"


def template(path: str | Path, edition: str | None = None, values: dict[str, Any] | None = None) -> Path:
    """Write the fillable workbook (blank, or filled with `values` by cell code) to `path`."""
    from govxl.spec import default_edition
    from govxl.workbook import write_template

    out = Path(path)
    write_template(out, edition or default_edition(), values, overwrite=True)
    return out


def check(path: str | Path, edition: str | None = None) -> FileReport:
    """Check one filled workbook; the report lists every finding (rule, severity, message, cells)."""
    from govxl.checker import check as check_one

    return check_one(path, edition)


def __getattr__(name: str) -> Any:
    """The records, imported when first asked for: starting the command imports as little as it can."""
    if name in ("FileReport", "Finding", "Severity"):
        from govxl import findings

        return getattr(findings, name)
    raise AttributeError(name)


__all__ = ["FileReport", "Finding", "Severity", "__version__", "check", "template"]
