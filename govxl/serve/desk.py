"""The archive behind the server. Every archive call runs on one worker thread, in order: SQLite sees a single
writer and the event loop never waits on a check. Uploads are read as they arrive (in reader processes when
the server has them, so that reading uses the other core), then handed to the archive together: all that
wait when the worker comes free are checked in one validation frame (see batch_adapter)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from govxl.serve import batch_adapter
from govxl.serve.auth import Tokens, UnitGrant, same_hash, token_hash

if TYPE_CHECKING:
    from govxl.archive import Added, Archive

T = TypeVar("T")
# (the upload read, or None when it is to be read on the worker; its bytes, name, expected unit; its answer)
_Job = tuple[Any, bytes, str, str | None, "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class Desk:
    def __init__(self, archive: Archive, admin_token_hash: str, readers: int = 0) -> None:
        self.archive = archive
        self.admin_hash = admin_token_hash
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govxl-archive")
        self.tokens: Tokens = self._worker.submit(Tokens, archive.engine).result()
        self._pending: list[_Job] = []
        self._draining = False
        self._readers: Executor | None = None
        if readers:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawned, not forked: this process already runs threads
            context = multiprocessing.get_context("spawn")
            self._readers = ProcessPoolExecutor(
                readers, mp_context=context, initializer=batch_adapter.reader_start
            )
            for _ in range(readers):  # started now, not at the first upload
                self._readers.submit(batch_adapter.ready)

    def warm(self) -> None:
        """Import pandas and pandera and build the schemas on the worker now: the first upload is not the one
        that waits for them."""
        from govxl.merger import _prepare_validation

        self._worker.submit(_prepare_validation)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(fn, *args, **kwargs))

    def is_admin(self, token: str | None) -> bool:
        return bool(token) and same_hash(token_hash(token or ""), self.admin_hash)

    async def grant(self, token: str | None) -> UnitGrant | None:
        if not token or len(token) > 200:
            return None
        return self.tokens.grant(token)

    async def add(self, data: bytes, filename: str, expected_unit: str | None) -> Added:
        """Store one upload; returns once it is committed (or raises what the archive raised)."""
        loop = asyncio.get_running_loop()
        item = None
        if self._readers is not None:
            try:
                item = await loop.run_in_executor(self._readers, batch_adapter.read_upload, data, filename)
            except BrokenProcessPool:  # a reader died: read on the worker from now on
                self._readers = None
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((item, data, filename, expected_unit, future, loop))
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
        out: list[Any] = [None] * len(batch)
        ready: list[tuple[int, Any, str | None]] = []
        for i, (item, data, name, unit, *_) in enumerate(batch):
            if item is None:
                try:
                    item = batch_adapter.read_upload(data, name)
                except Exception as exc:
                    out[i] = exc
                    continue
            ready.append((i, item, unit))
        stored = batch_adapter.store_items(self.archive, [(item, unit) for _, item, unit in ready])
        for (i, *_), outcome in zip(ready, stored, strict=True):
            out[i] = outcome
        return out

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        if self._readers is not None:
            self._readers.shutdown(wait=False, cancel_futures=True)


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
