"""Employees and assessments kept a few hundred per document (ADR 22): same answers as one document per person."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from mutasi.assessment.adapters import repositories
from mutasi.assessment.adapters.repositories import (
    ASSESSMENTS,
    BUCKET_SIZE,
    EMPLOYEES,
    INDEXES,
    KEYED_ASSESSMENT_BUCKETS,
    KEYED_EMPLOYEE_BUCKETS,
    KEYED_EMPLOYEES,
    KEYED_RESULT_BUCKETS,
    OLD_ASSESSMENTS,
    OLD_EMPLOYEES,
    RESULTS,
    bucket_old_documents,
)
from tests.support.memory_db import MemoryDatabase

AGENCY = "sawahlunto"


def person(i: int, **extra: Any) -> dict[str, Any]:
    return {"agency_id": AGENCY, "nip": f"19900101201503{1 + i % 2}{i:03d}", "unit_id": f"u{i % 3}", **extra}


def latest(valid_until: str) -> dict[str, Any]:
    return {"assessment_id": "x", "assessed_on": "2025-06-10", "valid_until": valid_until, "box": 5}


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(INDEXES)
    return db


async def test_records_are_packed_into_few_documents_and_read_back_one_by_one() -> None:
    db = await database()
    people = [person(i) for i in range(BUCKET_SIZE + 20)]
    async with db.uow("assessment") as uow:
        await repositories.save_employees(uow, people, stored=[])
        await uow.commit()
    assert await db.raw(EMPLOYEES).count({}) == 2
    async with db.uow("assessment") as uow:
        one = await repositories.employee(uow, AGENCY, people[7]["nip"])
        assert one == people[7]
        assert await repositories.employee(uow, AGENCY, "199001012015031999") is None
        assert len(await repositories.registered_nips(uow, AGENCY)) == len(people)
        unit = await repositories.employees(uow, AGENCY, "u1")
        assert [d["nip"] for d in unit] == sorted(p["nip"] for p in people if p["unit_id"] == "u1")
        found = await repositories.employees_by_nip(uow, AGENCY, [p["nip"] for p in people[100:300]])
        assert sorted(found) == sorted(p["nip"] for p in people[100:300])
        found[people[100]["nip"]]["name"] = "changed only in the copy"
        assert "name" not in (await repositories.employee(uow, AGENCY, people[100]["nip"]) or {})


async def test_a_changed_record_replaces_itself_in_its_bucket_and_a_new_one_is_added() -> None:
    db = await database()
    people = [person(i) for i in range(10)]
    async with db.uow("assessment") as uow:
        await repositories.save_employees(uow, people)
        await uow.commit()
    async with db.uow("assessment") as uow:
        known = await repositories.employees_by_nip(uow, AGENCY, [people[3]["nip"]])
        moved = {**known[people[3]["nip"]], "unit_id": "elsewhere", "latest": latest("2020-01-01")}
        await repositories.save_employees(uow, [moved, person(500)], stored=known)
        await uow.commit()
    async with db.uow("assessment") as uow:
        assert (await repositories.employee(uow, AGENCY, people[3]["nip"])) == moved
        assert [d["nip"] for d in await repositories.employees(uow, AGENCY, "elsewhere")] == [people[3]["nip"]]
        assert len(await repositories.registered_nips(uow, AGENCY)) == 11
        assert await repositories.expired_by_agency(uow, date(2026, 1, 1)) == {AGENCY: 1}
        after = await repositories.assessed_after(uow, AGENCY, "", 5)
        assert [d["nip"] for d in after] == [people[3]["nip"]]
        await repositories.flag_reassessment(uow, AGENCY, people[4]["nip"], {"requested_on": "2026-01-01"})
        await uow.commit()
    async with db.uow("assessment") as uow:
        flagged = await repositories.employee(uow, AGENCY, people[4]["nip"])
        assert flagged is not None
        assert flagged["reassessment"] == {"requested_on": "2026-01-01"}
    assert await db.raw(EMPLOYEES).count({}) == 1  # the new person went into the bucket whose range covers it


async def test_old_documents_move_into_buckets_once_and_read_the_same() -> None:
    db = await database()
    people = [person(i, latest=latest("2028-06-10")) for i in range(25)]
    assessments = [{"agency_id": AGENCY, "assessment_id": f"{p['nip']}-2025-06-10-ac", "nip": p["nip"]} for p in people]
    await db.raw(OLD_EMPLOYEES).insert_many(people)
    await db.raw(OLD_ASSESSMENTS).insert_many(assessments)
    assert await bucket_old_documents(lambda: db.uow("assessment"), batch=10) == 50
    assert await bucket_old_documents(lambda: db.uow("assessment"), batch=10) == 0
    assert (await db.raw(OLD_EMPLOYEES).count({}), await db.raw(OLD_ASSESSMENTS).count({})) == (0, 0)
    async with db.uow("assessment") as uow:
        assert [d["nip"] for d in await repositories.employees(uow, AGENCY, None)] == sorted(p["nip"] for p in people)
        assert await repositories.employee(uow, AGENCY, people[12]["nip"]) == people[12]
        found = await repositories.assessments_by_id(uow, AGENCY, [a["assessment_id"] for a in assessments])
        assert found == {a["assessment_id"]: a for a in assessments}
    assert await db.raw(ASSESSMENTS).count({}) == 1  # three batches of 10 records, one range with room for them


async def test_results_kept_inside_employee_buckets_move_to_their_own_and_read_the_same() -> None:
    db = await database()
    people = [person(i, latest=latest("2020-01-01")) for i in range(4)] + [person(9)]
    items = sorted(people, key=lambda d: d["nip"])
    bucket = {"agency_id": AGENCY, "bucket": "b1", "keys": [d["nip"] for d in items], "items": items, "n": 5,
              "last": items[-1]["nip"], "units": ["u0", "u1", "u2"], "valid_until": ["2020-01-01"] * 4}  # fmt: skip
    await db.raw(KEYED_EMPLOYEES).insert_one(bucket)
    assert await bucket_old_documents(lambda: db.uow("assessment")) == 4 + 5  # results split out, then moved
    assert await bucket_old_documents(lambda: db.uow("assessment")) == 0
    assert await db.raw(KEYED_EMPLOYEES).count({}) == 0
    async with db.uow("assessment") as uow:
        assert not [d for d in await repositories.EMPLOYEE_BUCKETS.all(uow, (AGENCY,)) if "latest" in d]
        assert [await repositories.employee(uow, AGENCY, p["nip"]) for p in people] == people
        assert await repositories.expired_by_agency(uow, date(2026, 1, 1)) == {AGENCY: 4}


async def test_buckets_found_by_their_keys_move_to_key_ranges_and_every_read_still_works() -> None:
    """The layout before key ranges (a unique multikey `keys` index), nested or packed: moved on start."""
    db = MemoryDatabase()
    await db.ensure_indexes([*INDEXES, *KEYED_EMPLOYEE_BUCKETS.indexes(), *KEYED_ASSESSMENT_BUCKETS.indexes()])
    people = [person(i) for i in range(2 * BUCKET_SIZE + 30)]
    results = [{"agency_id": AGENCY, "nip": p["nip"], "latest": latest("2028-06-10")} for p in people[::3]]
    assessments = [
        {"agency_id": AGENCY, "assessment_id": f"{r['nip']}-2025-06-10-ac", "nip": r["nip"]} for r in results
    ]
    for keyed, records in ((KEYED_EMPLOYEE_BUCKETS, people), (KEYED_RESULT_BUCKETS, results),
                           (KEYED_ASSESSMENT_BUCKETS, assessments)):  # fmt: skip
        async with db.uow("assessment") as uow:  # as the keyed layout wrote them: new buckets, key-ordered
            await keyed.save(uow, records, stored=[])
            await uow.commit()
    first = (await db.raw(KEYED_EMPLOYEE_BUCKETS.collection).find({}))[0]
    await db.raw(KEYED_EMPLOYEE_BUCKETS.collection).replace_one(  # one bucket stored nested, as before packing
        {"agency_id": AGENCY, "bucket": first["bucket"]}, {**first, "items": KEYED_EMPLOYEE_BUCKETS.records(first)}
    )
    assert isinstance((await db.raw(KEYED_RESULT_BUCKETS.collection).find({}))[0]["items"], bytes)
    total = len(people) + len(results) + len(assessments)
    assert await bucket_old_documents(lambda: db.uow("assessment"), batch=BUCKET_SIZE) == total
    assert await bucket_old_documents(lambda: db.uow("assessment"), batch=BUCKET_SIZE) == 0
    for keyed in (KEYED_EMPLOYEE_BUCKETS, KEYED_RESULT_BUCKETS, KEYED_ASSESSMENT_BUCKETS):
        assert await db.raw(keyed.collection).count({}) == 0
    stored = await db.raw(EMPLOYEES).find({}, sort=[("first", 1)])
    assert stored[0]["first"] == ""  # the agency's first range starts below every NIP
    assert not [d for d in stored if "keys" in d]
    assert all(a["last"] < b["first"] for a, b in itertools.pairwise(stored))  # disjoint ranges
    assert sum(d["n"] for d in stored) == len(people)
    assert await db.raw(RESULTS).count({}) == 1
    merged = {r["nip"]: r["latest"] for r in results}
    expected = [{**p, **({"latest": merged[p["nip"]]} if p["nip"] in merged else {})} for p in people]
    async with db.uow("assessment") as uow:
        assert await repositories.employee(uow, AGENCY, people[701]["nip"]) == expected[701]  # a person's record
        unit = await repositories.employees(uow, AGENCY, "u2")  # a unit's grid
        assert unit == sorted((e for e in expected if e["unit_id"] == "u2"), key=lambda e: e["nip"])
        pages, after = [], ""  # an agency's assessed people, page by page in NIP order
        while page := await repositories.assessed_after(uow, AGENCY, after, 100):
            pages.append(page)
            after = page[-1]["nip"]
        assert [e["nip"] for page in pages for e in page] == sorted(merged)
        assert len(pages) == 4
        assert all(e["latest"] == merged[e["nip"]] for page in pages for e in page)
        found = await repositories.assessments_by_id(uow, AGENCY, [a["assessment_id"] for a in assessments])
        assert found == {a["assessment_id"]: a for a in assessments}
        assert await repositories.registered_nips(uow, AGENCY) == {p["nip"] for p in people}
        assert await repositories.expired_by_agency(uow, date(2029, 1, 1)) == {AGENCY: len(results)}


async def test_a_batch_of_new_keys_above_a_full_range_starts_new_ranges_and_rewrites_nothing() -> None:
    db = await database()
    people = sorted((person(i) for i in range(3 * BUCKET_SIZE)), key=lambda p: p["nip"])
    async with db.uow("assessment") as uow:
        await repositories.save_employees(uow, people[:BUCKET_SIZE], stored=[])
        await uow.commit()
    before = await db.raw(EMPLOYEES).find({})
    async with db.uow("assessment") as uow:
        await repositories.save_employees(uow, people[BUCKET_SIZE:], stored=[])
        await uow.commit()
    stored = await db.raw(EMPLOYEES).find({}, sort=[("first", 1)])
    assert [d["n"] for d in stored] == [BUCKET_SIZE] * 3
    assert stored[0]["items"] == before[0]["items"]  # the full range was left as stored
    async with db.uow("assessment") as uow:
        assert await repositories.employees_by_nip(uow, AGENCY, [p["nip"] for p in people]) == {
            p["nip"]: p for p in people
        }
