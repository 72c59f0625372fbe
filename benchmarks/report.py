"""Time to write one report with `govxl report`'s writers (medians, in-process, after one warm-up).

    python benchmarks/report.py [--runs 20]

Wall-clock medians, and for writing both files the CPU time as well. The Linzi example workbook, with and
without the seed report's own text (corpus 002) as --text: composing the document, writing the .docx, writing
the .html; then the whole command as a library call (check the workbook as `govxl check` does, check the
prose, write both files), which is what a user waits for."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from govxl.document import compose, make_report, render_docx, render_html
from govxl.document.text import read_office_text
from govxl.reader import read_filing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "linzi_gov_office_2024.xlsx"
SEED = ROOT.parent / "shared" / "corpus" / "002_linzi_gov_office_2024.txt"


def median_ms(work: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter) -> float:
    work()
    times = []
    for _ in range(runs):
        start = clock()
        work()
        times.append(clock() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    filing = read_filing(EXAMPLE)
    office = read_office_text(SEED) if SEED.exists() else None
    for label, text in (("占位提示", None), ("002 原文", office)):
        if label != "占位提示" and text is None:
            continue
        doc = compose(filing, text)
        both = median_ms(lambda d=doc: (render_docx(d), render_html(d)), runs)
        # CPU time too: on a shared machine the wall clock also counts the others' work
        cpu = median_ms(lambda d=doc: (render_docx(d), render_html(d)), runs, time.process_time)
        print(
            f"{label}：组成文档 {median_ms(lambda t=text: compose(filing, t), runs):.1f} ms，"
            f"Word {median_ms(lambda d=doc: render_docx(d), runs):.1f} ms，"
            f"网页 {median_ms(lambda d=doc: render_html(d), runs):.2f} ms，"
            f"两者合计 {both:.1f} ms（CPU {cpu:.1f} ms）"
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        seed = SEED if SEED.exists() else None
        whole = median_ms(
            lambda: make_report(EXAMPLE, out / "r.docx", out / "r.html", seed, overwrite=True), max(runs // 4, 3)
        )
    print(f"整个 govxl report（校验填报表、核对正文、写出两个文件）：{whole:.0f} ms")


if __name__ == "__main__":
    main()
