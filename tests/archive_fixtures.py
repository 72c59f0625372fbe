"""The archive's tests run on SQLite and on a real PostgreSQL server (scripts/test.sh starts one and passes its
URL as GOVXL_TEST_POSTGRES): `location` gives each test a fresh archive of each kind."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# a unit's name replaced in a rendered workbook's bytes, microseconds each (made for the merge benchmark)
from benchmarks.merge import Patcher
from tests.helpers import clean_values, write


def postgres_url() -> str:
    url = os.environ.get("GOVXL_TEST_POSTGRES")
    if not url:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but GOVXL_TEST_POSTGRES names no PostgreSQL server")
        pytest.skip("no PostgreSQL server (GOVXL_TEST_POSTGRES); scripts/test.sh starts one")
    return url


# for a test of what happens before the database or after it (checking, naming the exported files): SQLite only
SQLITE_ONLY = pytest.mark.parametrize("location", ["sqlite"], indirect=True)


@pytest.fixture(name="location", params=["sqlite", "postgresql"])
def location_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "档案.sqlite")
        return
    yield from fresh_postgres()


def fresh_postgres() -> Iterator[str]:
    """A new, empty archive on the test server, dropped afterwards: a schema of its own (the connection's
    search_path), in one database this test process makes at its first such test. A CREATE DATABASE costs a
    third of a second, a schema a millisecond; the archive sees an empty database either way."""
    import sqlalchemy as sa

    url = sa.make_url(_worker_database())
    name = f"archive_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        yield url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
        with admin.connect() as conn:
            # a connection the test left open (a failed test's, in a transaction) would hold the drop back
            # for ever: it is ended first, as DROP DATABASE ... WITH (FORCE) did
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    finally:
        admin.dispose()


@functools.cache
def _worker_database() -> str:
    """This test process's database on the test server, made once and dropped when the process ends."""
    import atexit

    import sqlalchemy as sa

    url = sa.make_url(postgres_url())
    name = f"govxl_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()

    atexit.register(drop)
    return url.set(database=name).render_as_string(hide_password=False)


def unit_file(folder: Path, name: str, unit: str, year: int = 2024, **changes: object) -> Path:
    """A filled workbook of `unit` for `year`; `changes` set cells by code (a clean fill otherwise)."""
    values = clean_values()
    values.update(unit=unit, year=year, **changes)
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder / name, values)


# two blank cells: two warnings (B1) the reader finds, where the R3.1 errors of 一 = 99 are found by the
# schema's pass, which imports pandera (1.2 s of CPU in a command that has to)
BLANK_CELL = {"t4_after_other": None, "t2_norm_valid": None}


def many_units(folder: Path, numbers: range, bad_every: int = 5, bad: dict[str, Any] | None = None) -> list[Path]:
    """One workbook per unit number, every `bad_every`-th with findings (so that they are stored too): errors
    unless `bad` says what else to change."""
    clean = clean_values()
    patchers = (Patcher(clean), Patcher({**clean, **(bad or {"t3_new_np": 99})}))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in numbers:
        path = folder / f"u{n:05d}.xlsx"
        path.write_bytes(patchers[n % bad_every == 0].unit(n))
        out.append(path)
    return out
