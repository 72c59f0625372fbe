"""Uploads over the size limit are refused before they are read: by their Content-Length when they give one,
and by counting the bytes as they stream in when they do not (or lie)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class TooLarge(Exception):
    pass


def too_large_message(limit: int) -> str:
    return f"上传的内容超过 {limit / (1 << 20):g} MB 的上限，未予接收；请只上传填好的年度报告工作簿"


class SizeLimit:
    """Pure ASGI middleware: the body of any request is at most `limit` bytes, else 413 with a Chinese
    message (JSON for /api/, a short page otherwise) and the connection is closed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except TooLarge:
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        text = too_large_message(self.limit)
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps({"error": text}, ensure_ascii=False).encode("utf-8")
            kind = b"application/json"
        else:
            body = _page(text).encode("utf-8")
            kind = b"text/html; charset=utf-8"
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _page(text: str) -> str:
    # the limit's sentence holds no user text, so it needs no escaping
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>文件过大</title>'
        f'<link rel="stylesheet" href="/static/desk.css"><main><h1>文件过大</h1><p>{text}</p>'
        '<p><a href="/">返回首页</a></p></main></html>'
    )


def content_disposition(filename: str) -> dict[str, Any]:
    """A download's name, in Chinese too (RFC 6266 / 5987), with a plain ASCII fallback for old clients."""
    from urllib.parse import quote

    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename)
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
