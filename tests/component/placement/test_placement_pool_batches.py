"""Placement's candidate pool is kept a batch of `assessment-completed` at a time in bucket documents: what it holds
must be exactly what handling the same events one at a time holds — older assessments ignored, follow-up flags
carried over, a poison event dead-lettered alone, duplicates and redeliveries changing nothing — and the pool
kept one document per person before buckets is moved into them on start."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from mutasi.chassis.sealed import Opener, Sealer, generate_key_pair
from mutasi.contracts import topics
from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from mutasi.placement.adapters import pool_store, repositories
from mutasi.placement.entrypoints.subscribers import Subscribers
from tests.support.memory_db import MemoryDatabase
from tests.support.service import envelope, running_service, seal_for_placement, seal_keys

from .placement_world import POOL, app

AGENCIES = ("sawahlunto", "kota-solok")
SMALL_BUCKET = 3  # so a dozen people fill several buckets and appends cross bucket boundaries


def person(i: int, **changes: Any) -> AssessmentCompletedV2:
    """POOL's people again under new NIPs (same birth date and TMT, another sequence number)."""
    base = POOL[i % len(POOL)]
    nip = f"{base.nip[:-3]}{100 + i:03d}"
    aid = changes.pop("assessment_id", f"as-{i}")
    flags = EligibilityFlagsV1(nip=nip, assessment_id=aid, discipline_active=i % 4 == 0)
    return base.model_copy(update={"nip": nip, "assessment_id": aid, "sealed_flags": seal_for_placement(flags),
                                   "name": f"Pegawai {i}", **changes})  # fmt: skip


def record(payload: Any, event_id: str, agency_id: str, topic: topics.Topic = topics.ASSESSMENT_COMPLETED) -> Any:
    event = envelope(topic, payload, agency_id=agency_id, event_id=event_id)
    return SimpleNamespace(value=event.model_dump_json().encode(), key=event.subject.encode(), headers=[])


def feed() -> list[SimpleNamespace]:
    """12 people over two agencies; one event twice; a re-assessment (newer: replaces), an older one (ignored);
    flags sealed for someone else (dead-lettered alone)."""
    events = [record(person(i), f"e{i}", AGENCIES[i % 2]) for i in range(12)]
    events.insert(5, events[2])  # the same event twice in one batch
    newer = person(3, assessment_id="as-3b", golongan="III/d", assessed_on=POOL[3].assessed_on + timedelta(days=3))
    older = person(4, assessment_id="as-4old", golongan="II/a", assessed_on=POOL[4].assessed_on - timedelta(days=30))
    _, foreign = generate_key_pair("someone-else")
    poison = person(12).model_copy(update={"sealed_flags": Sealer(foreign).seal(
        EligibilityFlagsV1(nip=person(12).nip, assessment_id="as-12", discipline_active=False))})  # fmt: skip
    events += [record(newer, "e3b", AGENCIES[1]), record(poison, "e12", AGENCIES[0]),
               record(older, "e4old", AGENCIES[0]), record(person(13), "e13", AGENCIES[1])]  # fmt: skip
    return events


def follow_up(i: int, reason: str = "re_placement") -> FollowUpRecommendedV1:
    return FollowUpRecommendedV1(follow_up_id=f"f{i}", evaluation_id=f"ev{i}", nip=person(i).nip, reason=reason,
                                 detail="Evaluasi 6 bulan.")  # fmt: skip


async def pool_after(batch_size: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(pool_store.BUCKETS, "size", SMALL_BUCKET)
    async with running_service(app()) as svc:
        subscribers = Subscribers(Opener(seal_keys()[0]), repositories)
        on_follow_up = _per_event(subscribers.on_follow_up_recommended)
        # a follow-up that arrives before the person's assessment waits for it
        await svc.kit.consumer.process_batch(
            topics.FOLLOW_UP_RECOMMENDED,
            on_follow_up,
            [record(follow_up(6), "f6", AGENCIES[0], topics.FOLLOW_UP_RECOMMENDED)],
        )
        records = feed()
        for redelivery in range(2):  # the feed again: the inbox makes it change nothing
            if redelivery:  # the poison event was dead-lettered and acked: Kafka does not hand it over again
                records = [r for r in records if b'"id":"e12"' not in r.value]
            for i in range(0, len(records), batch_size):
                await svc.kit.consumer.process_batch(
                    topics.ASSESSMENT_COMPLETED, subscribers.on_assessment_completed_batch, records[i : i + batch_size]
                )
            if redelivery == 0:
                first = await _pool(svc)
        assert await _pool(svc) == first
        # a follow-up for someone in the pool flags them where they are stored
        await svc.kit.consumer.process_batch(
            topics.FOLLOW_UP_RECOMMENDED,
            on_follow_up,
            [record(follow_up(9), "f9", AGENCIES[1], topics.FOLLOW_UP_RECOMMENDED)],
        )
        raw = svc.kit.database().raw(pool_store.POOL)
        buckets = await raw.find({})
        flags = await _flags(svc)
        older = {k: v for k, v in buckets[0].items() if k not in ("_id", pool_store.FLAGS)}
        where = {"agency_id": buckets[0]["agency_id"], "bucket": buckets[0]["bucket"]}
        await raw.replace_one(where, older)  # as a bucket written before the flags were kept beside the people
        assert await _flags(svc) == flags
        await raw.replace_one(where, buckets[0])
        dead = svc.kit.metrics.registry.get_sample_value(
            "mutasi_events_dead_lettered_total",
            {"service": "placement", "topic": topics.ASSESSMENT_COMPLETED.name, "reason": "rejected"},
        )
        return {"pool": await _pool(svc), "buckets": buckets, "dead_lettered": dead, "flags": flags}


def _per_event(handler: Any) -> Any:
    from mutasi.chassis.consumer import per_event

    return per_event(handler)


async def _flags(svc: Any) -> dict[str, list[tuple[str, str | None]]]:
    """Who is in each agency's pool and their follow-up flags, as an announcement reads them."""
    async with svc.kit.uow() as uow:
        return {a: await repositories.pool_people(uow, a) for a in AGENCIES}


async def _pool(svc: Any) -> dict[str, list[dict[str, Any]]]:
    async with svc.kit.uow() as uow:
        return {a: await repositories.candidate_docs(uow, a) for a in AGENCIES}


async def test_a_batch_keeps_exactly_the_pool_that_one_event_at_a_time_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    together = await pool_after(100, monkeypatch)
    alone = await pool_after(1, monkeypatch)
    assert together["pool"] == alone["pool"]
    assert together["dead_lettered"] == alone["dead_lettered"] == 1  # the poison event alone
    people = {d["nip"]: d for docs in together["pool"].values() for d in docs}
    assert sorted(people) == sorted(person(i).nip for i in (*range(12), 13))  # not the poison event's person
    assert people[person(3).nip]["golongan"] == "III/d"  # the newer re-assessment
    assert people[person(4).nip]["assessment_id"] == "as-4"  # the older one changed nothing
    assert people[person(6).nip]["follow_up"] == "re_placement"  # waited for the assessment
    assert people[person(9).nip]["follow_up"] == "re_placement"  # flagged in its bucket
    assert people[person(0).nip]["discipline_active"] is True  # the opened sealed flags
    # an announcement reads who is in the pool and their flags from the buckets' plain fields: the same answer
    assert together["flags"] == {
        a: [(d["nip"], d.get("follow_up")) for d in docs] for a, docs in together["pool"].items()
    }
    assert (person(9).nip, "re_placement") in together["flags"][AGENCIES[1]]
    for result in (together, alone):
        nips = Counter(n for b in result["buckets"] for n in b["nips"])
        assert set(nips) == set(people)
        assert set(nips.values()) == {1}  # everyone once, in one bucket
        for b in result["buckets"]:
            assert isinstance(b["people"], bytes)  # packed
            assert [p["nip"] for p in pool_store.BUCKETS.records(b)] == b["nips"]
            assert b["size"] == len(b["nips"]) <= SMALL_BUCKET


async def test_the_pool_kept_one_document_per_person_moves_into_buckets_on_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pool_store.BUCKETS, "size", SMALL_BUCKET)
    db = MemoryDatabase()
    await db.ensure_indexes(repositories.INDEXES)
    old = [{"agency_id": AGENCIES[i % 2], "nip": person(i).nip, "name": f"Pegawai {i}", "as_of": "2026-10-01",
            "follow_up": "talent_pool" if i == 5 else None} for i in range(10)]  # fmt: skip
    await db.raw(pool_store.OLD_POOL).insert_many(old)
    async with db.uow("placement") as uow:  # someone already kept in a bucket: that snapshot is newer
        await pool_store.save_candidates(uow, [{**old[2], "name": "Kept in a bucket"}])
        await uow.commit()
    assert await pool_store.bucket_old_pool(lambda: db.uow("placement"), chunk=4) == 10
    assert await pool_store.bucket_old_pool(lambda: db.uow("placement"), chunk=4) == 0  # again: nothing left
    assert await db.raw(pool_store.OLD_POOL).find({}) == []
    async with db.uow("placement") as uow:
        for agency_id in AGENCIES:
            kept = await pool_store.candidate_docs(uow, agency_id)
            expected = sorted((d for d in old if d["agency_id"] == agency_id), key=lambda d: d["nip"])
            expected = [{**d, "name": "Kept in a bucket"} if d["nip"] == old[2]["nip"] else d for d in expected]
            assert kept == expected
            assert await pool_store.count_candidates(uow, agency_id) == 5
        assert (await pool_store.candidate_doc(uow, AGENCIES[1], old[5]["nip"]) or {})["follow_up"] == "talent_pool"


async def test_where_the_process_last_saw_someone_is_only_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hint pointing at the wrong bucket (a rolled-back append, another database) still finds the person."""
    monkeypatch.setattr(pool_store.BUCKETS, "size", SMALL_BUCKET)
    monkeypatch.setattr(pool_store, "_SEEN", {})
    db = MemoryDatabase()
    await db.ensure_indexes(repositories.INDEXES)
    people = [{"agency_id": AGENCIES[0], "nip": person(i).nip, "name": f"Pegawai {i}"} for i in range(10)]
    async with db.uow("placement") as uow:
        await pool_store.save_candidates(uow, people)
        await uow.commit()
    for key in pool_store._SEEN:  # every hint wrong: a bucket that holds someone else, or none at all
        pool_store._SEEN[key] = 0 if key[1] != people[0]["nip"] else 99
    async with db.uow("placement") as uow:
        found = await pool_store.candidates_by_key(uow, [(AGENCIES[0], p["nip"]) for p in people])
        await pool_store.save_candidates(uow, [{**p, "name": "Lagi"} for p in people])  # replaced, not added
        await uow.commit()
    assert {k[1]: d["name"] for k, d in found.items()} == {p["nip"]: p["name"] for p in people}
    async with db.uow("placement") as uow:
        assert [d["name"] for d in await pool_store.candidate_docs(uow, AGENCIES[0])] == ["Lagi"] * 10
        assert await pool_store.count_candidates(uow, AGENCIES[0]) == 10
