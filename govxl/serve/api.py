"""The JSON API (docs/serve.md): bearer tokens, no cookies, so no CSRF. Thin: parse, call the archive, answer."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from govxl.errors import GovxlError
from govxl.serve import board
from govxl.serve.auth import UnitGrant
from govxl.serve.desk import Desk
from govxl.serve.limits import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error(status: int, text: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="govxl"'} if status == 401 else None
    return JSONResponse({"error": text}, status_code=status, headers=headers)


class Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _who(request: Request) -> tuple[bool, UnitGrant | None]:
    """(admin, the unit's grant): 401 when the request carries no valid token at all."""
    token = _bearer(request)
    desk = _desk(request)
    if desk.is_admin(token):
        return True, None
    grant = await desk.grant(token)
    if grant is None:
        raise Refused(401, "缺少有效的令牌：请在 Authorization 头中给出 Bearer 令牌（管理员令牌或本单位的令牌）")
    return False, grant


async def _admin(request: Request) -> None:
    admin, _ = await _who(request)
    if not admin:
        raise Refused(403, "只有管理员（汇总单位）可以这样做，单位的令牌不行")


async def put_roster(request: Request) -> Response:
    await _admin(request)
    year = int(request.path_params["year"])
    units = board.parse_roster(await request.body(), f"{year} 年度名单")
    desk = _desk(request)
    await desk.run(desk.archive.save_roster, year, units)
    issued = await desk.run(desk.tokens.issue, year, [u for u, _ in units])
    return JSONResponse({"year": year, "units": [{"unit": u, "token": t} for u, t in issued]})


async def post_submission(request: Request) -> Response:
    admin, grant = await _who(request)
    name, data = await upload_field(request, "file")
    added = await _desk(request).add(data, name, None if admin or grant is None else grant.unit)
    if added.report.problem or added.report.skipped or added.submission_id is None:
        return error(422, not_stored(added, name))
    return JSONResponse(
        {
            "id": added.submission_id,
            "unit": added.unit,
            "year": added.year,
            "status": added.status,
            "errors": added.errors,
            "warnings": added.warnings,
            "findings": [f.to_json() for f in added.report.findings],
        }
    )


async def get_status(request: Request) -> Response:
    await _admin(request)
    year = int(request.path_params["year"])
    desk = _desk(request)
    units = await desk.run(desk.archive.status, year)
    return JSONResponse(
        {
            "year": year,
            "units": [
                {
                    "unit": u.unit,
                    "status": u.status,
                    "errors": u.errors,
                    "warnings": u.warnings,
                    "submitted_at": u.submitted_at.isoformat() if u.submitted_at else None,
                }
                for u in units
            ],
        }
    )


async def get_consolidated(request: Request) -> Response:
    await _admin(request)
    year = int(request.path_params["year"])
    data = await consolidated(_desk(request), year)
    return Response(data, media_type=XLSX, headers=content_disposition(f"{year}年度汇总.xlsx"))


async def consolidated(desk: Desk, year: int) -> bytes:
    def build() -> bytes:
        with tempfile.TemporaryDirectory(prefix="govxl-export-") as tmp:
            out = Path(tmp) / f"{year}年度汇总.xlsx"
            result = desk.archive.export(year, out)
            if result.output is None:
                raise GovxlError(f"{year} 年度没有可汇总的报表（没有单位报送，或报送的报表都有错误）")
            return out.read_bytes()

    return await desk.run(build)


async def owned(request: Request, admin: bool, grant: UnitGrant | None) -> Any:
    """The submission of the path's id, if the caller may see it. Another unit's is answered as one that does
    not exist (404, the same words): a unit's token must not tell which ids other units' submissions hold."""
    desk = _desk(request)
    missing = Refused(404, f"本单位没有编号为 {request.path_params['id']} 的报送")
    try:
        sub = await desk.run(desk.archive.get, int(request.path_params["id"]))
    except GovxlError:
        raise missing from None
    if not admin and not (grant and grant.owns(sub.unit)):
        raise missing
    return sub


async def get_corrections(request: Request) -> Response:
    sub = await owned(request, *await _who(request))
    desk = _desk(request)
    data = await desk.run(desk.archive.corrections, sub.id)
    return Response(data, media_type=XLSX, headers=content_disposition(corrections_name(sub.filename)))


async def get_original(request: Request) -> Response:
    sub = await owned(request, *await _who(request))
    desk = _desk(request)
    data = await desk.run(desk.archive.original, sub.id)
    return Response(data, media_type=XLSX, headers=content_disposition(sub.filename))


async def get_submissions(request: Request) -> Response:
    admin, grant = await _who(request)
    desk = _desk(request)
    if admin:
        year = _year_query(request)
        subs = await desk.run(desk.archive.submissions, year, request.query_params.get("unit") or None)
    else:
        assert grant is not None
        subs = (await desk.run(board.unit_view, desk.archive, grant.year, grant.unit, None)).history
    return JSONResponse({"submissions": [board.submission_json(s) for s in subs]})


def _year_query(request: Request) -> int | None:
    text = request.query_params.get("year", "")
    if not text:
        return None
    if not text.isdigit():
        raise Refused(422, f"year 应为年份数字，而不是“{text[:20]}”")
    return int(text)


def not_stored(added: Any, name: str) -> str:
    return str(added.report.problem or added.report.skipped or f"{name}：未能存入档案")


def corrections_name(filename: str) -> str:
    return f"{Path(filename).stem}_校验.xlsx"


def upload_name(filename: str | None) -> str:
    """The file's own name, without the folders some browsers send (C:\\fakepath\\…) and without control
    characters (a NUL cannot be in a file name), at most 200 characters."""
    name = Path("".join(c for c in filename or "" if c.isprintable()).replace("\\", "/")).name.strip()
    return name[-200:] or "上传的文件.xlsx"


@dataclass
class Form:
    """A posted form read whole (within the size limit) and its temporary files closed at once."""

    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)

    def file(self, name: str) -> tuple[str, bytes] | None:
        return next(iter(self.files.get(name, [])), None)


async def read_form(request: Request, max_files: int = 1) -> Form:
    try:
        form = await request.form(max_files=max_files, max_fields=50)
    except HTTPException:
        raise Refused(422, "上传的内容不是有效的表单（应为 multipart/form-data，文件放在 file 字段）") from None
    out = Form()
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if value.filename or value.size:  # a file input left empty sends a nameless, empty part
                    out.files.setdefault(key, []).append((upload_name(value.filename), await value.read()))
            else:
                out.texts.setdefault(key, value)
    finally:
        await form.close()
    return out


async def upload_field(request: Request, name: str) -> tuple[str, bytes]:
    upload = (await read_form(request)).file(name)
    if upload is None:
        raise Refused(422, f"缺少文件：请把工作簿放在表单的 {name} 字段中上传")
    return upload


ROUTES = [
    Route("/api/v1/roster/{year:int}", put_roster, methods=["PUT"]),
    Route("/api/v1/submissions", post_submission, methods=["POST"]),
    Route("/api/v1/submissions", get_submissions, methods=["GET"]),
    Route("/api/v1/status/{year:int}", get_status, methods=["GET"]),
    Route("/api/v1/consolidated/{year:int}", get_consolidated, methods=["GET"]),
    Route("/api/v1/submissions/{id:int}/corrections", get_corrections, methods=["GET"]),
    Route("/api/v1/submissions/{id:int}/original", get_original, methods=["GET"]),
]
