"""Routes for templates and imports: upload XLSX/CSV, read the result, download the annotated error workbook."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from mutasi.assessment.adapters import workbooks
from mutasi.assessment.adapters.repositories import IMPORT_ERRORS, IMPORTS
from mutasi.assessment.adapters.tables import read_table
from mutasi.assessment.adapters.workbooks import XLSX_MEDIA_TYPE
from mutasi.assessment.domain.errors import NotFound
from mutasi.assessment.entrypoints.dependencies import DepsDep, HrCallerDep
from mutasi.assessment.service_layer.imports import ImportRequest, http_status, run_import
from mutasi.chassis.writes import IdempotencyKey

router = APIRouter(prefix="/v1", tags=["imports"])
Kind = Literal["skj", "employees", "assessments"]
MB = 1024 * 1024


@router.get("/templates/{kind}", summary="Download an import template (XLSX with instructions, or CSV)")
async def template(kind: Kind, format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    if format == "csv":
        return Response(
            workbooks.template_csv(kind),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="template_{kind}.csv"'},
        )
    return Response(
        workbooks.template_xlsx(kind),
        media_type=workbooks.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="template_{kind}.xlsx"'},
    )


@router.post(
    "/imports/{kind}",
    summary="Import an SKJ, employee or assessment file (XLSX or CSV as the raw request body)",
    openapi_extra={"requestBody": {"required": True, "content": {XLSX_MEDIA_TYPE: {}, "text/csv": {}}}},
)
async def import_file(
    kind: Kind,
    request: Request,
    caller: HrCallerDep,
    deps: DepsDep,
    accept_partial: Annotated[bool, Query(description="Store the good rows even if some rows are bad.")] = False,
    filename: Annotated[str | None, Query(description="Original file name, e.g. pegawai.xlsx.")] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    content = await request.body()
    if len(content) > deps.max_upload_mb * MB:
        raise HTTPException(
            413,
            {
                "message": "Berkas terlalu besar / file too large",
                "errors": [{"field": "body", "reason": f"> {deps.max_upload_mb} MB"}],
            },
        )
    name = upload_name(filename, request.headers.get("content-type", ""), content)
    table = read_table(content, name)
    digest = hashlib.sha256(content).hexdigest()
    req = ImportRequest(caller.agency_id, kind, name, digest, table.header, table.rows, accept_partial, idempotency_key)
    result = await run_import(deps, req)
    return JSONResponse(result, status_code=http_status(result))


def upload_name(filename: str | None, content_type: str, content: bytes) -> str:
    """The file name decides the reader: given, else from Content-Type, else sniffed (XLSX is a ZIP)."""
    if filename:
        return filename
    if "csv" in content_type:
        return "upload.csv"
    if content_type.startswith(XLSX_MEDIA_TYPE) or content.startswith(b"PK\x03\x04"):
        return "upload.xlsx"
    return "upload.csv"


@router.get("/imports/{import_id}", summary="The summary of one import")
async def import_summary(import_id: str, caller: HrCallerDep, deps: DepsDep) -> dict[str, Any]:
    async with deps.uow() as uow:
        found = await uow.collection(IMPORTS).find_one({"agency_id": caller.agency_id, "import_id": import_id})
    if found is None:
        raise NotFound("impor / import", import_id)
    return {k: v for k, v in found.items() if k not in ("agency_id", "header")}


@router.get("/imports/{import_id}/errors.xlsx", summary="The bad rows, annotated cell by cell (XLSX)")
async def import_errors_xlsx(import_id: str, caller: HrCallerDep, deps: DepsDep) -> Response:
    async with deps.uow() as uow:
        found = await uow.collection(IMPORTS).find_one({"agency_id": caller.agency_id, "import_id": import_id})
        if found is None:
            raise NotFound("impor / import", import_id)
        bad = await uow.collection(IMPORT_ERRORS).find(
            {"agency_id": caller.agency_id, "import_id": import_id}, sort=[("row", 1)]
        )
    return Response(
        workbooks.errors_xlsx(found["header"], bad),
        media_type=workbooks.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="kesalahan_{import_id}.xlsx"'},
    )


@router.post(
    "/assessments",
    tags=["assessments"],
    summary="Record one assessment result (JSON with the assessment template's column names)",
)
async def record_assessment(
    body: dict[str, str | int | float | None],
    caller: HrCallerDep,
    deps: DepsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    row = {k.strip().lower(): None if v is None else str(v) for k, v in body.items()}
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()
    req = ImportRequest(caller.agency_id, "assessments", "api", digest, list(row), [row], False, idempotency_key)
    result = await run_import(deps, req)
    return JSONResponse(result, status_code=http_status(result))
