"""The cover sheet (C1–C4): the entries that identify the unit and its year."""

from __future__ import annotations

from govxl.rules.registry import E, Rule, W, register

FAMILY = register(
    Rule("C1", W, "封面项未填", "封面“{label}”未填写", "填报单位、报告年度、单位类型用于汇总和规章核对。", "封面"),
    Rule("C2", E, "报告年度无效", "报告年度“{raw}”不是有效的年份", "报告年度是四位年份。", "封面"),
    Rule(
        "C3",
        W,
        "单位类型是官方选项之一",
        "封面“{label}”为“{actual}”，不在官方选项中（{options}）：无法判断有无规章制定权，请从下拉列表中选择",
        "单位类型决定规章一栏能否不为0；选项以外的写法按未填处理，规章不为0时提示核实（R2.2U）。",
        "封面",
    ),
    Rule(
        "C4",
        W,
        "封面项不超过规定长度",
        "封面“{label}”长达 {actual} 字，超过 {limit} 字：请只填写机关全称等规定内容",
        "过长的内容不是机关名称，汇总表和校验结果也无法完整保存（表格单元格最多 32767 字）。",
        "封面",
    ),
)
