"""Training's own collections, read and written inside one chassis unit of work, always scoped by agency."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mutasi.chassis.buckets import Buckets, Layout
from mutasi.chassis.store import Doc, UnitOfWork, storable
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
COLLEAGUES = "unit_colleagues"
OLD_COLLEAGUES = "colleagues"  # one document per person, before ADR 25: moved into buckets on start
AGENCY_COLLEAGUES = "colleague_buckets"  # an agency's people in arrival order, before ADR 25's update: moved on start
IMPORTS = "catalogue_imports"

MENTOR_LOAD_FIELDS = ("plan_id", "nip", "target_unit_id", "status", "kind", "mentor_nip")


# Possible mentors, up to 25 of one unit of an agency per document (docs/adr/0025-one-bucket-mechanism-and-trainings-
# colleagues-in-buckets.md): `{agency_id, unit_id, bucket, nips, people, size}`. A unit's colleagues are its own
# buckets; a person who changes unit leaves their bucket for one of the new unit. A person is found by where this
# process saw them, else by `$in` on `nips` (unique in the agency). Small buckets: the stand-in database's cost of
# writing a bucket grows with its records, and a decision writes two buckets (the unit left, the unit joined).
COLLEAGUE_BUCKETS = Buckets(
    COLLEAGUES,
    "nip",
    layout=Layout(keys="nips", items="people", count="size", last=None, group="unit_id"),
    size=25,
    fill="append",
    range_from=None,  # filled in arrival order: a range over `nips` would match most of an agency's buckets
    hints=True,
)
# The layout before: up to 250 of an agency per document in arrival order, with the units of its people
AGENCY_BUCKETS = Buckets(
    AGENCY_COLLEAGUES, "nip", layout=Layout(keys="nips", items="people", count="size", last=None), fill="append",
    size=250, range_from=None,
)  # fmt: skip

INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (OFFERINGS, [("agency_id", 1), ("offering_id", 1)], True),
    (SEATS, [("agency_id", 1), ("session_id", 1)], True),
    (PLANS, [("agency_id", 1), ("plan_id", 1)], True),
    (PLANS, [("agency_id", 1), ("nip", 1)], False),
    (PLANS, [("agency_id", 1), ("target_unit_id", 1), ("status", 1)], False),
    (PLANS, [("agency_id", 1), ("session_ids", 1)], False),
    (LEDGER, [("agency_id", 1), ("item_id", 1)], True),
    (LEDGER, [("agency_id", 1), ("nip", 1)], False),
    *COLLEAGUE_BUCKETS.indexes([[("agency_id", 1), ("unit_id", 1), ("size", 1)]]),
]


@dataclass
class _Batch:
    """What a batch of decisions needs, read once; the batch's writes are kept here and written by `flush`.

    Reads answer from these stored-form documents exactly as the database would after the earlier events' writes
    (a person's record is rebuilt from their documents each time, so nothing a handler changed without saving
    leaks into the next event)."""

    nips: set[str]
    units: set[str]
    plans: dict[str, Doc] = field(default_factory=dict)  # plan_id -> stored plan of the batch's people
    plans_of: dict[str, list[str]] = field(default_factory=dict)  # nip -> plan ids, oldest first
    # unit -> plan_id -> (status, kind, mentor): the plans with a mentor in the batch's units, and its people's plans
    mentored: dict[str, dict[str, tuple[str, str, str | None]]] = field(default_factory=dict)
    ledger: dict[str, list[Doc]] = field(default_factory=dict)  # nip -> JP entries, by completion day
    colleagues: dict[str, Doc] = field(default_factory=dict)  # nip -> stored colleague
    in_unit: dict[str, set[str]] = field(default_factory=dict)  # unit -> nips of its colleagues
    unit_list: dict[str, list[Colleague]] = field(default_factory=dict)  # unit -> its colleagues, built once
    stored: set[tuple[str, str]] = field(default_factory=set)  # (collection, key) of documents read as present
    dirty_plans: dict[str, Doc] = field(default_factory=dict)
    dirty_colleagues: dict[str, Doc] = field(default_factory=dict)
    seats: SeatBook | None = None

    def keep_plan(self, doc: Doc) -> None:
        if doc["plan_id"] not in self.plans:
            self.plans_of.setdefault(doc["nip"], []).append(doc["plan_id"])
        self.plans[doc["plan_id"]] = doc
        self.keep_mentored(doc)

    def keep_mentored(self, doc: Doc) -> None:
        plans = self.mentored.setdefault(doc["target_unit_id"], {})
        plans[doc["plan_id"]] = (doc["status"], doc["kind"], doc.get("mentor_nip"))

    def keep_colleague(self, doc: Doc) -> None:
        old = self.colleagues.get(doc["nip"])
        if old is not None:
            self.in_unit.get(old["unit_id"], set()).discard(doc["nip"])
            self.unit_list.pop(old["unit_id"], None)
        self.colleagues[doc["nip"]] = doc
        self.in_unit.setdefault(doc["unit_id"], set()).add(doc["nip"])
        self.unit_list.pop(doc["unit_id"], None)

    def colleagues_of(self, unit_id: str) -> list[Colleague]:
        """The unit's colleagues by NIP, as the database would list them (built again only after a change)."""
        if unit_id not in self.unit_list:
            nips = sorted(self.in_unit.get(unit_id, ()))
            self.unit_list[unit_id] = [docs.colleague_from_doc(self.colleagues[n]) for n in nips]
        return list(self.unit_list[unit_id])


class TrainingRepository:
    """Loads and saves domain objects; the seat book remembers what it loaded so only changes are written.

    After `preload(nips, units)` the repository serves a batch of decisions: the people's plans and JP ledger, the
    units' colleagues and mentor load come from one read each, and plans, colleagues and seats are written once by
    `flush()` (inserts for documents read as absent, one bulk replace for the others)."""

    def __init__(self, uow: UnitOfWork, agency_id: str) -> None:
        self.uow = uow
        self.agency_id = agency_id
        self._seats_loaded: dict[str, int] = {}
        self._batch: _Batch | None = None
        self._last_stamp = ""

    # ---- a batch of decisions ----
    async def preload(self, nips: Iterable[str], units: Iterable[str]) -> None:
        """Read what planning these people into these units needs, once (see `_Batch`)."""
        b = self._batch = _Batch(set(nips), set(units))
        a = self.agency_id
        for d in await self._c(PLANS).find({"agency_id": a, "nip": {"$in": sorted(b.nips)}}, sort=[("created_at", 1)]):
            b.keep_plan(d)
            b.stored.add((PLANS, d["plan_id"]))
        mentored = {"agency_id": a, "target_unit_id": {"$in": sorted(b.units)}, "status": PlanStatus.ACTIVE.value}
        for d in await self._c(PLANS).find({**mentored, "mentor_nip": {"$ne": None}}, fields=MENTOR_LOAD_FIELDS):
            if d["plan_id"] not in b.plans:
                b.keep_mentored(d)
        for d in await self._c(LEDGER).find(
            {"agency_id": a, "nip": {"$in": sorted(b.nips)}}, sort=[("completed_on", 1)]
        ):
            b.ledger.setdefault(d["nip"], []).append(d)
        in_units = await COLLEAGUE_BUCKETS.find_buckets(self.uow, {"agency_id": a, "unit_id": {"$in": sorted(b.units)}})
        for bucket in in_units:  # the buckets' own records, not copies: the batch only reads them
            for d in COLLEAGUE_BUCKETS.records(bucket):
                b.keep_colleague(d)
        for d in (await COLLEAGUE_BUCKETS.get(self.uow, (a,), sorted(b.nips))).values():
            b.keep_colleague(d)

    async def flush(self) -> None:
        """Write what the batch changed: plans, colleagues, seats."""
        b = self._batch
        if b is None:
            return
        rows = list(b.dirty_plans.values())
        stored = {(self.agency_id, k) for n, k in b.stored if n == PLANS}
        await self._c(PLANS).bulk_upsert(rows, ["agency_id", "plan_id"], stored=stored)
        b.stored |= {(PLANS, r["plan_id"]) for r in rows}
        b.dirty_plans.clear()
        await COLLEAGUE_BUCKETS.save(self.uow, list(b.dirty_colleagues.values()))  # their buckets read by `preload`
        b.dirty_colleagues.clear()
        if b.seats is not None:
            book, b.seats = b.seats, None
            await self._write_seats(book)

    def _stamp(self) -> str:
        """Now, strictly after the previous stamp: a person's plans are ordered by it."""
        now = datetime.now(UTC).isoformat()
        self._last_stamp = now if now > self._last_stamp else _after(self._last_stamp)
        return self._last_stamp

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
        if self._batch is not None:
            self._batch.seats = book  # written once, by `flush`
            return
        await self._write_seats(book)

    async def _write_seats(self, book: SeatBook) -> None:
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
        b = self._batch
        if b is not None and nip in b.nips:
            return PersonRecord(
                self.agency_id,
                nip,
                [docs.plan_from_doc(b.plans[p]) for p in b.plans_of.get(nip, [])],
                [docs.entry_from_doc(e) for e in b.ledger.get(nip, [])],
            )
        plans = await self._c(PLANS).find({"agency_id": self.agency_id, "nip": nip}, sort=[("created_at", 1)])
        ledger = await self._c(LEDGER).find({"agency_id": self.agency_id, "nip": nip}, sort=[("completed_on", 1)])
        return PersonRecord(
            self.agency_id,
            nip,
            [docs.plan_from_doc(p) for p in plans],
            [docs.entry_from_doc(e) for e in ledger],
        )

    async def save_plans(self, plans: Iterable[DevelopmentPlan]) -> None:
        b = self._batch
        if b is not None:
            for plan in plans:
                stamp = self._stamp()
                doc = storable(docs.plan_to_doc(plan))
                old = b.plans.get(plan.plan_id)
                doc["created_at"] = old["created_at"] if old else stamp
                doc["updated_at"] = stamp
                b.keep_plan(doc)
                b.dirty_plans[plan.plan_id] = doc
            return
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
        b = self._batch
        if b is not None and unit_id in b.units:
            return b.colleagues_of(unit_id)
        buckets = await COLLEAGUE_BUCKETS.find_buckets(self.uow, {"agency_id": self.agency_id, "unit_id": unit_id})
        found = sorted((d for b in buckets for d in COLLEAGUE_BUCKETS.records(b)), key=lambda d: d["nip"])
        return [docs.colleague_from_doc(d) for d in found]

    async def save_colleague(self, colleague: Colleague, as_of: datetime) -> bool:
        """Keep the newest picture of a person: an older event never overwrites a newer one."""
        b = self._batch
        if b is not None and (colleague.nip in b.nips or colleague.nip in b.colleagues):  # read by the batch
            old = b.colleagues.get(colleague.nip)
            if old and old["as_of"] > as_of.isoformat():
                return False
            doc = storable(docs.colleague_to_doc(self.agency_id, colleague, as_of))
            b.keep_colleague(doc)
            b.dirty_colleagues[colleague.nip] = doc
            return True
        existing = await COLLEAGUE_BUCKETS.one(self.uow, (self.agency_id,), colleague.nip)
        if existing and existing["as_of"] > as_of.isoformat():
            return False
        doc = storable(docs.colleague_to_doc(self.agency_id, colleague, as_of))
        await COLLEAGUE_BUCKETS.save(self.uow, [doc], stored=[colleague.nip])
        return True

    async def mentor_load(self, unit_id: str) -> dict[str, int]:
        b = self._batch
        if b is not None and unit_id in b.units:
            plans = [(s, k, m) for s, k, m in b.mentored.get(unit_id, {}).values()]
        else:
            query = {"agency_id": self.agency_id, "target_unit_id": unit_id, "status": PlanStatus.ACTIVE.value}
            plans = [(p["status"], p["kind"], p.get("mentor_nip")) for p in await self._c(PLANS).find(query)]
        load: dict[str, int] = {}
        for status, kind, mentor in plans:
            if status == PlanStatus.ACTIVE.value and kind == "move" and mentor:
                load[mentor] = load.get(mentor, 0) + 1
        return load

    async def record_import(self, report: dict[str, Any]) -> None:
        await self._c(IMPORTS).insert_one({"agency_id": self.agency_id, **report})


async def save_colleagues(uow: UnitOfWork, seen: Sequence[tuple[str, Colleague, datetime]]) -> int:
    """`save_colleague` for a batch of (agency, colleague, as_of): the buckets of the batch's people read once,
    each changed bucket written once, new people appended to the agency's last bucket."""
    newest: dict[tuple[str, str], tuple[Colleague, datetime]] = {}
    for agency_id, colleague, as_of in seen:
        previous = newest.get((agency_id, colleague.nip))
        if previous is None or as_of.isoformat() >= previous[1].isoformat():
            newest[(agency_id, colleague.nip)] = (colleague, as_of)
    by_agency: dict[str, list[str]] = {}
    for agency_id, nip in newest:
        by_agency.setdefault(agency_id, []).append(nip)
    kept = 0
    for agency_id, nips in by_agency.items():
        stored = await COLLEAGUE_BUCKETS.get(uow, (agency_id,), nips)
        fresh = [
            storable(docs.colleague_to_doc(agency_id, colleague, as_of))
            for nip in nips
            for colleague, as_of in [newest[(agency_id, nip)]]
            if not ((old := stored.get(nip)) and old["as_of"] > as_of.isoformat())
        ]
        await COLLEAGUE_BUCKETS.save(uow, fresh, stored=nips)
        kept += len(fresh)
    return kept


async def bucket_old_colleagues(begin: Callable[[], UnitOfWork], chunk: int = 2000) -> int:
    """Move colleagues still kept one document per person (before ADR 25) or in an agency's buckets (before its
    update) into the units' buckets, about `chunk` per transaction; the newer picture of a person (`as_of`) wins
    over one already in a bucket. Returns how many moved."""

    def newer(old: Doc, new: Doc) -> bool:
        return bool(old["as_of"] > new["as_of"])

    moved = await COLLEAGUE_BUCKETS.move_over(begin, OLD_COLLEAGUES, chunk, wins=newer)
    return moved + await COLLEAGUE_BUCKETS.move_over(begin, AGENCY_COLLEAGUES, chunk, wins=newer, source=AGENCY_BUCKETS)


def _after(stamp: str) -> str:
    return (datetime.fromisoformat(stamp) + timedelta(microseconds=1)).isoformat()
