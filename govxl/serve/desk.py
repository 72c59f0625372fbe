"""The archive behind the server. Every archive call runs on one worker thread, in order: SQLite sees a single
writer, the event loop never waits on a check, and uploads that arrive together are handed to the archive
together (one validation frame when the archive offers a batch add)."""

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
_Job = tuple[bytes, str, str | None, "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class Desk:
    def __init__(self, archive: Archive, admin_token_hash: str) -> None:
        self.archive = archive
        self.admin_hash = admin_token_hash
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govxl-archive")
        self.tokens: Tokens = self._worker.submit(Tokens, archive.engine).result()
        self._pending: list[_Job] = []
        self._draining = False

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(fn, *args, **kwargs))

    def is_admin(self, token: str | None) -> bool:
        return bool(token) and same_hash(token_hash(token or ""), self.admin_hash)

    async def grant(self, token: str | None) -> UnitGrant | None:
        if not token or len(token) > 200:
            return None
        return await self.run(self.tokens.grant, token)

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
            for outcome, (*_, future, loop) in zip(self._store(batch), batch, strict=True):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def _store(self, batch: list[_Job]) -> list[Any]:
        uploads = [(data, name, unit) for data, name, unit, *_ in batch]
        if len(batch) == 1:
            try:
                return [self.archive.add(*uploads[0][:2], expected_unit=uploads[0][2])]
            except Exception as exc:
                return [exc]
        many = getattr(self.archive, "add_many", None)
        if many is None:
            from govxl.serve.batch_adapter import add_many

            return add_many(self.archive, uploads)
        try:
            return list(many(uploads))
        except Exception as exc:  # the batch as a whole failed: each upload says so
            return [exc] * len(batch)

    def close(self) -> None:
        self._worker.shutdown(wait=True)


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
