"""Training's own collections, read and written inside one chassis unit of work, always scoped by agency."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from mutasi.chassis.store import UnitOfWork, find_by_keys
from mutasi.training.adapters import documents as docs
from mutasi.training.domain.catalogue import Catalogue, Offering
from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.plan import DevelopmentPlan, PlanStatus
from mutasi.training.domain.planning import SeatBook
from mutasi.training.domain.progress import JpEntry
from mutasi.training.domain.record import PersonRecord

OFFERINGS = "offerings"
SEATS = "seats"
PLANS = "plans"
LEDGER = "jp_ledger"
COLLEAGUES = "colleagues"
IMPORTS = "catalogue_imports"

INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (OFFERINGS, [("agency_id", 1), ("offering_id", 1)], True),
    (SEATS, [("agency_id", 1), ("session_id", 1)], True),
    (PLANS, [("agency_id", 1), ("plan_id", 1)], True),
    (PLANS, [("agency_id", 1), ("nip", 1)], False),
    (PLANS, [("agency_id", 1), ("target_unit_id", 1), ("status", 1)], False),
    (PLANS, [("agency_id", 1), ("session_ids", 1)], False),
    (LEDGER, [("agency_id", 1), ("item_id", 1)], True),
    (LEDGER, [("agency_id", 1), ("nip", 1)], False),
    (COLLEAGUES, [("agency_id", 1), ("nip", 1)], True),
    (COLLEAGUES, [("agency_id", 1), ("unit_id", 1)], False),
]


class TrainingRepository:
    """Loads and saves domain objects; the seat book remembers what it loaded so only changes are written."""

    def __init__(self, uow: UnitOfWork, agency_id: str) -> None:
        self.uow = uow
        self.agency_id = agency_id
        self._seats_loaded: dict[str, int] = {}

    def _c(self, name: str) -> Any:
        return self.uow.collection(name)

    # ---- catalogue and seats ----
    async def catalogue(self) -> Catalogue:
        found = await self._c(OFFERINGS).find({"agency_id": self.agency_id}, sort=[("offering_id", 1)])
        return Catalogue.of(docs.offering_from_doc(d) for d in found)

    async def save_offerings(self, offerings: Iterable[Offering]) -> int:
        rows = [docs.offering_to_doc(self.agency_id, o) for o in offerings]
        if not rows:
            return 0
        await self._c(OFFERINGS).bulk_upsert(rows, ["agency_id", "offering_id"])
        return len(rows)

    async def seats(self) -> SeatBook:
        found = await self._c(SEATS).find({"agency_id": self.agency_id})
        self._seats_loaded = {d["session_id"]: d["taken"] for d in found}
        return SeatBook(dict(self._seats_loaded))

    async def save_seats(self, book: SeatBook) -> None:
        changed = [
            {"agency_id": self.agency_id, "session_id": sid, "taken": taken}
            for sid, taken in book.taken.items()
            if self._seats_loaded.get(sid) != taken
        ]
        if changed:
            await self._c(SEATS).bulk_upsert(changed, ["agency_id", "session_id"])
        self._seats_loaded = dict(book.taken)

    # ---- people ----
    async def person(self, nip: str) -> PersonRecord:
        plans = await self._c(PLANS).find({"agency_id": self.agency_id, "nip": nip}, sort=[("created_at", 1)])
        ledger = await self._c(LEDGER).find({"agency_id": self.agency_id, "nip": nip}, sort=[("completed_on", 1)])
        return PersonRecord(
            self.agency_id,
            nip,
            [docs.plan_from_doc(p) for p in plans],
            [docs.entry_from_doc(e) for e in ledger],
        )

    async def save_plans(self, plans: Iterable[DevelopmentPlan]) -> None:
        now = datetime.now(UTC).isoformat()
        for plan in plans:
            doc = docs.plan_to_doc(plan)
            existing = await self._c(PLANS).find_one({"agency_id": self.agency_id, "plan_id": plan.plan_id})
            doc["created_at"] = existing["created_at"] if existing else now
            doc["updated_at"] = now
            await self._c(PLANS).replace_one({"agency_id": self.agency_id, "plan_id": plan.plan_id}, doc, upsert=True)

    async def add_entry(self, nip: str, entry: JpEntry) -> None:
        await self._c(LEDGER).insert_one(docs.entry_to_doc(self.agency_id, nip, entry))

    async def plan_docs(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._c(PLANS).find(
            {"agency_id": self.agency_id, **query}, sort=[("created_at", 1)]
        )
        return found

    async def ledger_of(self, nips: Sequence[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._c(LEDGER).find(
            {"agency_id": self.agency_id, "nip": {"$in": list(nips)}}
        )
        return found

    async def plans_with_session(self, session_id: str) -> list[DevelopmentPlan]:
        found = await self.plan_docs({"session_ids": session_id, "status": PlanStatus.ACTIVE.value})
        return [docs.plan_from_doc(d) for d in found]

    # ---- mentors ----
    async def colleagues(self, unit_id: str) -> list[Colleague]:
        found = await self._c(COLLEAGUES).find({"agency_id": self.agency_id, "unit_id": unit_id}, sort=[("nip", 1)])
        return [docs.colleague_from_doc(d) for d in found]

    async def save_colleague(self, colleague: Colleague, as_of: datetime) -> bool:
        """Keep the newest picture of a person: an older event never overwrites a newer one."""
        key = {"agency_id": self.agency_id, "nip": colleague.nip}
        existing = await self._c(COLLEAGUES).find_one(key)
        if existing and existing["as_of"] > as_of.isoformat():
            return False
        await self._c(COLLEAGUES).replace_one(key, docs.colleague_to_doc(self.agency_id, colleague, as_of), upsert=True)
        return True

    async def mentor_load(self, unit_id: str) -> dict[str, int]:
        active = await self._c(PLANS).find(
            {"agency_id": self.agency_id, "target_unit_id": unit_id, "status": PlanStatus.ACTIVE.value}
        )
        load: dict[str, int] = {}
        for plan in active:
            if plan.get("mentor_nip") and plan["kind"] == "move":
                load[plan["mentor_nip"]] = load.get(plan["mentor_nip"], 0) + 1
        return load

    async def record_import(self, report: dict[str, Any]) -> None:
        await self._c(IMPORTS).insert_one({"agency_id": self.agency_id, **report})


async def save_colleagues(uow: UnitOfWork, seen: Sequence[tuple[str, Colleague, datetime]]) -> int:
    """`save_colleague` for a batch of (agency, colleague, as_of): one `$in` read, one bulk upsert."""
    newest: dict[tuple[str, str], tuple[Colleague, datetime]] = {}
    for agency_id, colleague, as_of in seen:
        previous = newest.get((agency_id, colleague.nip))
        if previous is None or as_of.isoformat() >= previous[1].isoformat():
            newest[(agency_id, colleague.nip)] = (colleague, as_of)
    collection = uow.collection(COLLEAGUES)
    stored = await find_by_keys(collection, ("agency_id", "nip"), list(newest))
    fresh = [
        docs.colleague_to_doc(agency_id, colleague, as_of)
        for (agency_id, nip), (colleague, as_of) in newest.items()
        if not ((old := stored.get((agency_id, nip))) and old["as_of"] > as_of.isoformat())
    ]
    await collection.bulk_upsert(fresh, ("agency_id", "nip"))
    return len(fresh)
