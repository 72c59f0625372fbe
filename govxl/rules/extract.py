"""Extraction (E1–E3): what reading a published report could and could not find in its tables."""

from __future__ import annotations

from govxl.rules.registry import INFO, Rule, W, register

FAMILY = register(
    Rule(
        "E1",
        W,
        "公布的表格完整",
        "{where}：在公布的报告中未找到（{count} 格；表格被截断或缺少这部分），未作推测",
        "抽取公布的报告时，找不到的数字如实报告为缺失，不会按0或推算补上。",
        "抽取",
    ),
    Rule(
        "E2",
        INFO,
        "公布的标签与官方格式一致",
        "公布的标签“{actual}”与官方格式“{expected}”不同，已按官方格式对应",
        "公布的报告常有标点、换行或错字上的差异；差异较大时请核对是否对应正确。",
        "抽取",
    ),
    Rule(
        "E3",
        INFO,
        "抽取时的推定",
        "{note}",
        "公布的表格与官方格式的排列不同时，抽取按最可能的对应读取，并在此说明。",
        "抽取",
    ),
)
