"""Collections of the assessment database, their indexes, and the queries use cases share (all agency-scoped)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date
from typing import Any

from mutasi.assessment.adapters.documents import post_from_doc
from mutasi.assessment.domain.competency import CompetencyStandard, Post
from mutasi.chassis.store import UnitOfWork

Doc = dict[str, Any]
EMPLOYEES = "employees"
HISTORY = "employee_history"
POSTS = "posts"
ASSESSMENTS = "assessments"
FOLLOW_UPS = "follow_ups"
IMPORTS = "imports"
IMPORT_ERRORS = "import_errors"

# (collection, keys, unique): every query below filters on a prefix of one of these.
INDEXES: tuple[tuple[str, list[tuple[str, int]], bool], ...] = (
    (EMPLOYEES, [("agency_id", 1), ("nip", 1)], True),
    (EMPLOYEES, [("agency_id", 1), ("unit_id", 1)], False),
    (HISTORY, [("agency_id", 1), ("nip", 1), ("version", 1)], True),
    (POSTS, [("agency_id", 1), ("post_id", 1)], True),
    (ASSESSMENTS, [("agency_id", 1), ("assessment_id", 1)], True),
    (ASSESSMENTS, [("agency_id", 1), ("nip", 1)], False),
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
    return {str(n) for n in await uow.collection(EMPLOYEES).distinct("nip", {"agency_id": agency_id})}


# ---- the service layer's Store port (service_layer/ports.py): this module is the implementation ----
async def posts_by_id(uow: UnitOfWork, agency_id: str, post_ids: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, POSTS, agency_id, "post_id", post_ids)


async def post(uow: UnitOfWork, agency_id: str, post_id: str) -> Doc | None:
    found: Doc | None = await uow.collection(POSTS).find_one({"agency_id": agency_id, "post_id": post_id})
    return found


async def save_posts(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(POSTS).bulk_upsert(docs, ["agency_id", "post_id"])


async def employee(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    found: Doc | None = await uow.collection(EMPLOYEES).find_one({"agency_id": agency_id, "nip": nip})
    return found


async def employees(uow: UnitOfWork, agency_id: str, unit_id: str | None) -> list[Doc]:
    query: dict[str, Any] = {"agency_id": agency_id}
    if unit_id:
        query["unit_id"] = unit_id
    found: list[Doc] = await uow.collection(EMPLOYEES).find(query, sort=[("nip", 1)])
    return found


async def employees_by_nip(uow: UnitOfWork, agency_id: str, nips: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, EMPLOYEES, agency_id, "nip", nips)


async def assessed_after(uow: UnitOfWork, agency_id: str, nip: str, limit: int) -> list[Doc]:
    query: dict[str, Any] = {"agency_id": agency_id, "nip": {"$gt": nip}, "latest": {"$exists": True}}
    found: list[Doc] = await uow.collection(EMPLOYEES).find(query, sort=[("nip", 1)], limit=limit)
    return found


async def save_employees(uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
    await _save(uow, EMPLOYEES, "nip", docs, stored)


async def history(uow: UnitOfWork, agency_id: str, nip: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(HISTORY).find({"agency_id": agency_id, "nip": nip}, sort=[("version", 1)])
    return found


async def add_history(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(HISTORY).insert_many(docs)


async def expired_by_agency(uow: UnitOfWork, today: date) -> dict[str, int]:
    collection = uow.collection(EMPLOYEES)
    return {
        agency: await collection.count({"agency_id": agency, "latest.valid_until": {"$lt": today.isoformat()}})
        for agency in await collection.distinct("agency_id", {})
    }


async def assessment(uow: UnitOfWork, agency_id: str, assessment_id: str) -> Doc | None:
    found: Doc | None = await uow.collection(ASSESSMENTS).find_one(
        {"agency_id": agency_id, "assessment_id": assessment_id}
    )
    return found


async def assessments_by_id(uow: UnitOfWork, agency_id: str, ids: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, ASSESSMENTS, agency_id, "assessment_id", ids)


async def save_assessments(uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
    await _save(uow, ASSESSMENTS, "assessment_id", docs, stored)


async def _save(uow: UnitOfWork, collection: str, field: str, docs: list[Doc], stored: Iterable[str] | None) -> None:
    """Upsert `docs` by (agency, `field`), the last of a key winning. `stored`: the keys the caller read as present
    in this unit of work, so the chassis inserts the others and replaces these without looking them up again."""
    keys = set(stored) if stored is not None else None
    known = {(d["agency_id"], d[field]) for d in docs if d[field] in keys} if keys is not None else None
    await uow.collection(collection).bulk_upsert(docs, ["agency_id", field], stored=known)


async def open_follow_ups(uow: UnitOfWork, agency_id: str, nips: Iterable[str]) -> dict[str, Doc]:
    return await by_key(uow, FOLLOW_UPS, agency_id, "nip", nips, extra={"status": "open"})


async def save_follow_up(uow: UnitOfWork, doc: Doc) -> None:
    key = {"agency_id": doc["agency_id"], "follow_up_id": doc["follow_up_id"]}
    await uow.collection(FOLLOW_UPS).replace_one(key, doc, upsert=True)


async def flag_reassessment(uow: UnitOfWork, agency_id: str, nip: str, flag: Doc) -> None:
    await uow.collection(EMPLOYEES).update_one({"agency_id": agency_id, "nip": nip}, {"$set": {"reassessment": flag}})


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
