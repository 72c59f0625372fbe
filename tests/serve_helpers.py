"""The desk in tests: a real archive in a temporary SQLite file, the real app, an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from govxl.archive import open_archive
from govxl.serve import create_app
from govxl.serve.auth import token_hash
from tests.helpers import clean_values, rendered

ADMIN = "admin-token-for-tests-only-0123456789"
UNIT = "某某区人民政府办公室"
OTHER = "某某区教育局"
XSS_UNIT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://x","y")'


def workbook(unit: str = UNIT, **changes: Any) -> bytes:
    """A filled workbook's bytes, rendered once a test process for each fill."""
    return rendered({**clean_values(), "unit": unit, **changes})


def bad_workbook(unit: str = UNIT) -> bytes:
    """Two errors (R3.1 at 表三!D5 among them) and one warning, as tests/test_check_cli.py knows them."""
    return workbook(unit, t3_new_np=13, t4_after_other=None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Desk:
    client: TestClient
    archive: Any
    tokens: dict[str, str]  # unit -> its token (roster of 2024)

    def submit(self, data: bytes, token: str, name: str = "报表.xlsx") -> Any:
        return self.client.post("/api/v1/submissions", files={"file": (name, data)}, headers=bearer(token))

    def login(self) -> None:
        self.client.get("/login")
        done = self.client.post("/login", data={"token": ADMIN, "csrf": self.csrf()}, follow_redirects=False)
        assert done.status_code == 303, done.text

    def csrf(self) -> str:
        token = self.client.cookies.get("govxl_csrf")
        assert token
        return token


@contextmanager
def running_desk(
    folder: Path, units: tuple[str, ...] = (UNIT, OTHER), max_upload: int = 10 << 20
) -> Iterator[Desk]:
    archive = open_archive(str(folder / "archive.sqlite"))
    app = create_app(archive, admin_token_hash=token_hash(ADMIN), max_upload=max_upload)
    # raise_server_exceptions: any handler that fails with a 500 fails the test instead
    with TestClient(app, raise_server_exceptions=True) as client:
        roster = "填报单位,单位类型\n" + "".join(f"{u},政府部门及其他机关\n" for u in units)
        done = client.put("/api/v1/roster/2024", content=roster.encode("utf-8"), headers=bearer(ADMIN))
        assert done.status_code == 200, done.text
        tokens = {u["unit"]: u["token"] for u in done.json()["units"]}
        yield Desk(client, archive, tokens)
    archive.close()
