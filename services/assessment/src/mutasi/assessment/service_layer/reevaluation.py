"""Re-evaluate every latest result of an agency after its policy changed (JPM variant, categories, cut-offs)."""

from __future__ import annotations

from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.store_assessments import refresh_latest


async def reevaluate_agency(deps: Deps, agency_id: str, policy: Policy) -> int:
    """Walk the agency's assessed employees in NIP order, one transaction per batch; returns how many changed."""
    last, changed = "", 0
    while True:
        async with deps.uow() as uow:
            docs = await deps.store.assessed_after(uow, agency_id, last, deps.batch_size)
            if not docs:
                return changed
            before = [d["latest"] for d in docs]
            await refresh_latest(uow, deps, policy, agency_id, docs, only_changed=True)
            moved = [d for d, old in zip(docs, before, strict=True) if d["latest"] != old]
            await deps.store.save_employees(uow, moved)
            await uow.commit()
        changed += len(moved)
        last = docs[-1]["nip"]
