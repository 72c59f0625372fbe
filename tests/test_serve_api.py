"""The desk's JSON API through an in-process client: every status code, each role refused what it may not do,
every bad input of `govxl check`'s list answered 422 in Chinese while the server keeps serving."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from govxl.checker import check_paths
from tests.serve_helpers import ADMIN, OTHER, UNIT, Desk, bad_workbook, bearer, running_desk, workbook
from tests.test_check_cli import EXPECTED, bad_inputs  # noqa: F401  (bad_inputs is a fixture)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with running_desk(tmp_path) as d:
        yield d


def test_roster_gives_each_unit_a_token_and_keeps_them_on_import_again(desk: Desk) -> None:
    first = desk.tokens
    assert set(first) == {UNIT, OTHER}
    assert all(len(t) >= 43 for t in first.values())  # 32 random bytes, URL-safe: 256 bits
    again = desk.client.put(
        "/api/v1/roster/2024", content=f"填报单位\n{UNIT}\n{OTHER}\n新单位\n".encode(), headers=bearer(ADMIN)
    )
    assert again.status_code == 200
    body = again.json()
    assert body["year"] == 2024
    assert body["units"][:2] == [{"unit": UNIT, "token": None}, {"unit": OTHER, "token": None}]
    assert body["units"][2]["unit"] == "新单位" and body["units"][2]["token"] not in first.values()
    assert desk.submit(workbook(), first[UNIT]).status_code == 200  # the old link still works
    assert desk.submit(workbook("新单位"), body["units"][2]["token"]).status_code == 200
    # a unit dropped from the roster loses its link
    desk.client.put("/api/v1/roster/2024", content=f"填报单位\n{UNIT}\n".encode(), headers=bearer(ADMIN))
    assert desk.submit(workbook(OTHER), first[OTHER]).status_code == 401
    assert [u for u, _ in desk.archive.roster(2024)] == [UNIT]


def test_roster_refusals(desk: Desk) -> None:
    csv = f"填报单位\n{UNIT}\n".encode()
    assert desk.client.put("/api/v1/roster/2024", content=csv).status_code == 401
    assert desk.client.put("/api/v1/roster/2024", content=csv, headers=bearer("wrong")).status_code == 401
    unit = desk.client.put("/api/v1/roster/2024", content=csv, headers=bearer(desk.tokens[UNIT]))
    assert unit.status_code == 403 and CJK.search(unit.json()["error"])
    for body, said in ((f"{UNIT}\n".encode(), "表头"), (b"", "空的"), (b"\xff\xfe\x00bad", "编码")):
        done = desk.client.put("/api/v1/roster/2024", content=body, headers=bearer(ADMIN))
        assert done.status_code == 422 and said in done.json()["error"], done.text


def test_submission_answers_with_the_findings_check_gives(desk: Desk, tmp_path: Path) -> None:
    good = desk.submit(workbook(), desk.tokens[UNIT])
    assert good.status_code == 200
    body = good.json()
    assert set(body) == {"id", "unit", "year", "status", "errors", "warnings", "findings"}
    assert (body["unit"], body["year"], body["status"], body["errors"], body["findings"]) == (
        UNIT,
        2024,
        "已通过",
        0,
        [],
    )
    bad = desk.submit(bad_workbook(), desk.tokens[UNIT], "坏表.xlsx")
    assert bad.status_code == 200
    got = bad.json()
    assert (got["status"], got["errors"], got["warnings"]) == ("有错误", 2, 1)
    assert got["id"] != body["id"]
    path = tmp_path / "坏表.xlsx"
    path.write_bytes(bad_workbook())
    (expected,) = check_paths([path])
    assert got["findings"] == json.loads(json.dumps([f.to_json() for f in expected.findings]))
    first = got["findings"][0]
    assert (first["rule"], first["cell"], first["code"]) == ("R3.1", "D5", "t3_new_np")


def test_submission_refusals(desk: Desk) -> None:
    assert desk.client.post("/api/v1/submissions", files={"file": ("a.xlsx", workbook())}).status_code == 401
    assert desk.submit(workbook(), "not-a-token").status_code == 401
    other = desk.submit(workbook(OTHER), desk.tokens[UNIT])
    assert other.status_code == 403 and OTHER in other.json()["error"], other.text
    assert desk.archive.submissions(2024) == []  # nothing stored of a refused upload
    no_file = desk.client.post("/api/v1/submissions", data={"x": "1"}, headers=bearer(desk.tokens[UNIT]))
    assert no_file.status_code == 422 and "file" in no_file.json()["error"]
    # a file name as a client may send it raw: folders, a NUL, an escape sequence
    head = 'Content-Disposition: form-data; name="file"; filename="C:\\fakepath\\a\x00b\x1b[31m.xlsx"'
    body = b"--b\r\n" + head.encode() + b"\r\n\r\n" + workbook() + b"\r\n--b--\r\n"
    kind = {"Content-Type": "multipart/form-data; boundary=b"}
    odd = desk.client.post("/api/v1/submissions", content=body, headers={**bearer(desk.tokens[UNIT]), **kind})
    assert odd.status_code == 200, odd.text
    assert desk.archive.get(odd.json()["id"]).filename == "ab[31m.xlsx"
    # the admin may upload any unit's workbook (the board's many-files upload does)
    assert desk.submit(workbook(OTHER), ADMIN).status_code == 200


def test_uploads_over_the_limit_are_refused_before_they_are_read(tmp_path: Path) -> None:
    with running_desk(tmp_path, max_upload=30_000) as desk:
        big = workbook() + b"\0" * 30_000
        declared = desk.submit(big, desk.tokens[UNIT])
        assert declared.status_code == 413 and "上限" in declared.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            boundary = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
            yield boundary
            for _ in range(20):
                yield b"\0" * 4096

        streamed = desk.client.post(
            "/api/v1/submissions",
            content=chunks(),
            headers={**bearer(desk.tokens[UNIT]), "Content-Type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413
        assert desk.archive.submissions(2024) == []
        assert desk.submit(workbook(), desk.tokens[UNIT]).status_code == 200  # still serving


def test_every_bad_input_of_check_is_422_in_chinese(desk: Desk, bad_inputs: dict[str, Path]) -> None:  # noqa: F811
    uploadable = {k: p for k, p in bad_inputs.items() if p.is_file()}  # a missing file or a folder: no upload
    assert set(bad_inputs) - set(uploadable) == {"missing", "folder"}
    for kind, path in uploadable.items():
        done = desk.submit(path.read_bytes(), desk.tokens[UNIT], path.name)
        assert done.status_code == 422, (kind, done.text)
        said = done.json()["error"]
        assert EXPECTED[kind] in said and path.name in said and CJK.search(said), (kind, said)
    assert desk.archive.submissions(2024) == []
    assert desk.submit(workbook(), desk.tokens[UNIT]).status_code == 200


def test_mutated_workbooks_are_200_or_422_never_500(desk: Desk) -> None:
    from tests import fuzzing

    bases = [workbook(), bad_workbook()]
    mutants = [m for kind in ("bytes", "members", "cells") for m in fuzzing.workbook_mutants(bases, kind, 12, 7)]
    codes = []
    for name, data in mutants:
        done = desk.submit(data, ADMIN, name)
        codes.append(done.status_code)
        assert done.status_code in (200, 422), (name, done.text)
        if done.status_code == 422:
            assert not fuzzing.bad_message(done.json()["error"], name), (name, done.json())
    assert 422 in codes and 200 in codes
    assert desk.submit(workbook(), desk.tokens[UNIT]).status_code == 200


def test_status(desk: Desk) -> None:
    desk.submit(bad_workbook(), desk.tokens[UNIT])
    assert desk.client.get("/api/v1/status/2024").status_code == 401
    assert desk.client.get("/api/v1/status/2024", headers=bearer(desk.tokens[UNIT])).status_code == 403
    done = desk.client.get("/api/v1/status/2024", headers=bearer(ADMIN))
    assert done.status_code == 200
    body = done.json()
    assert body["year"] == 2024
    units = {u["unit"]: u for u in body["units"]}
    assert set(units[UNIT]) == {"unit", "status", "errors", "warnings", "submitted_at"}
    assert (units[UNIT]["status"], units[UNIT]["errors"], units[UNIT]["warnings"]) == ("有错误", 2, 1)
    assert units[UNIT]["submitted_at"].startswith("20")
    assert (units[OTHER]["status"], units[OTHER]["submitted_at"]) == ("未报送", None)
    desk.submit(workbook(), desk.tokens[UNIT])
    again = {u["unit"]: u for u in desk.client.get("/api/v1/status/2024", headers=bearer(ADMIN)).json()["units"]}
    assert again[UNIT]["status"] == "已通过"


def test_consolidated_is_the_merge_of_current_submissions(desk: Desk, tmp_path: Path) -> None:
    empty = desk.client.get("/api/v1/consolidated/2024", headers=bearer(ADMIN))
    assert empty.status_code == 422 and CJK.search(empty.json()["error"])
    desk.submit(workbook(), desk.tokens[UNIT])
    desk.submit(workbook(OTHER, t3_new_np=20, t3_open_np=19), desk.tokens[OTHER])
    assert desk.client.get("/api/v1/consolidated/2024").status_code == 401
    assert desk.client.get("/api/v1/consolidated/2024", headers=bearer(desk.tokens[UNIT])).status_code == 403
    done = desk.client.get("/api/v1/consolidated/2024", headers=bearer(ADMIN))
    assert done.status_code == 200
    assert done.headers["content-type"].startswith("application/vnd.openxmlformats")
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(done.content)
    (report,) = check_paths([out])
    assert not report.problem and report.errors == 0, report.findings
    book = openpyxl.load_workbook(io.BytesIO(done.content), read_only=True)
    assert len(book.sheetnames) > 4  # the three tables and the provenance sheets


def test_corrections_for_the_owner_and_the_admin_only(desk: Desk) -> None:
    sid = desk.submit(bad_workbook(), desk.tokens[UNIT]).json()["id"]
    url = f"/api/v1/submissions/{sid}/corrections"
    assert desk.client.get(url).status_code == 401
    theirs = desk.client.get(url, headers=bearer(desk.tokens[OTHER]))  # another unit's: as if there were none
    nowhere = desk.client.get(f"/api/v1/submissions/{sid + 1000}/corrections", headers=bearer(desk.tokens[OTHER]))
    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.json()["error"].replace(str(sid), "N") == nowhere.json()["error"].replace(str(sid + 1000), "N")
    for token in (desk.tokens[UNIT], ADMIN):
        done = desk.client.get(url, headers=bearer(token))
        assert done.status_code == 200 and done.content == desk.archive.corrections(sid)
        assert "校验结果" in openpyxl.load_workbook(io.BytesIO(done.content), read_only=True).sheetnames
    missing = desk.client.get(f"/api/v1/submissions/{sid + 100}/corrections", headers=bearer(ADMIN))
    assert missing.status_code == 404 and str(sid + 100) in missing.json()["error"]
    original = desk.client.get(f"/api/v1/submissions/{sid}/original", headers=bearer(desk.tokens[UNIT]))
    assert original.status_code == 200 and original.content == bad_workbook()


def test_unknown_paths_and_methods_are_said_in_chinese(desk: Desk) -> None:
    assert desk.client.get("/api/v1/nothing").json() == {"error": "没有这个页面"}
    assert desk.client.delete("/api/v1/status/2024", headers=bearer(ADMIN)).status_code == 405
    assert desk.client.get("/api/v1/status/abc", headers=bearer(ADMIN)).status_code == 404


def test_numbers_no_database_can_hold_are_refused_not_crashed_on(desk: Desk) -> None:
    """From an audit: ids and years of twenty digits overflowed SQLite's integers, a 500 with a traceback."""
    huge = "9" * 23
    admin = bearer(ADMIN)
    for path in (f"/api/v1/submissions/{huge}/original", f"/api/v1/submissions/{huge}/corrections"):
        for token in (ADMIN, desk.tokens[UNIT]):
            done = desk.client.get(path, headers=bearer(token))
            assert done.status_code == 404 and CJK.search(done.json()["error"]), done.text
    for method, path in (
        ("get", f"/api/v1/status/{huge}"),
        ("get", f"/api/v1/consolidated/{huge}"),
        ("get", f"/api/v1/submissions?year={huge}"),
        ("get", "/api/v1/status/0"),
        ("put", "/api/v1/roster/0"),
        ("put", f"/api/v1/roster/{huge}"),
    ):
        done = desk.client.request(method, path, headers=admin, content=f"填报单位\n{UNIT}\n".encode())
        assert 400 <= done.status_code < 500 and CJK.search(done.json()["error"]), (path, done.text)
    assert desk.client.get("/api/v1/status/2024", headers=admin).status_code == 200  # and it goes on serving


def test_the_admin_cookie_is_a_session_not_the_token(desk: Desk) -> None:
    page = desk.client.get("/login")
    csrf = page.cookies.get("govxl_csrf") or desk.client.cookies.get("govxl_csrf")
    signed = desk.client.post("/login", data={"token": ADMIN, "csrf": csrf}, follow_redirects=False)
    assert signed.status_code == 303
    session = desk.client.cookies.get("govxl_admin")
    assert session and ADMIN not in session and len(session) >= 43
    assert desk.client.get("/board").status_code == 200
    desk.client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    desk.client.cookies.set("govxl_admin", session)  # a copied cookie dies with the session it was
    assert desk.client.get("/board", follow_redirects=False).status_code in (303, 401)
