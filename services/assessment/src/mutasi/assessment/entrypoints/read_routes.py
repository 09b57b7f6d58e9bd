"""Routes HR and employees read: 9-box grid (JSON/PNG), JPM distribution, worklists, records, policy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from mutasi.assessment.adapters.picture import nine_box_png
from mutasi.assessment.domain.errors import NotFound
from mutasi.assessment.entrypoints import answers
from mutasi.assessment.entrypoints.dependencies import DepsDep
from mutasi.assessment.service_layer import follow_ups, reads, records
from mutasi.assessment.service_layer.policy import policy_for, save_policy
from mutasi.assessment.service_layer.reevaluation import reevaluate_agency
from mutasi.chassis.http import CallerDep
from mutasi.chassis.openapi import file_answer
from mutasi.contracts.values import Nip

router = APIRouter(prefix="/v1", tags=["reads"])
UnitQuery = Annotated[str | None, Query(description="Limit to one unit (OPD); empty = the whole agency.")]


@router.get(
    "/talent-grid",
    response_model=answers.TalentGrid,
    response_model_exclude_unset=True,
    summary="9-box grid with counts and names, per agency or unit",
)
async def talent_grid(caller: CallerDep, deps: DepsDep, unit_id: UnitQuery = None, names: bool = True) -> Any:
    async with deps.uow() as uow:
        employees = await reads.employees_of(deps.store, uow, caller.agency_id, unit_id)
    grid = reads.nine_box(employees, deps.today(), with_names=names)
    return {"agency_id": caller.agency_id, "unit_id": unit_id, **grid}


@router.get(
    "/talent-grid.png",
    summary="9-box grid as a PNG picture",
    response_class=Response,
    responses=file_answer("image/png", description="The 9-box grid"),
)
async def talent_grid_png(caller: CallerDep, deps: DepsDep, unit_id: UnitQuery = None) -> Response:
    async with deps.uow() as uow:
        employees = await reads.employees_of(deps.store, uow, caller.agency_id, unit_id)
    grid = reads.nine_box(employees, deps.today())
    counts = {b["box"]: b["count"] for b in grid["boxes"]}
    names = {b["box"]: [p["name"] for p in b["people"]] for b in grid["boxes"]}
    title = f"Kotak talenta {caller.agency_id}" + (f" / {unit_id}" if unit_id else "")
    return Response(nine_box_png(title, counts, names), media_type="image/png")


@router.get(
    "/jpm-distribution",
    response_model=answers.JpmDistribution,
    summary="Job-Person Match distribution (10-point bins and categories)",
)
async def jpm_distribution(caller: CallerDep, deps: DepsDep, unit_id: UnitQuery = None) -> Any:
    async with deps.uow() as uow:
        employees = await reads.employees_of(deps.store, uow, caller.agency_id, unit_id)
    return {"agency_id": caller.agency_id, "unit_id": unit_id, **reads.jpm_distribution(employees, deps.today())}


@router.get(
    "/worklist/missing",
    response_model=answers.Missing,
    summary="Who has no, an expired or an incomplete assessment, or needs re-assessment",
)
async def missing(caller: CallerDep, deps: DepsDep, unit_id: UnitQuery = None) -> Any:
    async with deps.uow() as uow:
        employees = await reads.employees_of(deps.store, uow, caller.agency_id, unit_id)
    return {"agency_id": caller.agency_id, "items": reads.missing_or_expired(employees, deps.today())}


@router.get(
    "/worklist/reassessment",
    response_model=answers.Reassessments,
    response_model_exclude_unset=True,
    summary="Re-assessment requests from evaluation follow-ups",
)
async def reassessment(caller: CallerDep, deps: DepsDep, status: str = "open") -> Any:
    async with deps.uow() as uow:
        return {
            "agency_id": caller.agency_id,
            "items": await follow_ups.worklist(deps.store, uow, caller.agency_id, status),
        }


@router.get(
    "/me",
    response_model=answers.MyRecord,
    response_model_exclude_unset=True,
    summary="The caller's own record, in Indonesian (the NIP of the caller's token)",
)
async def me(caller: CallerDep, deps: DepsDep) -> Any:
    assert caller.nip is not None  # the policy grants /v1/me only to a token with a NIP
    async with deps.uow() as uow:
        return await records.my_record(deps, uow, caller.agency_id, caller.nip, deps.today())


@router.get(
    "/employees/{nip}",
    response_model=answers.Employee,
    response_model_exclude_unset=True,
    summary="One employee's registry record and latest assessment (HR)",
)
async def employee(nip: Nip, caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        return await records.employee_doc(deps, uow, caller.agency_id, nip)


@router.get(
    "/employees/{nip}/history", response_model=answers.History, summary="Earlier versions of an employee's record"
)
async def employee_history(nip: Nip, caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        return {"nip": nip, "versions": await records.history(deps, uow, caller.agency_id, nip)}


@router.get(
    "/employees/{nip}/jpm", response_model=answers.JpmAgainst, summary="JPM of the latest assessment against any post"
)
async def employee_jpm(nip: Nip, post_id: str, caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        policy = await policy_for(uow, caller.agency_id, deps.defaults)
        return await records.jpm_against(deps, uow, caller.agency_id, nip, post_id, policy, deps.today())


@router.get(
    "/posts/{post_id}",
    response_model=answers.Post,
    response_model_exclude_unset=True,
    summary="A post and its competency standard (SKJ)",
)
async def post(post_id: str, caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        found = await deps.store.post(uow, caller.agency_id, post_id)
    if found is None:
        raise NotFound("jabatan / post", post_id)
    return found


class PolicyChange(BaseModel):
    """Fields to override for the caller's agency; omitted fields keep their value."""

    jpm_cap: str | None = Field(None, description="uncapped | total | per_competency")
    jpm_family: str | None = Field(None, description="pemetaan | seleksi")
    jpm_technical_weight: dict[str, float] | None = Field(None, description="Technical weight 0–1 by jenjang/type.")
    potential_medium_from: float | None = Field(None, description="Potential score for 'menengah'.")
    potential_high_from: float | None = Field(None, description="Potential score for 'tinggi'.")
    validity_years: int | None = Field(None, ge=1, le=10, description="Years an assessment stays valid.")


@router.get(
    "/policy",
    tags=["policy"],
    response_model=answers.Policy,
    summary="The agency's JPM variant, categories, cut-offs and validity",
)
async def get_policy(caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        return (await policy_for(uow, caller.agency_id, deps.defaults)).describe()


@router.put(
    "/policy",
    tags=["policy"],
    response_model=answers.PolicyChanged,
    summary="Choose the agency's JPM variant, categories, cut-offs and validity; latest results are re-evaluated",
)
async def put_policy(change: PolicyChange, caller: CallerDep, deps: DepsDep) -> Any:
    async with deps.uow() as uow:
        policy = await save_policy(uow, caller.agency_id, change.model_dump(), deps.defaults)
        await uow.commit()
    return {**policy.describe(), "reevaluated": await reevaluate_agency(deps, caller.agency_id, policy)}
