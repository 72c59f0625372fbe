"""The desk's pages through an in-process client: who sees what, CSRF on every form, and workbook text (a
unit named <script>, a cell holding =HYPERLINK) shown as text on pages and written as text in workbooks."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape

from tests.helpers import read_book
from tests.serve_helpers import (
    ADMIN,
    HYPERLINK,
    OTHER,
    UNIT,
    XSS_UNIT,
    Desk,
    bad_workbook,
    bearer,
    running_desk,
    workbook,
)
from tests.test_injection import assert_clean


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with running_desk(tmp_path, units=(UNIT, OTHER, XSS_UNIT)) as d:
        yield d


def _upload(desk: Desk, token: str, data: bytes, name: str = "报表.xlsx", csrf: str | None = None) -> object:
    desk.client.get(f"/u/{token}")
    return desk.client.post(
        f"/u/{token}/upload",
        data={"csrf": desk.csrf() if csrf is None else csrf},
        files={"file": (name, data)},
        follow_redirects=False,
    )


def test_a_unit_uploads_sees_its_findings_and_its_history(desk: Desk) -> None:
    token = desk.tokens[UNIT]
    page = desk.client.get(f"/u/{token}")
    assert page.status_code == 200 and UNIT in page.text and "2024 年度" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    done = _upload(desk, token, bad_workbook(), "第一次.xlsx")
    assert done.status_code == 303  # type: ignore[attr-defined]
    shown = desk.client.get(done.headers["location"])  # type: ignore[attr-defined]
    assert "有错误" in shown.text and "第一次.xlsx" in shown.text
    rows = re.findall(r"<tr class=\"sev-(\w+)\">\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", shown.text)
    assert ("error", "强制", "表三", "D5") in rows
    assert sum(r[0] == "warning" for r in rows) == 1
    sid = desk.archive.submissions(2024)[0].id
    corrections = desk.client.get(f"/u/{token}/submissions/{sid}/corrections")
    assert corrections.status_code == 200 and corrections.content == desk.archive.corrections(sid)
    _upload(desk, token, workbook(), "改正后.xlsx")
    again = desk.client.get(f"/u/{token}")
    assert '<span class="status status-已通过" id="status">已通过</span>' in again.text
    assert "第一次.xlsx" in again.text and "改正后.xlsx（当前）" in again.text


def test_a_unit_cannot_upload_for_another_unit_nor_see_its_files(desk: Desk) -> None:
    done = _upload(desk, desk.tokens[UNIT], workbook(OTHER))
    assert done.status_code == 403  # type: ignore[attr-defined]
    assert OTHER in html.unescape(done.text)  # type: ignore[attr-defined]
    assert desk.archive.submissions(2024) == []
    theirs = desk.submit(workbook(OTHER), desk.tokens[OTHER]).json()["id"]
    for kind in ("corrections", "original"):
        # answered as an id that does not exist: a unit cannot find out which ids are other units'
        assert desk.client.get(f"/u/{desk.tokens[UNIT]}/submissions/{theirs}/{kind}").status_code == 404
    assert desk.client.get(f"/u/{desk.tokens[UNIT]}?id={theirs}").text.count(OTHER) == 0
    assert desk.client.get("/u/not-a-token").status_code == 404
    bad = _upload(desk, desk.tokens[UNIT], b"not a workbook", "乱码.xlsx")
    assert bad.status_code == 422 and "乱码.xlsx" in bad.text  # type: ignore[attr-defined]


def test_forms_without_the_csrf_token_are_refused(desk: Desk) -> None:
    token = desk.tokens[UNIT]
    assert _upload(desk, token, workbook(), csrf="forged").status_code == 403  # type: ignore[attr-defined]
    desk.client.cookies.clear()  # a form posted from another site carries no cookie of ours
    refused = desk.client.post(f"/u/{token}/upload", data={"csrf": "x"}, files={"file": ("a.xlsx", workbook())})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert desk.archive.submissions(2024) == []
    assert desk.client.post("/login", data={"token": ADMIN}).status_code == 403
    desk.login()
    csv = f"填报单位\n{UNIT}\n".encode()
    roster = {"roster": ("r.csv", csv)}
    forged = desk.client.post("/board/roster", data={"year": "2024", "csrf": "x"}, files=roster)
    assert forged.status_code == 403


def test_the_board_is_for_the_admin_only(desk: Desk) -> None:
    assert desk.client.get("/board").status_code == 401
    assert desk.client.get("/board/consolidated/2024").status_code == 401
    desk.client.get("/login")
    wrong = desk.client.post("/login", data={"token": desk.tokens[UNIT], "csrf": desk.csrf()})
    assert wrong.status_code == 401 and "令牌不对" in wrong.text
    sid = desk.submit(workbook(), desk.tokens[UNIT]).json()["id"]
    assert desk.client.get(f"/board/submissions/{sid}/original").status_code == 401
    desk.login()
    assert desk.client.get(f"/board/submissions/{sid}/original").content == workbook()
    assert desk.client.get(f"/board/submissions/{sid}/other").status_code == 404


def test_the_board_shows_every_unit_filters_and_draws_its_charts(desk: Desk) -> None:
    desk.submit(bad_workbook(), desk.tokens[UNIT])
    desk.submit(workbook(OTHER, t4_after_other=None), desk.tokens[OTHER])
    desk.login()
    page = desk.client.get("/board?year=2024")
    assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td><span class=\"status [^\"]+\">(.*?)</span>", page.text)
    assert rows == [(UNIT, "有错误"), (OTHER, "待核实"), (html.escape(XSS_UNIT), "未报送")]
    assert re.search(r"未报送 1</span> .*有错误 1</span> .*待核实 1</span> .*已通过 0</span>", page.text)
    assert page.text.count("<svg") == 2 and "R3.1" in page.text  # the progress and the top findings
    assert "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing from outside
    only = desk.client.get("/board", params={"year": "2024", "status": "待核实"})
    assert re.findall(r"<tr>\s*<td>(.*?)</td>", only.text) == [OTHER]
    search = desk.client.get("/board", params={"year": "2024", "q": "教育"})
    assert re.findall(r"<tr>\s*<td>(.*?)</td>", search.text) == [OTHER]


def test_the_board_uploads_many_files_and_imports_a_roster(desk: Desk) -> None:
    desk.login()
    desk.client.get("/board")
    chosen = (("甲.xlsx", workbook()), ("乙.xlsx", bad_workbook(OTHER)), ("丙.xlsx", b"x"))
    files = [("files", (name, data)) for name, data in chosen]
    done = desk.client.post("/board/upload?year=2024", data={"csrf": desk.csrf()}, files=files)
    assert done.status_code == 200
    assert "甲.xlsx" in done.text and "已通过" in done.text and "有错误" in done.text and "丙.xlsx" in done.text
    assert len(desk.archive.submissions(2024)) == 2
    csv = f"填报单位\n{UNIT}\n新来的单位\n".encode()
    imported = desk.client.post(
        "/board/roster", data={"year": "2024", "csrf": desk.csrf()}, files={"roster": ("名单.csv", csv)}
    )
    assert imported.status_code == 200
    links = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", imported.text)
    assert links[0] == (UNIT, "沿用原链接")
    new_token = re.search(r"/u/([\w-]{43})</code>", links[1][1])
    assert links[1][0] == "新来的单位" and new_token
    assert desk.client.get(f"/u/{new_token.group(1)}").status_code == 200
    reissued = desk.client.post("/board/reissue", data={"year": "2024", "unit": UNIT, "csrf": desk.csrf()})
    fresh = re.search(r"/u/([\w-]{43})</code>", reissued.text)
    assert fresh and desk.client.get(f"/u/{desk.tokens[UNIT]}").status_code == 404
    assert desk.client.get(f"/u/{fresh.group(1)}").status_code == 200


def test_script_unit_and_hyperlink_cell_stay_text_on_pages_and_in_workbooks(desk: Desk, tmp_path: Path) -> None:
    token = desk.tokens[XSS_UNIT]
    first = desk.submit(workbook(XSS_UNIT, contact=HYPERLINK, t2_norm_made=HYPERLINK), token).json()["id"]
    pages = [desk.client.get(f"/u/{token}").text]
    desk.login()
    pages.append(desk.client.get("/board?year=2024").text)
    for page in pages:
        assert "<script>alert(1)" not in page and html.escape(XSS_UNIT) in page
    assert str(escape(HYPERLINK)) in pages[0]  # the finding about the cell quotes it, escaped
    assert desk.submit(workbook(XSS_UNIT, contact=HYPERLINK), token).json()["status"] == "已通过"
    written = {
        "corrections": desk.client.get(f"/u/{token}/submissions/{first}/corrections"),
        "template": desk.client.get(f"/u/{token}/template"),
        "consolidated": desk.client.get("/api/v1/consolidated/2024", headers=bearer(ADMIN)),
    }
    expect = {"corrections": (HYPERLINK, XSS_UNIT), "template": (XSS_UNIT,), "consolidated": (XSS_UNIT,)}
    for name, done in written.items():
        assert done.status_code == 200, (name, done.text)
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(done.content)
        assert_clean(path, expect[name])


def test_the_unit_template_is_prefilled(desk: Desk) -> None:
    done = desk.client.get(f"/u/{desk.tokens[UNIT]}/template")
    assert done.status_code == 200 and "filename*=UTF-8''" in done.headers["content-disposition"]
    cover = read_book(done.content).worksheets[0]
    texts = {str(c.value) for row in cover.iter_rows() for c in row if c.value is not None}
    assert UNIT in texts and "2024" in texts
