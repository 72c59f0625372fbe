"""Time of writing one govxl workbook: the skeleton filled (govxl.workbook.render) beside xlsxwriter writing it
cell by cell (render_directly), for the shapes govxl writes.

    python benchmarks/render.py [--runs 50]

Shapes: the blank template; a filled one (a unit's workbook, the example); an extraction's (printed totals in
place of formulas, a hint, a property and four data sheets); a merge's provenance of 200 units. Prints the
median milliseconds of each, warm (the skeleton written once before timing), and the first call's time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govxl.datasheets import DataSheet  # noqa: E402
from govxl.spec import load_edition  # noqa: E402
from govxl.workbook import render, render_directly  # noqa: E402


def shapes() -> dict[str, dict[str, Any]]:
    ed = load_edition("2021")
    values: dict[str, Any] = {c: (i % 17) for i, c in enumerate(ed.input_codes) if ed.cells[c].table}
    values.update(unit="某某区人民政府办公室", year=2024, level="县级人民政府", contact="张三", phone="0000")
    published = {c: 5 for c in list(ed.total_codes)[:6]}
    extraction = {
        "values": values,
        "hints": {"unit": "抽取自：某某区2024年报告.txt"},
        "properties": {"govxl-extracted": "某某区2024年报告.txt"},
        "published": published,
        "extra": [
            DataSheet(
                "公布的总计",
                [["工作表", "单元格", "项目", "公布的数", "按分项计算"]],
                [["表三", "J5", "", 5, 6]] * 3,
                3,
            ),
            DataSheet("正文", [["章节", "内容"]], [["一、总体情况", "正文" * 200]] * 6, 6),
            DataSheet("抽取说明", [["级别", "规则", "位置", "说明"]], [["提示", "E1", "表三", "说明"]] * 4, 4),
            DataSheet("记录", [["规则", "位置"]], [["R3.1", "J5"]] * 5, 5, hidden=True),
        ],
    }
    units = [[f"第{i:05d}号单位", 2024, "0" * 64, f"u{i}.xlsx"] for i in range(200)]
    merged = {
        "values": values,
        "properties": {"govxl-merged": "200"},
        "extra": [DataSheet("单位", [["填报单位", "报告年度", "SHA-256", "来源文件"]], units, len(units))],
    }
    return {"空白模板": {}, "填好的报表": {"values": values}, "抽取结果": extraction, "200 个单位的汇总": merged}


def median_ms(fn: Callable[[], bytes], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"{'形状':<14}{'首次（毫秒）':>12}{'填入骨架（毫秒）':>16}{'xlsxwriter 逐格（毫秒）':>22}{'倍数':>8}")
    for name, kwargs in shapes().items():
        start = time.perf_counter()
        render("2021", **kwargs)  # writes this shape's skeleton
        first = 1000 * (time.perf_counter() - start)
        fast = median_ms(lambda kw=kwargs: render("2021", **kw), args.runs)
        direct = median_ms(lambda kw=kwargs: render_directly("2021", **kw), max(5, args.runs // 5))
        print(f"{name:<14}{first:>12.1f}{fast:>16.2f}{direct:>22.1f}{direct / fast:>8.1f}")


if __name__ == "__main__":
    main()
