"""Opening an archive: where it is, whether it is one of ours, its engine, and transactions that survive
other writers (SQLite's one-writer lock, PostgreSQL's serialisation failures) by waiting and retrying."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from govxl import __version__
from govxl.archive import schema
from govxl.errors import GovxlError, os_reason

DEFAULT_FILE = "govxl-archive.sqlite"
ENV = "GOVXL_ARCHIVE"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_LOCK = 0x474F5658  # the advisory lock that serialises creating the tables in a shared database
_WRITE = "govxl_write"  # the execution option that makes a SQLite transaction take the write lock at once
T = TypeVar("T")

# SQLAlchemy's pool says on stderr, in English and with a traceback, that it could not close a connection (a
# second Ctrl-C landing while the first unwinds through a close). That close is the pool's to give up on; what
# fails in our work reaches us as an exception and is said in Chinese. Handlers set up above it still see it.
logging.getLogger("sqlalchemy.pool").addHandler(logging.NullHandler())


def resolve(location: str | None) -> str:
    return location or os.environ.get(ENV) or DEFAULT_FILE


def is_url(location: str) -> bool:
    return "://" in location


def connect(location: str | None, create: bool = True) -> tuple[sa.Engine, str]:
    """The engine of the archive at `location` (created if new, unless `create` is false: then an archive that
    is not there is refused, and nothing is made), and how messages name it. Refuses, without writing a byte,
    anything that is not a govxl archive or is one from a newer govxl."""
    where = resolve(location)
    if is_url(where):
        try:
            url = sa.make_url(where)
        except sa.exc.ArgumentError:
            raise GovxlError(f"档案地址无效：{where}（应为文件路径或 postgresql+psycopg://… 地址）") from None
        if url.get_backend_name() == "sqlite":
            return connect(url.database or "", create)
        if url.get_backend_name() != "postgresql":
            raise GovxlError(f"档案地址 {where} 不受支持：请用 SQLite 文件路径或 postgresql+psycopg://… 地址")
        name = url.render_as_string(hide_password=True)
        engine = sa.create_engine(url, pool_pre_ping=True)
        _initialise(engine, name, sqlite=False, create=create)
        return engine, name
    path = Path(where)
    if not create and not path.exists():
        raise _absent(str(path))
    _inspect_file(path)
    if not path.exists():
        if not create:  # it was there a moment ago: still, a command that only reads makes none
            raise _absent(str(path))
        _create_file(path)
        _inspect_file(path)
    engine = _sqlite_engine(path)
    _initialise(engine, str(path), sqlite=True)
    return engine, str(path)


def _sqlite_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 60})
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create_file(path: Path) -> None:
    """A new archive is made whole under a temporary name and then given its name (a hard link, which fails
    if the name exists): another process never sees a half-made file, which it would rightly refuse as not an
    archive. Of several processes creating the same archive at once, one link wins; the others open it."""
    from govxl.files import _place_new, interrupts_held, new_temporary

    folder = path.parent if str(path.parent) else Path(".")
    tmp = ""
    with interrupts_held():  # a Ctrl-C comes after the temporary files are gone
        try:
            # the name is taken by a file of ours (a folder that takes no new file is said plainly here, not
            # by SQLite), which is then left to SQLite to make: an empty one would be judged not an archive
            fd, tmp = new_temporary(folder, "govxl-archive", f"无法创建档案 {path}")
            os.close(fd)
            os.unlink(tmp)
            engine = _sqlite_engine(Path(tmp))
            _initialise(engine, str(path), sqlite=True, wal=False)
            engine.dispose()
            try:
                _place_new(tmp, path)
            except FileExistsError:
                pass  # another process made it first: theirs is used
            except OSError as exc:
                raise GovxlError(f"无法创建档案 {path}：{os_reason(exc)}") from None
        finally:
            for leftover in (tmp, tmp + "-journal") if tmp else ():
                if os.path.exists(leftover):
                    os.unlink(leftover)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # transactions are begun by us (BEGIN IMMEDIATE), not by the driver
    dbapi_conn.isolation_level = None
    for pragma in ("busy_timeout = 60000", "foreign_keys = ON", "synchronous = NORMAL"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: sa.Connection) -> None:
    # a writer takes the write lock at once: one that reads first and writes later fails at once under WAL
    # (no busy wait); a reader begins deferred and never waits for writers
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _absent(name: str, sqlite: bool = True) -> GovxlError:
    where = f"档案 {name} 不存在；请检查档案路径" if sqlite else f"数据库 {name} 中还没有 govxl 档案；请检查地址"
    return GovxlError(f"{where}。新建档案请用 govxl archive add（归档报表）或 govxl archive roster（导入名单）")


def _not_ours(name: str, why: str) -> GovxlError:
    return GovxlError(f"{name} 不是 govxl 档案（{why}），不会使用或改动它；请指定另一个档案文件")


def _inspect_file(path: Path) -> None:
    """Read-only look at an existing file: a SQLite database holding govxl's meta table, or nothing at all."""
    if not path.exists():
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise GovxlError(f"无法创建档案 {path}：文件夹 {folder} 不存在")
        return
    if path.is_dir():
        raise GovxlError(f"档案路径 {path} 是一个文件夹；请给出档案文件的路径（如 {DEFAULT_FILE}）")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise GovxlError(f"档案 {path} 无法读取：{os_reason(exc)}") from None
    if not head.startswith(_SQLITE_MAGIC):
        raise _not_ours(str(path), "不是 SQLite 数据库文件" if head else "是一个空文件")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = dict(db.execute("SELECT key, value FROM govxl_meta")) if "govxl_meta" in tables else None
        finally:
            db.close()
    except sqlite3.DatabaseError:
        raise _not_ours(str(path), "SQLite 数据库已损坏或无法读取") from None
    if rows is None:
        raise _not_ours(str(path), "是其他程序的 SQLite 数据库" if tables else "是一个空的 SQLite 数据库")
    _judge(str(path), rows)


def _judge(name: str, rows: dict[str, str]) -> int:
    """The schema version of an archive whose meta rows are `rows`; refuses another's or a newer one."""
    if rows.get("application") != schema.APPLICATION:
        raise _not_ours(name, "其中的 govxl_meta 表不是 govxl 写的")
    version = rows.get("schema_version", "")
    if not version.isdigit():
        raise _not_ours(name, f"档案结构版本“{version}”无法识别")
    if int(version) > schema.SCHEMA_VERSION:
        made_by = rows.get("govxl_version", "较新版本")
        raise GovxlError(
            f"档案 {name} 由 govxl {made_by} 创建（档案结构版本 {version}），本程序（govxl {__version__}）只认得"
            f"版本 {schema.SCHEMA_VERSION} 及更早的档案；请升级 govxl 后再用。档案未被改动"
        )
    return int(version)


def _initialise(engine: sa.Engine, name: str, *, sqlite: bool, wal: bool = True, create: bool = True) -> None:
    def step(conn: sa.Connection) -> None:
        if not sqlite:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        tables = set(sa.inspect(conn).get_table_names())
        if "govxl_meta" in tables:
            rows = {k: v for k, v in conn.execute(sa.select(schema.meta.c.key, schema.meta.c.value))}
            found = _judge(name, rows)
            if found < schema.SCHEMA_VERSION:
                schema.migrate(conn, found)
            return
        ours = {t for t in tables if t.startswith("govxl_")}
        if (sqlite and tables) or ours:
            raise _not_ours(name, f"已有数据表 {'、'.join(sorted(ours or tables)[:5])}，但没有 govxl_meta")
        if not create:  # a database that holds no archive yet: a command that only reads does not make one
            raise _absent(name, sqlite)
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA application_id = {schema.SQLITE_APPLICATION_ID}")
        schema.metadata.create_all(conn)
        conn.execute(
            sa.insert(schema.meta),
            [
                {"key": "application", "value": schema.APPLICATION},
                {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
                {"key": "govxl_version", "value": __version__},
            ],
        )

    try:
        in_transaction(engine, step)
        if sqlite and wal:  # WAL: readers never wait for the writer, and a commit costs no sync of the whole file
            with engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                retrying(lambda: raw.execute("PRAGMA journal_mode = WAL"))
    except GovxlError:
        engine.dispose()
        raise
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise GovxlError(f"无法打开档案 {name}：{_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else ""
    if "password authentication failed" in text or "authentication" in text:
        return "数据库拒绝了用户名或密码"
    if "Connection refused" in text or "could not connect" in text or "connection failed" in text:
        return "连不上数据库服务器（服务器未运行或地址、端口不对）"
    if "does not exist" in text and "database" in text:
        return "数据库不存在"
    if "readonly" in text or "read-only" in text:
        return "档案所在位置是只读的"
    return f"数据库出错（{text[:200]}）" if text else "数据库出错"


def _transient(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return True
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in ("40001", "40P01")  # serialization failure, deadlock: the transaction may simply be rerun


def retrying(fn: Callable[[], T], attempts: int = 60) -> T:
    for attempt in range(attempts):
        try:
            return fn()
        except (sa.exc.OperationalError, sa.exc.DBAPIError, sqlite3.OperationalError) as exc:
            if not _transient(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(0.05 * (attempt + 1), 1.0))
    raise AssertionError("unreachable")


def in_transaction(engine: sa.Engine, fn: Callable[[sa.Connection], T]) -> T:
    """fn(conn) in one transaction, committed whole or not at all; rerun when another writer got in the way."""

    def once() -> T:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                return fn(conn)

    return retrying(once)


def database_error(name: str, exc: sa.exc.SQLAlchemyError) -> GovxlError:
    return GovxlError(f"档案 {name} 读写出错：{_reason(exc)}")
