"""The pages: a unit's page (reached by its own link) and the compiler's board. Forms carry a double-submit
CSRF token (a cookie and a hidden field that must match); the admin's session is an HttpOnly, SameSite=Strict
cookie holding the admin token."""

from __future__ import annotations

import asyncio
import secrets
from datetime import date
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from govxl.errors import GovxlError
from govxl.merge import unit_key
from govxl.serve import board, charts
from govxl.serve.api import XLSX, Form, Refused, consolidated, corrections_name, not_stored, owned, read_form
from govxl.serve.auth import UnitGrant
from govxl.serve.desk import Desk
from govxl.serve.limits import content_disposition

CSRF_COOKIE, ADMIN_COOKIE = "govxl_csrf", "govxl_admin"


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def render(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    page = request.app.state.templates.get_template(name).render(csrf=token, request=request, **context)
    response = HTMLResponse(page, status_code=code)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


async def form_of(request: Request, max_files: int = 1) -> Form:
    """The posted form, once its CSRF token matches the cookie's."""
    form = await read_form(request, max_files)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.texts.get("csrf", "")
    if not cookie or not sent or not secrets.compare_digest(sent.encode(), cookie.encode()):
        raise Refused(403, "表单已过期或来源不明（CSRF 校验未通过）：请刷新页面后重新提交")
    return form


def _is_admin(request: Request) -> bool:
    return _desk(request).in_session(request.cookies.get(ADMIN_COOKIE))


def _require_admin(request: Request) -> None:
    if not _is_admin(request):
        raise Refused(401, "请先以管理员令牌登录")


async def _grant(request: Request) -> UnitGrant:
    grant = await _desk(request).grant(request.path_params["token"])
    if grant is None:
        raise Refused(404, "这个单位链接无效或已作废：请向汇总单位索取新的链接")
    return grant


def _year(request: Request) -> int:
    text = request.query_params.get("year", "")
    return int(text) if text.isdigit() and 1990 < int(text) < 2200 else date.today().year - 1


# --- login ----------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    return RedirectResponse("/board" if _is_admin(request) else "/login", status_code=303)


async def login_page(request: Request) -> Response:
    return render(request, "login.html")


async def login(request: Request) -> Response:
    form = await form_of(request)
    token = form.texts.get("token", "")
    if not _desk(request).is_admin(token.strip()):
        return render(request, "login.html", 401, error="管理员令牌不对，请重新输入")
    response = RedirectResponse("/board", status_code=303)
    session = _desk(request).open_session()
    response.set_cookie(ADMIN_COOKIE, session, httponly=True, samesite="strict")
    return response


async def logout(request: Request) -> Response:
    await form_of(request)
    _desk(request).close_session(request.cookies.get(ADMIN_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(ADMIN_COOKIE)
    return response


# --- the compiler's board ---------------------------------------------------------------------------------


async def board_page(request: Request) -> Response:
    _require_admin(request)
    desk = _desk(request)
    year = _year(request)
    data = await desk.run(board.board, desk.archive, year, date.today())
    query = request.query_params.get("q", "").strip()
    wanted = request.query_params.get("status", "")
    rows = [
        u
        for u in data.units
        if (not query or unit_key(query) in unit_key(u.unit)) and (not wanted or u.status == wanted)
    ]
    return render(
        request,
        "board.html",
        data=data,
        rows=rows,
        query=query,
        wanted=wanted,
        progress=Markup(charts.progress_svg(data.progress)),
        top=Markup(charts.top_findings_svg(data.top)),
    )


async def board_upload(request: Request) -> Response:
    _require_admin(request)
    form = await form_of(request, max_files=1000)
    files = form.files.get("files", [])
    if not files:
        raise Refused(422, "没有选择文件：请选择一个或多个填好的工作簿")
    desk = _desk(request)
    outcomes = await asyncio.gather(*(desk.add(data, name, None) for name, data in files), return_exceptions=True)
    results: list[tuple[str, Any, str]] = []
    for (name, _), added in zip(files, outcomes, strict=True):
        if isinstance(added, GovxlError):
            results.append((name, None, added.message))
        elif isinstance(added, BaseException):
            raise added
        else:
            stored = added.submission_id is not None and not added.report.problem and not added.report.skipped
            results.append((name, added, "" if stored else not_stored(added, name)))
    return render(request, "uploaded.html", results=results, year=_year(request))


async def board_roster(request: Request) -> Response:
    _require_admin(request)
    form = await form_of(request)
    upload, year_text = form.file("roster"), form.texts.get("year", "").strip()
    if upload is None:
        raise Refused(422, "没有选择名单文件（.csv 或 .xlsx，含“填报单位”列）")
    if not year_text.isdigit():
        raise Refused(422, "请填写名单所属的年度（如 2024）")
    year = int(year_text)
    units = board.parse_roster(upload[1], upload[0])
    desk = _desk(request)
    await desk.run(desk.archive.save_roster, year, units)
    issued = await desk.run(desk.tokens.issue, year, [u for u, _ in units])
    return render(request, "links.html", year=year, issued=issued, base=_base(request))


async def board_reissue(request: Request) -> Response:
    _require_admin(request)
    form = await form_of(request)
    unit, year_text = form.texts.get("unit", ""), form.texts.get("year", "")
    if not unit or not year_text.isdigit():
        raise Refused(422, "缺少单位或年度")
    desk = _desk(request)
    token = await desk.run(desk.tokens.reissue, int(year_text), unit)
    if token is None:
        raise Refused(404, f"名单中没有“{unit}”，无法生成链接：请先导入含该单位的名单")
    return render(request, "links.html", year=int(year_text), issued=[(unit, token)], base=_base(request))


async def board_consolidated(request: Request) -> Response:
    _require_admin(request)
    year = int(request.path_params["year"])
    data = await consolidated(_desk(request), year)
    return Response(data, media_type=XLSX, headers=content_disposition(f"{year}年度汇总.xlsx"))


async def board_file(request: Request) -> Response:
    _require_admin(request)
    return await _file(request, await owned(request, True, None))


async def _file(request: Request, sub: Any) -> Response:
    desk = _desk(request)
    kind = request.path_params["kind"]
    if kind not in ("corrections", "original"):
        raise Refused(404, "没有这个页面")
    if kind == "corrections":
        data = await desk.run(desk.archive.corrections, sub.id)
        return Response(data, media_type=XLSX, headers=content_disposition(corrections_name(sub.filename)))
    data = await desk.run(desk.archive.original, sub.id)
    return Response(data, media_type=XLSX, headers=content_disposition(sub.filename))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# --- a unit's page ------------------------------------------------------------------------------------------


async def unit_page(request: Request) -> Response:
    grant = await _grant(request)
    shown = request.query_params.get("id", "")
    return await _unit(request, grant, int(shown) if shown.isdigit() else None)


async def _unit(
    request: Request, grant: UnitGrant, shown: int | None, status: int = 200, error: str = ""
) -> Response:
    desk = _desk(request)
    view = await desk.run(board.unit_view, desk.archive, grant.year, grant.unit, shown)
    return render(request, "unit.html", status, view=view, token=request.path_params["token"], error=error)


async def unit_upload(request: Request) -> Response:
    grant = await _grant(request)
    form = await form_of(request)
    upload = form.file("file")
    if upload is None:
        return await _unit(request, grant, None, 422, "没有选择文件：请选择填好的年度报告工作簿（.xlsx）")
    try:
        added = await _desk(request).add(upload[1], upload[0], grant.unit)
    except GovxlError as exc:
        return await _unit(request, grant, None, _refusal_status(exc), exc.message)
    if added.report.problem or added.report.skipped or added.submission_id is None:
        return await _unit(request, grant, None, 422, not_stored(added, upload[0]))
    return RedirectResponse(f"/u/{request.path_params['token']}?id={added.submission_id}#result", status_code=303)


def _refusal_status(exc: GovxlError) -> int:
    return 403 if type(exc).__name__ == "UnitMismatch" else 422


async def unit_file(request: Request) -> Response:
    grant = await _grant(request)
    return await _file(request, await owned(request, False, grant))


async def unit_template(request: Request) -> Response:
    from govxl.spec import edition_for_year
    from govxl.workbook import render as render_workbook

    grant = await _grant(request)
    data = await _desk(request).run(
        render_workbook, edition_for_year(grant.year), {"unit": grant.unit, "year": grant.year}
    )
    name = f"{grant.unit}_{grant.year}年度_填报表.xlsx"
    return Response(data, media_type=XLSX, headers=content_disposition(name))


ROUTES = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/board", board_page),
    Route("/board/upload", board_upload, methods=["POST"]),
    Route("/board/roster", board_roster, methods=["POST"]),
    Route("/board/reissue", board_reissue, methods=["POST"]),
    Route("/board/consolidated/{year:int}", board_consolidated),
    Route("/board/submissions/{id:int}/{kind:str}", board_file),
    Route("/u/{token:str}", unit_page),
    Route("/u/{token:str}/upload", unit_upload, methods=["POST"]),
    Route("/u/{token:str}/template", unit_template),
    Route("/u/{token:str}/submissions/{id:int}/{kind:str}", unit_file),
]
