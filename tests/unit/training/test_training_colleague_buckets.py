"""Possible mentors kept up to 25 of one unit to a document (ADR 25): a unit's colleagues are its own buckets, the
newest picture of each person wins, a person who changes unit leaves their bucket, new people wait as an agency's
arrivals until enough of them wait or anything reads the agency's colleagues, and the two earlier layouts (one
document per person; an agency's people in arrival order) move over on start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.chassis.store import storable
from mutasi.training.adapters import documents
from mutasi.training.adapters.repository import (
    AGENCY_BUCKETS,
    AGENCY_COLLEAGUES,
    ARRIVALS,
    COLLEAGUE_BUCKETS,
    COLLEAGUES,
    INDEXES,
    OLD_COLLEAGUES,
    TrainingRepository,
    bucket_old_colleagues,
    save_colleagues,
    settle_colleagues,
    settle_quiet_arrivals,
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


async def test_an_agencys_assessments_fill_a_document_per_unit_and_each_unit_reads_only_its_own() -> None:
    db = await database()
    people = [colleague(i, unit=f"u{i % 6}") for i in range(120)]  # six units of 20, interleaved in NIP order
    for start in range(0, len(people), 40):  # three batches of events
        async with db.uow("training") as uow:
            assert await save_colleagues(uow, [(AGENCY, c, T0) for c in people[start : start + 40]]) == 40
            await uow.commit()
    assert await db.raw(COLLEAGUES).count({}) == 0  # no unit's bucket written per batch: they wait as arrivals
    assert [a["size"] for a in await db.raw(ARRIVALS).find({})] == [40, 40, 40]
    async with db.uow("training") as uow:  # the first read of the agency's colleagues puts them in their units
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.colleagues("u3") == [c for c in people if c.unit_id == "u3"]
        assert await repo.colleagues("nowhere") == []
        await uow.commit()
    buckets = await db.raw(COLLEAGUES).find({})
    assert sorted((b["unit_id"], b["size"]) for b in buckets) == [(f"u{i}", 20) for i in range(6)]
    assert all({p["unit_id"] for p in b["people"]} == {b["unit_id"]} for b in buckets)
    assert await db.raw(ARRIVALS).count({}) == 0
    assert await db.raw(OLD_COLLEAGUES).count({}) == 0


async def test_arrivals_go_into_their_units_once_enough_wait_and_the_newest_picture_wins_over_all() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i, unit="u1"), T0) for i in range(30)], settle_from=1)
        await uow.commit()
    assert await db.raw(ARRIVALS).count({}) == 0
    later = T0 + timedelta(days=1)
    batches = [
        [(AGENCY, colleague(0, unit="u2"), later), (AGENCY, colleague(1, unit="u2"), T0 - timedelta(days=1))],
        [(AGENCY, colleague(0, unit="u3"), T0), *[(AGENCY, colleague(i, unit="u4"), T0) for i in range(100, 120)]],
        [(AGENCY, colleague(i, unit="u4"), T0) for i in range(120, 140)],  # 43 waiting: enough
    ]
    for n, batch in enumerate(batches):
        async with db.uow("training") as uow:
            await save_colleagues(uow, batch, settle_from=43)
            await uow.commit()
        assert await db.raw(ARRIVALS).count({}) == (n + 1) % 3
    sizes = sorted((b["unit_id"], b["size"]) for b in await db.raw(COLLEAGUES).find({}))
    assert sizes == [("u1", 5), ("u1", 24), ("u2", 1), ("u4", 15), ("u4", 25)]  # u4: new buckets, 25 and the rest
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert [c.nip for c in await repo.colleagues("u2")] == [colleague(0).nip]  # the newest of three pictures
        assert colleague(1).nip in [c.nip for c in await repo.colleagues("u1")]  # an older picture never wins
        assert await repo.colleagues("u3") == []


async def test_arrivals_that_stopped_coming_are_settled_by_the_periodic_task_one_agency_at_a_time() -> None:
    db = await database()
    for agency in (AGENCY, "padang"):
        async with db.uow("training") as uow:
            await save_colleagues(uow, [(agency, colleague(i, unit="u1"), T0) for i in range(3)])
            await uow.commit()
    assert await settle_quiet_arrivals(lambda: db.uow("training"), quiet_s=3600) == 0  # still arriving
    assert await db.raw(ARRIVALS).count({}) == 2
    assert await settle_quiet_arrivals(lambda: db.uow("training"), quiet_s=0) == 6
    assert await db.raw(ARRIVALS).count({}) == 0
    assert sorted((b["agency_id"], b["size"]) for b in await db.raw(COLLEAGUES).find({})) == [
        ("padang", 3), (AGENCY, 3)]  # fmt: skip


async def test_a_batch_of_decisions_reads_the_arrivals_of_its_agencies_first() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i, unit="u1"), T0) for i in range(3)])
        await uow.commit()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        await repo.preload([colleague(0).nip], ["u1"])
        assert [c.nip for c in await repo.colleagues("u1")] == [colleague(i).nip for i in range(3)]
        assert await repo.save_colleague(colleague(0, unit="u2"), T0 + timedelta(days=1))  # the batch's own
        await repo.flush()
        await uow.commit()
    async with db.uow("training") as uow:
        assert await settle_colleagues(uow, AGENCY) == 0  # nothing left waiting
        repo = TrainingRepository(uow, AGENCY)
        assert [c.nip for c in await repo.colleagues("u1")] == [colleague(i).nip for i in (1, 2)]


async def test_only_a_newer_picture_replaces_a_colleague_and_a_move_changes_their_unit() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i), T0) for i in range(5)], settle_from=1)
        await uow.commit()
    moved = colleague(1, unit="u9")
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert not await repo.save_colleague(moved, T0 - timedelta(days=1))  # older: ignored
        assert await repo.save_colleague(moved, T0 + timedelta(days=1))
        kept = await save_colleagues(uow, [(AGENCY, colleague(2, unit="u8"), T0 - timedelta(days=1))])
        assert kept == 1  # arrived; older than the bucketed picture, so it changes nothing once settled
        await uow.commit()
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.colleagues("u9") == [moved]
        assert [c.nip for c in await repo.colleagues("u0")] == [colleague(i).nip for i in (0, 2, 3, 4)]
        assert await repo.colleagues("u8") == []
    assert sorted((b["unit_id"], b["nips"]) for b in await db.raw(COLLEAGUES).find({})) == [
        ("u0", [colleague(i).nip for i in (0, 2, 3, 4)]), ("u9", [moved.nip])]  # fmt: skip


async def test_a_unit_emptied_by_moves_leaves_no_document_and_a_full_unit_takes_a_second() -> None:
    db = await database()
    async with db.uow("training") as uow:
        await save_colleagues(uow, [(AGENCY, colleague(i, unit="u1"), T0) for i in range(3)], settle_from=1)
        await uow.commit()
    later = T0 + timedelta(days=1)
    full = COLLEAGUE_BUCKETS.size
    async with db.uow("training") as uow:  # all three to u2, which then holds a bucket and two more people
        moved = [(AGENCY, colleague(i, unit="u2"), later) for i in range(3)]
        new = [(AGENCY, colleague(i, unit="u2"), T0) for i in range(100, 99 + full)]
        await save_colleagues(uow, [*moved, *new], settle_from=1)
        await uow.commit()
    buckets = await db.raw(COLLEAGUES).find({})
    assert sorted((b["unit_id"], b["size"]) for b in buckets) == [("u2", 2), ("u2", full)]
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        assert await repo.colleagues("u1") == []
        assert len(await repo.colleagues("u2")) == full + 2


async def test_colleagues_kept_a_document_per_person_move_into_buckets_and_the_newer_picture_wins() -> None:
    db = await database()
    old = [documents.colleague_to_doc(AGENCY, colleague(i), T0) for i in range(30)]
    old[7] = documents.colleague_to_doc(AGENCY, colleague(7, unit="u5"), T0 + timedelta(days=2))
    await db.raw(OLD_COLLEAGUES).insert_many(old)
    async with db.uow("training") as uow:  # pictures the new code kept before the move
        newer = [(AGENCY, colleague(i, unit="u4"), T0 + timedelta(days=1)) for i in (6, 7)]
        await save_colleagues(uow, newer, settle_from=1)
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


async def test_an_agencys_buckets_of_the_layout_before_move_into_unit_buckets_and_the_newer_picture_wins() -> None:
    db = await database()
    await db.ensure_indexes(AGENCY_BUCKETS.indexes([[("agency_id", 1), ("units", 1)]]))
    async with db.uow("training") as uow:  # 600 people of six units, interleaved: three agency buckets
        old = [storable(documents.colleague_to_doc(AGENCY, colleague(i, unit=f"u{i % 6}"), T0)) for i in range(600)]
        old[7] = storable(documents.colleague_to_doc(AGENCY, colleague(7, unit="u5"), T0 + timedelta(days=2)))
        await AGENCY_BUCKETS.save(uow, old)
        await uow.commit()
    assert await db.raw(AGENCY_COLLEAGUES).count({}) == 3
    async with db.uow("training") as uow:  # pictures the new code kept before the move
        newer = [(AGENCY, colleague(i, unit="u4"), T0 + timedelta(days=1)) for i in (6, 7)]
        await save_colleagues(uow, newer, settle_from=1)
        await uow.commit()

    assert await bucket_old_colleagues(lambda: db.uow("training"), chunk=500) == 600
    assert await bucket_old_colleagues(lambda: db.uow("training"), chunk=500) == 0  # again: nothing left
    assert await db.raw(AGENCY_COLLEAGUES).count({}) == 0
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY)
        stored = await COLLEAGUE_BUCKETS.get(uow, (AGENCY,), [d["nip"] for d in old])
        assert len(stored) == 600
        assert stored[colleague(6).nip]["unit_id"] == "u4"  # the bucket's picture was newer
        assert stored[colleague(7).nip]["unit_id"] == "u5"  # the old bucket's picture was newer
        assert [c.nip for c in await repo.colleagues("u0")] == [colleague(i).nip for i in range(0, 600, 6) if i != 6]
    buckets = await db.raw(COLLEAGUES).find({})
    per_unit: dict[str, int] = {}
    for b in buckets:
        per_unit[b["unit_id"]] = per_unit.get(b["unit_id"], 0) + b["size"]
        assert 0 < b["size"] <= COLLEAGUE_BUCKETS.size
    assert per_unit == {"u0": 99, "u1": 99, "u2": 100, "u3": 100, "u4": 101, "u5": 101}  # 6: u0 → u4; 7 stays in u5
    assert all({p["unit_id"] for p in b["people"]} == {b["unit_id"]} for b in buckets)


def test_possible_mentors_come_in_larger_batches_than_decisions() -> None:
    from mutasi.training.bootstrap import create_app
    from mutasi.training.settings import TrainingSettings

    kit = create_app(TrainingSettings(metrics_refresh_s=0, colleagues_batch_max_records=1500)).state.kit
    batches = {s.topic_names[0]: s.max_records for s in kit.broker.subscribers}
    assert batches == {
        "mutasi.assessment-completed.v2": 1500,  # about one bucket per unit named, whatever the size
        "mutasi.mutation-decided.v1": 500,  # the chassis setting `kafka_batch_max_records`
        "mutasi.follow-up-recommended.v1": 500,
    }


def test_the_service_settles_arrivals_from_its_setting() -> None:
    from mutasi.training.bootstrap import create_app
    from mutasi.training.entrypoints.dependencies import Deps
    from mutasi.training.settings import TrainingSettings

    kit = create_app(TrainingSettings(metrics_refresh_s=0, colleagues_settle_from=7)).state.kit
    save = kit.deps(Deps).service.ports.save_colleagues
    assert getattr(save, "keywords", None) == {"settle_from": 7}
