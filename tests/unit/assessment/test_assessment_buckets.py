"""Employees and assessments kept a few hundred per document (ADR 22): same answers as one document per person."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.assessment.adapters import repositories
from mutasi.assessment.adapters.repositories import (
    ASSESSMENTS,
    BUCKET_SIZE,
    EMPLOYEES,
    INDEXES,
    OLD_ASSESSMENTS,
    OLD_EMPLOYEES,
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
    assert await db.raw(EMPLOYEES).count({}) == 2  # the new person went into a bucket of its own


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
    assert await db.raw(ASSESSMENTS).count({}) == 3  # three batches of 10 records


async def test_results_kept_inside_employee_buckets_move_to_their_own_and_read_the_same() -> None:
    db = await database()
    people = [person(i, latest=latest("2020-01-01")) for i in range(4)] + [person(9)]
    items = sorted(people, key=lambda d: d["nip"])
    bucket = {"agency_id": AGENCY, "bucket": "b1", "keys": [d["nip"] for d in items], "items": items, "n": 5,
              "last": items[-1]["nip"], "units": ["u0", "u1", "u2"], "valid_until": ["2020-01-01"] * 4}  # fmt: skip
    await db.raw(EMPLOYEES).insert_one(bucket)
    assert await bucket_old_documents(lambda: db.uow("assessment")) == 4
    assert await bucket_old_documents(lambda: db.uow("assessment")) == 0
    assert "latest" not in str(await db.raw(EMPLOYEES).find({}))
    async with db.uow("assessment") as uow:
        assert [await repositories.employee(uow, AGENCY, p["nip"]) for p in people] == people
        assert await repositories.expired_by_agency(uow, date(2026, 1, 1)) == {AGENCY: 4}
