"""govxl: the annual government-information-disclosure report (政府信息公开工作年度报告) as checked workbooks."""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path
from typing import Any


def template(path: str | Path, edition: str = "2021", values: dict[str, Any] | None = None) -> Path:
    """Write the fillable workbook (blank, or filled with `values` by cell code) to `path`."""
    from govxl.template import write_template

    out = Path(path)
    write_template(out, edition, values, overwrite=True)
    return out


__all__ = ["__version__", "template"]
