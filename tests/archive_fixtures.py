"""The archive's tests run on SQLite and on a real PostgreSQL server (scripts/test.sh starts one and passes its
URL as GOVXL_TEST_POSTGRES): `location` gives each test a fresh archive of each kind."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import clean_values, write


def postgres_url() -> str:
    url = os.environ.get("GOVXL_TEST_POSTGRES")
    if not url:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but GOVXL_TEST_POSTGRES names no PostgreSQL server")
        pytest.skip("no PostgreSQL server (GOVXL_TEST_POSTGRES); scripts/test.sh starts one")
    return url


@pytest.fixture(name="location", params=["sqlite", "postgresql"])
def location_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "档案.sqlite")
        return
    yield from fresh_postgres()


def fresh_postgres() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    import sqlalchemy as sa

    url = sa.make_url(postgres_url())
    name = f"govxl_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def unit_file(folder: Path, name: str, unit: str, year: int = 2024, **changes: object) -> Path:
    """A filled workbook of `unit` for `year`; `changes` set cells by code (a clean fill otherwise)."""
    values = clean_values()
    values.update(unit=unit, year=year, **changes)
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder / name, values)


PLACEHOLDER = "第P0000000号单位"


class Patcher:
    """A rendered workbook whose unit name is replaced in microseconds (rendering hundreds takes minutes):
    its shared strings are stored uncompressed, so a new name of the same length is a slice of bytes plus the
    member's two CRC fields (the technique of benchmarks/merge.py)."""

    def __init__(self, values: dict[str, object]) -> None:
        import io
        import zipfile

        from govxl.workbook import render

        source = zipfile.ZipFile(io.BytesIO(render("2021", {**values, "unit": PLACEHOLDER})))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                kind = zipfile.ZIP_STORED if info.filename == "xl/sharedStrings.xml" else zipfile.ZIP_DEFLATED
                out.writestr(info, source.read(info.filename), compress_type=kind)
        self.data = buffer.getvalue()
        book = zipfile.ZipFile(io.BytesIO(self.data))
        info = book.getinfo("xl/sharedStrings.xml")
        central = book.start_dir
        for other in book.infolist():  # walk the central directory to this member's record
            if other.filename == info.filename:
                break
            lengths = self.data[central + 28 : central + 34]
            central += 46 + sum(int.from_bytes(lengths[i : i + 2], "little") for i in (0, 2, 4))
        name_len = int.from_bytes(self.data[info.header_offset + 26 : info.header_offset + 28], "little")
        extra_len = int.from_bytes(self.data[info.header_offset + 28 : info.header_offset + 30], "little")
        self.start = info.header_offset + 30 + name_len + extra_len
        self.end = self.start + info.file_size
        self.member = self.data[self.start : self.end]
        self.at = self.member.index(PLACEHOLDER.encode())
        self.local_crc = info.header_offset + 14
        self.central_crc = central + 16

    @staticmethod
    def name(number: int) -> str:
        return PLACEHOLDER.replace("P0000000", f"{number:08d}")

    def unit(self, number: int) -> bytes:
        import zlib

        name = self.name(number).encode()
        member = self.member[: self.at] + name + self.member[self.at + len(name) :]
        crc = zlib.crc32(member).to_bytes(4, "little")
        data = bytearray(self.data)
        data[self.start : self.end] = member
        data[self.local_crc : self.local_crc + 4] = crc
        data[self.central_crc : self.central_crc + 4] = crc
        return bytes(data)


def many_units(folder: Path, numbers: range, bad_every: int = 5) -> list[Path]:
    """One workbook per unit number, every `bad_every`-th with errors (so that findings are stored too)."""
    clean = clean_values()
    patchers = (Patcher(clean), Patcher({**clean, "t3_new_np": 99}))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in numbers:
        path = folder / f"u{n:05d}.xlsx"
        path.write_bytes(patchers[n % bad_every == 0].unit(n))
        out.append(path)
    return out
