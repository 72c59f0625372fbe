"""What a merge says when it is done: the summary as JSON and as text."""

from __future__ import annotations

from typing import Any

from govxl.merge.entries import INCLUDED, MISSING, SHOWN, STATUS_SHEET, MergeResult


def summary_json(result: MergeResult) -> dict[str, Any]:
    return {
        "output": str(result.output) if result.output else None,
        "year": result.year,
        "edition": result.edition,
        "inputs": len(result.entries),
        "included": sum(e.status == INCLUDED for e in result.entries),
        "units": len(result.units),
        "statuses": result.counts(),
        "missing": result.missing,
        "problems": result.problems,
        "files": [
            {
                "path": e.name,
                "unit": e.unit or None,
                "year": e.year,
                "status": e.status,
                "reason": e.reason or None,
                "errors": e.errors,
                "warnings": e.warnings,
                "sha256": e.filing.sha256 if e.filing else None,
            }
            for e in result.entries
        ],
        "sums": result.sums,
    }


def summary_text(result: MergeResult) -> str:
    counts = result.counts()
    lines = []
    if result.output:
        lines.append(
            f"已汇总 {len(result.units)} 个单位，写入 {result.output}（{result.year or '未知'}年度，"
            f"{result.edition} 版）"
        )
    else:
        lines.append("没有可汇总的单位，未写出汇总表")
    lines.append(
        f"输入文件 {len(result.entries)} 个：" + "，".join(f"{s} {n}" for s, n in counts.items() if s != MISSING)
    )
    if result.missing:
        shown = "、".join(result.missing[:10]) + ("等" if len(result.missing) > 10 else "")
        lines.append(f"名单中未报送 {len(result.missing)} 个：{shown}")
    for text in result.problems:
        lines.append(f"问题：{text}")
    left_out = [e for e in result.entries if e.status != INCLUDED]
    for e in left_out[:SHOWN]:
        lines.append(f"  {e.status}：{e.name}" + (f"（{e.reason}）" if e.reason else ""))
    if len(left_out) > SHOWN:
        lines.append(f"  ……另有 {len(left_out) - SHOWN} 个文件未汇总，见结果中的“{STATUS_SHEET}”表")
    return "\n".join(lines) + "\n"
