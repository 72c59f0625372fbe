"""The compiler's archive and collection desk: `govxl archive …` (its commands imported only when used, so
that `govxl --help` never imports SQLAlchemy) and `govxl serve`."""

from __future__ import annotations

import importlib
from typing import Any

import click

from govxl.cli.base import _Group, cli


class _LazyGroup(_Group):
    """A command group whose commands live in another module, imported only when the group is used."""

    def __init__(self, *args: Any, module: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module = module

    def _real(self) -> click.Group:
        group: click.Group = importlib.import_module(self.module).group
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real().get_command(ctx, name)


cli.add_command(
    _LazyGroup(
        "archive",
        module="govxl.archive.cli",
        help="档案：保存每个单位每年报送并校验过的报表，查询报送情况、历年记录，导出汇总。",
        short_help="报表档案：归档、报送情况、历年记录、导出汇总",
    )
)


@cli.command()
@click.option(
    "--archive",
    "location",
    help="档案：SQLite 文件或 postgresql+psycopg://… 地址（默认 $GOVXL_ARCHIVE，或 ./govxl-archive.sqlite）。",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址（内网访问时填本机的内网地址）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听的端口。")
@click.option(
    "--max-upload", type=click.IntRange(1, 1024), default=10, show_default=True, help="上传文件的大小上限（MB）。"
)
@click.option("--new-admin-token", is_flag=True, help="作废原管理员令牌，生成并显示一个新的。")
def serve(location: str | None, host: str, port: int, max_upload: int, new_admin_token: bool) -> None:
    """在浏览器中收取各单位的报表：单位凭专用链接上传并立即看到校验结果，汇总单位查看进度、下载汇总表。

    管理员令牌取自环境变量 GOVXL_ADMIN_TOKEN；未设置时首次启动生成并显示一次。
    """
    from govxl.serve.run import serve as run_serve

    run_serve(location, host, port, max_upload << 20, new_admin_token)
