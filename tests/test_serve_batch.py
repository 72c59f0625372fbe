"""Uploads that arrive together are stored with one validation frame (`Archive.add_many`), and each gets what
`Archive.add` alone would have given it: the same findings and status, the same refusal of another unit's
workbook. The desk relies on that, so it is checked here too."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from govxl.archive import Added, UnitMismatch, open_archive
from govxl.serve.auth import token_hash
from govxl.serve.desk import Desk
from tests.helpers import run_coroutine
from tests.serve_helpers import OTHER, UNIT, bad_workbook, workbook

UPLOADS: list[tuple[bytes, str, str | None]] = [
    (workbook(), "甲.xlsx", UNIT),
    (workbook(OTHER), "冒名.xlsx", UNIT),  # another unit's workbook under UNIT's token
    (b"not a workbook", "乱码.xlsx", UNIT),
    (bad_workbook(OTHER), "乙.xlsx", OTHER),
    (workbook("第三单位"), "丙.xlsx", None),  # the admin's upload: any unit
]


def _outcome(result: Any) -> tuple[Any, ...]:
    if isinstance(result, BaseException):
        return (type(result).__name__, str(result))
    assert isinstance(result, Added)
    r = result.report
    return (result.unit, result.year, result.status, [f.to_json() for f in r.findings], r.problem, r.skipped)


def test_a_batch_gives_each_upload_what_add_gives_it(tmp_path: Path) -> None:
    alone = open_archive(str(tmp_path / "alone.sqlite"))
    one_by_one = []
    for data, name, unit in UPLOADS:
        try:
            one_by_one.append(alone.add(data, name, expected_unit=unit))
        except UnitMismatch as exc:
            one_by_one.append(exc)
    together = open_archive(str(tmp_path / "together.sqlite"))
    batched = together.add_many(UPLOADS)
    assert [_outcome(r) for r in batched] == [_outcome(r) for r in one_by_one]
    assert isinstance(batched[1], UnitMismatch) and OTHER in str(batched[1])
    assert batched[2].report.problem and batched[2].submission_id is None
    stored = sorted((s.unit, s.filename, s.status) for s in together.submissions(2024))
    assert stored == sorted((s.unit, s.filename, s.status) for s in alone.submissions(2024))
    assert len(stored) == 3


def test_concurrent_uploads_through_the_desk(tmp_path: Path) -> None:
    archive = open_archive(str(tmp_path / "a.sqlite"))
    desk = Desk(archive, token_hash("x"))

    async def send() -> list[Any]:
        return await asyncio.gather(*(desk.add(*u) for u in UPLOADS), return_exceptions=True)

    try:
        results = run_coroutine(send())
    finally:
        desk.close()
    assert [type(r).__name__ for r in results] == ["Added", "UnitMismatch", "Added", "Added", "Added"]
    assert [r.status for r in results if isinstance(r, Added) and r.submission_id] == [
        "已通过",
        "有错误",
        "已通过",
    ]
