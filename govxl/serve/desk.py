"""The archive behind the server. Every archive call runs on one worker thread, in order: SQLite sees a single
writer and the event loop never waits on a check. Uploads that wait when the worker comes free are handed to
the archive together (`Archive.add_many`) and checked in one validation frame: a frame's fixed cost is most
of a check's, so the batch must be as large as the uploads waiting. (Reading uploads in reader processes as
they arrive was tried: the uploads then reached the worker one by one, batches shrank, and 400 uploads by 50
clients took 17 s instead of 7 s.)"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from govxl.serve.auth import Tokens, UnitGrant, same_hash, token_hash

if TYPE_CHECKING:
    from govxl.archive import Added, Archive

T = TypeVar("T")
# an upload's bytes, name and expected unit, and where its answer goes
_Job = tuple[bytes, str, str | None, "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class Desk:
    def __init__(self, archive: Archive, admin_token_hash: str) -> None:
        self.archive = archive
        self.admin_hash = admin_token_hash
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govxl-archive")
        self.tokens: Tokens = self._worker.submit(Tokens, archive.engine).result()
        self._pending: list[_Job] = []
        self._draining = False
        # the compiler's signed-in browsers: random session ids, kept as digests, never the admin token itself,
        # so a cookie can be revoked (sign out) and dies with the server
        self._sessions: set[str] = set()

    def warm(self) -> None:
        """Import pandas and pandera and build the schemas on the worker now: the first upload is not the one
        that waits for them."""
        from govxl.validation import prepare as _prepare_validation

        self._worker.submit(_prepare_validation)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(fn, *args, **kwargs))

    def is_admin(self, token: str | None) -> bool:
        return bool(token) and same_hash(token_hash(token or ""), self.admin_hash)

    def open_session(self) -> str:
        import secrets

        session = secrets.token_urlsafe(32)
        self._sessions.add(token_hash(session))
        return session

    def in_session(self, session: str | None) -> bool:
        return bool(session) and len(session or "") <= 200 and token_hash(session or "") in self._sessions

    def close_session(self, session: str | None) -> None:
        self._sessions.discard(token_hash(session or ""))

    async def grant(self, token: str | None) -> UnitGrant | None:
        if not token or len(token) > 200:
            return None
        return self.tokens.grant(token)

    async def add(self, data: bytes, filename: str, expected_unit: str | None) -> Added:
        """Store one upload; returns once it is committed (or raises what the archive raised)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((data, filename, expected_unit, future, loop))
        if not self._draining:
            self._draining = True
            self._worker.submit(self._drain)
        result: Added = await future
        return result

    def _drain(self) -> None:
        """On the worker: take every upload waiting now, store them, answer each; repeat until none waits."""
        while True:
            batch, self._pending = self._pending, []
            if not batch:
                self._draining = False
                if not self._pending:  # one may have arrived between the two lines above
                    return
                self._draining = True
                continue
            try:
                outcomes = self._store(batch)
            except Exception as exc:  # answer every upload of the batch, whatever happened
                outcomes = [exc] * len(batch)
            for outcome, (*_, future, loop) in zip(outcomes, batch, strict=True):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def _store(self, batch: list[_Job]) -> list[Any]:
        uploads = [(data, name, unit) for data, name, unit, *_ in batch]
        if len(uploads) == 1:
            data, name, unit = uploads[0]
            try:
                return [self.archive.add(data, name, expected_unit=unit)]
            except Exception as exc:
                return [exc]
        return list(self.archive.add_many(uploads))  # a mismatched unit comes back in its place

    def close(self) -> None:
        self._worker.shutdown(wait=True)


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
