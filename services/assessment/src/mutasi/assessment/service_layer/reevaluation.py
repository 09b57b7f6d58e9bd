"""Re-evaluate every latest result of an agency after its policy changed (JPM variant, categories, cut-offs)."""

from __future__ import annotations

from typing import Any

from mutasi.assessment.adapters.repositories import EMPLOYEES
from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.store_assessments import refresh_latest


async def reevaluate_agency(deps: Deps, agency_id: str, policy: Policy) -> int:
    """Walk the agency's assessed employees in NIP order, one transaction per batch; returns how many changed."""
    last, changed = "", 0
    while True:
        async with deps.uow() as uow:
            query: dict[str, Any] = {"agency_id": agency_id, "nip": {"$gt": last}, "latest": {"$exists": True}}
            docs = await uow.collection(EMPLOYEES).find(query, sort=[("nip", 1)], limit=deps.batch_size)
            if not docs:
                return changed
            before = [d["latest"] for d in docs]
            await refresh_latest(uow, deps, policy, agency_id, docs, only_changed=True)
            moved = [d for d, old in zip(docs, before, strict=True) if d["latest"] != old]
            await uow.collection(EMPLOYEES).bulk_upsert(moved, ["agency_id", "nip"])
            await uow.commit()
        changed += len(moved)
        last = docs[-1]["nip"]
