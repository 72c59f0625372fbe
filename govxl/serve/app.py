"""The desk's ASGI application: the archive behind one worker thread, the API and the pages in front, the size
limit around everything. Never a 500 for anything a user sends: refusals and unreadable files are 4xx with a
Chinese sentence (JSON {"error": …} under /api/, a page elsewhere)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govxl.errors import GovxlError
from govxl.serve import api, pages
from govxl.serve.api import Refused, error
from govxl.serve.desk import Desk
from govxl.serve.limits import SizeLimit

if TYPE_CHECKING:
    from govxl.archive import Archive

MAX_UPLOAD = 10 * 1024 * 1024
_LOG = logging.getLogger("govxl.serve")
# nothing from outside the server, no inline script; the SVG charts are markup, not resources
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # a unit's link must not leak to another site
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _templates() -> object:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from govxl.merge import unit_key
    from govxl.report import short_sheet_names

    env = Environment(loader=PackageLoader("govxl.serve", "templates"), autoescape=True, undefined=StrictUndefined)
    env.globals.update(key=unit_key, sheets=short_sheet_names())
    return env


def _answer(request: Request, status: int, text: str) -> Response:
    if request.url.path.startswith("/api/"):
        return error(status, text)
    return pages.render(request, "error.html", status, status=status, message=text)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return _answer(request, exc.status, exc.text)


async def _govxl_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GovxlError)
    return _answer(request, 403 if type(exc).__name__ == "UnitMismatch" else 422, exc.message)


_HTTP_TEXT = {404: "没有这个页面", 405: "不支持这种请求方式"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _answer(request, exc.status_code, _HTTP_TEXT.get(exc.status_code, "请求无法处理"))


async def _unexpected(request: Request, exc: Exception) -> Response:
    # a unit's link holds its token: the path is logged without it
    path = re.sub(r"^/u/[^/]+", "/u/…", request.url.path)
    _LOG.exception("未预料的错误：%s %s", request.method, path)
    return _answer(request, 500, "服务器内部出错，本次请求未完成；已存入档案的报送不受影响。请稍后重试")


def create_app(archive: Archive, *, admin_token_hash: str, max_upload: int = MAX_UPLOAD) -> Starlette:
    """The desk over an open archive. `admin_token_hash` is the SHA-256 (hex) of the admin token."""
    from importlib.resources import files

    desk = Desk(archive, admin_token_hash)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        desk.close()

    static = StaticFiles(directory=str(files("govxl.serve") / "static"))
    app = Starlette(
        routes=[*api.ROUTES, *pages.ROUTES, Mount("/static", static, name="static")],
        middleware=[Middleware(_SecurityHeaders), Middleware(SizeLimit, limit=max_upload)],
        exception_handlers={
            Refused: _refused,
            GovxlError: _govxl_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.templates = _templates()
    app.state.max_upload = max_upload
    return app
