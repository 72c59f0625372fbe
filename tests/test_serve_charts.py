"""The board's charts: the day-by-day standing of the roster, and the SVG drawn from it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from govxl.archive import Submission
from govxl.serve.board import progress
from govxl.serve.charts import progress_svg, top_findings_svg

SVG = "{http://www.w3.org/2000/svg}"


def _sub(id: int, unit: str, when: datetime, status: str) -> Submission:
    return Submission(id, unit, 2024, "2021", f"{id}.xlsx", when, "0" * 64, status, 0, 0, None, True)


def test_progress_counts_each_roster_unit_at_its_last_status_of_each_day() -> None:
    subs = [
        _sub(1, "甲", datetime(2025, 1, 10, 9), "有错误"),
        _sub(2, "甲", datetime(2025, 1, 11, 16), "已通过"),
        _sub(3, "乙", datetime(2025, 1, 11, 8), "待核实"),
        _sub(4, "名单外", datetime(2025, 1, 11, 8), "已通过"),
    ]
    days = progress(subs, ["甲", "乙", "丙"], date(2025, 1, 12))
    assert days == [
        (date(2025, 1, 10), {"有错误": 1, "未报送": 2}),
        (date(2025, 1, 11), {"已通过": 1, "待核实": 1, "未报送": 1}),
        (date(2025, 1, 12), {"已通过": 1, "待核实": 1, "未报送": 1}),
    ]
    assert progress([], ["甲"], date(2025, 1, 12)) == []


def test_charts_are_well_formed_svg_with_the_text_escaped() -> None:
    days = progress([_sub(1, "甲", datetime(2025, 1, 10, 9), "有错误")], ["甲", "乙"], date(2025, 1, 11))
    root = ET.fromstring(progress_svg(days))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [r.find(f"{SVG}title").text for r in bars] == [  # type: ignore[union-attr]
        "01-10 有错误 1",
        "01-10 未报送 1",
        "01-11 有错误 1",
        "01-11 未报送 1",
    ]
    top = top_findings_svg([("R3.1", "<script>alert(1)</script>", 3), ("R2.1", "甲", 1)])
    root = ET.fromstring(top)  # parses: nothing unescaped
    assert "<script>" not in top and "&lt;script&gt;" in top
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 3 * widths[1]
