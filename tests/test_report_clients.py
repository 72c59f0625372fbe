"""The generated report in the programs it is opened with: LibreOffice converts the .docx to PDF (A4, every
page of a draft marked), headless Chromium renders the .html (semantic tables, nothing fetched from outside,
readable on a phone, 草稿 on every printed page of a draft). The pictures in docs/report.md are these
renderings: the test fails when they are stale; GOVXL_UPDATE_GOLDEN=1 writes them anew."""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govxl.document import make_report
from govxl.document.compose import numbers_of
from govxl.extract import extract
from govxl.reader import read_filing
from tests.conftest import NO_OMNIBOX_POPUP, ROOT, Convert, disabled_features

EXAMPLE = ROOT / "examples" / "linzi_gov_office_2024.xlsx"
WITH_ERRORS = ROOT / "examples" / "with_errors_2024.xlsx"
IMAGES = ROOT / "docs" / "images"
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "六、其他需要报告的事项",
)
LABELS = ("申请人情况", "一、本年新收政府信息公开申请数量", "（七）总计", "复议后起诉")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's final report and the faulty workbook's draft, each as .docx and .html."""
    folder = tmp_path_factory.mktemp("reports")
    final = make_report(EXAMPLE, folder / "final.docx", folder / "final.html")
    draft = make_report(WITH_ERRORS, folder / "draft.docx", folder / "draft.html", draft=True)
    assert len(final.written) == len(draft.written) == 2
    return {Path(p).name: Path(p) for p in final.written + draft.written}


@pytest.fixture(scope="module")
def pdfs(
    soffice_convert: Convert, reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Both .docx converted by a real headless LibreOffice (this test process's own profile), in one call."""
    out = tmp_path_factory.mktemp("pdf")
    docs = [reports["final.docx"], reports["draft.docx"]]
    soffice_convert(docs, out, "pdf")
    written = {p.stem: out / f"{p.stem}.pdf" for p in docs}
    assert all(p.exists() for p in written.values()), sorted(out.iterdir())
    return written


@functools.cache  # the module's PDFs are written once and read by several tests
def page_texts(pdf: Path) -> list[tuple[str, float, float]]:
    """Each page's text and size (points), as poppler reads the PDF (pdftotext, pdfinfo): a reader other than
    the extractor's pdfplumber, and one that takes a fraction of its time."""
    tools = {name: shutil.which(name) for name in ("pdftotext", "pdfinfo")}
    if not all(tools.values()):
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but poppler-utils (pdftotext, pdfinfo) is missing")
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed")
    run = functools.partial(subprocess.run, capture_output=True, text=True, check=True, timeout=120)
    texts = run([tools["pdftotext"], "-enc", "UTF-8", str(pdf), "-"]).stdout.split("\f")[:-1]  # ends each page
    info = run([tools["pdfinfo"], "-f", "1", "-l", str(len(texts)), str(pdf)]).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.MULTILINE)
    assert len(sizes) == len(texts), info
    return [(text, float(w), float(h)) for text, (w, h) in zip(texts, sizes, strict=True)]


def test_libreoffice_converts_the_report_to_a4_pdf(pdfs: dict[str, Path]) -> None:
    final, draft = page_texts(pdfs["final"]), page_texts(pdfs["draft"])
    for pages in (final, draft):
        assert len(pages) >= 3
        assert all(math.isclose(w, 595.3, abs_tol=1) and math.isclose(h, 841.9, abs_tol=1) for _, w, h in pages)
    text = "\n".join(t for t, _, _ in final)
    assert all(h in text for h in HEADINGS)
    assert all(label in text for label in LABELS)
    assert all("草稿" not in t for t, _, _ in final)
    assert all("草稿" in t for t, _, _ in draft)  # in the header of every page


def test_the_pdf_libreoffice_prints_holds_the_workbooks_numbers(pdfs: dict[str, Path]) -> None:
    """What a reader of the printed report sees is what the workbook says: the PDF, read by the extractor."""
    x = extract(pdfs["final"])
    got = {c: v for c, v in x.filing.inputs.items() if not math.isnan(v)} | x.published_totals
    assert got == numbers_of(read_filing(EXAMPLE))


@pytest.fixture(scope="module")
def pages(browser: Any, reports: dict[str, Path]) -> Iterator[dict[str, tuple[Any, list[str]]]]:
    """The final report's page and the draft's, each opened once for the module (a new page is a renderer
    of its own to start), with the addresses its load asked for; a test sets the window size it needs."""
    opened: dict[str, tuple[Any, list[str]]] = {}
    for name in ("final.html", "draft.html"):
        page = browser.new_page(viewport={"width": 900, "height": 900}, device_scale_factor=1)
        asked: list[str] = []
        page.on("request", lambda r, asked=asked: asked.append(r.url))
        page.goto(reports[name].as_uri())
        opened[name] = (page, asked)
    yield opened
    for page, _ in opened.values():
        page.close()


def sized(pages: dict[str, tuple[Any, list[str]]], name: str, width: int, height: int = 900) -> Any:
    page = pages[name][0]
    page.set_viewport_size({"width": width, "height": height})
    return page


def test_the_browser_keeps_playwrights_switches_and_opens_no_address_bar_popup(browser: Any) -> None:
    """The tests' chromium is Playwright's, less the address bar's popup: its last --disable-features (the one
    Chromium takes) names every feature the others name, and a page opens no browser page beside it."""
    asked = disabled_features(os.getpid())
    assert len(asked) >= 2, asked  # Playwright's and ours
    assert {f for group in asked for f in group} <= set(asked[-1]) and set(NO_OMNIBOX_POPUP) <= set(asked[-1])
    page = browser.new_page()
    try:
        targets = browser.new_browser_cdp_session().send("Target.getTargets")["targetInfos"]
        assert [t for t in targets if t["type"] == "browser_ui"] == [], targets
    finally:
        page.close()


def test_chromium_renders_the_page(pages: dict[str, tuple[Any, list[str]]], reports: dict[str, Path]) -> None:
    page = sized(pages, "final.html", 900)
    assert pages["final.html"][1] == [reports["final.html"].as_uri()]  # self-contained: nothing else is fetched
    title = ["淄博市临淄区人民政府办公室", "2024年政府信息公开工作年度报告"]
    assert page.locator("h1").inner_text().splitlines() == title
    assert page.locator("table").count() == 3
    t3 = page.locator("table").nth(1)
    assert t3.locator("thead tr").count() == 3
    assert t3.locator('th[scope="colgroup"][colspan="7"]').inner_text() == "申请人情况"
    assert t3.locator('th[scope="rowgroup"][rowspan="22"]').inner_text() == "三、本年度办理结果"
    assert t3.locator("tbody tr").nth(0).locator("td").all_inner_texts() == ["12", "0", "0", "0", "0", "0", "12"]
    # laid out: the tables are as wide as the text, table 三's label columns as the template sets them
    box = t3.bounding_box()
    assert box is not None and box["width"] > 600
    phone = sized(pages, "final.html", 390, 844)
    # on a phone the page itself does not run off the screen: wide tables scroll inside their own box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate("document.querySelectorAll('.table-wrap')[1].scrollWidth") > 390


def test_every_printed_page_of_a_draft_says_so(pages: dict[str, tuple[Any, list[str]]], tmp_path: Path) -> None:
    for name, marked in (("draft.html", True), ("final.html", False)):
        pdf = tmp_path / f"{name}.pdf"
        sized(pages, name, 900).pdf(path=str(pdf), format="A4", print_background=True)
        printed = page_texts(pdf)
        assert len(printed) >= 3
        assert all(("草稿" in text) == marked for text, _, _ in printed), name


def _same_picture(fresh: Path, stored: Path) -> bool:
    from PIL import Image, ImageChops

    if not stored.exists():
        return False
    with Image.open(fresh) as a, Image.open(stored) as b:
        if a.size != b.size:
            return False
        diff = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda v: 255 if v > 40 else 0)
        return sum(diff.histogram()[255:]) < 0.01 * a.size[0] * a.size[1]


def test_the_pictures_in_the_docs_are_current(
    pages: dict[str, tuple[Any, list[str]]], pdfs: dict[str, Path], tmp_path: Path
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but pdftoppm (poppler-utils) is missing")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    fresh: dict[str, Path] = {}
    printed = page_texts(pdfs["final"])
    tables = next(i for i, (t, _, _) in enumerate(printed, 1) if "三、收到和处理政府信息公开申请情况" in t)
    for name, number in (("report-docx-1", 1), ("report-docx-tables", tables)):
        base = tmp_path / name
        cmd = [pdftoppm, "-r", "56", "-png", "-singlefile", "-f", str(number), "-l", str(number)]
        subprocess.run([*cmd, str(pdfs["final"]), str(base)], check=True, capture_output=True, timeout=120)
        fresh[name] = base.with_suffix(".png")
    fresh["report-html-tables"] = tmp_path / "report-html-tables.png"
    page = sized(pages, "final.html", 820)
    page.locator("section").nth(2).screenshot(path=str(fresh["report-html-tables"]))
    fresh["report-html-phone"] = tmp_path / "report-html-phone.png"
    phone = sized(pages, "final.html", 390, 760)
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(fresh["report-html-phone"]))
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    stale = []
    for name, path in fresh.items():
        assert path.stat().st_size < 400_000, name  # small enough to keep in the repository
        assert f"images/{name}.png" in doc, f"docs/report.md does not show {name}.png"
        stored = IMAGES / f"{name}.png"
        if os.environ.get("GOVXL_UPDATE_GOLDEN"):
            IMAGES.mkdir(exist_ok=True)
            shutil.copyfile(path, stored)
        elif not _same_picture(path, stored):
            stale.append(name)
    assert not stale, f"docs/images is stale ({stale}): GOVXL_UPDATE_GOLDEN=1 pytest {Path(__file__).name}"
