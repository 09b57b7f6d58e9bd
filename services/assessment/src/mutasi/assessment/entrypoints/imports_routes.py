"""Routes for templates and imports: upload XLSX/CSV, read the result, download the annotated error workbook."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from mutasi.assessment.adapters import workbooks
from mutasi.assessment.adapters.repositories import IMPORT_ERRORS, IMPORTS
from mutasi.assessment.adapters.tables import UploadRows, read_table
from mutasi.assessment.adapters.workbooks import XLSX_MEDIA_TYPE
from mutasi.assessment.domain.errors import NotFound
from mutasi.assessment.entrypoints import answers
from mutasi.assessment.entrypoints.dependencies import DepsDep
from mutasi.assessment.service_layer.imports import (
    ImportRequest,
    header_refusal,
    http_status,
    import_view,
    import_work,
    run_import,
)
from mutasi.chassis.http import CallerDep
from mutasi.chassis.kit import KitDep
from mutasi.chassis.openapi import file_answer, raw_upload
from mutasi.chassis.spreadsheets import safe_filename, sniff_name
from mutasi.chassis.writes import IdempotencyKey

router = APIRouter(prefix="/v1", tags=["imports"])
Kind = Literal["skj", "employees", "assessments"]


@router.get(
    "/templates/{kind}",
    response_class=Response,
    responses=file_answer(XLSX_MEDIA_TYPE, "text/csv", description="The template (`format`: xlsx or csv)"),
    summary="Download an import template (XLSX with instructions, or CSV)",
)
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
    status_code=202,
    response_model=answers.ImportAnswer,
    summary="Start importing an SKJ, employee or assessment file (XLSX or CSV as the raw request body) as a job",
    openapi_extra=raw_upload(XLSX_MEDIA_TYPE, "text/csv"),
)
async def import_file(
    kind: Kind,
    request: Request,
    caller: CallerDep,
    deps: DepsDep,
    kit: KitDep,
    accept_partial: Annotated[bool, Query(description="Store the good rows even if some rows are bad.")] = False,
    filename: Annotated[str | None, Query(description="Original file name, e.g. pegawai.xlsx.")] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """202 with the job at once; follow `GET /v1/imports/{import_id}` to its final state. A file that cannot be
    read, is over a limit (413 naming it) or lacks a required column (422) is refused here, before any job."""
    content = await request.body()
    name = sniff_name(filename, request.headers.get("content-type", ""), content)
    table = read_table(content, name, deps.sheet_limits)
    if refusal := header_refusal(kind, table.header):
        return JSONResponse(refusal, 422)
    digest = hashlib.sha256(content).hexdigest()
    rows = UploadRows(content, name, deps.sheet_limits)  # each pass of the job reads the file from the start
    req = ImportRequest(caller.agency_id, kind, name, digest, table.header, rows, accept_partial)
    job = await kit.jobs.submit(
        caller.agency_id, f"import.{kind}", import_work(deps, req), key=idempotency_key, fingerprint=req.fingerprint
    )
    return JSONResponse(jsonable_encoder(import_view(job)), 202, headers={"Location": f"/v1/imports/{job['job_id']}"})


@router.get(
    "/imports/{import_id}",
    response_model=answers.ImportAnswer,
    response_model_exclude_unset=True,
    summary="One import: its state, progress, and when done the final counts",
)
async def import_summary(import_id: str, caller: CallerDep, deps: DepsDep, kit: KitDep) -> dict[str, Any]:
    """`state` is `running`, `succeeded` or `failed` (an interrupted import says `interrupted: true`; repeat the
    POST with the same Idempotency-Key to resume it). Counts are final only when `state` is not `running`."""
    job = await kit.jobs.get(caller.agency_id, import_id)
    if job is not None:
        return import_view(job)
    async with deps.uow() as uow:  # a single record posted to /v1/assessments is logged without a job
        found = await uow.collection(IMPORTS).find_one({"agency_id": caller.agency_id, "import_id": import_id})
    if found is None:
        raise NotFound("impor / import", import_id)
    return {k: v for k, v in found.items() if k not in ("agency_id", "header")}


@router.get(
    "/imports/{import_id}/errors.xlsx",
    response_class=Response,
    responses=file_answer(XLSX_MEDIA_TYPE, description="The rejected rows, each bad cell annotated"),
    summary="The bad rows, annotated cell by cell (XLSX)",
)
async def import_errors_xlsx(import_id: str, caller: CallerDep, deps: DepsDep) -> Response:
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
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(f"kesalahan_{import_id}.xlsx")}"'},
    )


@router.post(
    "/assessments",
    tags=["assessments"],
    status_code=201,
    response_model=answers.RecordedAssessment,
    responses={
        200: {"model": answers.RecordedAssessment, "description": "Stored, with rejected fields named"},
    },
    summary="Record one assessment result (JSON with the assessment template's column names)",
)
async def record_assessment(
    body: dict[str, str | int | float | None],
    caller: CallerDep,
    deps: DepsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    row = {k.strip().lower(): None if v is None else str(v) for k, v in body.items()}
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()
    req = ImportRequest(caller.agency_id, "assessments", "api", digest, list(row), [row], False, idempotency_key)
    result = await run_import(deps, req)
    return JSONResponse(result, status_code=http_status(result))
