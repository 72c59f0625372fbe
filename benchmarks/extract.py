"""Time per report of `govxl extract`'s reading, by input kind (medians, in-process, after one warm-up).

    python benchmarks/extract.py [--runs 5]

Text: the seed report (corpus 002); HTML: the same report as a web page, and that page with 1, 4 and 10 MB of
table rows inside section 三 (linear: the time per MB must not grow); PDF: the six-page c01 report.
Targets on a 2-core machine: under 50 ms for HTML and text, under 1 s for a six-page PDF, and about 1 s per MB
for a big page (html.parser took 3–19 s per MB)."""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from govxl.extract import extract

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def as_html(text: str) -> str:
    out = ["<html><body>"]
    for block in re.split(r"\n\s*\n", text):
        cells = [c.strip() for c in block.split("\n\t") if c.strip()]
        if block.lstrip("\n").startswith("\t") and cells:
            out.append("<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>")
        else:
            out += [f"<p>{line}</p>" for line in block.splitlines() if line.strip()]
    return "\n".join(out) + "</body></html>"


def padded_page(text: str, size: int) -> str:
    """The report as a web page with `size` bytes of extra table rows, each different ("其他事项k" and seven
    numbers, which no official label matches), between section 三's heading and its table: every row label is
    looked for through them."""
    page = as_html(text)
    at = page.index("<p>三、")
    at += page[at:].index("</p>") + len("</p>")
    rows: list[str] = []
    done, k = 0, 0
    while done < size:
        row = f"<tr><td>其他事项{k}</td>" + "".join(f"<td>{k * 7 + i}</td>" for i in range(7)) + "</tr>\n"
        rows.append(row)
        done += len(row.encode())
        k += 1
    return page[:at] + "<table>" + "".join(rows) + "</table>" + page[at:]


def median_ms(path: Path, runs: int) -> float:
    extract(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seed = CORPUS / "002_linzi_gov_office_2024.txt"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "seed.html"
        page.write_text(as_html(seed.read_text(encoding="utf-8")), encoding="utf-8")
        for kind, path in (
            ("text (corpus 002)", seed),
            ("HTML (corpus 002 as a page)", page),
            ("PDF, 6 pages (corpus c01)", CORPUS / "pdf" / "c01_huaian_city_gov_2024.pdf"),
        ):
            print(f"{kind:<32} {median_ms(path, args.runs):8.1f} ms per report")
        for mb in (1, 4, 10):
            big = Path(tmp) / f"big{mb}.html"
            big.write_text(padded_page(seed.read_text(encoding="utf-8"), mb * 1024 * 1024), encoding="utf-8")
            ms = median_ms(big, 1)
            print(f"{f'HTML + {mb} MB of table':<32} {ms:8.1f} ms per report {ms / mb:8.1f} ms per MB")


if __name__ == "__main__":
    main()
