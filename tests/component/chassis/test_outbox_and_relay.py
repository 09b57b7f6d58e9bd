"""The outbox from both ends: what a unit of work writes (programme id, idempotency keys) and the relay that
publishes it on its own, counting what it sent."""

from __future__ import annotations

import asyncio
import json
from unittest.mock import ANY

import pytest

from mutasi.chassis.relay import OutboxRelay
from mutasi.chassis.store import OUTBOX, IdempotencyConflict, find_by_keys, outbox_events
from mutasi.contracts import topics
from mutasi.contracts.examples import PAYLOADS, example_event
from mutasi.contracts.training import TrainingAssignedV1, TrainingCompletedV1
from tests.support.memory_db import MemoryDatabase
from tests.support.service import running_service
from tests.support.toy import ToySettings, create_app

AGENCY = "sawahlunto"


def assigned(plan_id: str) -> TrainingAssignedV1:
    return TrainingAssignedV1(plan_id=plan_id, nip="197808082003031001", decision_id="d", items=[], total_jp=0)


def completed(plan_id: str) -> TrainingCompletedV1:
    payload = PAYLOADS[topics.TRAINING_COMPLETED.name]
    assert isinstance(payload, TrainingCompletedV1)
    return payload.model_copy(update={"plan_id": plan_id})


async def _database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.connect()
    return db


async def test_an_event_carries_the_programme_it_was_emitted_for_else_the_units_default() -> None:
    db = await _database()
    async with db.uow("toy", default_program_id="round-default") as uow:
        uow.emit(topics.TRAINING_ASSIGNED, assigned("p1"), agency_id=AGENCY, program_id="round-7")
        uow.emit(topics.TRAINING_ASSIGNED, assigned("p2"), agency_id=AGENCY)
        await uow.commit()
    bodies = [
        json.loads(e["body"]) for e in outbox_events(await db.raw(OUTBOX).find({}), topics.TRAINING_ASSIGNED.name)
    ]
    assert [b["programid"] for b in bodies] == ["round-7", "round-default"]


@pytest.mark.parametrize(("first", "second"), [({"body": "a"}, {"body": "b"}), ({"body": "b"}, {"body": "a"})])
async def test_a_key_stored_with_one_request_refuses_any_other_request(
    first: dict[str, str], second: dict[str, str]
) -> None:
    db = await _database()
    async with db.uow("toy") as uow:
        await uow.remember_response(AGENCY, "k1", first, {"answer": 1})
        await uow.commit()
    async with db.uow("toy") as uow:
        assert await uow.idempotent_response(AGENCY, "k1", first) == {"answer": 1}
        with pytest.raises(IdempotencyConflict):
            await uow.idempotent_response(AGENCY, "k1", second)


async def test_the_relay_publishes_committed_events_by_itself_and_a_pass_counts_each_event_once() -> None:
    app = create_app(ToySettings(mongo_uri="memory://", relay_interval_s=0.05))  # type: ignore[call-arg]
    async with running_service(app) as svc:
        outbox = svc.kit.database().raw(OUTBOX)
        async with svc.kit.uow() as uow:
            uow.emit(topics.TRAINING_ASSIGNED, assigned("p1"), agency_id=AGENCY)
            await uow.commit()
        for _ in range(200):  # the relay's own loop, no drain: wait until it marked the entry sent
            if await outbox.count({"sent": False}) == 0:
                break
            await asyncio.sleep(0.05)
        assert await outbox.count({"sent": False}) == 0

        assert svc.kit.relay is not None
        await svc.kit.relay.stop()
        async with svc.kit.uow() as uow:
            for i in range(3):
                uow.emit(topics.TRAINING_ASSIGNED, assigned(f"q{i}"), agency_id=AGENCY)
            await uow.commit()
        assert await svc.kit.relay.publish_pending() == 3
        assert await svc.kit.relay.publish_pending() == 0
        assert svc.kit.metrics.registry.get_sample_value("mutasi_outbox_pending", {"service": "toy"}) == 0


async def test_the_outbox_read_by_topic_holds_only_that_topics_events() -> None:
    db = await _database()
    async with db.uow("toy") as uow:
        uow.emit(topics.TRAINING_ASSIGNED, assigned("p1"), agency_id=AGENCY)
        uow.emit(topics.TRAINING_COMPLETED, completed("p1"), agency_id=AGENCY)
        await uow.commit()
    documents = await db.raw(OUTBOX).find({})
    assert [e["topic"] for e in outbox_events(documents, topics.TRAINING_ASSIGNED.name)] == [
        topics.TRAINING_ASSIGNED.name
    ]
    assert len(outbox_events(documents)) == 2


async def test_a_relay_pass_takes_whole_commits_up_to_its_batch() -> None:
    app = create_app(ToySettings(mongo_uri="memory://", relay_batch=2))  # type: ignore[call-arg]
    async with running_service(app) as svc:
        assert svc.kit.relay is not None
        await svc.kit.relay.stop()
        for i in range(3):  # three commits of one event each
            async with svc.kit.uow() as uow:
                uow.emit(topics.TRAINING_ASSIGNED, assigned(f"p{i}"), agency_id=AGENCY)
                await uow.commit()
        assert [await svc.kit.relay.publish_pending() for _ in range(3)] == [2, 1, 0]


async def test_only_one_relay_holds_the_lease_while_it_is_fresh() -> None:
    async with running_service(create_app(ToySettings(mongo_uri="memory://"))) as svc:  # type: ignore[call-arg]
        kit = svc.kit
        assert kit.relay is not None
        assert await kit.relay.hold_lease()
        other = OutboxRelay(kit.database(), kit.broker, kit.metrics, interval_s=60, batch=10)
        assert not await other.hold_lease()  # a second replica publishes nothing while the first holds the lease
        assert await other.publish_pending() == 0


async def test_documents_are_found_by_compound_keys_across_agencies() -> None:
    db = await _database()
    people = db.raw("people")
    for agency, nip in (("sawahlunto", "1"), ("sawahlunto", "2"), ("solok", "1")):
        await people.insert_one({"agency_id": agency, "nip": nip, "name": f"{agency}-{nip}"})
    found = await find_by_keys(people, ("agency_id", "nip"), [("sawahlunto", "2"), ("solok", "1"), ("solok", "9")])
    assert {key: doc["name"] for key, doc in found.items()} == {
        ("sawahlunto", "2"): "sawahlunto-2",
        ("solok", "1"): "solok-1",
    }


async def test_a_stopped_relay_publishes_nothing_more() -> None:
    app = create_app(ToySettings(mongo_uri="memory://", relay_interval_s=0.05))  # type: ignore[call-arg]
    async with running_service(app) as svc:
        assert svc.kit.relay is not None
        await svc.kit.relay.stop()
        async with svc.kit.uow() as uow:
            uow.emit(topics.TRAINING_ASSIGNED, assigned("p1"), agency_id=AGENCY)
            await uow.commit()
        await asyncio.sleep(0.5)  # ten poll intervals: a relay still running would have sent it
        assert await svc.kit.database().raw(OUTBOX).count({"sent": False}) == 1


async def test_the_relay_publishes_its_own_commits_from_memory_and_reads_the_outbox_for_the_rest() -> None:
    # What this process commits reaches the relay at once (no read of the outbox); an entry another replica
    # committed is only in the outbox, and the next read (at least every relay_read_interval_s) finds it.
    app = create_app(ToySettings(mongo_uri="memory://", relay_read_interval_s=0.5))  # type: ignore[call-arg]
    async with running_service(app) as svc:
        relay = svc.kit.relay
        assert relay is not None
        await relay.stop()
        assert await relay.publish_pending() == 0  # a read that finds nothing unsent
        async with svc.kit.database().uow("toy") as uow:  # no relay behind this unit: another replica's commit
            uow.emit(topics.TRAINING_ASSIGNED, assigned("elsewhere"), agency_id=AGENCY)
            await uow.commit()
        async with svc.kit.uow() as uow:
            uow.emit(topics.TRAINING_ASSIGNED, assigned("here"), agency_id=AGENCY)
            await uow.commit()
        assert await relay.publish_pending() == 1  # from memory: the other replica's entry is not read yet
        assert await relay.publish_pending() == 0
        await asyncio.sleep(0.6)
        assert await relay.publish_pending() == 1
        assert [json.loads(body)["data"]["plan_id"] for _, body in svc.sent] == ["here", "elsewhere"]
        documents = await svc.kit.database().raw(OUTBOX).find({})
        assert [(d["sent"], "bodies" in d) for d in documents] == [(True, False), (True, False)]


async def test_an_entry_written_before_the_bodies_moved_beside_the_events_is_published_and_loses_its_body() -> None:
    async with running_service(create_app(ToySettings(mongo_uri="memory://"))) as svc:  # type: ignore[call-arg]
        assert svc.kit.relay is not None
        await svc.kit.relay.stop()
        body = json.dumps(example_event(topics.TRAINING_ASSIGNED))
        outbox = svc.kit.database().raw(OUTBOX)
        event = {"event_id": "old-1", "topic": topics.TRAINING_ASSIGNED.name, "key": "k", "agency_id": AGENCY}
        await outbox.insert_one({"seq": 1, "sent": False, "n": 1, "events": [{**event, "body": body}]})
        assert await svc.kit.relay.publish_pending() == 1
        assert [s for _, s in svc.sent] == [body]
        assert await outbox.find({}) == [{"seq": 1, "sent": True, "n": 1, "events": [event], "sent_at": ANY}]
