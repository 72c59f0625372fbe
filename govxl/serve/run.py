"""Start the desk: open the archive, settle the admin token (printed once when it is made), run uvicorn."""

from __future__ import annotations

import os
import sys

from govxl.errors import GovxlError


def serve(location: str | None, host: str, port: int, max_upload: int, new_admin_token: bool) -> None:
    import uvicorn

    from govxl.archive import open_archive
    from govxl.serve.app import create_app
    from govxl.serve.auth import Tokens, token_hash

    archive = open_archive(location)
    tokens = Tokens(archive.engine)
    from_env = os.environ.get("GOVXL_ADMIN_TOKEN", "").strip() or None
    shown: str | None
    if new_admin_token:
        if from_env:
            raise GovxlError("已设置 GOVXL_ADMIN_TOKEN，管理员令牌以它为准：不能再用 --new-admin-token")
        fresh = tokens.reset_admin()
        admin_hash, shown = token_hash(fresh), fresh
    else:
        admin_hash, shown = tokens.admin_hash(from_env)
    if shown:
        print(f"管理员令牌（只显示这一次，请妥善保存；服务器只保存其摘要）：{shown}", flush=True)
    _check_port(host, port)
    app = create_app(archive, admin_token_hash=admin_hash, max_upload=max_upload)
    app.state.desk.warm()
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print(f"govxl 报送台已启动：{where}/ （按 Ctrl-C 停止）", file=sys.stderr, flush=True)
    # uvicorn's access log would print each unit's link, token and all: it stays off
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)


def _check_port(host: str, port: int) -> None:
    """Said in Chinese before uvicorn says it in English."""
    import socket

    from govxl.errors import os_reason

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise GovxlError(
                f"无法在 {host}:{port} 上监听：{os_reason(exc)}（端口可能已被占用，请换一个 --port）"
            ) from None
