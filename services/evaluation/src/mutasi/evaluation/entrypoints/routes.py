"""HTTP routes under /v1: thin handlers that parse, call the service layer and shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse

from mutasi.chassis.http import CallerDep
from mutasi.chassis.kit import KitDep, ServiceKit
from mutasi.chassis.openapi import file_answer
from mutasi.chassis.spreadsheets import safe_filename
from mutasi.chassis.store import UnitOfWork
from mutasi.chassis.values import IsoDate
from mutasi.chassis.writes import IdempotencyKey, write
from mutasi.contracts.values import Nip
from mutasi.evaluation.adapters import html_report, xlsx_report
from mutasi.evaluation.adapters.repository import Repository, Snapshot
from mutasi.evaluation.domain.followup import FollowUpReason
from mutasi.evaluation.domain.report import ProgrammeReport
from mutasi.evaluation.domain.schedule import worklist
from mutasi.evaluation.domain.survey import AnswerSurvey
from mutasi.evaluation.entrypoints import answers
from mutasi.evaluation.entrypoints.dependencies import Deps
from mutasi.evaluation.entrypoints.metrics import EvaluationMetrics
from mutasi.evaluation.entrypoints.schemas import EvaluationIn, SurveyIn
from mutasi.evaluation.entrypoints.views import (
    evaluation_view,
    follow_up_view,
    recorded_view,
    report_view,
    schedule_view,
    survey_items_view,
    survey_view,
    worklist_view,
)
from mutasi.evaluation.service_layer.config import EvaluationConfig

router = APIRouter(prefix="/v1", tags=["evaluation"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AsOf = Annotated[IsoDate | None, Query(description="Date for due/overdue states and the report; default today.")]


def _config(kit: ServiceKit) -> EvaluationConfig:
    return kit.deps(Deps).config


def _metrics(kit: ServiceKit) -> EvaluationMetrics:
    return kit.deps(Deps).metrics


def _today(kit: ServiceKit, as_of: date | None = None) -> date:
    return as_of or kit.deps(Deps).today()


@router.post(
    "/evaluations",
    status_code=201,
    response_model=answers.Recorded,
    responses={200: {"model": answers.Recorded, "description": "The same evaluation was already recorded"}},
    summary="Record a checkpoint evaluation",
)
async def record_evaluation(body: EvaluationIn, kit: KitDep, who: CallerDep, key: IdempotencyKey = None) -> Any:
    """201 with the evaluation and the follow-ups it caused; 200 when the same evaluation was already recorded."""
    fingerprint = {"agency": who.agency_id, "body": body.model_dump(mode="json")}
    recorded: list[Any] = []
    service = kit.deps(Deps).service

    async def act(uow: UnitOfWork) -> dict[str, Any]:
        done = await service.record_evaluation(uow, who.agency_id, body.round_id, body.command(who.user or ""))
        recorded.append(done)
        view = jsonable_encoder(recorded_view(done, own=who.nip == body.nip))
        return {"body": view, "status": 201 if done.created else 200}

    answer = await write(kit, who.agency_id, act, key=key, fingerprint=fingerprint)
    if recorded:
        _metrics(kit).observe_recorded(recorded[-1])
    return JSONResponse(answer["body"], answer["status"])


@router.get(
    "/evaluations",
    response_model=list[answers.EvaluationAnswer],
    response_model_exclude_unset=True,
    summary="Evaluations recorded (survey answers only to the employee themself)",
)
async def list_evaluations(kit: KitDep, who: CallerDep, round_id: str | None = None, nip: Nip | None = None) -> Any:
    found = await Repository(Snapshot(kit.database()), who.agency_id).evaluations(round_id, nip)
    return [evaluation_view(e, own=who.nip == e.nip) for e in found]


@router.get(
    "/schedules",
    response_model=list[answers.ScheduleAnswer],
    summary="Evaluation schedules with the state of each checkpoint",
)
async def list_schedules(
    kit: KitDep, who: CallerDep, round_id: str | None = None, nip: Nip | None = None, as_of: AsOf = None
) -> Any:
    repo = Repository(Snapshot(kit.database()), who.agency_id)
    found = await repo.schedules_of(nip) if nip else await repo.schedules(round_id)
    return [
        schedule_view(s, _today(kit, as_of), _config(kit).policy)
        for s in found
        if not round_id or s.round_id == round_id
    ]


@router.get(
    "/checkpoints/due",
    response_model=list[answers.DueCheckpoint],
    summary="Due and overdue checkpoints for HR, most overdue first",
)
async def due_checkpoints(kit: KitDep, who: CallerDep, as_of: AsOf = None) -> Any:
    today = _today(kit, as_of)
    schedules = await Repository(Snapshot(kit.database()), who.agency_id).schedules()
    items = worklist(schedules, today, _config(kit).policy)
    return [worklist_view(i) for i in items]


@router.get(
    "/follow-ups",
    response_model=list[answers.FollowUpAnswer],
    summary="Follow-up recommendations, each with the evaluation that caused it",
)
async def list_follow_ups(
    kit: KitDep, who: CallerDep, round_id: str | None = None, reason: FollowUpReason | None = None
) -> Any:
    repo = Repository(Snapshot(kit.database()), who.agency_id)
    found = await repo.follow_ups(round_id, reason.value if reason else None)
    return [follow_up_view(f) for f in found]


async def _report(kit: ServiceKit, agency_id: str, round_id: str, as_of: date | None) -> ProgrammeReport:
    snapshot = Snapshot(kit.database())
    return await kit.deps(Deps).service.programme_report(snapshot, agency_id, round_id, _today(kit, as_of))


@router.get("/reports/{round_id}", response_model=ProgrammeReport, summary="Programme report of a round (JSON)")
async def report_json(round_id: str, kit: KitDep, who: CallerDep, as_of: AsOf = None) -> Any:
    return report_view(await _report(kit, who.agency_id, round_id, as_of))


@router.get(
    "/reports/{round_id}/xlsx",
    response_class=Response,
    responses=file_answer(XLSX, description="The programme report workbook"),
    summary="Programme report of a round (spreadsheet)",
)
async def report_xlsx(round_id: str, kit: KitDep, who: CallerDep, as_of: AsOf = None) -> Response:
    content = xlsx_report.render(await _report(kit, who.agency_id, round_id, as_of))
    headers = {"Content-Disposition": f'attachment; filename="{safe_filename(f"laporan-evaluasi-{round_id}.xlsx")}"'}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/reports/{round_id}/html", response_class=HTMLResponse, summary="One-page report in Indonesian")
async def report_html(round_id: str, kit: KitDep, who: CallerDep, as_of: AsOf = None) -> HTMLResponse:
    return HTMLResponse(html_report.render(await _report(kit, who.agency_id, round_id, as_of)))


@router.get(
    "/me/evaluations",
    response_model=answers.MyEvaluations,
    response_model_exclude_unset=True,
    summary="My own schedules and evaluations (the NIP of the caller's token)",
)
async def my_evaluations(kit: KitDep, who: CallerDep, as_of: AsOf = None) -> Any:
    assert who.nip is not None  # the policy grants this route only to a token with a NIP
    repo = Repository(Snapshot(kit.database()), who.agency_id)
    schedules, evaluations = await repo.schedules_of(who.nip), await repo.evaluations(nip=who.nip)
    return {
        "schedules": [schedule_view(s, _today(kit, as_of), _config(kit).policy) for s in schedules],
        "evaluations": [evaluation_view(e, own=True) for e in evaluations],
        "surveys": [survey_view(a) for a in await repo.surveys_of(who.nip)],
        "survey_items": survey_items_view(),
    }


@router.put(
    "/me/surveys/{round_id}/{checkpoint_months}",
    response_model=answers.MySurvey,
    summary="Answer my own post-move survey for a checkpoint that is due (the NIP of the caller's token)",
)
async def answer_my_survey(round_id: str, checkpoint_months: int, body: SurveyIn, kit: KitDep, who: CallerDep) -> Any:
    """Open from `lead_days` before the checkpoint until HR records its evaluation, which then carries the
    answers (never published; the report shows them only for groups of at least `min_group_size`). Answering
    again while it is open replaces the answers."""
    assert who.nip is not None  # the policy grants this route only to a token with a NIP
    cmd = AnswerSurvey(checkpoint_months, body.answers, body.free_text)
    service, today = kit.deps(Deps).service, _today(kit)

    async def act(uow: UnitOfWork) -> dict[str, Any]:
        answer = await service.submit_survey(uow, who.agency_id, who.nip or "", round_id, cmd, today)
        view: dict[str, Any] = jsonable_encoder(survey_view(answer))
        return view

    return await write(kit, who.agency_id, act)
