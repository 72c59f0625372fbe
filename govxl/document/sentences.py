"""Sentences that state numbers of the tables, generated from the filing, so they are right by construction.

Every count is the table's; every percentage is a count over the same base the prose rule N5 accepts first
(the （七）总计 of table 三), rounded as N5 rounds, to two decimals — and never nudged to make the shares add up
to 100%. Each sentence is worded so that the prose rule that reads its kind of statement (N1–N10) reads it;
the round-trip tests run `extract --check` on generated reports to hold that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govxl.values import show

if TYPE_CHECKING:
    from govxl.validation.prose import TableValues


def _n(value: float) -> str:
    return show(value)


def share(count: float, base: float) -> str:
    """count / base as a percentage the way N5 rounds it (half up at two decimals), trailing zeros dropped."""
    pct = round(100 * count / base + 1e-12, 2)
    text = f"{pct:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def applications(nums: TableValues) -> list[str]:
    """一（二）依申请公开: received, carried over, answered with each outcome's share, carried forward, and
    the 复议/诉讼 of table 四. None when a number it needs is not usable (a draft of a faulty workbook)."""
    new, carried, done, forward = (nums.count(name) for name in ("new", "carried", "done", "forward"))
    if new is None or carried is None or done is None or forward is None:
        return []
    out = []
    received = f"本年度共收到政府信息公开申请{_n(new)}件" if new else "本年度未收到政府信息公开申请"
    out.append(f"{received}，上年结转申请{_n(carried)}件。")
    answered = f"本年度作出答复{_n(done)}件"
    parts = []
    for name, codes in nums.ed.prose.listed:  # the outcome groups the sentence lists, as N4 reads them
        count = nums.get(*codes)
        if count is None:
            return []
        parts.append(f"{name}{_n(count)}件" + (f"，占{share(count, done)}%" if done else ""))
    out.append(f"{answered}，其中" + "，".join(parts) + "。" if done else f"{answered}。")
    out.append(f"结转下年度继续办理{_n(forward)}件。")
    out.extend(reviews(nums))
    return out


def reviews(nums: TableValues) -> list[str]:
    review, suits = nums.count("review"), nums.count("suits")
    if review is None or suits is None:
        return []
    if not review and not suits:
        return ["本年度未因政府信息公开被申请行政复议、提起行政诉讼。"]
    return [f"本年度因政府信息公开被申请行政复议{_n(review)}件，提起行政诉讼{_n(suits)}件。"]


def disclosure(nums: TableValues) -> list[str]:
    """一（一）主动公开: a sentence for each of some rows of table 二 (规章, 规范性文件), named by their
    labels, in the words of its columns, both the edition's (spec: prose.disclosure; 2021: 本年制发 / 本年废止
    / 现行有效, 2019: 本年新制作 / 本年新公开 / 对外公开总数量). 规章 only when there are any: most offices
    cannot make them."""
    said = nums.ed.prose.disclosure
    if said is None:
        return []
    out = []
    for row, label, cells in said.rows:
        counts = {column: nums.get(code) for column, code in cells}
        if any(n is None for n in counts.values()):
            continue
        if row in said.only_if_any and not any(counts.values()):
            continue
        out.append(said.text.format(label=label, **{column: _n(n or 0) for column, n in counts.items()}))
    return out


def fees(nums: TableValues) -> list[str]:
    """六（一）: what table 三 says of fees — the applications not handled because a fee notice went unpaid.
    How much 信息处理费 was collected is not in the tables: the office writes that itself."""
    count = nums.count("unpaid_fee")  # None too where the edition has no such row
    if count is None:
        return []
    return [f"本年度因申请人逾期未按收费通知要求缴纳费用、行政机关不再处理的政府信息公开申请{_n(count)}件。"]
