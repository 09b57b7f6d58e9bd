"""HTTP routes of the decision log: recompute the hash chain, and read its entries (auditors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from mutasi.chassis.http import CallerDep
from mutasi.placement.entrypoints.dependencies import DepsDep
from mutasi.placement.service_layer import decision_log

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify", summary="Recompute the agency's decision-log chain; name the first altered, deleted or "
            "inserted entry")  # fmt: skip
async def verify(caller: CallerDep, deps: DepsDep) -> dict[str, Any]:
    return await decision_log.verify_log(deps, caller.agency_id)


@router.get("/decision-log", summary="The decision log: plans, overrides, approvals, decisions, objection outcomes")
async def entries(
    caller: CallerDep,
    deps: DepsDep,
    round_id: Annotated[str | None, Query(description="Only this round.")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many entries, oldest first.")] = 1000,
) -> dict[str, Any]:
    found = await decision_log.entries(deps, caller.agency_id, round_id, limit)
    return {"count": len(found), "entries": found}
