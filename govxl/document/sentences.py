"""Sentences that state numbers of the tables, generated from the filing, so they are right by construction.

Every count is the table's; every percentage is a count over the same base the prose rule N5 accepts first
(the （七）总计 of table 三), rounded as N5 rounds, to two decimals — and never nudged to make the shares add up
to 100%. Each sentence is worded so that the prose rule that reads its kind of statement (N1–N10) reads it;
the round-trip tests run `extract --check` on generated reports to hold that.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import cache

from govxl.spec import Edition, load_edition
from govxl.values import show


def _n(value: float) -> str:
    return show(value)


def share(count: float, base: float) -> str:
    """count / base as a percentage the way N5 rounds it (half up at two decimals), trailing zeros dropped."""
    pct = round(100 * count / base + 1e-12, 2)
    text = f"{pct:.2f}".rstrip("0").rstrip(".")
    return text or "0"


@cache
def outcome_groups(edition: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, total cells) of each 办理结果 of table 三, from the spec's row tree: 予以公开 -> (t3_open_total,),
    不予公开 -> its eight items' totals. The name is the official label without its number and its note."""
    ed = load_edition(edition)
    result = next(n for b in ed.table("t3").blocks for n in b.rows if n.children)
    out = []
    for node in result.children:
        if node.code == "done":
            continue
        name = re.sub(r"^（[一二三四五六七八九十]+）", "", node.label).split("（", 1)[0]
        out.append((name, tuple(f"t3_{leaf.code}_total" for leaf in node.leaves())))
    return tuple(out)


class Numbers:
    """The filing's numbers by code (inputs and totals); `get` is None where a number is not usable."""

    def __init__(self, edition: Edition, values: Mapping[str, float]) -> None:
        self.ed = edition
        self.values = values

    def get(self, *codes: str) -> float | None:
        total = 0.0
        for code in codes:
            v = self.values.get(code)
            if v is None or math.isnan(v):
                return None
            total += v
        return total


def applications(nums: Numbers) -> list[str]:
    """一（二）依申请公开: received, carried over, answered with each outcome's share, carried forward, and
    the 复议/诉讼 of table 四. None when a number it needs is not usable (a draft of a faulty workbook)."""
    new, carried, done, forward = (nums.get(f"t3_{row}_total") for row in ("new", "carried", "done", "forward"))
    if new is None or carried is None or done is None or forward is None:
        return []
    out = []
    received = f"本年度共收到政府信息公开申请{_n(new)}件" if new else "本年度未收到政府信息公开申请"
    out.append(f"{received}，上年结转申请{_n(carried)}件。")
    answered = f"本年度作出答复{_n(done)}件"
    parts = []
    for name, codes in outcome_groups(nums.ed.edition):
        count = nums.get(*codes)
        if count is None:
            return []
        parts.append(f"{name}{_n(count)}件" + (f"，占{share(count, done)}%" if done else ""))
    out.append(f"{answered}，其中" + "，".join(parts) + "。" if done else f"{answered}。")
    out.append(f"结转下年度继续办理{_n(forward)}件。")
    out.extend(reviews(nums))
    return out


def reviews(nums: Numbers) -> list[str]:
    review = nums.get("t4_review_total")
    suits = nums.get("t4_direct_total", "t4_after_total")
    if review is None or suits is None:
        return []
    if not review and not suits:
        return ["本年度未因政府信息公开被申请行政复议、提起行政诉讼。"]
    return [f"本年度因政府信息公开被申请行政复议{_n(review)}件，提起行政诉讼{_n(suits)}件。"]


def disclosure(nums: Numbers) -> list[str]:
    """一（一）主动公开: the 规章 and 规范性文件 rows of table 二, named by their labels, in the words of its
    columns (2021: 本年制发 / 本年废止 / 现行有效; 2019: 本年新制作 / 本年新公开 / 对外公开总数量). 规章 only when
    there are any: most offices cannot make them."""
    modern = "t2_norm_valid" in nums.ed.cells
    columns = ("made", "repealed", "valid") if modern else ("made", "published", "public_total")
    out = []
    for row in ("rule", "norm"):
        counts = [nums.get(f"t2_{row}_{c}") for c in columns]
        if any(n is None for n in counts):
            continue
        a, b, c = (_n(n or 0) for n in counts)
        if row == "rule" and not any(counts):
            continue
        name = nums.ed.cells[f"t2_{row}_made"].row_labels[-1]
        if modern:
            out.append(f"本年度制发{name}{a}件，废止{b}件，现行有效{name}{c}件。")
        else:
            out.append(f"本年度新制作{name}{a}件，新公开{b}件，对外公开{name}总数{c}件。")
    return out


def fees(nums: Numbers) -> list[str]:
    """六（一）: what table 三 says of fees — the applications not handled because a fee notice went unpaid.
    How much 信息处理费 was collected is not in the tables: the office writes that itself."""
    if "t3_otherwise_nofee_total" not in nums.ed.cells:
        return []
    count = nums.get("t3_otherwise_nofee_total")
    if count is None:
        return []
    return [f"本年度因申请人逾期未按收费通知要求缴纳费用、行政机关不再处理的政府信息公开申请{_n(count)}件。"]
