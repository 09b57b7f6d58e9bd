"""A follow-up from evaluation asks for re-assessment: mark the employee and put them on the worklist."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.assessment.service_layer.ports import Store
from mutasi.chassis.store import UnitOfWork

REASSESSMENT = "re_assessment"  # the only follow-up reason this service acts on


async def request_reassessment(
    store: Store, uow: UnitOfWork, agency_id: str, follow_up: dict[str, Any], received_on: date
) -> bool:
    """Store the request (open) and flag the employee; other reasons are for training/placement. True if stored."""
    if follow_up.get("reason") != REASSESSMENT:
        return False
    nip = follow_up["nip"]
    doc = {
        "agency_id": agency_id,
        "follow_up_id": follow_up["follow_up_id"],
        "nip": nip,
        "evaluation_id": follow_up.get("evaluation_id"),
        "decision_id": follow_up.get("decision_id"),
        "detail": follow_up.get("detail", ""),
        "competencies": dict(follow_up.get("competencies", {})),
        "received_on": received_on,
        "status": "open",
    }
    await store.save_follow_up(uow, doc)
    flag = {"follow_up_id": doc["follow_up_id"], "requested_on": received_on, "detail": doc["detail"]}
    await store.flag_reassessment(uow, agency_id, nip, flag)
    return True


async def worklist(store: Store, uow: UnitOfWork, agency_id: str, status: str = "open") -> list[dict[str, Any]]:
    """Re-assessment requests of the agency in one status, oldest first."""
    return await store.follow_ups(uow, agency_id, status)
