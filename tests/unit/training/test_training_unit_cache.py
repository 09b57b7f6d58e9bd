"""The units' colleagues a process keeps between batches of decisions (ADR 27): used again only while the agency's
colleague version is the one they were read at, which every write of its buckets changes in the same transaction;
a transaction that rolled back leaves nothing behind; at most the cache's limit of records, least recently used
units dropped first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.chassis.store import storable
from mutasi.training.adapters import documents
from mutasi.training.adapters.repository import (
    COLLEAGUES,
    INDEXES,
    Shared,
    TrainingRepository,
    UnitCache,
    colleagues_version,
    save_colleagues,
)
from mutasi.training.domain.mentor import Colleague
from tests.support.memory_db import MemoryDatabase

AGENCY = "sawahlunto"
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def colleague(i: int, unit: str = "u1") -> Colleague:
    return Colleague(f"19800101200501{i:04d}", f"P{i}", unit, f"post-{i}", {"komunikasi": 1 + i % 4})


async def settled(db: MemoryDatabase, people: list[Colleague], as_of: datetime = T0) -> None:
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, c, as_of) for c in people], settle_from=1)
        await uow.commit()


async def batch_reads(db: MemoryDatabase, shared: Shared, unit: str = "u1", commit: bool = True) -> list[str]:
    """The NIPs a batch of decisions into `unit` sees as its colleagues."""
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY, shared)
        await repo.preload([], [unit])
        seen = [c.nip for c in await repo.colleagues(unit)]
        await repo.flush()
        if commit:
            await uow.commit()
    return seen


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(INDEXES)
    return db


async def test_a_units_colleagues_are_read_again_only_after_a_write_of_the_agencys_buckets() -> None:
    db, shared = await database(), Shared()
    await settled(db, [colleague(i) for i in range(3)])
    assert await batch_reads(db, shared) == [colleague(i).nip for i in range(3)]
    # A write that bypasses the repository (no new version) is not seen: the batch used what it kept
    await db.raw(COLLEAGUES).delete_many({"agency_id": AGENCY})
    assert await batch_reads(db, shared) == [colleague(i).nip for i in range(3)]
    assert await batch_reads(db, Shared(units=UnitCache(0))) == []  # nothing kept: read every batch
    await settled(db, [colleague(7)])  # settling writes the buckets and a new version
    assert await batch_reads(db, shared) == [colleague(7).nip]


async def test_the_colleagues_a_rolled_back_transaction_read_are_never_used() -> None:
    db, shared = await database(), Shared()
    await settled(db, [colleague(i) for i in range(2)])
    version = None
    async with db.uow("training") as uow:  # writes a bucket and a version, reads the unit with it, rolls back
        repo = TrainingRepository(uow, AGENCY, shared)
        assert await repo.save_colleague(colleague(5), T0 + timedelta(days=1))
        version = await colleagues_version(uow, AGENCY)
        await TrainingRepository(uow, AGENCY, shared).preload([], ["u1"])
    async with db.uow("training") as uow:
        assert await colleagues_version(uow, AGENCY) != version
    assert await batch_reads(db, shared) == [colleague(i).nip for i in range(2)]


async def test_a_batchs_own_moves_and_a_later_assessment_are_seen_over_what_was_kept() -> None:
    db, shared = await database(), Shared(fold_at=0)  # every batch folds its moves into the buckets
    await settled(db, [colleague(i) for i in range(3)])
    assert await batch_reads(db, shared) == [colleague(i).nip for i in range(3)]
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY, shared)
        await repo.preload([colleague(0).nip], ["u1", "u2"])
        assert await repo.save_colleague(colleague(0, unit="u2"), T0 + timedelta(days=1))
        assert [c.nip for c in await repo.colleagues("u2")] == [colleague(0).nip]
        await repo.flush()
        await uow.commit()
    assert await batch_reads(db, shared) == [colleague(i).nip for i in (1, 2)]
    assert await batch_reads(db, shared, "u2") == [colleague(0).nip]
    await settled(db, [colleague(0, unit="u1")], T0 + timedelta(days=2))  # assessed again, back in u1
    assert await batch_reads(db, shared) == [colleague(i).nip for i in range(3)]


def test_the_cache_holds_at_most_its_limit_and_drops_the_least_recently_used_unit() -> None:
    cache = UnitCache(limit=5)
    rows = {u: [storable(documents.colleague_to_doc(AGENCY, colleague(i, u), T0)) for i in range(n)]
            for u, n in (("u1", 3), ("u2", 2), ("u3", 2))}  # fmt: skip
    cache.put(AGENCY, "u1", "v1", rows["u1"])
    cache.put(AGENCY, "u2", "v1", rows["u2"])
    assert cache.get(AGENCY, "u1", "v1") is not None  # u1 used last: u2 goes first
    assert cache.get(AGENCY, "u1", "v2") is None  # another version of the agency's buckets
    cache.put(AGENCY, "u3", "v1", rows["u3"])
    assert cache.get(AGENCY, "u2", "v1") is None
    assert [c.nip for _, c in cache.get(AGENCY, "u3", "v1") or []] == [colleague(i).nip for i in range(2)]
    assert cache.size == 5
    cache.put(AGENCY, "u9", "v1", [*rows["u1"], *rows["u2"], *rows["u3"]])  # more than the limit: not kept
    assert cache.get(AGENCY, "u9", "v1") is None
    assert UnitCache(0).size == 0
