"""How placement stores a round: a small round document and one document per person and part, written only
where something changed, and rounds stored before the split moved out on start (docs/adr/0019)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import bson
import pytest

from mutasi.chassis.auth import Caller as Who
from mutasi.chassis.store import storable
from mutasi.placement.adapters import repositories
from mutasi.placement.adapters.round_store import (
    ENTRY_BUCKET,
    PLAN_ENTRIES,
    PLAN_ENTRY_BUCKETS,
    ROUNDS,
    _entry_doc,
    bucket_old_entries,
    round_header,
    split_embedded_rounds,
)
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.rounds import Caller, Plan, PlanEntry, Round
from mutasi.placement.service_layer import decision_log
from tests.support.memory_db import MemoryDatabase, MemoryUnitOfWork

AGENCY = "prov-sumbar"
TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
PROVINCE_PEOPLE = 117_000  # a province round: 20 agencies
POSTS = frozenset(f"P{i:05d}" for i in range(15_000))


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(repositories.INDEXES)
    return db


def nip(i: int) -> str:
    return f"19{i:016d}"


def announced(round_id: str = "r-prov") -> Round:
    return Round.announce(round_id, AGENCY, "Mutasi provinsi", "2027-I", TODAY, TODAY + timedelta(days=14),
                          date(2027, 1, 2))  # fmt: skip


def province_plan(people: int) -> Plan:
    """Everyone in the plan; about one in three moves (38,370 of 117,000 in the bench's province plan)."""
    entries = {}
    for i in range(people):
        home = f"P{i % 15_000:05d}"
        to = f"P{(i * 7 + 1) % 15_000:05d}" if i % 3 == 0 else home
        kind = ("rotasi", "promosi", "demosi")[i % 9 // 3] if to != home else "rotasi"
        parts = {"jpm": 41.5, "education": 20.0, "box": 13.5, "preference": 0.0, "move_cost": -5.0}
        entries[nip(i)] = PlanEntry(nip(i), home, to, 70.0, parts, 88.0, kind=kind)  # type: ignore[arg-type]
    return Plan("plan-1", entries, 70.0 * people, 69.0 * people, 1.45, 56 * people, 3.9, {"method": "x"}, 60.0 * people)


def largest_document(db: MemoryDatabase) -> tuple[int, str]:
    sizes = [(len(bson.encode(doc)), name) for name, c in db._collections.items() for doc in c._docs.values()]
    return max(sizes)


@pytest.mark.slow
async def test_a_province_round_stays_far_below_mongodbs_document_limit() -> None:
    started = time.monotonic()
    db = await database()
    r = announced()
    for i in range(0, PROVINCE_PEOPLE, 10):  # one in ten gives preferences, five posts each
        r.preferences[nip(i)] = Preference(nip(i), tuple(f"P{(i + k) % 15_000:05d}" for k in range(5)))
    async with db.uow("placement") as uow:
        await repositories.save_round(uow, r)
        await uow.commit()
    async with db.uow("placement") as uow:
        r = await repositories.get_round(uow, AGENCY, r.round_id)
        r.close()
        r.record_plan(province_plan(PROVINCE_PEOPLE))
        await repositories.save_round(uow, r)
        await decision_log.record_plan(_deps(), uow, r, Who(AGENCY, "hr", "hr", None), r.plan)  # type: ignore[arg-type]
        await uow.commit()
    async with db.uow("placement") as uow:
        r = await repositories.get_round(uow, AGENCY, r.round_id)
        r.approve(Caller("ana", "approver"), NOW)
        r.approve(Caller("bayu", "approver"), NOW)
        assert r.plan is not None
        moves = len(r.plan.moves)
        decisions = r.decide([f"d{i:06d}" for i in range(moves)], NOW, {})
        await repositories.save_round(uow, r)
        ana = Who(AGENCY, "ana", "approver", None)
        await decision_log.record_decisions(_deps(), uow, r, ana, "decision", decisions)
        await uow.commit()
    async with db.uow("placement") as uow:
        header = await repositories.get_round_part(uow, AGENCY, r.round_id, None)
        tally = await repositories.tally(uow, header)
    size, where = largest_document(db)
    print(f"\nprovince round: {PROVINCE_PEOPLE} people, {moves} decisions, largest document {size} bytes in "
          f"{where!r}, {time.monotonic() - started:.1f} s")  # fmt: skip
    assert size < 1_000_000, (size, where)
    assert len(await db.raw(ROUNDS).find({})) == 1
    assert len(bson.encode((await db.raw(ROUNDS).find({}))[0])) < 10_000
    assert (
        sum(b["n"] for b in await db.raw("round_plan_entry_buckets").find({"round_id": r.round_id})) == PROVINCE_PEOPLE
    )
    assert await db.raw("round_decisions").count({"round_id": r.round_id}) == moves
    assert (tally.people, tally.moves, tally.decisions, tally.preferences) == (
        PROVINCE_PEOPLE, moves, moves, -(-PROVINCE_PEOPLE // 10)
    )  # fmt: skip
    assert sum(tally.moves_by_kind.values()) == moves
    assert (await db.raw("decision_log").count({"kind": "decision"})) == -(-moves // decision_log.LOG_ROWS)


def _deps() -> Any:
    """The two things `decision_log.record` reads from the service's dependencies."""

    class Deps:
        store = repositories

        @staticmethod
        def clock() -> datetime:
            return NOW

    return Deps()


async def _saved_round(db: MemoryDatabase, people: int = 40) -> Round:
    r = announced("r-small")
    for i in range(0, people, 2):
        r.preferences[nip(i)] = Preference(nip(i), ("P00001",))
    async with db.uow("placement") as uow:
        await repositories.save_round(uow, r)
        await uow.commit()
    return r


async def _planned_round(db: MemoryDatabase, round_id: str, people: int) -> Round:
    """A closed round with a province-like plan of `people`, saved."""
    r = announced(round_id)
    r.close()
    r.record_plan(province_plan(people))
    async with db.uow("placement") as uow:
        await repositories.save_round(uow, r)
        await uow.commit()
    return r


def _written(uow: MemoryUnitOfWork) -> list[str]:
    return sorted(name for name, _ in uow._journal)


async def test_a_preference_writes_only_that_persons_document() -> None:
    db = await database()
    await _saved_round(db)
    async with db.uow("placement") as uow:
        r = await repositories.get_round_part(uow, AGENCY, "r-small", nip(2))
        assert list(r.preferences) == [nip(2)]  # only this person's part was read
        r.submit_preference(Preference(nip(2), ("P00002", "P00003")), TODAY, POSTS)
        await repositories.save_round(uow, r)
        assert _written(uow) == ["round_preferences"]  # a changed preference: one document, the counts stay
        await uow.commit()
    async with db.uow("placement") as uow:
        r = await repositories.get_round_part(uow, AGENCY, "r-small", nip(3))
        r.submit_preference(Preference(nip(3), ("P00004",)), TODAY, POSTS)
        await repositories.save_round(uow, r)
        assert _written(uow) == ["round_preferences", "rounds"]  # a new one: its document and the round's count
        await uow.commit()
    async with db.uow("placement") as uow:
        whole = await repositories.get_round(uow, AGENCY, "r-small")
        assert (await repositories.tally(uow, whole)).preferences == len(whole.preferences) == 21
        assert whole.preferences[nip(2)].ranked == ("P00002", "P00003")


async def test_a_round_read_for_one_person_cannot_replace_the_plan() -> None:
    db = await database()
    await _saved_round(db)
    async with db.uow("placement") as uow:
        r = await repositories.get_round_part(uow, AGENCY, "r-small", nip(2))
        r.close()
        r.record_plan(province_plan(4))
        try:
            await repositories.save_round(uow, r)
        except RuntimeError:
            return
    raise AssertionError("a plan saved from a partly loaded round would drop everyone else's entries")


async def test_pages_of_decisions_follow_the_cursor_to_the_end_in_nip_order() -> None:
    db = await database()
    r = announced("r-pages")
    r.close()
    r.record_plan(province_plan(30))
    r.approve(Caller("ana", "approver"), NOW)
    r.approve(Caller("bayu", "approver"), NOW)
    r.decide([f"d{i:03d}" for i in range(10)], NOW, {})
    async with db.uow("placement") as uow:
        await repositories.save_round(uow, r)
        await uow.commit()
    seen: list[str] = []
    after: str | None = None
    async with db.uow("placement") as uow:
        while True:
            page = await repositories.decisions_page(uow, r, 3, after)
            seen += [d.nip for d in page.items]
            assert len(page.items) <= 3
            if (after := page.next) is None:
                break
        moves = await repositories.plan_entries_page(uow, r, True, 100)
        everyone = await repositories.plan_entries_page(uow, r, False, 100)
    assert seen == sorted(e.nip for e in r.plan.moves) if r.plan else False
    assert len(seen) == 10
    assert [e.nip for e in moves.items] == seen
    assert moves.next is None
    assert len(everyone.items) == 30


def layout_one(r: Round) -> dict[str, Any]:
    """A round document as placement stored it before the split: every per-person part inside it."""
    doc = {k: v for k, v in round_header(r).items() if k != "layout"}
    plan = r.plan
    assert plan is not None
    doc["plan"] = {**doc["plan"], "entries": [{**e.__dict__, "parts": dict(e.parts)} for e in plan.entries.values()]}
    doc["preferences"] = [{"nip": p.nip, "ranked": list(p.ranked), "avoid_units": [], "note": ""}
                          for p in r.preferences.values()]  # fmt: skip
    doc["decisions"] = [{**d.__dict__, "effective_date": d.effective_date.isoformat()} for d in r.decisions.values()]
    doc["objections"] = []
    return storable(doc)  # type: ignore[no-any-return]


async def test_a_round_stored_in_one_document_is_split_on_start_and_reads_the_same() -> None:
    db = await database()
    r = announced("r-old")
    r.preferences[nip(1)] = Preference(nip(1), ("P00001", "P00002"))
    r.close()
    r.record_plan(province_plan(12))
    r.approve(Caller("ana", "approver"), NOW)
    r.approve(Caller("bayu", "approver"), NOW)
    r.decide([f"d{i}" for i in range(4)], NOW, {})
    await db.raw(ROUNDS).insert_one(layout_one(r))

    assert await split_embedded_rounds(lambda: db.uow("placement")) == 1
    assert await split_embedded_rounds(lambda: db.uow("placement")) == 0  # nothing left: running again is harmless

    stored = await db.raw(ROUNDS).find_one({"round_id": "r-old"})
    assert stored is not None
    assert not {"preferences", "decisions", "objections"} & set(stored)
    assert "entries" not in stored["plan"]
    async with db.uow("placement") as uow:
        again = await repositories.get_round(uow, AGENCY, "r-old")
        tally = await repositories.tally(uow, again)
    assert again == r
    assert (tally.people, tally.moves, tally.decisions, tally.preferences) == (12, 4, 4, 1)


async def test_plan_entries_live_many_to_a_bucket_and_page_across_buckets() -> None:
    db = await database()
    r = await _planned_round(db, "r-buckets", 1_234)  # three buckets of entries
    buckets = await db.raw(PLAN_ENTRY_BUCKETS).find({"round_id": "r-buckets"})
    assert len(buckets) == -(-1_234 // ENTRY_BUCKET)
    assert r.plan is not None
    for moves_only, expected in ((True, [e.nip for e in r.plan.moves]), (False, sorted(r.plan.entries))):
        seen: list[str] = []
        after: str | None = None
        async with db.uow("placement") as uow:
            while True:
                page = await repositories.plan_entries_page(uow, r, moves_only, 97, after)
                assert len(page.items) <= 97
                seen += [e.nip for e in page.items]
                if (after := page.next) is None:
                    break
        assert seen == sorted(expected)
    async with db.uow("placement") as uow:
        moves = await repositories.get_round_moves(uow, AGENCY, "r-buckets")
        one = await repositories.get_round_part(uow, AGENCY, "r-buckets", nip(600))
    assert moves.plan is not None
    assert one.plan is not None
    assert set(moves.plan.entries) == {e.nip for e in r.plan.moves}
    assert one.plan.entries == {nip(600): r.plan.entries[nip(600)]}


async def test_an_override_rewrites_one_bucket_and_a_new_plan_replaces_them_all_with_the_counts() -> None:
    db = await database()
    await _planned_round(db, "r-override", 1_100)
    async with db.uow("placement") as uow:
        part = await repositories.get_round_part(uow, AGENCY, "r-override", nip(5))
        home = part.entry(nip(5)).from_post
        part.override(PlanEntry(nip(5), home, home, 60.0, {}, 80.0), "alasan tertulis", Caller("ana", "approver"))
        await repositories.save_round(uow, part)
        assert _written(uow) == ["round_plan_entry_buckets", "rounds"]  # its bucket, and the counts
        await uow.commit()
    async with db.uow("placement") as uow:
        whole = await repositories.get_round(uow, AGENCY, "r-override")
        tally = await repositories.tally(uow, whole)
    assert whole.plan is not None
    assert whole.plan.entries[nip(5)].override_reason == "alasan tertulis"
    assert (tally.people, tally.moves, tally.overrides) == (1_100, len(whole.plan.moves), 1)
    async with db.uow("placement") as uow:
        again = await repositories.get_round_to_plan(uow, AGENCY, "r-override")
        assert again.plan is not None
        assert not again.plan.entries
        again.record_plan(replace(province_plan(40), plan_id="plan-2"))
        await repositories.save_round(uow, again)
        await uow.commit()
    async with db.uow("placement") as uow:
        tally = await repositories.tally(uow, await repositories.get_round(uow, AGENCY, "r-override"))
    assert (tally.people, tally.overrides) == (40, 0)
    assert sum(b["n"] for b in await db.raw(PLAN_ENTRY_BUCKETS).find({"round_id": "r-override"})) == 40


async def test_plan_entries_kept_one_document_each_move_into_buckets_on_start() -> None:
    db = await database()
    r = await _planned_round(db, "r-layout-2", 700)
    assert r.plan is not None
    await db.raw(PLAN_ENTRY_BUCKETS).delete_many({})  # as layout 2 stored them: one document per person
    for e in r.plan.entries.values():
        await db.raw(PLAN_ENTRIES).insert_one({"agency_id": AGENCY, "round_id": "r-layout-2", **_entry_doc(e)})
    assert await bucket_old_entries(lambda: db.uow("placement")) == 700
    assert await bucket_old_entries(lambda: db.uow("placement")) == 0
    assert await db.raw(PLAN_ENTRIES).count({}) == 0
    async with db.uow("placement") as uow:
        again = await repositories.get_round(uow, AGENCY, "r-layout-2")
    assert again == r


async def test_a_plan_made_earlier_is_written_without_reading_anyones_part_only_once_closed() -> None:
    db = await database()
    await _saved_round(db)  # announced, 20 preferences
    async with db.uow("placement") as uow:
        r = await repositories.get_round_to_plan(uow, AGENCY, "r-small", people=False)
        r.state = type(r.state).CLOSED  # as if closed after it was read: the round may still take preferences
        r.record_plan(province_plan(4))
        with pytest.raises(RuntimeError):
            await repositories.save_round(uow, r)
    async with db.uow("placement") as uow:
        r = await repositories.get_round_part(uow, AGENCY, "r-small", None)
        r.close()
        await repositories.save_round(uow, r)
        await uow.commit()
    async with db.uow("placement") as uow:
        r = await repositories.get_round_to_plan(uow, AGENCY, "r-small", people=False)
        assert not r.preferences
        r.record_plan(province_plan(4))
        await repositories.save_round(uow, r)
        await uow.commit()
    async with db.uow("placement") as uow:
        whole = await repositories.get_round(uow, AGENCY, "r-small")
        tally = await repositories.tally(uow, whole)
    assert len(whole.preferences) == 20
    assert (tally.preferences, tally.people) == (20, 4)
