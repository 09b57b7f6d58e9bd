"""A follow-up from evaluation asks for re-assessment: mark the employee and put them on the worklist."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.assessment.adapters.repositories import EMPLOYEES, FOLLOW_UPS
from mutasi.chassis.store import UnitOfWork

REASSESSMENT = "re_assessment"  # the only follow-up reason this service acts on


async def request_reassessment(uow: UnitOfWork, agency_id: str, follow_up: dict[str, Any], received_on: date) -> bool:
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
    key = {"agency_id": agency_id, "follow_up_id": doc["follow_up_id"]}
    await uow.collection(FOLLOW_UPS).replace_one(key, doc, upsert=True)
    flag = {"follow_up_id": doc["follow_up_id"], "requested_on": received_on, "detail": doc["detail"]}
    await uow.collection(EMPLOYEES).update_one({"agency_id": agency_id, "nip": nip}, {"$set": {"reassessment": flag}})
    return True


async def worklist(uow: UnitOfWork, agency_id: str, status: str = "open") -> list[dict[str, Any]]:
    """Re-assessment requests of the agency in one status, oldest first."""
    return await uow.collection(FOLLOW_UPS).find(
        {"agency_id": agency_id, "status": status}, sort=[("received_on", 1), ("nip", 1)]
    )
