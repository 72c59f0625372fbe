"""A real `govxl serve` (the installed command) on 127.0.0.1 with a real browser (Debian's chromium, driven by
Playwright), and the same server killed with SIGKILL while uploads are in flight."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from tests.conftest import ROOT
from tests.serve_helpers import ADMIN, OTHER, UNIT, bad_workbook, bearer, workbook
from tests.serve_process import Server

DOCS_SHOTS = ROOT / "docs" / "images"


def picture(page: Any, name: str) -> None:
    """The desk's pictures in the docs are taken here, and only when asked (GOVXL_UPDATE_GOLDEN=1, as for
    the report's pictures): a test run leaves the tree as it found it, and a browser's pixels are not
    stable enough to compare."""
    if os.environ.get("GOVXL_UPDATE_GOLDEN"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SHOTS / name), full_page=True)


@pytest.fixture
def server(installed_govxl: list[str], tmp_path: Path) -> Iterator[Server]:
    s = Server(installed_govxl, tmp_path / "archive.sqlite", ADMIN, tmp_path / "serve.log").start()
    yield s
    s.kill()


def _roster(server: Server, units: list[str]) -> dict[str, str]:
    csv = "填报单位,单位类型\n" + "".join(f"{u},政府部门及其他机关\n" for u in units)
    done = httpx.put(f"{server.url}/api/v1/roster/2024", content=csv.encode(), headers=bearer(ADMIN), timeout=30)
    assert done.status_code == 200, done.text
    return {u["unit"]: u["token"] for u in done.json()["units"]}


def test_a_unit_and_the_compiler_in_a_real_browser(
    server: Server, browser: Any, tmp_path: Path, installed_govxl: list[str]
) -> None:
    third = "某某区财政局"
    tokens = _roster(server, [UNIT, OTHER, third])
    sent = httpx.post(  # a third unit with errors, so that the board's chart of findings has bars
        f"{server.url}/api/v1/submissions",
        files={"file": ("财政局.xlsx", bad_workbook(third))},
        headers=bearer(tokens[third]),
        timeout=60,
    )
    assert sent.status_code == 200 and sent.json()["status"] == "有错误"
    bad, good = tmp_path / "年度报表.xlsx", tmp_path / "年度报表（改正后）.xlsx"
    bad.write_bytes(bad_workbook())
    good.write_bytes(workbook())
    outside: list[str] = []

    unit = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = unit.new_page()
    page.on("request", lambda r: r.url.startswith(server.url) or outside.append(r.url))
    page.goto(f"{server.url}/u/{tokens[UNIT]}")
    assert page.locator("h1").inner_text() == UNIT
    page.set_input_files("input[name=file]", str(bad))
    page.click("button[type=submit]")
    assert page.locator("#status").inner_text() == "有错误"
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").all_inner_texts()[:3] == ["强制", "表三", "D5"]
    picture(page, "serve-unit-errors.png")
    with page.expect_download() as fetched:
        page.click("#corrections")
    corrections = tmp_path / fetched.value.suggested_filename
    fetched.value.save_as(corrections)
    assert corrections.name == "年度报表_校验.xlsx"
    assert "校验结果" in openpyxl.load_workbook(corrections, read_only=True).sheetnames

    compiler = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1200, "height": 1000})
    board = compiler.new_page()
    board.on("request", lambda r: r.url.startswith(server.url) or outside.append(r.url))
    board.goto(f"{server.url}/")
    board.fill("input[name=token]", ADMIN)
    board.click("button[type=submit]")
    board.goto(f"{server.url}/board?year=2024")
    assert _board_status(board) == {UNIT: "有错误", OTHER: "未报送", third: "有错误"}

    page.set_input_files("input[name=file]", str(good))
    page.click("button[type=submit]")
    assert page.locator("#status").inner_text() == "已通过"
    assert page.locator("text=年度报表.xlsx").count() >= 1  # the earlier submission is listed
    picture(page, "serve-unit-passed.png")

    board.reload()
    assert _board_status(board) == {UNIT: "已通过", OTHER: "未报送", third: "有错误"}
    assert "R3.1" in board.locator(".charts").inner_text()
    picture(board, "serve-board.png")
    with board.expect_download() as fetched:
        board.click("#consolidated")
    merged = tmp_path / "汇总.xlsx"
    fetched.value.save_as(merged)
    book = openpyxl.load_workbook(merged, read_only=True)
    assert any(UNIT in str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    checked = subprocess.run(
        [*installed_govxl, "check", str(merged), "--no-corrections"], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert outside == []  # every resource came from the server itself
    unit.close()
    compiler.close()


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """A form upload of one file as bytes, with its Content-Type: what httpx's files= sends, made by hand so
    that it can be sent in parts."""
    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
    head += "Content-Type: application/octet-stream\r\n\r\n"
    body = head.encode("utf-8") + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _board_status(page: Any) -> dict[str, str]:
    out = {}
    for row in page.locator("#board tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        out[cells[0]] = cells[1]
    return out


def test_killed_with_uploads_in_flight_keeps_every_answered_upload_whole(
    installed_govxl: list[str], tmp_path: Path
) -> None:
    archive = tmp_path / "archive.sqlite"
    server = Server(installed_govxl, archive, None, tmp_path / "serve.log").start()
    shown = [line for line in (tmp_path / "serve.log").read_text().splitlines() if "管理员令牌" in line]
    assert len(shown) == 1  # made at first start and printed once
    admin = shown[0].rsplit("：", 1)[1].strip()
    units = [f"第{i:02d}单位" for i in range(12)]
    files = {u: workbook(u, t3_new_np=12 + i, t3_open_np=11 + i) for i, u in enumerate(units)}
    # the last four are sent half-way and held there until the kill: uploads certainly in flight when it
    # lands, however fast or slow the machine; the first eight leave one after another and race it
    held, killed = units[8:], threading.Event()
    answered: dict[str, int] = {}
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(len(units)) as pool:

        def send(i: int, unit: str, data: bytes) -> httpx.Response:
            url = f"{server.url}/api/v1/submissions"
            if unit not in held:
                time.sleep(0.04 * i)
                return client.post(url, files={"file": (f"{unit}.xlsx", data)}, headers=bearer(admin))
            body, kind = multipart(f"{unit}.xlsx", data)

            def halves() -> Iterator[bytes]:
                yield body[: len(body) // 2]
                killed.wait(60)
                yield body[len(body) // 2 :]

            headers = {**bearer(admin), "Content-Type": kind, "Content-Length": str(len(body))}
            return client.post(url, content=halves(), headers=headers)

        sent = {pool.submit(send, i, u, data): u for i, (u, data) in enumerate(files.items())}
        for done in as_completed(sent):
            try:
                response = done.result()
            except httpx.TransportError:
                continue  # cut off by the kill: no answer, no promise
            if response.status_code == 200:
                answered[sent[done]] = response.json()["id"]
                if not killed.is_set():
                    server.kill()  # the first answer is in: the held uploads are half-sent
                    killed.set()
    assert answered and not set(answered) & set(held), answered

    copy = tmp_path / "after-kill.sqlite"
    shutil.copy(archive, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    again = Server(installed_govxl, archive, None, tmp_path / "serve2.log").start()
    http = httpx.Client(timeout=30, headers=bearer(admin))  # one client: each new one loads the CA store
    try:
        assert "管理员令牌" not in (tmp_path / "serve2.log").read_text()  # shown once only, then kept hashed
        status = http.get(f"{again.url}/api/v1/status/2024")
        assert status.status_code == 200
        listed = http.get(f"{again.url}/api/v1/submissions?year=2024").json()
        stored = {s["unit"]: s for s in listed["submissions"]}
        assert set(answered) <= set(stored)  # every upload that got its 200 is there
        assert not set(held) & set(stored)  # and none that was cut off half-sent
        for unit, s in stored.items():  # and every stored one is whole: its file, its findings, its status
            original = http.get(f"{again.url}/api/v1/submissions/{s['id']}/original")
            assert original.content == files[unit]
            fixes = http.get(f"{again.url}/api/v1/submissions/{s['id']}/corrections")
            assert fixes.status_code == 200 and openpyxl.load_workbook(io.BytesIO(fixes.content), read_only=True)
            assert s["status"] == "已通过" and s["errors"] == 0
        for unit, sid in answered.items():
            assert stored[unit]["id"] == sid
        extra = http.post(f"{again.url}/api/v1/submissions", files={"file": ("x.xlsx", workbook())})
        assert extra.status_code == 200  # and the restarted desk takes uploads again
    finally:
        http.close()
        again.kill()


def test_serve_says_in_chinese_what_stops_it(govxl: Any, tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        done = govxl("serve", "--archive", str(tmp_path / "a.sqlite"), "--port", port, timeout=60)
    assert done.returncode == 2 and "端口" in done.stderr and "Traceback" not in done.stderr, done.stderr
    notes = tmp_path / "notes.sqlite"
    notes.write_text("这不是档案\n", encoding="utf-8")
    done = govxl("serve", "--archive", str(notes), "--port", port, timeout=60)
    assert done.returncode == 2 and str(notes) in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert notes.read_text(encoding="utf-8") == "这不是档案\n"
