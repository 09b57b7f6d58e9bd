"""Chassis throughput on the local stand-ins, next to the raw ceiling measured in the same run.

- `chassis.consume`: events/s through the whole consume path (batch poll, validation, inbox record, handler,
  outbox `insert_many`, one commit, one offset commit, and the relay publishing the outbox), with the
  per-event handler API and with the batch API. The clock stops when the service's own counters (events
  committed, events the relay got acknowledged) have reached the run's events and the database confirms them
  (every plan stored, no outbox document unsent). Until 2026-11-30 it polled `count` on the database every 20 ms
  instead: on SecantusDB each poll scanned the whole collection, about 40% of the server's CPU during the run,
  a load the measured path does not put there.
- `chassis.consume_ceiling`: the same stand-ins used raw: aiokafka `getmany` + offset commit alone, and PyMongo
  alone doing what one batch needs (one transaction: `$in` find on the inbox, three `insert_many`). The path can
  never beat the slower of the two; `ratio_to_ceiling` says how close it comes.
- `chassis.relay`: outbox events published per second (one confirmed flush per batch).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.store import OUTBOX, OUTBOX_CHUNK
from mutasi.contracts import topics
from mutasi.contracts.examples import example_event
from mutasi.contracts.training import TrainingAssignedV1
from tests.support.replicas import replica_nip
from tests.support.toy import ToySettings, create_app
from tests.support.wire import Wire, local_wire

EVENTS = 3000
BATCH = 500
REPEATS = 3


def _bodies(n: int, run: str) -> list[tuple[bytes, bytes]]:
    base = example_event(topics.MUTATION_DECIDED)
    out = []
    for i in range(n):
        nip = replica_nip(i)  # a well-formed NIP: the consumer's door validates it
        body = {**base, "id": f"bench-{run}-{i}", "subject": nip, "data": {**base["data"], "nip": nip}}
        out.append((json.dumps(body).encode(), nip.encode()))
    return out


async def _produce(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5)
    await producer.start()
    try:
        futures = [await producer.send(topic, body, key=key) for body, key in messages]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def consume_rate(wire: Wire, *, bulk: bool, events: int = EVENTS) -> float:
    settings = wire.settings(
        log_level="WARNING", bulk_handler=bulk, kafka_batch_max_records=BATCH, kafka_auto_offset_reset="latest"
    )
    kit: ServiceKit = create_app(ToySettings(**settings)).state.kit
    await kit.start()
    plans = kit.database().raw("plans")
    try:
        # Wait until the consumer group is joined (a warm-up event is handled), then measure.
        deadline = time.perf_counter() + 60
        while not await plans.count({}):
            if time.perf_counter() > deadline:
                raise TimeoutError("the consumer group did not join within 60 s")
            await _produce(wire.kafka, topics.MUTATION_DECIDED.name, _bodies(1, f"warm-{uuid.uuid4().hex}"))
            await asyncio.sleep(0.5)
        outbox = kit.database().raw(OUTBOX)
        await _wait(lambda: outbox.count({"sent": False}), 0, 60, below=True)  # the warm-up's events are out
        warm = await plans.count({})
        consumed, published = _counters(kit)
        base = (consumed(), published())
        run = uuid.uuid4().hex[:8]
        messages = _bodies(events, run)
        started = time.perf_counter()
        await _produce(wire.kafka, topics.MUTATION_DECIDED.name, messages)
        # Watched through the service's own counters (events committed, events the relay got acknowledged), read
        # in-process: polling `count` on the database every 20 ms made the stand-in scan the whole collection each
        # time, a load on the measured server that no deployment has. The database then confirms the end state.
        await _wait(lambda: _now(consumed() - base[0]), events, 300)
        await _wait(lambda: _now(published() - base[1]), events, 300)
        await _wait(lambda: plans.count({}), events + warm, 300)
        await _wait(lambda: outbox.count({"sent": False}), 0, 300, below=True)
        return events / (time.perf_counter() - started)
    finally:
        await kit.stop()


def _counters(kit: ServiceKit) -> tuple[Any, Any]:
    """Readers of the toy's consumed and published counters (its metrics registry, no database)."""
    registry, service = kit.metrics.registry, kit.service

    def consumed() -> float:
        labels = {"service": service, "topic": topics.MUTATION_DECIDED.name}
        return registry.get_sample_value("mutasi_events_consumed_total", labels) or 0.0

    def published() -> float:
        labels = {"service": service, "topic": topics.TRAINING_ASSIGNED.name}
        return registry.get_sample_value("mutasi_outbox_published_total", labels) or 0.0

    return consumed, published


async def _now(value: float) -> float:
    return value


async def _wait(count: Any, target: int, timeout: float, below: bool = False) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        have = await count()
        if (have <= target) if below else (have >= target):
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"only {have} of {target} after {timeout}s")
        await asyncio.sleep(0.02)


async def kafka_ceiling(wire: Wire, events: int = EVENTS) -> float:
    """Raw aiokafka: poll batches of BATCH with `getmany` and commit the offsets after each."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"bench.ceiling.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=wire.kafka)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        await admin.close()
    await _produce(wire.kafka, topic, _bodies(events, "ceiling"))
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=wire.kafka,
        group_id=f"ceiling-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=2000,
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    try:
        got = 0
        while not got:  # the group join is not part of the rate
            batch = await consumer.getmany(timeout_ms=50, max_records=BATCH)
            got = sum(len(records) for records in batch.values())
        started = time.perf_counter()
        while got < events:
            batch = await consumer.getmany(timeout_ms=50, max_records=BATCH)
            for records in batch.values():
                for record in records:
                    json.loads(record.value)
                got += len(records)
            await consumer.commit()
        return (events - BATCH) / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def mongo_ceiling(wire: Wire, events: int = EVENTS, *, layout: str = "per_event") -> float:
    """Raw PyMongo on the same server, one transaction per batch with an inbox `$in` find and three insert_many.

    `per_event`: one inbox and one outbox document per event. `chassis`: the chassis's own layout, one inbox
    document per batch and one outbox document per OUTBOX_CHUNK events (what the path can at best do)."""
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(wire.mongo_uri)
    db = client[f"ceiling_{uuid.uuid4().hex[:8]}"]
    await db.inbox.create_index("event_id", unique=True)
    await db.outbox.create_index("event_id", unique=True)
    await db.outbox.create_index([("sent", 1), ("seq", 1)])
    await db.inbox_batches.create_index("event_ids", unique=True)
    await db.outbox_batches.create_index([("sent", 1), ("seq", 1)])
    try:
        started = time.perf_counter()
        for start in range(0, events, BATCH):
            ids = [f"e{i}" for i in range(start, min(events, start + BATCH))]
            async with client.start_session() as session:
                await session.start_transaction()
                await db.plans.insert_many([{"nip": i, "agency_id": "a"} for i in ids], session=session)
                outbox = [{"event_id": f"o{i}", "body": "x" * 900} for i in ids]
                if layout == "per_event":
                    await db.inbox.find({"event_id": {"$in": ids}}, session=session).to_list()
                    await db.inbox.insert_many([{"event_id": i, "topic": "t"} for i in ids], session=session)
                    await db.outbox.insert_many(
                        [{**o, "sent": False, "seq": n} for n, o in enumerate(outbox)], session=session
                    )
                else:
                    await db.inbox_batches.find({"event_ids": {"$in": ids}}, session=session).to_list()
                    await db.inbox_batches.insert_one({"event_ids": ids, "topic": "t"}, session=session)
                    chunks = [outbox[i : i + OUTBOX_CHUNK] for i in range(0, len(outbox), OUTBOX_CHUNK)]
                    await db.outbox_batches.insert_many(
                        [{"seq": n, "sent": False, "events": c} for n, c in enumerate(chunks)], session=session
                    )
                await session.commit_transaction()
        return events / (time.perf_counter() - started)
    finally:
        # The database is left for the stack's teardown: SecantusDB drops a database key by key (minutes after a
        # province round), which would be timed as nothing.
        await client.close()


async def document_rate(wire: Wire, *, per_document: int, people: int = EVENTS) -> float:
    """The stand-in database's own write ceiling: people stored per second when each transaction inserts 500
    people, as one document per person (`per_document=1`) or packed `per_document` to a document."""
    from pymongo import AsyncMongoClient

    person = {"agency_id": "padang", "unit_id": "DISDIK-UPT2", "post_id": "DISDIK-UPT2-JF-AHLI", "jpm": 81.5,
              "box": 5, "flags": "x" * 600}  # fmt: skip  # ~1 KB, about a candidate or an employee record
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(wire.mongo_uri)
    db = client[f"ceiling_{uuid.uuid4().hex[:8]}"]
    await db.people.create_index([("agency_id", 1), ("nip", 1)])
    try:
        started = time.perf_counter()
        for start in range(0, people, BATCH):
            nips = [replica_nip(i) for i in range(start, min(people, start + BATCH))]
            if per_document == 1:
                docs = [{**person, "nip": n} for n in nips]
            else:
                docs = [{"agency_id": "padang", "people": [{**person, "nip": n} for n in nips[i : i + per_document]]}
                        for i in range(0, len(nips), per_document)]  # fmt: skip
            async with client.start_session() as session:
                await session.start_transaction()
                await db.people.insert_many(docs, session=session)
                await session.commit_transaction()
        return people / (time.perf_counter() - started)
    finally:
        await client.close()


async def relay_rate(wire: Wire) -> float:
    kit: ServiceKit = create_app(ToySettings(**wire.settings(log_level="WARNING"))).state.kit
    await kit.start()
    try:
        await kit.relay.stop()  # type: ignore[union-attr]
        async with kit.uow() as uow:
            for i in range(EVENTS):
                uow.emit(
                    topics.TRAINING_ASSIGNED,
                    TrainingAssignedV1(plan_id=f"p{i}", nip=replica_nip(i), items=[], total_jp=0),
                    agency_id="sawahlunto",
                )
            await uow.commit()
        started = time.perf_counter()
        while await kit.relay.publish_pending():  # type: ignore[union-attr]
            pass
        return EVENTS / (time.perf_counter() - started)
    finally:
        await kit.stop()


def measure(wire: Wire, repeats: int = REPEATS) -> list[dict[str, Any]]:
    """Every chassis figure on one wire, alternating the alternatives so machine noise hits them alike."""
    keys = ("batch_api", "per_event_api", "kafka", "mongo", "layout", "relay", "doc_per_person", "doc_per_500")
    runs: dict[str, list[float]] = {k: [] for k in keys}
    for _ in range(repeats):
        runs["batch_api"].append(asyncio.run(consume_rate(wire, bulk=True)))
        runs["per_event_api"].append(asyncio.run(consume_rate(wire, bulk=False)))
        runs["kafka"].append(asyncio.run(kafka_ceiling(wire)))
        runs["mongo"].append(asyncio.run(mongo_ceiling(wire)))
        runs["layout"].append(asyncio.run(mongo_ceiling(wire, layout="chassis")))
        runs["relay"].append(asyncio.run(relay_rate(wire)))
        runs["doc_per_person"].append(asyncio.run(document_rate(wire, per_document=1)))
        runs["doc_per_500"].append(asyncio.run(document_rate(wire, per_document=BATCH)))
    med = {k: statistics.median(v) for k, v in runs.items()}
    ceiling = min(med["kafka"], med["mongo"])
    common = {"n": EVENTS, "batch": BATCH, "repeats": repeats, "stack": "tansu+secantusdb"}

    def rec(bench: str, metric: str, key: str, unit: str = "events/s", **extra: Any) -> dict[str, Any]:
        value = med[key] if key in med else extra.pop("value")
        return {
            "bench": bench,
            "metric": metric,
            "value": round(value, 2),
            "unit": unit,
            **extra,
            **common,
            **({"runs": [round(x, 1) for x in runs[key]]} if key in runs else {}),
        }

    speed = "events_per_second_median"
    return [
        rec("chassis.consume", speed, "batch_api", handler="batch"),
        rec("chassis.consume", speed, "per_event_api", handler="per_event"),
        rec("chassis.consume_ceiling", speed, "kafka", path="raw aiokafka getmany + commit"),
        rec("chassis.consume_ceiling", speed, "mongo", path="raw pymongo batched transaction, a document per event"),
        rec("chassis.consume_ceiling", speed, "layout", path="raw pymongo batched transaction, chassis layout"),
        rec("chassis.consume", "ratio_to_ceiling", "-", "ratio", handler="batch", value=med["batch_api"] / ceiling),
        rec("chassis.consume", "ratio_to_ceiling", "-", "ratio", handler="per_event",
            value=med["per_event_api"] / ceiling),
        rec("chassis.consume", "ratio_to_chassis_layout_ceiling", "-", "ratio", handler="batch",
            value=med["batch_api"] / min(med["kafka"], med["layout"])),
        rec("chassis.relay", speed, "relay"),
        rec("stand_in.ceiling", "people_per_second_median", "doc_per_person", "people/s",
            layout="a document per person", note="500 people per transaction, insert_many"),
        rec("stand_in.ceiling", "people_per_second_median", "doc_per_500", "people/s",
            layout="500 people per document", note="500 people per transaction, one document"),
        rec("stand_in.ceiling", "transaction_lifetime_s", "-", "s", value=60.0,
            note="SecantusDB aborts a transaction older than this (like mongod's transactionLifetimeLimitSeconds); "
                 "a unit of work that runs longer fails with NoSuchTransaction"),
    ]  # fmt: skip


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp, local_wire(Path(tmp)) as wire:
        return measure(wire)
