"""HTTP routes of rounds: announce, preferences, close, plan, scenarios, overrides, approvals, decide, objections."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from mutasi.chassis.http import CallerDep
from mutasi.chassis.openapi import file_answer
from mutasi.chassis.spreadsheets import safe_filename
from mutasi.chassis.writes import IdempotencyKey
from mutasi.contracts.values import Nip
from mutasi.placement.adapters.charts import fairness_png
from mutasi.placement.adapters.workbooks import XLSX_MEDIA_TYPE
from mutasi.placement.domain.fairness import FairnessSettings
from mutasi.placement.domain.options import Preference
from mutasi.placement.entrypoints import answers
from mutasi.placement.entrypoints.dependencies import DepsDep
from mutasi.placement.entrypoints.models import AnnounceIn, ObjectionIn, OverrideIn, PlanIn, PreferenceIn, ResolveIn
from mutasi.placement.service_layer import fairness as fairness_report
from mutasi.placement.service_layer import objections, plans, reads, rounds
from mutasi.placement.service_layer.pool import PlanOptions

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])

# Lists of a round's people come in pages: a province round has 117,000 plan entries.
PAGE_DEFAULT, PAGE_MAX = 1_000, 5_000
Limit = Query(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"Items per page (at most {PAGE_MAX}).")
After = Query(None, max_length=200, description="The `next` of the previous page; omit for the first page.")


def _options(body: PlanIn | None) -> PlanOptions:
    b = body or PlanIn()
    return PlanOptions(b.weights, b.max_outflow_pct, tuple(b.must_fill), tuple(b.must_stay), tuple(b.disabled_rules),
                       b.min_months_in_post)  # fmt: skip


@router.post(
    "",
    status_code=201,
    summary="Announce a round (round-announced + a notice to every person in scope)",
    response_model=answers.RoundAnnounced,
)
async def announce(body: AnnounceIn, caller: CallerDep, deps: DepsDep, key: IdempotencyKey = None) -> dict[str, Any]:
    cmd = rounds.AnnounceRound(body.name, body.period, body.preferences_open_until, body.effective_date,
                               body.max_preferences, body.objection_days, tuple(body.scope_units),
                               tuple(body.agencies))  # fmt: skip
    return await rounds.announce(deps, caller, cmd, key)


@router.get("", summary="Rounds of the caller's agency", response_model=list[answers.RoundSummary])
async def list_rounds(caller: CallerDep, deps: DepsDep) -> list[dict[str, Any]]:
    return await reads.list_rounds(deps, caller)


@router.get("/{round_id}", summary="One round: state, approvals, plan totals", response_model=answers.RoundSummary)
async def get_round(round_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await reads.round_summary(deps, caller, round_id)


@router.put(
    "/{round_id}/preferences/{nip}",
    summary="Submit or replace a person's ranked preferences",
    response_model=answers.Preference,
)
async def put_preference(
    round_id: str, nip: Nip, body: PreferenceIn, caller: CallerDep, deps: DepsDep
) -> dict[str, Any]:
    pref = Preference(nip, tuple(body.ranked), frozenset(body.avoid_units), body.note)
    return await rounds.submit_preference(deps, caller, round_id, pref)


@router.post("/{round_id}/close", summary="Close the preferences window", response_model=answers.RoundSummary)
async def close(round_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await rounds.close(deps, caller, round_id)


@router.post(
    "/{round_id}/plan",
    summary="Compute the optimal plan (min-cost flow) and the greedy baseline",
    response_model=answers.PlanComputed,
)
async def plan(round_id: str, caller: CallerDep, deps: DepsDep, body: PlanIn | None = None) -> dict[str, Any]:
    return await plans.plan(deps, caller, round_id, _options(body))


@router.get(
    "/{round_id}/plan",
    summary="The plan's totals and one page of its entries in NIP order (moves only unless all=true)",
    response_model=answers.PlanAnswer,
)
async def get_plan(
    round_id: str, caller: CallerDep, deps: DepsDep, all: bool = Query(False), limit: int = Limit,
    after: str | None = After,
) -> dict[str, Any]:  # fmt: skip
    return await reads.plan_entries(deps, caller, round_id, not all, limit, after)


@router.post(
    "/{round_id}/scenarios",
    status_code=201,
    summary="What-if: re-plan with other weights/rules, get the diff",
    response_model=answers.Scenario,
)
async def scenario(
    round_id: str, body: PlanIn, caller: CallerDep, deps: DepsDep, key: IdempotencyKey = None
) -> dict[str, Any]:
    return await plans.scenario(deps, caller, round_id, _options(body), key)


@router.get(
    "/{round_id}/scenarios", summary="The what-if scenarios run on this round", response_model=list[answers.Scenario]
)
async def list_scenarios(round_id: str, caller: CallerDep, deps: DepsDep) -> list[dict[str, Any]]:
    return await reads.scenarios(deps, caller, round_id)


@router.post(
    "/{round_id}/overrides",
    summary="Approver overrides one assignment with a written reason",
    response_model=answers.PlanEntry,
)
async def override(round_id: str, body: OverrideIn, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await plans.override(deps, caller, round_id, body.nip, body.post_id, body.reason)


@router.post(
    "/{round_id}/approvals",
    summary="Approve the plan (two different approvers are needed)",
    response_model=answers.RoundSummary,
)
async def approve(round_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await rounds.approve(deps, caller, round_id)


@router.post(
    "/{round_id}/decide",
    summary="Decide the approved plan: one mutation-decided per move",
    response_model=answers.RoundDecided,
)
async def decide(round_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await rounds.decide(deps, caller, round_id)


@router.get(
    "/{round_id}/decisions",
    summary="One page of the round's decisions in NIP order, superseded ones included",
    response_model=answers.DecisionPage,
)
async def decisions(
    round_id: str, caller: CallerDep, deps: DepsDep, limit: int = Limit, after: str | None = After
) -> dict[str, Any]:
    return await reads.decisions(deps, caller, round_id, limit, after)


@router.get(
    "/{round_id}/units",
    summary="Per-unit effects: gap before, in, out, gap after",
    response_model=list[answers.UnitEffect],
)
async def units(round_id: str, caller: CallerDep, deps: DepsDep) -> list[dict[str, Any]]:
    return await reads.units(deps, caller, round_id)


@router.get(
    "/{round_id}/export.xlsx",
    response_class=Response,
    responses=file_answer(XLSX_MEDIA_TYPE, description="Plan, decisions and unit summary"),
    summary="Plan, decisions (SK draft rows) and unit summary as XLSX",
)
async def export(round_id: str, caller: CallerDep, deps: DepsDep) -> Response:
    content = await reads.export_xlsx(deps, caller, round_id)
    disposition = f'attachment; filename="{safe_filename(f"mutasi_{round_id}.xlsx")}"'
    return Response(content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": disposition})


@router.get(
    "/{round_id}/fairness",
    summary="Fairness report: exclusions, moves by kind, JPM gained by group",
    response_model=answers.FairnessAnswer,
)
async def fairness(round_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    r, rows = await fairness_report.round_rows(deps, caller, round_id)
    return fairness_report.report_doc(r, rows)


@router.get(
    "/{round_id}/fairness.png",
    response_class=Response,
    responses=file_answer("image/png", description="Selection rate per group"),
    summary="Chart of the fairness report (selection rate per group)",
)
async def fairness_chart(round_id: str, caller: CallerDep, deps: DepsDep) -> Response:
    _, rows = await fairness_report.round_rows(deps, caller, round_id)
    return Response(fairness_png(rows, FairnessSettings().flag_ratio), media_type="image/png")


@router.get(
    "/{round_id}/people/{nip}",
    summary="A person's own status, eligibility, explanation and decision",
    response_model=answers.PersonStatus,
)
async def my_status(round_id: str, nip: Nip, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await reads.my_status(deps, caller, round_id, nip)


@router.get("/{round_id}/explanations/{nip}", summary="The person's explanation (Indonesian)")
async def explanation(round_id: str, nip: Nip, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await reads.explanation(deps, caller, round_id, nip)


@router.post(
    "/{round_id}/objections",
    status_code=201,
    summary="A moved ASN objects (keberatan)",
    response_model=answers.Objection,
)
async def file_objection(round_id: str, body: ObjectionIn, caller: CallerDep, deps: DepsDep,
                         key: IdempotencyKey = None) -> dict[str, Any]:  # fmt: skip
    return await objections.file_objection(deps, caller, round_id, body.nip, body.reason, key)


@router.get(
    "/{round_id}/objections",
    summary="One page of the round's objections in NIP order",
    response_model=answers.ObjectionPage,
)
async def list_objections(
    round_id: str, caller: CallerDep, deps: DepsDep, limit: int = Limit, after: str | None = After
) -> dict[str, Any]:
    return await reads.objections(deps, caller, round_id, limit, after)


@router.post(
    "/{round_id}/objections/{objection_id}/review",
    summary="Start reviewing an objection",
    response_model=answers.Objection,
)
async def review(round_id: str, objection_id: str, caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await objections.review_objection(deps, caller, round_id, objection_id)


@router.post(
    "/{round_id}/objections/{objection_id}/resolve",
    summary="Uphold (re-plan, supersede) or reject",
    response_model=answers.ObjectionResolved,
)
async def resolve(
    round_id: str, objection_id: str, body: ResolveIn, caller: CallerDep, deps: DepsDep
) -> dict[str, Any]:
    return await objections.resolve_objection(deps, caller, round_id, objection_id, body.upheld, body.note)
