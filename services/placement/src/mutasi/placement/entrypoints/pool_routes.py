"""HTTP routes of needs analysis and the pool: posts import, posts, needs, candidates, rules and policy."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from mutasi.chassis.http import Answer, CallerDep
from mutasi.chassis.kit import KitDep
from mutasi.chassis.openapi import file_answer, raw_upload
from mutasi.chassis.writes import IdempotencyKey
from mutasi.placement.adapters.workbooks import XLSX_MEDIA_TYPE, read_rows, write_posts
from mutasi.placement.domain.post_rows import COLUMNS
from mutasi.placement.entrypoints import answers
from mutasi.placement.entrypoints.dependencies import DepsDep
from mutasi.placement.entrypoints.models import PolicyIn
from mutasi.placement.service_layer import posts, reads

router = APIRouter(prefix="/v1", tags=["needs and pool"])


class PostsImported(Answer):
    """The posts stored (201), or with `stored: false` and each bad cell in `errors` (422)."""

    import_id: str
    rows: int
    accepted: int
    rejected: int
    stored: bool
    message: str
    errors: list[dict[str, Any]] = Field(description="row, column, code, reason_id, reason_en, value, field, reason")


@router.post(
    "/posts/import",
    status_code=201,
    response_model=PostsImported,
    summary="Import the posts workbook (XLSX as the raw body); row-level errors, all-or-nothing by default",
    openapi_extra=raw_upload(XLSX_MEDIA_TYPE),
)
async def import_posts(
    request: Request,
    caller: CallerDep,
    deps: DepsDep,
    kit: KitDep,
    accept_partial: Annotated[bool, Query(description="Store the good rows even if some rows are bad.")] = False,
    key: IdempotencyKey = None,
) -> JSONResponse:
    content = await request.body()
    header, rows = read_rows(content, kit.sheet_limits)
    digest = hashlib.sha256(content).hexdigest()
    result = await posts.import_posts(deps, caller, header, rows, accept_partial, digest, key)
    return JSONResponse(result, status_code=201 if result["stored"] else 422)


@router.get(
    "/posts/template.xlsx",
    response_class=Response,
    responses=file_answer(XLSX_MEDIA_TYPE, description="The posts workbook template"),
    summary="The posts workbook template: the columns and one example row",
)
async def posts_template() -> Response:
    example = ["DISKOMINFO-PLK-SI", "diskominfo", "Dinas Kominfo", "Pranata Sistem Informasi", "pelaksana", "",
               "informatika", "III/a", "III/d", "S1, D4", "informatika, sistem_informasi", 2.6, 1,
               "tek_sistem_informasi:3", "tidak", "tidak"]  # fmt: skip
    content = write_posts(COLUMNS, [example])
    disposition = 'attachment; filename="template_jabatan.xlsx"'
    return Response(content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": disposition})


@router.get("/posts", summary="Posts with kebutuhan, bezetting, selisih and open seats")
async def list_posts(caller: CallerDep, deps: DepsDep) -> list[dict[str, Any]]:
    return await posts.list_posts(deps, caller)


@router.get("/needs", summary="Needs analysis per unit (ANJAB/ABK)")
async def needs(caller: CallerDep, deps: DepsDep) -> list[dict[str, Any]]:
    return await posts.needs(deps, caller)


@router.get(
    "/candidates", summary="The candidate pool kept from assessment-completed", response_model=answers.Candidates
)
async def candidates(
    caller: CallerDep,
    deps: DepsDep,
    listed: Annotated[bool, Query(alias="list", description="false: count only")] = True,
) -> dict[str, Any]:
    return await reads.candidates(deps, caller, listed)


@router.get(
    "/rules", summary="The eligibility rule table: codes, sources, effective dates", response_model=list[answers.Rule]
)
async def rules() -> list[dict[str, Any]]:
    return reads.rules_table()


@router.get("/policy", summary="The agency's eligibility policy (defaults plus its overrides)")
async def get_policy(caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await reads.get_policy(deps, caller)


@router.put("/policy", summary="Override the agency's policy (tenure 24→6, BUP horizon, blackout windows, ...)")
async def put_policy(body: PolicyIn, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await reads.put_policy(deps, caller, body.as_doc())
