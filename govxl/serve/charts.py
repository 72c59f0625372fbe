"""The board's two small charts, drawn on the server as SVG (no script, no resource from outside): the year's
progress day by day, and the findings most frequent across units. Colours are presentation attributes, not
style attributes, so that the pages' Content-Security-Policy needs no 'unsafe-inline'."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

COLOURS = {"已通过": "#2e7d32", "待核实": "#f9a825", "有错误": "#c62828", "未报送": "#b0bec5"}
ORDER = ("已通过", "待核实", "有错误", "未报送")


def progress_svg(days: Sequence[tuple[date, Mapping[str, int]]], width: int = 640, height: int = 220) -> str:
    """One stacked bar per day: how many roster units stood at each status at that day's end."""
    if not days:
        return _empty(width, "尚无报送")
    total = max(sum(counts.values()) for _, counts in days) or 1
    left, top, bottom = 36, 26, 34
    plot_h = height - top - bottom
    step = (width - left - 8) / len(days)
    bar = max(min(step * 0.8, 40), 1)
    parts = [_open(width, height, "报送进度（按天）")]
    parts.append(_legend(left, 14))
    for tick in (0, total):
        y = top + plot_h - plot_h * tick / total
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    every = max(1, len(days) // 8)
    for i, (day, counts) in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for status in ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / total
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLOURS[status]}">'
                f"<title>{day:%m-%d} {status} {n}</title></rect>"
            )
        if i % every == 0 or i == len(days) - 1:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11">{day:%m-%d}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def top_findings_svg(items: Sequence[tuple[str, str, int]], width: int = 640) -> str:
    """(rule, title, units) of at most ten rules, as horizontal bars: how many units each one concerns."""
    if not items:
        return _empty(width, "当年报送的报表中没有问题")
    row, label_w = 24, 300
    height = 30 + row * len(items)
    most = max(n for *_, n in items) or 1
    parts = [_open(width, height, "最常见的问题（涉及单位数）")]
    for i, (rule, title, n) in enumerate(items):
        y = 20 + i * row
        w = (width - label_w - 40) * n / most
        label = f"{rule} {title}"
        if len(label) > 22:
            label = label[:21] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#1565c0">'
            f"<title>{escape(rule)} {escape(title)}：{n} 个单位</title></rect>"
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif"><title>{escape(title)}</title>'
    )


def _legend(x: int, y: int) -> str:
    parts = []
    for status in ORDER:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{status}</text>')
        x += 70
    return "".join(parts)


def _empty(width: int, text: str) -> str:
    return f'{_open(width, 40, text)}<text x="8" y="24" font-size="13">{escape(text)}</text></svg>'
