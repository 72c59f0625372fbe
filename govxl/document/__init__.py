"""`govxl report`: the publishable annual report (.docx, .html) written from a checked workbook.

The workbook is checked exactly as `govxl check` checks it, and the report's prose (the office's words and
the generated sentences) with the prose rules N1–N11, before anything is written. A workbook (or text) with
an error gets no report unless a draft is asked for, which is marked 草稿 on every page and in its title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govxl.document.compose import compose
from govxl.document.model import Document
from govxl.errors import GovxlError
from govxl.findings import FileReport

__all__ = ["Document", "ReportRun", "compose", "make_report", "render_docx", "render_html"]


@dataclass
class ReportRun:
    report: FileReport  # the workbook's findings and the prose's, as `govxl check` reports them
    written: list[str] = field(default_factory=list)
    draft: bool = False

    @property
    def blocked(self) -> bool:
        """An error kept the report from being written."""
        return bool(self.report.errors) and not self.written

    def to_json(self) -> dict[str, Any]:
        return {**self.report.to_json(), "report": self.written, "draft": self.draft}


def render_docx(doc: Document) -> bytes:
    from govxl.document.docx import to_docx

    return to_docx(doc)


def render_html(doc: Document) -> bytes:
    from govxl.document.html import to_html

    return to_html(doc).encode("utf-8")


def make_report(
    workbook: Path,
    docx_out: Path | None,
    html_out: Path | None,
    text: Path | None = None,
    *,
    draft: bool = False,
    overwrite: bool = False,
) -> ReportRun:
    from govxl.checker import check_paths, sort_findings
    from govxl.document.text import read_office_text
    from govxl.files import write_atomically
    from govxl.reader import read_filing
    from govxl.validation.prose import check_prose

    targets = _targets(workbook, docx_out, html_out, text, overwrite)
    office = read_office_text(text) if text is not None else None
    (report,) = check_paths([workbook])
    if report.problem:
        raise GovxlError(report.problem)
    if report.skipped:
        raise GovxlError(f"{workbook}：{report.skipped}，不能据此写出报告")
    filing = read_filing(workbook)
    doc = compose(filing, office, draft=draft)
    report.findings = sort_findings(filing, report.findings + check_prose(filing, doc.prose()))
    run = ReportRun(report, draft=draft)
    if report.errors and not draft:
        return run
    rendered = [(path, render(doc)) for path, render in targets]
    new = {str(path) for path, _ in rendered if not path.exists()}
    for path, data in rendered:
        try:
            write_atomically(path, data, overwrite=overwrite)
        except GovxlError:
            # both files or neither: a report this run created beside a failed one is taken back (one that
            # replaced an existing file with --force stays: taking it back would lose both)
            for done in run.written:
                if done in new:
                    Path(done).unlink(missing_ok=True)
            run.written.clear()
            raise
        run.written.append(str(path))
    return run


def _targets(
    workbook: Path, docx_out: Path | None, html_out: Path | None, text: Path | None, overwrite: bool
) -> list[tuple[Path, Any]]:
    if docx_out is None and html_out is None:
        docx_out = workbook.with_name(workbook.stem + "-年度报告.docx")
    if docx_out is not None and docx_out.suffix.lower() != ".docx":
        raise GovxlError(f"-o 的输出文件须以 .docx 结尾：{docx_out}")
    if html_out is not None and html_out.suffix.lower() not in (".html", ".htm"):
        raise GovxlError(f"--html 的输出文件须以 .html 结尾：{html_out}")
    out: list[tuple[Path, Any]] = []
    if docx_out is not None:
        out.append((docx_out, render_docx))
    if html_out is not None:
        out.append((html_out, render_html))
    inputs = {p.resolve() for p in (workbook, text) if p is not None}
    for path, _ in out:
        if path.resolve() in inputs:
            raise GovxlError(f"{path}：输出文件不能与输入文件同名")
        if path.exists() and not overwrite:  # said before either file is written: both or neither
            raise GovxlError(f"输出文件已存在：{path}（不会覆盖；如确需覆盖请加 --force）")
        if path.is_dir():
            raise GovxlError(f"{path}：这是一个文件夹，不能作为输出文件")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise GovxlError(f"无法写入输出文件 {path}：文件夹 {folder} 不存在")
    if len(out) == 2 and out[0][0].resolve() == out[1][0].resolve():
        raise GovxlError("-o 与 --html 不能是同一个文件")
    return out


def render_text(run: ReportRun) -> str:
    from govxl.report import render_text as findings_text
    from govxl.report import safe

    lines = [findings_text([run.report]).rstrip("\n")]
    if run.written:
        what = "草稿" if run.draft else "报告"
        lines += [f"   {what}已写入：{safe(p)}" for p in run.written]
    elif run.blocked:
        lines.append("   有错误（强制），未写出报告：请先改正，或加 --draft 写出标明“草稿”的报告")
    return "\n".join(lines) + "\n"
