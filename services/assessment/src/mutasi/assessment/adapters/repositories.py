"""Collections of the assessment database, their indexes, and the queries use cases share (all agency-scoped)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
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
