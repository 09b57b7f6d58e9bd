"""Collections of the assessment database, their indexes, and the queries use cases share (all agency-scoped)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from mutasi.assessment.adapters.documents import post_from_doc
from mutasi.assessment.domain.competency import CompetencyStandard, Post
from mutasi.chassis.buckets import Buckets, Layout, pack
from mutasi.chassis.faults import in_chunks
from mutasi.chassis.store import UnitOfWork

Doc = dict[str, Any]
EMPLOYEES = "employee_ranges"
RESULTS = "employee_result_ranges"
HISTORY = "employee_history"
POSTS = "posts"
ASSESSMENTS = "assessment_ranges"
OLD_EMPLOYEES, OLD_ASSESSMENTS = "employees", "assessments"  # one document per person, before ADR 22
# buckets found through a unique multikey index on their keys, before key ranges (ADR 22, "Update: key ranges")
KEYED_EMPLOYEES, KEYED_RESULTS, KEYED_ASSESSMENTS = "employee_buckets", "employee_result_buckets", "assessment_buckets"
FOLLOW_UPS = "follow_ups"
IMPORTS = "imports"
IMPORT_ERRORS = "import_errors"


# What an assessment changes on an employee: kept apart from the registry record, so recording results writes
# (inserts, the first time) only these small records and leaves the registry's buckets alone.
RESULT_FIELDS = ("latest", "reassessment")


def _employee_fields(items: list[Doc]) -> Doc:
    """What a bucket of employees shows at its top level: its units (for a unit's grid) and its NIPs (to check an
    assessment file's NIPs without decoding the records; not indexed)."""
    return {"units": sorted({str(d.get("unit_id")) for d in items}), "nips": [str(d["nip"]) for d in items]}


def _result_fields(items: list[Doc]) -> Doc:
    """The validity of each latest result (the expired gauge counts it without reading the records)."""
    return {"valid_until": [d["latest"]["valid_until"] for d in items if d.get("latest")]}


# Employees, their results and assessments: a few hundred per document (ADR 22), in the chassis's buckets, each
# bucket a range of keys: `{agency_id, first, last, items, n, …derived}` (a key is in the bucket with the greatest
# `first` not above it; the scope's first bucket starts at "", so two writers creating it collide on the unique
# `first`), so the database keeps one index entry per bucket, not one per record; `items` a `{key: record}` map
# packed in one binary value (nothing queries inside a record; SecantusDB pays per sub-document).
BUCKET_SIZE = 500  # records per document: far below 16 MB (an employee with its latest result is ~1.5 kB)
RANGES = Layout(bucket=None, keys=None, by_key=True, first="first")


def _ranges(collection: str, key: str, derive: Callable[[list[Doc]], Doc] = lambda items: {}) -> Buckets:
    return Buckets(collection, key, layout=RANGES, size=BUCKET_SIZE, fill="split", floor="", packed=True, derive=derive)


EMPLOYEE_BUCKETS = _ranges(EMPLOYEES, "nip", _employee_fields)
RESULT_BUCKETS = _ranges(RESULTS, "nip", _result_fields)
ASSESSMENT_BUCKETS = _ranges(ASSESSMENTS, "assessment_id")
# the layout before: records in key order, found through `keys` (read only, to move them over)
KEYED_EMPLOYEE_BUCKETS = Buckets(KEYED_EMPLOYEES, "nip", size=BUCKET_SIZE, derive=_employee_fields, packed=True)
KEYED_RESULT_BUCKETS = Buckets(KEYED_RESULTS, "nip", size=BUCKET_SIZE, derive=_result_fields, packed=True)
KEYED_ASSESSMENT_BUCKETS = Buckets(KEYED_ASSESSMENTS, "assessment_id", size=BUCKET_SIZE, packed=True)


def _split(doc: Doc) -> tuple[Doc, Doc | None]:
    """An employee document as the service layer sees it → its registry record and its result record (or None).
    A document without result fields is its own registry record (the buckets keep what they are given, as for
    every record saved)."""
    result = _result_of(doc)
    return (doc if result is None else {k: v for k, v in doc.items() if k not in RESULT_FIELDS}), result


def _result_of(doc: Doc) -> Doc | None:
    """The result record of an employee document (None if never assessed nor flagged)."""
    if not any(k in doc for k in RESULT_FIELDS):
        return None
    return {"agency_id": doc["agency_id"], "nip": doc["nip"], **{k: doc[k] for k in RESULT_FIELDS if k in doc}}


def _merged(record: Doc, result: Doc | None) -> Doc:
    if result is None:
        return record
    return {**record, **{k: result[k] for k in RESULT_FIELDS if k in result}}


async def _with_results(uow: UnitOfWork, agency_id: str, records: list[Doc]) -> list[Doc]:
    results = await RESULT_BUCKETS.get(uow, (agency_id,), [d["nip"] for d in records])
    return [_merged(d, results.get(d["nip"])) for d in records]


# (collection, keys, unique): every query below filters on a prefix of one of these.
INDEXES: tuple[tuple[str, list[tuple[str, int]], bool], ...] = (
    *EMPLOYEE_BUCKETS.indexes([[("agency_id", 1), ("units", 1)]]),
    *RESULT_BUCKETS.indexes([[("agency_id", 1), ("last", 1)]]),  # pages through the assessed in NIP order
    *ASSESSMENT_BUCKETS.indexes(),
    (HISTORY, [("agency_id", 1), ("nip", 1), ("version", 1)], True),
    (POSTS, [("agency_id", 1), ("post_id", 1)], True),
    (FOLLOW_UPS, [("agency_id", 1), ("follow_up_id", 1)], True),
    (FOLLOW_UPS, [("agency_id", 1), ("nip", 1), ("status", 1)], False),
    (IMPORTS, [("agency_id", 1), ("import_id", 1)], True),
    (IMPORT_ERRORS, [("agency_id", 1), ("import_id", 1), ("row", 1)], False),
)
IN_QUERY_CHUNK = 5000  # keeps $in lists well under the 16 MB command limit
RANGE_FROM = 64  # from this many keys a range query replaces $in


async def load_posts(uow: UnitOfWork, agency_id: str) -> dict[str, tuple[Post, CompetencyStandard]]:
    """Every post of the agency with its SKJ (a peta jabatan has thousands of posts at most)."""
    docs = await uow.collection(POSTS).find({"agency_id": agency_id})
    return {d["post_id"]: post_from_doc(d) for d in docs}


async def by_key(
    uow: UnitOfWork,
    collection: str,
    agency_id: str,
    field: str,
    keys: Iterable[str],
    extra: dict[str, Any] | None = None,
) -> dict[str, Doc]:
    """Documents of the agency whose `field` is one of `keys` (and match `extra`), keyed by that field."""
    wanted = sorted(set(keys))
    found: dict[str, Doc] = {}
    for start in range(0, len(wanted), IN_QUERY_CHUNK):
        part = wanted[start : start + IN_QUERY_CHUNK]
        for doc in await uow.collection(collection).find(
            {"agency_id": agency_id, **(extra or {}), **_match(field, part)}
        ):
            if doc[field] in found or not _wanted(doc[field], part):
                continue
            found[doc[field]] = doc
    return found


def _match(field: str, sorted_keys: list[str]) -> dict[str, Any]:
    # Batches arrive sorted, so an index range scan is cheap; SecantusDB answers a large $in ~10x slower.
    if len(sorted_keys) >= RANGE_FROM:
        return {field: {"$gte": sorted_keys[0], "$lte": sorted_keys[-1]}}
    return {field: {"$in": sorted_keys}}


def _wanted(value: str, sorted_keys: list[str]) -> bool:
    index = bisect.bisect_left(sorted_keys, value)
    return index < len(sorted_keys) and sorted_keys[index] == value


async def registered_nips(uow: UnitOfWork, agency_id: str) -> set[str]:
    """NIPs in the agency's registry."""
    docs = await uow.collection(EMPLOYEES).find({"agency_id": agency_id}, fields=["nips"])
    return {str(n) for d in docs for n in d["nips"]}


# ---- the service layer's Store port (service_layer/ports.py): this module is the implementation ----
async def posts_by_id(uow: UnitOfWork, agency_id: str, post_ids: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, POSTS, agency_id, "post_id", post_ids)


async def post(uow: UnitOfWork, agency_id: str, post_id: str) -> Doc | None:
    found: Doc | None = await uow.collection(POSTS).find_one({"agency_id": agency_id, "post_id": post_id})
    return found


async def save_posts(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(POSTS).bulk_upsert(docs, ["agency_id", "post_id"])


async def employee(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    record = await EMPLOYEE_BUCKETS.one(uow, (agency_id,), nip)
    if record is None:
        return None
    return _merged(record, await RESULT_BUCKETS.one(uow, (agency_id,), nip))


async def employees(uow: UnitOfWork, agency_id: str, unit_id: str | None) -> list[Doc]:
    query: dict[str, Any] = {"agency_id": agency_id}
    if unit_id:
        query["units"] = unit_id
    found = EMPLOYEE_BUCKETS.items(await EMPLOYEE_BUCKETS.find_buckets(uow, query))
    mine = sorted((d for d in found if not unit_id or d.get("unit_id") == unit_id), key=lambda d: d["nip"])
    return await _with_results(uow, agency_id, mine)


async def employees_by_nip(uow: UnitOfWork, agency_id: str, nips: Iterable[str]) -> dict[str, Doc]:
    records = list((await EMPLOYEE_BUCKETS.get(uow, (agency_id,), list(nips))).values())
    return {d["nip"]: d for d in await _with_results(uow, agency_id, records)}


async def assessed_after(uow: UnitOfWork, agency_id: str, nip: str, limit: int) -> list[Doc]:
    # the result buckets holding a NIP after `nip` (their greatest is), then their records in NIP order
    buckets = await RESULT_BUCKETS.find_buckets(uow, {"agency_id": agency_id, "last": {"$gt": nip}})
    after = sorted((d for b in buckets for d in RESULT_BUCKETS.records(b) if d["nip"] > nip and d.get("latest")),
                   key=lambda d: d["nip"])[:limit]  # fmt: skip
    records = await EMPLOYEE_BUCKETS.get(uow, (agency_id,), [d["nip"] for d in after])
    copies = RESULT_BUCKETS.items([{"items": {d["nip"]: d for d in after}}])
    return [_merged(records[d["nip"]], d) for d in copies if d["nip"] in records]


async def save_employees(uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
    """Upsert by NIP; `stored`: the NIPs read in this unit of work (the others are new). The registry record and
    the result record are written apart, each only if it changed."""
    keys = list(stored) if stored is not None else None
    parts = [_split(d) for d in docs]
    await EMPLOYEE_BUCKETS.save(uow, [record for record, _ in parts], keys)
    await RESULT_BUCKETS.save(uow, [result for _, result in parts if result is not None], keys)


async def save_results(uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
    """Write only what assessments change on each employee (latest result, re-assessment flag); the registry
    records are left as they are. `stored`: the NIPs read in this unit of work."""
    results = [result for result in map(_result_of, docs) if result is not None]
    await RESULT_BUCKETS.save(uow, results, list(stored) if stored is not None else None)


async def history(uow: UnitOfWork, agency_id: str, nip: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(HISTORY).find({"agency_id": agency_id, "nip": nip}, sort=[("version", 1)])
    return found


async def add_history(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(HISTORY).insert_many(docs)


async def expired_by_agency(uow: UnitOfWork, today: date) -> dict[str, int]:
    """Per agency, employees whose latest result is past its validity (from the buckets' `valid_until` lists)."""
    cutoff = today.isoformat()
    counts: dict[str, int] = {}
    for doc in await uow.collection(RESULTS).find({}, fields=["agency_id", "valid_until"]):
        counts[doc["agency_id"]] = counts.get(doc["agency_id"], 0) + sum(1 for v in doc["valid_until"] if v < cutoff)
    return counts


async def assessment(uow: UnitOfWork, agency_id: str, assessment_id: str) -> Doc | None:
    return await ASSESSMENT_BUCKETS.one(uow, (agency_id,), assessment_id)


async def assessments_by_id(uow: UnitOfWork, agency_id: str, ids: Iterable[str]) -> dict[str, Doc]:
    return await ASSESSMENT_BUCKETS.get(uow, (agency_id,), list(ids))


async def save_assessments(uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
    """Upsert by assessment id; `stored`: the ids read in this unit of work (the others are new)."""
    await ASSESSMENT_BUCKETS.save(uow, docs, stored)


async def open_follow_ups(uow: UnitOfWork, agency_id: str, nips: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, FOLLOW_UPS, agency_id, "nip", nips, extra={"status": "open"})


async def save_follow_up(uow: UnitOfWork, doc: Doc) -> None:
    key = {"agency_id": doc["agency_id"], "follow_up_id": doc["follow_up_id"]}
    await uow.collection(FOLLOW_UPS).replace_one(key, doc, upsert=True)


async def flag_reassessment(uow: UnitOfWork, agency_id: str, nip: str, flag: Doc) -> None:
    found = await employee(uow, agency_id, nip)
    if found is not None:
        await save_employees(uow, [{**found, "reassessment": flag}], stored=[nip])


async def answer_follow_up(uow: UnitOfWork, agency_id: str, follow_up_id: str, assessment_id: str, on: date) -> None:
    await uow.collection(FOLLOW_UPS).update_one(
        {"agency_id": agency_id, "follow_up_id": follow_up_id},
        {"$set": {"status": "answered", "assessment_id": assessment_id, "answered_on": on}},
    )


async def follow_ups(uow: UnitOfWork, agency_id: str, status: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(FOLLOW_UPS).find(
        {"agency_id": agency_id, "status": status}, sort=[("received_on", 1), ("nip", 1)]
    )
    return found


async def log_import(
    uow: UnitOfWork, agency_id: str, import_id: str, record: Doc, bad_rows: list[Doc], batch_size: int
) -> None:
    key = {"agency_id": agency_id, "import_id": import_id}
    await uow.collection(IMPORTS).replace_one(key, record, upsert=True)
    await uow.collection(IMPORT_ERRORS).delete_many(key)
    for start in range(0, len(bad_rows), batch_size):
        await uow.collection(IMPORT_ERRORS).insert_many(bad_rows[start : start + batch_size])


# ---- documents stored in earlier layouts ------------------------------------------------------------------------
async def bucket_old_documents(begin: Callable[[], UnitOfWork], batch: int = 2000) -> int:
    """Move every employee, result and assessment still stored in an earlier layout into the key-range buckets:
    one document per person (before ADR 22), buckets found through their `keys` (before key ranges), employee
    buckets that kept results inside; about `batch` records per transaction. Returns how many moved. Safe to run
    again and on two replicas at once: a record another replica moved meanwhile is replaced in its bucket, not
    duplicated, and a conflict only repeats the batch."""
    moved = await _split_results_out(begin)
    for old, buckets in ((OLD_EMPLOYEES, EMPLOYEE_BUCKETS), (OLD_ASSESSMENTS, ASSESSMENT_BUCKETS)):

        async def step(old: str = old, buckets: Buckets = buckets) -> int | None:
            async with begin() as uow:
                docs = await uow.collection(old).find({}, sort=[("agency_id", 1), (buckets.key, 1)], limit=batch)
                if not docs:
                    return None
                if buckets is EMPLOYEE_BUCKETS:
                    await save_employees(uow, docs)
                else:
                    await buckets.save(uow, docs)
                for agency_id in {d["agency_id"] for d in docs}:
                    keys = [d[buckets.key] for d in docs if d["agency_id"] == agency_id]
                    await uow.collection(old).delete_many({"agency_id": agency_id, buckets.key: {"$in": keys}})
                await uow.commit()
                return len(docs)

        moved += await in_chunks(step)
    for keyed, ranges in (
        (KEYED_EMPLOYEE_BUCKETS, EMPLOYEE_BUCKETS),
        (KEYED_RESULT_BUCKETS, RESULT_BUCKETS),
        (KEYED_ASSESSMENT_BUCKETS, ASSESSMENT_BUCKETS),
    ):
        moved += await ranges.move_over(begin, keyed.collection, batch, source=keyed)
    return moved


async def _split_results_out(begin: Callable[[], UnitOfWork]) -> int:
    """Employee buckets written when results were kept inside them (they carry `valid_until`): results move to
    their own buckets, one employee bucket per transaction."""
    moved = 0
    while True:
        async with begin() as uow:
            old = await uow.collection(KEYED_EMPLOYEES).find_one({"valid_until": {"$exists": True}})
            if old is None:
                return moved
            records = [_split(d) for d in KEYED_EMPLOYEE_BUCKETS.records(old)]
            bucket = {k: v for k, v in old.items() if k != "valid_until"}
            bucket["items"] = pack([record for record, _ in records])
            results = [result for _, result in records if result is not None]
            await uow.collection(KEYED_EMPLOYEES).replace_one(
                {"agency_id": old["agency_id"], "bucket": old["bucket"]}, bucket
            )
            await RESULT_BUCKETS.save(uow, results)
            await uow.commit()
            moved += len(results)
