"""Web pages: the libxml2 reading gives the text the standard library's parser gave, and a page padded to
megabytes of table is read whole (the time per MB is in benchmarks/extract.py, not asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.extract import as_html, padded_page
from govxl.extract import extract, workbook_values
from govxl.extract.html import _Text, html_to_text
from tests.conftest import corpus_file


def _stdlib(html: str) -> str:
    text = _Text()
    text.feed(html)
    text.close()
    text._flush()
    return "\n".join(text.lines)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a &amp; b &lt;c&gt;<!-- 注释 -->d</p>",
        "<html><head><title>年报</title><style>p{color:red}</style></head><body><p>一、总体情况</p></body></html>",
        "<table><tr><td>本年新收<br>申请</td><td> 12 </td><td></td></tr></table><p>后文</p>",
        "<div>甲<span>乙</span>丙<div>丁</div></div><script>var s = '<td>假</td>';</script>戊",
        "<TABLE><TR><TH>信息内容</TH><TD>&#20840;&nbsp;年</TD></TR></TABLE>",
        "纯文本，没有标签",
    ],
)
def test_same_text_as_the_standard_parser(html: str) -> None:
    assert html_to_text(html) == _stdlib(html)


def test_seed_page_same_text_as_the_standard_parser() -> None:
    page = as_html(corpus_file("002_linzi_gov_office_2024.txt").read_text(encoding="utf-8"))
    assert html_to_text(page) == _stdlib(page)


def test_a_page_padded_with_megabytes_of_table_keeps_its_numbers(tmp_path: Path) -> None:
    """2 MB of extra table rows before section 三's table (no label the reader knows): its numbers stay."""
    seed = corpus_file("002_linzi_gov_office_2024.txt").read_text(encoding="utf-8")
    small, big = tmp_path / "small.html", tmp_path / "big.html"
    small.write_text(as_html(seed), encoding="utf-8")
    big.write_text(padded_page(seed, 2 * 1024 * 1024), encoding="utf-8")
    assert big.stat().st_size > 2 * 1024 * 1024
    a, b = extract(small), extract(big)
    assert workbook_values(b) == workbook_values(a)
    assert a.found == b.found > 100 and a.unit == "临淄区人民政府办公室"
