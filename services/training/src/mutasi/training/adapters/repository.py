"""Training's own collections, read and written inside one chassis unit of work, always scoped by agency."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import OperationFailure

from mutasi.chassis.buckets import Buckets, Layout, pack, unpack
from mutasi.chassis.faults import WRITE_CONFLICT, in_chunks, is_duplicate_key, is_transient
from mutasi.chassis.store import Doc, UnitOfWork, storable
from mutasi.training.adapters import documents as docs
from mutasi.training.domain.catalogue import Catalogue, Offering
from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.plan import DevelopmentPlan, PlanStatus
from mutasi.training.domain.planning import SeatBook
from mutasi.training.domain.progress import JpEntry
from mutasi.training.domain.record import PersonRecord

OFFERINGS = "offerings"
SEAT_BOOKS = "seat_books"  # an agency's seats taken per session and its catalogue's version, one document
OLD_SEATS = "seats"  # one document per session, before ADR 26: moved into the agency's seat book on start
MOVES = "colleague_moves"  # what a batch of decisions changed in an agency's colleagues, one document per batch
PLANS = "plans"
LEDGER = "jp_ledger"
COLLEAGUES = "unit_colleagues"
OLD_COLLEAGUES = "colleagues"  # one document per person, before ADR 25: moved into buckets on start
AGENCY_COLLEAGUES = "colleague_buckets"  # an agency's people in arrival order, before ADR 25's update: moved on start
IMPORTS = "catalogue_imports"
ARRIVALS = "colleague_arrivals"  # possible mentors not yet in their unit's buckets (see `save_colleagues`)
SETTLE_FROM = 5000  # an agency's arrivals go into the units' buckets once this many wait (or before any read)
# unit -> a random version, new with every write outside a batch that changes a mentor's load in the unit (an
# item completion that ends a plan, a replan): checked by every batch that keeps the agency's load (ADR 27's addendum)
MENTOR_UNITS = "mentor_unit_versions"
VERSIONS = "colleague_versions"  # an agency's colleague buckets' version, new with every write of them (ADR 27)
UNIT_CACHE_RECORDS = 150_000  # colleague records a process keeps between batches (about a province's pool)

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
    (SEAT_BOOKS, [("agency_id", 1)], True),
    (MOVES, [("agency_id", 1), ("at", 1)], False),
    (PLANS, [("agency_id", 1), ("plan_id", 1)], True),
    (PLANS, [("agency_id", 1), ("nip", 1)], False),
    (PLANS, [("agency_id", 1), ("target_unit_id", 1), ("status", 1)], False),
    (PLANS, [("agency_id", 1), ("session_ids", 1)], False),
    (LEDGER, [("agency_id", 1), ("item_id", 1)], True),
    (LEDGER, [("agency_id", 1), ("nip", 1)], False),
    *COLLEAGUE_BUCKETS.indexes([[("agency_id", 1), ("unit_id", 1), ("size", 1)]]),
    (ARRIVALS, [("agency_id", 1), ("at", 1), ("batch", 1)], True),
    (VERSIONS, [("agency_id", 1)], True),
    (MENTOR_UNITS, [("agency_id", 1), ("unit_id", 1)], True),
]


LoadKey = tuple[str, str, str] | None  # see `_load_key`
Load = dict[str, dict[str, tuple[str, str, str | None]]]  # unit -> plan_id -> (status, kind, mentor)


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
    people: dict[str, Colleague] = field(default_factory=dict)  # nip -> their (immutable) colleague, made once
    stored: set[tuple[str, str]] = field(default_factory=set)  # (collection, key) of documents read as present
    dirty_plans: dict[str, Doc] = field(default_factory=dict)
    load_keys: dict[str, LoadKey] = field(default_factory=dict)  # plan_id -> its `_load_key` as stored
    dirty_colleagues: dict[str, Doc] = field(default_factory=dict)  # nip -> record for this batch's moves document
    moves_size: int | None = None  # records in the agency's moves documents, once read
    seats: SeatBook | None = None

    def keep_plan(self, doc: Doc) -> None:
        if doc["plan_id"] not in self.plans:
            self.plans_of.setdefault(doc["nip"], []).append(doc["plan_id"])
        self.plans[doc["plan_id"]] = doc
        self.keep_mentored(doc)

    def keep_mentored(self, doc: Doc) -> None:
        plans = self.mentored.setdefault(doc["target_unit_id"], {})
        plans[doc["plan_id"]] = _mentoring(doc)

    def keep_colleague(self, doc: Doc) -> None:
        old = self.colleagues.get(doc["nip"])
        if old is not None:
            self.in_unit.get(old["unit_id"], set()).discard(doc["nip"])
            self.unit_list.pop(old["unit_id"], None)
        self.colleagues[doc["nip"]] = doc
        self.people.pop(doc["nip"], None)
        self.in_unit.setdefault(doc["unit_id"], set()).add(doc["nip"])
        self.unit_list.pop(doc["unit_id"], None)

    def colleagues_of(self, unit_id: str) -> list[Colleague]:
        """The unit's colleagues by NIP, as the database would list them (built again only after a change)."""
        if unit_id not in self.unit_list:
            listed = []
            for nip in sorted(self.in_unit.get(unit_id, ())):
                if (person := self.people.get(nip)) is None:
                    person = self.people[nip] = docs.colleague_from_doc(self.colleagues[nip])
                listed.append(person)
            self.unit_list[unit_id] = listed
        return list(self.unit_list[unit_id])


class UnitCache:
    """The colleague records of units' buckets as last read, kept between batches (ADR 27): a unit's records are
    used again only while its agency's colleague version (`VERSIONS`, read in the reader's own transaction) is the
    one they were read at; every write of the agency's buckets gives it a new version in the same transaction, so a
    version names one state of the buckets. At most `limit` records, the least recently used units dropped first.
    The records are shared, read-only objects (a change makes a new record), each with its `Colleague`."""

    def __init__(self, limit: int = UNIT_CACHE_RECORDS) -> None:
        self.limit = limit
        self.size = 0
        self._units: OrderedDict[tuple[str, str], tuple[str, list[tuple[Doc, Colleague]]]] = OrderedDict()

    def get(self, agency_id: str, unit_id: str, version: str) -> list[tuple[Doc, Colleague]] | None:
        key = (agency_id, unit_id)
        hit = self._units.get(key)
        if hit is None or hit[0] != version:
            return None
        self._units.move_to_end(key)
        return hit[1]

    def put(self, agency_id: str, unit_id: str, version: str, records: list[Doc]) -> None:
        old = self._units.pop((agency_id, unit_id), None)
        if old is not None:
            self.size -= max(1, len(old[1]))
        if max(1, len(records)) > self.limit:
            return
        self._units[(agency_id, unit_id)] = (version, [(d, docs.colleague_from_doc(d)) for d in records])
        self.size += max(1, len(records))  # a unit with nobody counts as one
        while self.size > self.limit:
            _, (_, dropped) = self._units.popitem(last=False)
            self.size -= max(1, len(dropped))


@dataclass
class Shared:
    """What one service's repositories share across units of work: each agency's catalogue as last read, with the
    version it was read at (a catalogue is read again only after an offerings write changed the version), the
    units' colleagues as last read (`UnitCache`), each agency's mentor load as last read or written (at the version
    of its plans, the seat book's `plans`, new with every batch that changes a load, and at the unit versions that
    writes outside a batch leave), and when an agency's moves documents are folded into the unit buckets
    (ADR 26)."""

    fold_at: int = 2000
    catalogues: dict[str, tuple[str, Catalogue]] = field(default_factory=dict)
    units: UnitCache = field(default_factory=UnitCache)
    # agency -> (plans version, unit -> plan_id -> (status, kind, mentor), unit -> unit version seen): the agency's
    # active plans with a mentor, as of that version of its plans and those of its units (`_mentor_loads`); None
    # keeps nothing
    mentor_loads: dict[str, tuple[str, Load, dict[str, str]]] | None = field(default_factory=dict)


class TrainingRepository:
    """Loads and saves domain objects; the seat book remembers what it loaded so only changes are written.

    After `preload(nips, units)` the repository serves a batch of decisions: the people's plans and JP ledger, the
    units' colleagues and mentor load come from one read each, and plans, colleagues and seats are written once by
    `flush()` (inserts for documents read as absent, one bulk replace for the others)."""

    def __init__(self, uow: UnitOfWork, agency_id: str, shared: Shared | None = None) -> None:
        self.uow = uow
        self.agency_id = agency_id
        self.shared = shared or Shared()
        self._seats_loaded: dict[str, int] = {}
        self._book: Doc | None = None  # the agency's seat book as read by this unit of work
        self._book_read = False
        self._batch: _Batch | None = None
        self._loads: Load | None = None  # `_mentor_loads`, this uow's
        self._units_seen: dict[str, str] = {}  # the unit versions `_loads` reflects
        self._last_stamp = ""
        self._settled = False

    async def _settle(self) -> None:
        """Before the first read or write of the agency's colleagues: its waiting arrivals into their units."""
        if not self._settled:
            self._settled = True
            await settle_colleagues(self.uow, self.agency_id)

    # ---- a batch of decisions ----
    async def preload(self, nips: Iterable[str], units: Iterable[str]) -> None:
        """Read what planning these people into these units needs, once (see `_Batch`)."""
        await self._settle()
        b = self._batch = _Batch(set(nips), set(units))
        a = self.agency_id
        for d in await self._c(PLANS).find({"agency_id": a, "nip": {"$in": sorted(b.nips)}}, sort=[("created_at", 1)]):
            b.keep_plan(d)
            b.stored.add((PLANS, d["plan_id"]))
            b.load_keys[d["plan_id"]] = _load_key(d)
        if b.units:
            for unit_id, plans in (await self._mentor_loads(b.units)).items():
                for plan_id, kept in plans.items():
                    if plan_id not in b.plans:
                        b.mentored.setdefault(unit_id, {})[plan_id] = kept
        for d in await self._c(LEDGER).find(
            {"agency_id": a, "nip": {"$in": sorted(b.nips)}}, sort=[("completed_on", 1)]
        ):
            b.ledger.setdefault(d["nip"], []).append(d)
        if b.units:
            moves = await self._c(MOVES).find({"agency_id": a}, sort=[("at", 1)])
            b.moves_size = sum(int(d["size"]) for d in moves)
            version = await colleagues_version(self.uow, a)
            cached = (self.shared.units, version) if version is not None else None
            known: dict[str, tuple[Doc, Colleague]] = {}
            for d in await _colleagues_in(self.uow, a, b.units, moves, cached, known):
                b.keep_colleague(d)
            # the colleagues made when their records were cached, for those the batch sees as stored
            b.people.update({n: c for n, (d, c) in known.items() if b.colleagues.get(n) is d})
        # the batch's people are not read: a decision's record goes to this batch's moves document, and whichever
        # picture of a person is newer wins when colleagues are read (`_colleagues_in`)

    async def _mentor_loads(self, units: set[str]) -> dict[str, dict[str, tuple[str, str, str | None]]]:
        """unit -> plan_id -> (status, kind, mentor) of the units' active plans with a mentor, as this unit of work
        sees them. With the cache on, the process holds every unit of the agency at the version of its plans it
        last read or wrote (`Shared.mentor_loads`; `_plans_changed` carries it to the version a batch writes) and at
        the unit versions that writes outside a batch leave (`_units_changed`): when the agency's version is not the
        stored one, its active mentored plans are read in one query; else only the units whose version moved.
        Reading them by unit as batches reach new units read each plan again and again as the round went on; on the
        local stack's database those reads of freshly written plans stalled for seconds (docs/bench-round.md)."""
        a = self.agency_id
        if self.shared.mentor_loads is None:  # nothing kept: this batch's units, read now
            return await self._read_loads(units)
        held = self._loads
        if held is None:
            book = await self._seat_book()
            version = book.get("plans") if book else None
            kept = self.shared.mentor_loads.get(a)
            units_now = await self._unit_versions()
            if kept is not None and version is not None and kept[0] == version:
                held, seen = dict(kept[1]), kept[2]
                # units whose load changed outside a batch (an ended plan) since: read again, those units only
                stale = {u for u, v in units_now.items() if seen.get(u) != v}
                if stale:
                    held.update(await self._read_loads(stale))
            else:
                held = await self._read_loads(None)
            self._loads, self._units_seen = held, units_now
            if version is not None:
                self.shared.mentor_loads[a] = (str(version), held, units_now)  # as read in this unit of work
        return {u: held.get(u, {}) for u in units}

    async def _read_loads(self, units: Iterable[str] | None) -> Load:
        """The active plans with a mentor of these units (each present, empty if it has none), or of every unit of
        the agency (None: only units that have one), in one query."""
        query: Doc = {"agency_id": self.agency_id, "status": PlanStatus.ACTIVE.value, "mentor_nip": {"$ne": None}}
        found: Load = {}
        if units is not None:
            found = {u: {} for u in sorted(units)}
            query["target_unit_id"] = {"$in": list(found)}
        for d in await self._c(PLANS).find(query, fields=MENTOR_LOAD_FIELDS):
            found.setdefault(d["target_unit_id"], {})[d["plan_id"]] = _mentoring(d)
        return found

    async def _plans_changed(self, rows: Sequence[Doc], seats: dict[str, Any] | None = None) -> None:
        """In the transaction that wrote these plans: a new version of the agency's plans (in its seat book, with
        the seats if they changed), and the mentor load held for it updated with them. A unit of work that did not
        read the load drops what the process held for the agency."""
        version = uuid.uuid4().hex
        await self._c(SEAT_BOOKS).update_one(
            {"agency_id": self.agency_id}, {"$set": {**(seats or {}), "plans": version}}, True
        )
        if self._book_read:
            self._book = {
                **(self._book or {"agency_id": self.agency_id, "seats": []}),
                **(seats or {}),
                "plans": version,
            }
        if self.shared.mentor_loads is None:
            return
        held = self._loads
        if held is None:
            self.shared.mentor_loads.pop(self.agency_id, None)
            return
        held = self._loads = dict(held)  # a new one: what is kept for the version read stays as it was read
        written = {d["plan_id"]: d["target_unit_id"] for d in rows}
        for other, plans in list(held.items()):  # a plan written into another unit leaves the one it was in
            if any(written.get(plan_id, other) != other for plan_id in plans):
                held[other] = {k: v for k, v in plans.items() if written.get(k, other) == other}
        for d in rows:  # every unit of the agency is held: a unit absent has no active mentored plan
            unit = held[d["target_unit_id"]] = dict(held.get(d["target_unit_id"], {}))  # new: a rollback keeps the old
            if _load_key(d) is not None:
                unit[d["plan_id"]] = _mentoring(d)
            else:
                unit.pop(d["plan_id"], None)
        self.shared.mentor_loads[self.agency_id] = (version, held, self._units_seen)

    async def _unit_versions(self) -> dict[str, str]:
        found = await self._c(MENTOR_UNITS).find({"agency_id": self.agency_id}, fields=["unit_id", "version"])
        return {d["unit_id"]: d["version"] for d in found}

    async def _units_changed(self, units: Iterable[str]) -> None:
        """Outside a batch: a new version of each unit whose mentor load this transaction changed. Writes in
        different units do not meet; the batches check these versions (`_mentor_loads`)."""
        for unit in sorted(set(units)):
            await self._c(MENTOR_UNITS).update_one(
                {"agency_id": self.agency_id, "unit_id": unit}, {"$set": {"version": uuid.uuid4().hex}}, True
            )

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
        # a plan this batch did not read counts as changed: the version is new whenever the load may have moved
        loads = [r for r in rows if r["plan_id"] not in b.load_keys or _load_key(r) != b.load_keys[r["plan_id"]]]
        b.load_keys.update((r["plan_id"], _load_key(r)) for r in rows)
        if b.dirty_colleagues:
            await self._write_moves(b)
        b.dirty_colleagues.clear()
        book, b.seats = b.seats, None
        seats = self._seat_rows(book) if book is not None else None
        if loads:
            await self._plans_changed(loads, {"seats": seats} if seats is not None else None)
        elif seats is not None:
            await self._write_seats(book)  # type: ignore[arg-type]
        if book is not None:
            self._seats_loaded = {**self._seats_loaded, **book.taken}

    def _stamp(self) -> str:
        """Now, strictly after the previous stamp: a person's plans are ordered by it."""
        now = datetime.now(UTC).isoformat()
        self._last_stamp = now if now > self._last_stamp else _after(self._last_stamp)
        return self._last_stamp

    def _c(self, name: str) -> Any:
        return self.uow.collection(name)

    # ---- catalogue and seats ----
    async def _seat_book(self) -> Doc | None:
        """The agency's seat book (seats taken per session, the catalogue's version), read once."""
        if not self._book_read:
            self._book = await self._c(SEAT_BOOKS).find_one({"agency_id": self.agency_id})
            self._book_read = True
        return self._book

    async def catalogue(self) -> Catalogue:
        """The agency's offerings; the catalogue read at the same version earlier is reused (a shared, read-only
        object: a change makes a new one)."""
        book = await self._seat_book()
        version = book.get("catalogue") if book else None
        cached = self.shared.catalogues.get(self.agency_id)
        if version is not None and cached is not None and cached[0] == version:
            return cached[1]
        found = await self._c(OFFERINGS).find({"agency_id": self.agency_id}, sort=[("offering_id", 1)])
        catalogue = Catalogue.of(docs.offering_from_doc(d) for d in found)
        if version is not None:
            self.shared.catalogues[self.agency_id] = (str(version), catalogue)
        return catalogue

    async def save_offerings(self, offerings: Iterable[Offering]) -> int:
        """Store offerings and give the catalogue a new version, in the same transaction."""
        rows = [docs.offering_to_doc(self.agency_id, o) for o in offerings]
        if not rows:
            return 0
        await self._c(OFFERINGS).bulk_upsert(rows, ["agency_id", "offering_id"])
        version = uuid.uuid4().hex
        await self._c(SEAT_BOOKS).update_one({"agency_id": self.agency_id}, {"$set": {"catalogue": version}}, True)
        if self._book_read:
            self._book = {**(self._book or {"agency_id": self.agency_id, "seats": []}), "catalogue": version}
        return len(rows)

    async def seats(self) -> SeatBook:
        book = await self._seat_book()
        self._seats_loaded = {r["session_id"]: r["taken"] for r in (book or {}).get("seats", [])}
        return SeatBook(dict(self._seats_loaded))

    async def save_seats(self, book: SeatBook) -> None:
        if self._batch is not None:
            self._batch.seats = book  # written once, by `flush`
            return
        await self._write_seats(book)

    def _seat_rows(self, book: SeatBook) -> list[dict[str, Any]] | None:
        """The seat book's rows after `book`, or None when no session's count changed."""
        taken = {**self._seats_loaded, **book.taken}
        if taken == self._seats_loaded:
            return None
        return [{"session_id": sid, "taken": n} for sid, n in sorted(taken.items())]

    async def _write_seats(self, book: SeatBook) -> None:
        """One write of the agency's seat book, when a session's count changed."""
        taken = {**self._seats_loaded, **book.taken}
        if taken != self._seats_loaded:
            rows = [{"session_id": sid, "taken": n} for sid, n in sorted(taken.items())]
            await self._c(SEAT_BOOKS).update_one({"agency_id": self.agency_id}, {"$set": {"seats": rows}}, True)
            if self._book_read:
                self._book = {**(self._book or {"agency_id": self.agency_id}), "seats": rows}
        self._seats_loaded = taken

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
        units: list[str] = []
        for plan in plans:
            doc = docs.plan_to_doc(plan)
            existing = await self._c(PLANS).find_one({"agency_id": self.agency_id, "plan_id": plan.plan_id})
            doc["created_at"] = existing["created_at"] if existing else now
            doc["updated_at"] = now
            await self._c(PLANS).replace_one({"agency_id": self.agency_id, "plan_id": plan.plan_id}, doc, upsert=True)
            keys = (_load_key(existing) if existing else None, _load_key(doc))
            if keys[0] != keys[1]:
                units += [k[0] for k in keys if k is not None]
        if units:  # an item completed in a plan that stays active changes no mentor's load: no new version
            await self._units_changed(units)

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
        await self._settle()
        moves = await self._c(MOVES).find({"agency_id": self.agency_id}, sort=[("at", 1)])
        found = await _colleagues_in(self.uow, self.agency_id, {unit_id}, moves)
        return [docs.colleague_from_doc(d) for d in sorted(found, key=lambda d: d["nip"]) if d["unit_id"] == unit_id]

    async def save_colleague(self, colleague: Colleague, as_of: datetime) -> bool:
        """Keep the newest picture of a person: an older event never overwrites a newer one."""
        b = self._batch
        if b is not None:  # into the batch's moves document; a newer picture read elsewhere still wins
            old = b.colleagues.get(colleague.nip)
            if old and old["as_of"] > as_of.isoformat():
                return False
            doc = storable(docs.colleague_to_doc(self.agency_id, colleague, as_of))
            b.keep_colleague(doc)
            b.dirty_colleagues[colleague.nip] = doc
            return True
        await self._settle()
        existing = await COLLEAGUE_BUCKETS.one(self.uow, (self.agency_id,), colleague.nip)
        if existing and existing["as_of"] > as_of.isoformat():
            return False
        doc = storable(docs.colleague_to_doc(self.agency_id, colleague, as_of))
        await COLLEAGUE_BUCKETS.save(self.uow, [doc], stored=[colleague.nip])
        await colleagues_changed(self.uow, self.agency_id)
        return True

    async def _write_moves(self, b: _Batch) -> None:
        """The batch's colleague records of this agency as one new document; past `shared.fold_at` records the
        agency's moves documents are folded into the unit buckets."""
        people = [b.dirty_colleagues[n] for n in sorted(b.dirty_colleagues)]
        stamp = datetime.now(UTC).isoformat()
        await self._c(MOVES).insert_one(
            {"agency_id": self.agency_id, "at": stamp, "batch": uuid.uuid4().hex,
             "nips": [d["nip"] for d in people], "people": people, "size": len(people)}
        )  # fmt: skip
        if b.moves_size is None:
            sizes = await self._c(MOVES).find({"agency_id": self.agency_id}, fields=["size"])
            b.moves_size = sum(int(d["size"]) for d in sizes)
        else:
            b.moves_size += len(people)
        if b.moves_size > self.shared.fold_at:
            await fold_moves(self.uow, self.agency_id)
            b.moves_size = 0

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


def _load_key(plan: Doc) -> LoadKey:
    """What of a plan counts in a mentor's load: (unit, kind, mentor) while it is active with a mentor, else None.
    A write that leaves every plan's key as stored changes no load, so it writes no version: an item completion in
    a plan that stays active, the common HTTP write, touches only its own plan."""
    mentor = plan.get("mentor_nip")
    if plan["status"] != PlanStatus.ACTIVE.value or mentor is None:
        return None
    return (plan["target_unit_id"], plan["kind"], mentor)


def _mentoring(plan: Doc) -> tuple[str, str, str | None]:
    """What the mentor load keeps of a plan: its status, kind and mentor."""
    return (plan["status"], plan["kind"], plan.get("mentor_nip"))


def _wins(record: Doc, old: Doc | None) -> bool:
    """Whether `record` is the picture of its person to keep over `old`, one written before it: the newer `as_of`
    wins and the later-written record wins a tie. Buckets, arrivals and moves all follow this one rule."""
    return old is None or record["as_of"] >= old["as_of"]


def _overlay(under: dict[str, Doc], over: Iterable[Doc]) -> dict[str, Doc]:
    """`under` (nip -> record) with the records of `over`, written after them, laid on top by `_wins`; changed in
    place and returned."""
    for record in over:
        if _wins(record, under.get(record["nip"])):
            under[record["nip"]] = record
    return under


def _newest(documents: Iterable[Iterable[Doc]]) -> dict[str, Doc]:
    """nip -> the newest of the records, given per document, oldest document first (`as_of`; the later document on
    a tie)."""
    newest: dict[str, Doc] = {}
    for records in documents:
        _overlay(newest, records)
    return newest


async def colleagues_version(uow: UnitOfWork, agency_id: str) -> str | None:
    """The agency's colleague version as this unit of work sees it (None before any write of its buckets)."""
    found = await uow.collection(VERSIONS).find_one({"agency_id": agency_id})
    return str(found["version"]) if found else None


async def colleagues_changed(uow: UnitOfWork, agency_id: str) -> None:
    """Give the agency's colleague buckets a new version, in the transaction that wrote them (`UnitCache`): every
    write of `COLLEAGUES` calls it."""
    await uow.collection(VERSIONS).update_one({"agency_id": agency_id}, {"$set": {"version": uuid.uuid4().hex}}, True)


def _newest_moves(moves: Iterable[Doc]) -> dict[str, Doc]:
    """nip -> the newest record of the moves documents (oldest first)."""
    return _newest(doc["people"] for doc in moves)


async def _colleagues_in(
    uow: UnitOfWork,
    agency_id: str,
    units: Iterable[str],
    moves: Sequence[Doc],
    cached: tuple[UnitCache, str] | None = None,
    known: dict[str, tuple[Doc, Colleague]] | None = None,
) -> list[Doc]:
    """The colleague records that decide who is in `units`: the units' buckets, overlaid by the agency's moves
    documents (`moves`, oldest first), the newer picture of a person winning (a moves record on a tie). People
    who moved into the units are checked against their bucket record, wherever it is. Records of other units may be
    among them (someone who left a unit); the caller filters by unit.

    With `cached` (the process's `UnitCache` and the agency's colleague version read in this unit of work) a unit
    read before at that version is not read again, and the units read are kept; `known` then receives each cached
    record with its `Colleague`."""
    unit_set = set(units)
    wanted = sorted(unit_set)
    stored: dict[str, Doc] = {}
    if cached is not None:
        cache, version = cached
        missing = []
        for unit_id in wanted:
            hit = cache.get(agency_id, unit_id, version)
            if hit is None:
                missing.append(unit_id)
                continue
            for d, person in hit:
                stored[d["nip"]] = d
                if known is not None:
                    known[d["nip"]] = (d, person)
        wanted = missing
    if wanted:
        # read only, not remembered for a bucket write (nothing here writes them): the unit of work keeps no index
        # of every key read, which cost more client time than the read itself
        buckets = await uow.collection(COLLEAGUES).find({"agency_id": agency_id, "unit_id": {"$in": wanted}})
        by_unit: dict[str, list[Doc]] = {u: [] for u in wanted}
        for b in buckets:
            records = COLLEAGUE_BUCKETS.records(b)
            by_unit.setdefault(str(b["unit_id"]), []).extend(records)
            for d in records:
                stored[d["nip"]] = d
        if cached is not None:
            cache, version = cached
            for unit_id in wanted:
                cache.put(agency_id, unit_id, version, by_unit[unit_id])
                if known is not None:
                    for d, person in cache.get(agency_id, unit_id, version) or []:
                        known[d["nip"]] = (d, person)
    newest = _newest_moves(moves)
    arrived = [n for n, d in newest.items() if d["unit_id"] in unit_set and n not in stored]
    if arrived:
        stored.update(await COLLEAGUE_BUCKETS.get(uow, (agency_id,), arrived))
    return list(_overlay(stored, newest.values()).values())


async def colleagues_of_agency(uow: UnitOfWork, agency_id: str) -> list[Doc]:
    """Every colleague record of the agency as decisions and assessments left it (buckets overlaid by the arrivals
    still waiting, then by moves), by NIP: what the unit reads are built from (tests, audits). Reads only."""
    moves = await uow.collection(MOVES).find({"agency_id": agency_id}, sort=[("at", 1)])
    stored = {d["nip"]: d for d in await COLLEAGUE_BUCKETS.all(uow, (agency_id,))}
    _overlay(stored, _newest_arrivals(await _arrivals(uow, agency_id)).values())
    _overlay(stored, _newest_moves(moves).values())
    return [stored[n] for n in sorted(stored)]


async def fold_moves(uow: UnitOfWork, agency_id: str) -> int:
    """Regroup the agency's moves documents by unit: each record goes into its unit's bucket unless the bucket holds
    a newer picture of the person; the moves documents are deleted in the same transaction. Returns how many
    records were folded."""
    moves = await uow.collection(MOVES).find({"agency_id": agency_id}, sort=[("at", 1)])
    if not moves:
        return 0
    newest = _newest_moves(moves)
    stored = await COLLEAGUE_BUCKETS.get(uow, (agency_id,), sorted(newest))
    keep = [d for n, d in newest.items() if _wins(d, stored.get(n))]
    await COLLEAGUE_BUCKETS.save(uow, keep, stored=sorted(newest))
    await colleagues_changed(uow, agency_id)
    await uow.collection(MOVES).delete_many({"agency_id": agency_id, "batch": {"$in": [d["batch"] for d in moves]}})
    return len(newest)


async def move_seats(begin: Callable[[], UnitOfWork], chunk: int = 2000) -> int:
    """Move seats still kept one document per session (before ADR 26) into their agency's seat book, about `chunk`
    per transaction, deleting what moved; a session the book already counts keeps the book's count (written
    later, by this code). Safe to repeat and on several replicas. Returns how many moved."""

    async def step() -> int | None:
        async with begin() as uow:
            found = await uow.collection(OLD_SEATS).find({}, sort=[("agency_id", 1), ("session_id", 1)], limit=chunk)
            if not found:
                return None
            by_agency: dict[str, dict[str, int]] = {}
            for d in found:
                by_agency.setdefault(d["agency_id"], {})[d["session_id"]] = d["taken"]
            for agency_id, old in by_agency.items():
                book = await uow.collection(SEAT_BOOKS).find_one({"agency_id": agency_id})
                taken = {**old, **{r["session_id"]: r["taken"] for r in (book or {}).get("seats", [])}}
                rows = [{"session_id": sid, "taken": n} for sid, n in sorted(taken.items())]
                await uow.collection(SEAT_BOOKS).update_one({"agency_id": agency_id}, {"$set": {"seats": rows}}, True)
                await uow.collection(OLD_SEATS).delete_many(
                    {"agency_id": agency_id, "session_id": {"$in": sorted(old)}}
                )
            await uow.commit()
            return len(found)

    return await in_chunks(step)


async def save_colleagues(
    uow: UnitOfWork, seen: Sequence[tuple[str, Colleague, datetime]], settle_from: int = SETTLE_FROM
) -> int:
    """Possible mentors of a batch of (agency, colleague, as_of), the newest picture of each person in the batch:
    one packed `colleague_arrivals` document per agency, with no read of the units' buckets. An agency's arrivals
    go into its units' buckets (`settle_colleagues`) once `settle_from` of them wait, and before anything reads or
    writes the agency's colleagues (`TrainingRepository`), so a reader never misses one. Returns how many arrived.

    Why not straight into the units' buckets: a batch names about one unit per person, and on the stand-in database
    a `$push` onto a unit's bucket rewrites every entry of the bucket's unique `nips` index (~10 ms of its CPU per
    bucket per batch); settled thousands at a time, a unit's new people take new buckets, each written once."""
    newest: dict[tuple[str, str], tuple[Colleague, datetime]] = {}
    for agency_id, colleague, as_of in seen:
        previous = newest.get((agency_id, colleague.nip))
        if previous is None or as_of.isoformat() >= previous[1].isoformat():
            newest[(agency_id, colleague.nip)] = (colleague, as_of)
    by_agency: dict[str, list[Doc]] = {}
    for (agency_id, _), (colleague, as_of) in newest.items():
        by_agency.setdefault(agency_id, []).append(docs.colleague_to_doc(agency_id, colleague, as_of))
    if not by_agency:
        return 0
    at = datetime.now(UTC).isoformat()
    arrivals = uow.collection(ARRIVALS)
    await arrivals.insert_many(
        [
            {"agency_id": a, "at": at, "batch": uuid.uuid4().hex, "size": len(records), "people": pack(records)}
            for a, records in sorted(by_agency.items())
        ]
    )
    waiting: dict[str, int] = {}
    for d in await arrivals.find({"agency_id": {"$in": sorted(by_agency)}}, fields=["agency_id", "size"]):
        waiting[d["agency_id"]] = waiting.get(d["agency_id"], 0) + int(d["size"])
    for agency_id in sorted(by_agency):
        if waiting.get(agency_id, 0) >= settle_from:
            await settle_colleagues(uow, agency_id)
    return len(newest)


async def _arrivals(uow: UnitOfWork, agency_id: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(ARRIVALS).find({"agency_id": agency_id}, sort=[("at", 1), ("batch", 1)])
    return found


def _newest_arrivals(found: Iterable[Doc]) -> dict[str, Doc]:
    """nip -> the newest record of the arrivals documents (oldest first; their people are packed)."""
    return _newest(unpack(d["people"]) for d in found)


async def settle_colleagues(uow: UnitOfWork, agency_id: str) -> int:
    """Move an agency's waiting arrivals into its units' buckets: the newest picture of each person wins (over
    earlier arrivals and over their bucketed record); a unit's new people go into new buckets of the unit (full
    ones, and one with the rest), not onto its bucket with room. Returns how many records were written."""
    found = await _arrivals(uow, agency_id)
    if not found:
        return 0
    batches = [d["batch"] for d in found]
    deleted = await uow.collection(ARRIVALS).delete_many({"agency_id": agency_id, "batch": {"$in": batches}})
    if deleted != len(found):  # another writer settled them meanwhile: run the unit of work again
        raise OperationFailure("colleague arrivals settled by another writer", code=WRITE_CONFLICT)
    newest = _newest_arrivals(found)
    nips = sorted(newest)
    # the units they arrive in first: someone assessed again is mostly still there, and found by their bucket,
    # not by `$in` over `nips`, which the stand-in matches value by value against every element of each bucket
    # it finds (thousands of NIPs against a whole agency's buckets: seconds of its CPU per settle)
    units = sorted({str(r["unit_id"]) for r in newest.values()})
    await COLLEAGUE_BUCKETS.find_buckets(uow, {"agency_id": agency_id, "unit_id": {"$in": units}})
    stored = await COLLEAGUE_BUCKETS.get(uow, (agency_id,), nips)
    fresh = [newest[nip] for nip in nips if _wins(newest[nip], stored.get(nip))]
    await COLLEAGUE_BUCKETS.save(uow, fresh, stored=nips, top_up=False)
    await colleagues_changed(uow, agency_id)
    return len(fresh)


async def settle_quiet_arrivals(begin: Callable[[], UnitOfWork], quiet_s: float) -> int:
    """Settle each agency whose newest arrival is at least `quiet_s` old (its assessments have stopped coming), one
    transaction per agency, so what the last batches left waiting is not settled inside a later batch of decisions.
    An agency another writer is settling is left for the next run. Returns how many records were written."""
    async with begin() as uow:
        found = await uow.collection(ARRIVALS).find({}, fields=["agency_id", "at"])
    newest: dict[str, str] = {}
    for d in found:
        newest[d["agency_id"]] = max(newest.get(d["agency_id"], ""), d["at"])
    cutoff = (datetime.now(UTC) - timedelta(seconds=quiet_s)).isoformat()
    written = 0
    for agency_id in sorted(a for a, at in newest.items() if at <= cutoff):
        try:
            async with begin() as uow:
                written += await settle_colleagues(uow, agency_id)
                await uow.commit()
        except Exception as exc:
            if not (is_transient(exc) or is_duplicate_key(exc)):
                raise
    return written


async def bucket_old_colleagues(begin: Callable[[], UnitOfWork], chunk: int = 2000) -> int:
    """Move colleagues still kept one document per person (before ADR 25) or in an agency's buckets (before its
    update) into the units' buckets, about `chunk` per transaction; the newer picture of a person (`as_of`) wins
    over one already in a bucket. Returns how many moved."""

    def newer(old: Doc, bucketed: Doc) -> bool:  # the bucket's record was written after the old one
        return not _wins(bucketed, old)

    moved = await COLLEAGUE_BUCKETS.move_over(begin, OLD_COLLEAGUES, chunk, wins=newer)
    moved += await COLLEAGUE_BUCKETS.move_over(begin, AGENCY_COLLEAGUES, chunk, wins=newer, source=AGENCY_BUCKETS)
    if moved:  # after the move (its own transactions): every agency's units are read again
        async with begin() as uow:
            for agency_id in await uow.collection(COLLEAGUES).distinct("agency_id", {}):
                await colleagues_changed(uow, str(agency_id))
            await uow.commit()
    return moved


def _after(stamp: str) -> str:
    return (datetime.fromisoformat(stamp) + timedelta(microseconds=1)).isoformat()
