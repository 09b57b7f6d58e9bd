"""ADR 26: an agency's seats are one document (moved over from a document per session on start), its catalogue is
read again only after an offerings write, and what a batch of decisions changed in its colleagues is kept as one
moves document per batch, read over the unit buckets and regrouped into them (`fold_moves`) without changing who
is in which unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.training.adapters.repository import (
    COLLEAGUES,
    INDEXES,
    MOVES,
    OFFERINGS,
    OLD_SEATS,
    SEAT_BOOKS,
    Shared,
    TrainingRepository,
    colleagues_of_agency,
    fold_moves,
    move_seats,
    save_colleagues,
)
from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.planning import SeatBook
from tests.support.memory_db import MemoryDatabase
from tests.unit.training.training_builders import catalogue

AGENCY = "sawahlunto"
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def colleague(i: int, unit: str) -> Colleague:
    return Colleague(f"19800101200501{i:04d}", f"P{i}", unit, f"post-{i}", {"komunikasi": 1 + i % 4})


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(INDEXES)
    return db


async def test_seats_kept_a_document_per_session_move_into_the_agencys_seat_book_once() -> None:
    db = await database()
    await db.raw(OLD_SEATS).insert_many(
        [{"agency_id": AGENCY, "session_id": f"s{i}", "taken": i} for i in range(5)]
        + [{"agency_id": "padang", "session_id": "s0", "taken": 7}]
    )
    assert await move_seats(lambda: db.uow("training"), chunk=2) == 6
    assert await move_seats(lambda: db.uow("training")) == 0  # again: nothing left, nothing changed
    assert await db.raw(OLD_SEATS).count({}) == 0
    async with db.uow("training") as uow:
        assert (await TrainingRepository(uow, AGENCY).seats()).taken == {f"s{i}": i for i in range(5)}
        assert (await TrainingRepository(uow, "padang").seats()).taken == {"s0": 7}


async def test_a_batch_writes_the_seat_book_once_and_only_when_a_count_changed() -> None:
    db = await database()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        book = await repo.seats()
        book.take("s1")
        book.take("s1")
        await repo.save_seats(book)
        await uow.commit()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.seats() == SeatBook({"s1": 2})
    assert await db.raw(SEAT_BOOKS).count({}) == 1


async def test_the_catalogue_is_read_again_only_after_an_offerings_write() -> None:
    db = await database()
    shared = Shared()
    book = catalogue()
    async with db.uow("training") as uow:
        await TrainingRepository(uow, AGENCY, shared).save_offerings(book.offerings.values())
        await uow.commit()
    async with db.uow("training") as uow:
        first = await TrainingRepository(uow, AGENCY, shared).catalogue()
    assert first.offerings == book.offerings
    await db.raw(OFFERINGS).delete_many({})  # behind the repository's back: the version did not change
    async with db.uow("training") as uow:
        assert await TrainingRepository(uow, AGENCY, shared).catalogue() is first
    some = list(book.offerings.values())[:2]
    async with db.uow("training") as uow:
        await TrainingRepository(uow, AGENCY, Shared()).save_offerings(some)  # another replica's write
        await uow.commit()
    async with db.uow("training") as uow:
        again = await TrainingRepository(uow, AGENCY, shared).catalogue()
    assert sorted(again.offerings) == sorted(o.offering_id for o in some)


async def decide(db: MemoryDatabase, moves: list[tuple[Colleague, datetime]], shared: Shared) -> None:
    """What a batch of decisions does with colleagues: read the target units, save each mover, flush."""
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY, shared)
        await repo.preload([c.nip for c, _ in moves], {c.unit_id for c, _ in moves})
        for c, at in moves:
            await repo.save_colleague(c, at)
        await repo.flush()
        await uow.commit()


async def test_moves_documents_are_read_over_the_buckets_and_folding_them_changes_nobodys_unit() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i, f"u{i % 3}"), T0) for i in range(30)])
        await uow.commit()
    shared = Shared(fold_at=100)
    await decide(
        db, [(colleague(1, "u2"), T0 + timedelta(days=1)), (colleague(4, "u9"), T0 + timedelta(days=1))], shared
    )
    await decide(
        db, [(colleague(4, "u0"), T0 + timedelta(days=2)), (colleague(7, "u2"), T0 - timedelta(days=1))], shared
    )
    assert await db.raw(MOVES).count({}) == 2
    async with db.uow("training") as uow:  # a newer assessment of someone who moved, into the buckets
        await save_colleagues(uow, [(AGENCY, colleague(1, "u5"), T0 + timedelta(days=3))])
        await uow.commit()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        read = {u: [c.nip for c in await repo.colleagues(u)] for u in ("u0", "u1", "u2", "u5", "u9")}
        everyone = await colleagues_of_agency(uow, AGENCY)
    nip = colleague(0, "").nip[:-4]
    assert read["u9"] == []  # moved on in the second batch
    assert f"{nip}0004" in read["u0"]
    assert f"{nip}0007" in read["u1"]  # an older decision's picture loses to the bucket's
    assert read["u5"] == [f"{nip}0001"]  # the newer assessment wins over the decision
    assert f"{nip}0001" not in read["u1"] + read["u2"]
    async with db.uow("training") as uow:
        assert await fold_moves(uow, AGENCY) == 3
        await uow.commit()
    assert await db.raw(MOVES).count({}) == 0
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert {u: [c.nip for c in await repo.colleagues(u)] for u in read} == read
        assert await colleagues_of_agency(uow, AGENCY) == everyone
    buckets = await db.raw(COLLEAGUES).find({})
    assert all({p["unit_id"] for p in b["people"]} == {b["unit_id"]} for b in buckets)


async def test_an_agencys_moves_are_folded_into_the_buckets_past_the_setting() -> None:
    db = await database()
    shared = Shared(fold_at=3)
    await decide(db, [(colleague(i, "u1"), T0) for i in range(3)], shared)
    assert await db.raw(MOVES).count({}) == 1
    await decide(db, [(colleague(3, "u1"), T0)], shared)
    assert await db.raw(MOVES).count({}) == 0
    assert sorted((b["unit_id"], b["size"]) for b in await db.raw(COLLEAGUES).find({})) == [("u1", 4)]
