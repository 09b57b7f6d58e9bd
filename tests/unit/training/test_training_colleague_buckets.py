"""Possible mentors kept 250 to a document (ADR 25): a unit's colleagues, the newest picture of each person and the
move from one document per person are what they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.training.adapters import documents
from mutasi.training.adapters.repository import (
    COLLEAGUE_BUCKETS,
    COLLEAGUES,
    INDEXES,
    OLD_COLLEAGUES,
    TrainingRepository,
    bucket_old_colleagues,
    save_colleagues,
)
from mutasi.training.domain.mentor import Colleague
from tests.support.memory_db import MemoryDatabase

AGENCY = "sawahlunto"
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def colleague(i: int, unit: str | None = None) -> Colleague:
    return Colleague(f"19800101200501{i:04d}", f"P{i}", unit or f"u{i // 100}", f"post-{i}", {"komunikasi": 1 + i % 4})


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(INDEXES)
    return db


async def test_an_agencys_assessments_fill_a_few_documents_and_each_unit_reads_its_own_people() -> None:
    db = await database()
    people = [colleague(i) for i in range(600)]  # six units of 100, arriving unit by unit
    for start in range(0, len(people), 200):  # three batches of events
        async with db.uow("training") as uow:
            assert await save_colleagues(uow, [(AGENCY, c, T0) for c in people[start : start + 200]]) == 200
            await uow.commit()
    buckets = await db.raw(COLLEAGUES).find({})
    assert sorted(b["size"] for b in buckets) == [100, 250, 250]  # 600 people, three documents
    assert await db.raw(OLD_COLLEAGUES).count({}) == 0
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.colleagues("u3") == [c for c in people if c.unit_id == "u3"]
        assert await repo.colleagues("nowhere") == []
    assert {u for b in buckets for u in b["units"]} == {f"u{i}" for i in range(6)}


async def test_only_a_newer_picture_replaces_a_colleague_and_a_move_changes_their_unit() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i), T0) for i in range(5)])
        await uow.commit()
    moved = colleague(1, unit="u9")
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert not await repo.save_colleague(moved, T0 - timedelta(days=1))  # older: ignored
        assert await repo.save_colleague(moved, T0 + timedelta(days=1))
        kept = await save_colleagues(uow, [(AGENCY, colleague(2, unit="u8"), T0 - timedelta(days=1))])
        assert kept == 0
        await uow.commit()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.colleagues("u9") == [moved]
        assert [c.nip for c in await repo.colleagues("u0")] == [colleague(i).nip for i in (0, 2, 3, 4)]
        assert await repo.colleagues("u8") == []
    assert [b["units"] for b in await db.raw(COLLEAGUES).find({})] == [["u0", "u9"]]


async def test_colleagues_kept_a_document_per_person_move_into_buckets_and_the_newer_picture_wins() -> None:
    db = await database()
    old = [documents.colleague_to_doc(AGENCY, colleague(i), T0) for i in range(30)]
    old[7] = documents.colleague_to_doc(AGENCY, colleague(7, unit="u5"), T0 + timedelta(days=2))
    await db.raw(OLD_COLLEAGUES).insert_many(old)
    async with db.uow("training") as uow:  # pictures the new code kept before the move
        await save_colleagues(uow, [(AGENCY, colleague(i, unit="u4"), T0 + timedelta(days=1)) for i in (6, 7)])
        await uow.commit()

    assert await bucket_old_colleagues(lambda: db.uow("training"), chunk=8) == 30
    assert await bucket_old_colleagues(lambda: db.uow("training"), chunk=8) == 0  # again: nothing left
    assert await db.raw(OLD_COLLEAGUES).count({}) == 0
    async with db.uow("training") as uow:
        stored = await COLLEAGUE_BUCKETS.get(uow, (AGENCY,), [d["nip"] for d in old])
    assert len(stored) == 30
    assert stored[colleague(6).nip]["unit_id"] == "u4"  # the bucket's picture was newer
    assert stored[colleague(7).nip]["unit_id"] == "u5"  # the old document's picture was newer
    assert sum(b["size"] for b in await db.raw(COLLEAGUES).find({})) == 30
