"""HTTP routes under /v1: thin handlers that parse, call the service layer and shape the answer."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from mutasi.chassis.http import CallerDep, require_own_nip
from mutasi.chassis.kit import KitDep, ServiceKit
from mutasi.chassis.openapi import file_answer, raw_upload
from mutasi.chassis.spreadsheets import safe_filename
from mutasi.chassis.store import UnitOfWork
from mutasi.chassis.values import IsoDate
from mutasi.chassis.writes import IdempotencyKey, write
from mutasi.contracts.values import Nip
from mutasi.training.entrypoints import answers
from mutasi.training.entrypoints.dependencies import Deps
from mutasi.training.entrypoints.schemas import AttendanceIn, CompletionIn
from mutasi.training.service_layer import commands
from mutasi.training.service_layer.services import TrainingService
from mutasi.training.service_layer.views import TrainingViews

router = APIRouter(prefix="/v1", tags=["training"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UnitFilter = Annotated[str | None, Query(description="Receiving unit (OPD) id; default: the whole agency.")]


def _service(kit: ServiceKit) -> TrainingService:
    return kit.deps(Deps).service


def _views(kit: ServiceKit) -> TrainingViews:
    return kit.deps(Deps).views


async def _write(
    kit: ServiceKit,
    agency_id: str,
    key: str | None,
    fingerprint: Any,
    act: Callable[[UnitOfWork], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """One unit of work through the chassis: a repeated Idempotency-Key returns the first answer unchanged."""
    answer: dict[str, Any] = await write(kit, agency_id, act, key=key, fingerprint=fingerprint)
    return answer


@router.post(
    "/catalogue/import",
    response_model=answers.CatalogueImported,
    summary="Import the catalogue workbook (sheets `offerings` and `sessions`)",
    openapi_extra=raw_upload(XLSX),
)
async def import_catalogue(request: Request, kit: KitDep, who: CallerDep, key: IdempotencyKey = None) -> Any:
    """All or nothing: 200 with the offerings stored, or 422 listing every bad cell (sheet, row, column, reason)."""
    data = await request.body()
    fingerprint = {"agency": who.agency_id, "sha256": hashlib.sha256(data).hexdigest()}
    return await _write(
        kit,
        who.agency_id,
        key,
        fingerprint,
        lambda uow: _service(kit).import_catalogue(uow, who.agency_id, data, kit.sheet_limits),
    )


@router.get(
    "/catalogue/offerings",
    response_model=answers.CatalogueAnswer,
    summary="The agency's offerings with sessions and seats taken",
)
async def offerings(kit: KitDep, who: CallerDep) -> Any:
    async with kit.uow() as uow:
        return await _views(kit).catalogue(uow, who.agency_id)


@router.post(
    "/sessions/{session_id}/cancel",
    response_model=answers.SessionCancelled,
    summary="Cancel a session and re-plan everyone booked on it",
)
async def cancel_session(session_id: str, kit: KitDep, who: CallerDep, key: IdempotencyKey = None) -> Any:
    command = commands.CancelSession(session_id)
    return await _write(
        kit,
        who.agency_id,
        key,
        {"cancel": session_id},
        lambda uow: _service(kit).cancel_session(uow, who.agency_id, command),
    )


@router.post(
    "/plans/replan-open",
    response_model=answers.Replanned,
    summary="Re-plan open gaps and unscheduled workshops with today's catalogue",
)
async def replan_open(kit: KitDep, who: CallerDep, unit_id: UnitFilter = None, key: IdempotencyKey = None) -> Any:
    """After a catalogue import adds offerings or sessions: emits training-assigned for each plan that changed."""
    return await _write(
        kit,
        who.agency_id,
        key,
        {"replan_open": unit_id},
        lambda uow: _service(kit).replan_open(uow, who.agency_id, unit_id),
    )


@router.get(
    "/people/{nip}",
    response_model=answers.PersonAnswer,
    response_model_exclude_unset=True,
    summary="A person's plans, mentor, JP per year and reminders",
)
async def person(nip: Nip, kit: KitDep, who: CallerDep) -> Any:
    service = _service(kit)
    async with kit.uow() as uow:
        return await _views(kit).person(uow, who.agency_id, nip, service.today(), service.rules)


@router.get(
    "/plans",
    response_model=answers.PlanPage,
    response_model_exclude_unset=True,
    summary="Plans in the agency or one receiving unit",
)
async def plans(
    kit: KitDep,
    who: CallerDep,
    unit_id: UnitFilter = None,
    status: Annotated[str | None, Query(pattern="^(active|completed|superseded)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    async with kit.uow() as uow:
        return await _views(kit).plans(uow, who.agency_id, unit_id, status, limit, offset)


@router.get(
    "/plans/{plan_id}",
    response_model=answers.Plan,
    response_model_exclude_unset=True,
    summary="One plan with its items, gaps, open gaps and mentor",
)
async def plan(plan_id: str, kit: KitDep, who: CallerDep) -> Any:
    async with kit.uow() as uow:
        found = await _views(kit).plan(uow, who.agency_id, plan_id)
    require_own_nip(who, found["nip"])
    return found


@router.post(
    "/plans/{plan_id}/items/{item_id}/attendance",
    response_model=answers.Attended,
    summary="Record attendance of a plan item",
)
async def attendance(
    plan_id: str, item_id: str, body: AttendanceIn, kit: KitDep, who: CallerDep, key: IdempotencyKey = None
) -> Any:
    command = commands.RecordAttendance(plan_id, item_id, body.attended_on)
    return await _write(
        kit,
        who.agency_id,
        key,
        {"attend": [plan_id, item_id, body.model_dump(mode="json")]},
        lambda uow: _service(kit).record_attendance(uow, who.agency_id, command),
    )


@router.post(
    "/plans/{plan_id}/items/{item_id}/completion",
    response_model=answers.Completed,
    summary="Record completion (emits training-completed)",
)
async def completion(
    plan_id: str, item_id: str, body: CompletionIn, kit: KitDep, who: CallerDep, key: IdempotencyKey = None
) -> Any:
    """200 with the JP credited and the year's total; repeating the same completion changes nothing."""
    command = commands.RecordCompletion(plan_id, item_id, body.completed_on, body.evidence_ref)
    answer = await _write(
        kit,
        who.agency_id,
        key,
        {"complete": [plan_id, item_id, body.model_dump(mode="json")]},
        lambda uow: _service(kit).record_completion(uow, who.agency_id, command),
    )
    if answer.get("newly_completed") and not answer.get("replayed"):
        kit.deps(Deps).metrics.observe_completion(answer["jp"])
    return answer


@router.get(
    "/reminders", response_model=answers.Reminders, summary="Overdue items and people below the yearly JP minimum"
)
async def reminders(
    kit: KitDep,
    who: CallerDep,
    unit_id: UnitFilter = None,
    as_of: Annotated[IsoDate | None, Query(description="Date to judge by (YYYY-MM-DD); default today.")] = None,
) -> Any:
    service = _service(kit)
    async with kit.uow() as uow:
        return await _views(kit).reminder_list(uow, who.agency_id, unit_id, as_of or service.today(), service.rules)


@router.get(
    "/summary",
    response_model=answers.Summary,
    summary="Plans, assigned JP, completion rate, people under the JP minimum, open gaps",
)
async def summary(
    kit: KitDep,
    who: CallerDep,
    unit_id: UnitFilter = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Calendar year for the JP minimum.")] = None,
) -> Any:
    service = _service(kit)
    async with kit.uow() as uow:
        return await _views(kit).summary(uow, who.agency_id, unit_id, year or service.today().year, service.rules)


@router.get(
    "/exports/attendance.xlsx",
    summary="Who attends what and when (XLSX)",
    response_class=Response,
    responses=file_answer(XLSX, description="Attendance workbook"),
)
async def attendance_export(kit: KitDep, who: CallerDep, unit_id: UnitFilter = None) -> Response:
    async with kit.uow() as uow:
        data = await _views(kit).attendance_export(uow, who.agency_id, unit_id)
    name = safe_filename(f"training-attendance-{who.agency_id}{'-' + unit_id if unit_id else ''}.xlsx")
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
