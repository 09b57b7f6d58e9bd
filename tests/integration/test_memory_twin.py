"""The in-memory database that unit and component tests use behaves like MongoDB on the same operations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from mutasi.chassis.mongo import MongoDatabase
from mutasi.chassis.store import Collection
from tests.support.memory_db import MemoryDatabase
from tests.support.wire import Wire

pytestmark = pytest.mark.integration

PEOPLE = [
    {
        "nip": f"19900101201503100{i}",
        "unit": unit,
        "golongan": gol,
        "jpm": jpm,
        "tags": tags,
        "on": day,
        "post": {"type": ptype},
    }
    for i, (unit, gol, jpm, tags, day, ptype) in enumerate(
        [
            ("SETDA", "III/a", 62.5, ["it"], date(2025, 1, 2), "pelaksana"),
            ("KOMINFO", "III/b", 91.0, [], date(2024, 5, 6), "fungsional"),
            ("SETDA", "II/c", 78.0, ["it", "admin"], date(2026, 3, 1), "pelaksana"),
            ("BKAD", "IV/a", 88.0, ["finance"], date(2023, 12, 31), "administrator"),
        ]
    )
]
QUERIES: list[dict[str, Any]] = [
    {},
    {"unit": "SETDA"},
    {"post.type": "pelaksana"},
    {"tags": "it"},
    {"jpm": {"$gte": 78.0, "$lt": 91.0}},
    {"unit": {"$in": ["KOMINFO", "BKAD"]}},
    {"unit": {"$nin": ["SETDA"]}, "jpm": {"$gt": 80}},
    {"on": {"$lte": "2025-01-02"}},
    {"missing": {"$exists": False}, "golongan": {"$ne": "IV/a"}},
    {"$or": [{"unit": "BKAD"}, {"jpm": {"$lt": 70}}]},
]


async def run_script(col: Collection) -> list[Any]:
    seen: list[Any] = []
    await col.insert_many(PEOPLE)
    for query in QUERIES:
        seen.append(await col.find(query, sort=[("nip", 1)]))
        seen.append(await col.count(query))
    seen.append(await col.find({}, sort=[("unit", 1), ("jpm", -1)]))
    seen.append(await col.find({}, sort=[("jpm", -1)], limit=2))
    seen.append(sorted(await col.distinct("unit", {"jpm": {"$gt": 60}})))
    seen.append(await col.update_one({"unit": "SETDA"}, {"$inc": {"moves": 1}, "$push": {"tags": "moved"}}))
    seen.append(await col.update_many({"unit": "SETDA"}, {"$set": {"flag": True}, "$unset": {"post": ""}}))
    seen.append(await col.update_one({"nip": "x"}, {"$set": {"a": 1}, "$setOnInsert": {"b": 2}}, upsert=True))
    seen.append(await col.replace_one({"nip": "y"}, {"nip": "y", "c": 3}, upsert=True))
    seen.append(await col.bulk_upsert([{"nip": "y", "c": 4}, {"nip": "z", "c": 5}], ["nip"]))
    seen.append(await col.find_one({"nip": "x"}))
    seen.append(await col.find({"nip": {"$in": ["y", "z"]}}, sort=[("nip", 1)]))
    seen.append(await col.delete_many({"unit": "SETDA"}))
    seen.append(await col.find({}, sort=[("nip", 1)]))
    seen.append(await col.find_one({"nip": "19900101201503100" + "3"}))
    await col.insert_one({"nip": "t", "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "day": date(2026, 1, 2)})
    seen.append(await col.find_one({"nip": "t"}))
    return seen


async def test_memory_database_matches_mongodb_on_the_operations_services_use(wire: Wire) -> None:
    mongo = MongoDatabase(wire.mongo_uri, f"twin_{uuid.uuid4().hex[:8]}")
    await mongo.connect()
    try:
        on_mongo = await run_script(mongo.raw("people"))
    finally:
        await mongo.close()
    on_memory = await run_script(MemoryDatabase().raw("people"))
    for step, (expected, actual) in enumerate(zip(on_mongo, on_memory, strict=True)):
        assert actual == expected, f"step {step} differs"


async def upsert_in_a_unit_of_work(db: Any, stored: set[tuple[Any, ...]] | None = None) -> list[Any]:
    """bulk_upsert inside a transaction: an existing key is replaced, new keys inserted, the last of a repeated
    key wins, and another agency's same NIP is another document (also when the caller names the stored keys)."""
    async with db.uow("twin") as uow:
        await uow.collection("pool").insert_many([{"agency_id": "a", "nip": "1", "v": 0}])
        await uow.commit()
    async with db.uow("twin") as uow:
        docs = [
            {"agency_id": "a", "nip": "1", "v": 1},
            {"agency_id": "a", "nip": "2", "v": 2},
            {"agency_id": "a", "nip": "2", "v": 3},
            {"agency_id": "b", "nip": "1", "v": 4},
        ]
        await uow.collection("pool").bulk_upsert(docs, ["agency_id", "nip"], stored=stored)
        await uow.commit()
    return await db.raw("pool").find({}, sort=[("agency_id", 1), ("nip", 1)])


@pytest.mark.parametrize("stored", [None, {("a", "1")}])
async def test_bulk_upsert_in_a_transaction_matches_the_memory_database(
    wire: Wire, stored: set[tuple[Any, ...]] | None
) -> None:
    mongo = MongoDatabase(wire.mongo_uri, f"twin_{uuid.uuid4().hex[:8]}")
    await mongo.connect()
    try:
        on_mongo = await upsert_in_a_unit_of_work(mongo, stored)
    finally:
        await mongo.close()
    on_memory = await upsert_in_a_unit_of_work(MemoryDatabase(), stored)
    assert on_mongo == on_memory
    assert [(d["agency_id"], d["nip"], d["v"]) for d in on_mongo] == [("a", "1", 1), ("a", "2", 3), ("b", "1", 4)]
