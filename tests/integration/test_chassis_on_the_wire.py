"""The chassis against real Kafka and MongoDB protocols: transactions, inbox, outbox relay and DLQ."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.metrics import DEAD_LETTER_REASONS
from mutasi.chassis.mongo import MongoDatabase
from mutasi.chassis.store import IDEMPOTENCY, INBOX, OUTBOX
from mutasi.contracts import topics
from mutasi.contracts.examples import PAYLOADS, example_event
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.contracts.training import TrainingAssignedV1
from tests.support.toy import ToySettings, create_app
from tests.support.wire import Wire, consume, eventually, produce

pytestmark = pytest.mark.integration
DECIDED: MutationDecidedV1 = PAYLOADS[topics.MUTATION_DECIDED.name]  # type: ignore[assignment]


def toy_kit(wire: Wire) -> ServiceKit:
    kit: ServiceKit = create_app(ToySettings(**wire.settings())).state.kit
    return kit


def decided_event(nip: str, event_id: str) -> bytes:
    body = example_event(topics.MUTATION_DECIDED)
    body["id"] = event_id
    body["subject"] = nip
    body["data"]["nip"] = nip
    return json.dumps(body).encode()


async def test_a_unit_of_work_that_does_not_commit_leaves_nothing(wire: Wire) -> None:
    kit = toy_kit(wire)
    await kit.start(start_broker=False)
    try:
        async with kit.uow() as uow:
            await uow.collection("plans").insert_one({"nip": "1"})
            uow.emit(
                topics.TRAINING_ASSIGNED,
                TrainingAssignedV1(plan_id="p", nip="196608011988031001", items=[], total_jp=0),
                agency_id="sawahlunto",
            )
        async with kit.uow() as uow:
            await uow.collection("plans").insert_one({"nip": "2"})
            await uow.commit()
        plans = await kit.database().raw("plans").find({})
        outbox = await kit.database().raw(OUTBOX).count({})
    finally:
        await kit.stop(stop_broker=False)
    assert [p["nip"] for p in plans] == ["2"]
    assert outbox == 0


async def test_outbox_entries_survive_a_restart_and_are_published_keyed_by_nip(wire: Wire) -> None:
    settings = wire.settings()
    first: ServiceKit = create_app(ToySettings(**settings)).state.kit
    await first.start(start_broker=False)  # no relay publishing: the "crash" comes before it
    await first.relay.stop()  # type: ignore[union-attr]
    nip = "199001012015031001"
    async with first.uow() as uow:
        uow.emit(
            topics.TRAINING_ASSIGNED,
            TrainingAssignedV1(plan_id="p-restart", nip=nip, items=[], total_jp=0),
            agency_id="sawahlunto",
        )
        await uow.commit()
    await first.stop(stop_broker=False)

    second: ServiceKit = create_app(ToySettings(**settings)).state.kit
    await second.start()
    try:
        await eventually(lambda: second.database().raw(OUTBOX).count({"sent": True}))
    finally:
        await second.stop()

    def is_mine(r: Any) -> bool:
        return bool(json.loads(r.value)["data"]["plan_id"] == "p-restart")

    records = await consume(wire.kafka, topics.TRAINING_ASSIGNED.name, lambda rs: any(map(is_mine, rs)))
    mine = [r for r in records if is_mine(r)]
    assert len(mine) == 1
    assert mine[0].key == nip.encode()


async def test_subscriber_processes_once_despite_redelivery_and_dead_letters_poison(wire: Wire) -> None:
    kit = toy_kit(wire)
    await kit.start()
    try:
        nip = "198505052010012002"
        event = decided_event(nip, "evt-wire-dup")
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, event, nip.encode())
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, b"{not json", b"poison")
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, event, nip.encode())
        nip2 = "198505052010012003"
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, decided_event(nip2, "evt-wire-2"), nip2.encode())

        registry = kit.metrics.registry
        labels = {"service": "toy", "topic": topics.MUTATION_DECIDED.name}

        async def all_seen() -> Any:
            # The three keys land on different partitions, so the last one handled says nothing about the others:
            # wait for each outcome (nip2's plan, the skipped copy, the dead letter) before the subscriber stops.
            duplicates = registry.get_sample_value("mutasi_events_duplicate_total", labels) or 0
            dead = sum(
                registry.get_sample_value("mutasi_events_dead_lettered_total", {**labels, "reason": reason}) or 0
                for reason in DEAD_LETTER_REASONS
            )
            nip2_planned = await kit.database().raw("plans").count({"nip": nip2})
            return nip2_planned and duplicates >= 1 and dead >= 1

        await eventually(all_seen, timeout=30)
        plans = await kit.database().raw("plans").count({"nip": nip})
        inbox = await kit.database().raw(INBOX).count({"event_ids": "evt-wire-dup"})
    finally:
        await kit.stop()
    dead = await consume(wire.kafka, topics.MUTATION_DECIDED.dlq, lambda rs: any(r.key == b"poison" for r in rs))
    poison = [r for r in dead if r.key == b"poison"]
    assert plans == 1
    assert inbox == 1
    assert len(poison) == 1
    assert poison[0].value == b"{not json"
    headers = {k: v.decode() for k, v in poison[0].headers}
    assert "body is not JSON" in headers["x-mutasi-error"]


async def test_events_consumed_in_small_batches_are_each_handled_once(wire: Wire) -> None:
    kit: ServiceKit = create_app(ToySettings(**wire.settings(kafka_batch_max_records=7))).state.kit
    await kit.start()
    nips = [f"198001012005031{i:03d}" for i in range(30)]
    try:
        for i, nip in enumerate(nips):
            await produce(wire.kafka, topics.MUTATION_DECIDED.name, decided_event(nip, f"evt-conc-{i}"), nip.encode())
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, decided_event(nips[0], "evt-conc-0"), nips[0].encode())

        async def all_handled() -> Any:
            return await kit.database().raw("plans").count({"nip": {"$in": nips}}) >= len(nips)

        await eventually(all_handled, timeout=60)
        plans = await kit.database().raw("plans").find({"nip": {"$in": nips}})
    finally:
        await kit.stop()
    assert sorted(p["nip"] for p in plans) == nips


async def test_two_replicas_publish_each_outbox_event_once_and_a_survivor_takes_over(wire: Wire) -> None:
    settings = wire.settings(relay_lease_s=0.5, log_level="WARNING")
    replicas: list[ServiceKit] = [create_app(ToySettings(**settings)).state.kit for _ in range(2)]
    for kit in replicas:
        await kit.start()
    run = uuid.uuid4().hex[:8]

    async def emit(kit: ServiceKit, plan: str) -> None:
        async with kit.uow() as uow:
            uow.emit(
                topics.TRAINING_ASSIGNED,
                TrainingAssignedV1(plan_id=plan, nip="196608011988031005", items=[], total_jp=0),
                agency_id="sawahlunto",
            )
            await uow.commit()

    async def drained(kit: ServiceKit) -> bool:
        return await kit.database().raw(OUTBOX).count({"sent": False}) == 0

    async def on_the_topic() -> list[str]:
        """Every record of this run on the topic, read for a few seconds so late duplicates would show up."""
        records = await consume(wire.kafka, topics.TRAINING_ASSIGNED.name, lambda _: False, timeout=4)
        plans = [json.loads(r.value)["data"]["plan_id"] for r in records]
        return sorted(p for p in plans if p.startswith(run))

    try:
        for i in range(5):
            await emit(replicas[i % 2], f"{run}-{i}")
        await eventually(lambda: drained(replicas[0]), timeout=20)
        await replicas[0].stop()
        await emit(replicas[1], f"{run}-after")
        await eventually(lambda: drained(replicas[1]), timeout=20)
    finally:
        await replicas[1].stop()
    assert await on_the_topic() == sorted([*(f"{run}-{i}" for i in range(5)), f"{run}-after"])


async def test_two_replicas_in_one_group_split_the_partitions_and_handle_each_event_once(wire: Wire) -> None:
    settings = wire.settings(log_level="WARNING", kafka_batch_max_records=10)
    replicas: list[ServiceKit] = [create_app(ToySettings(**settings)).state.kit for _ in range(2)]
    for kit in replicas:
        await kit.start()
    nips = [f"197707072002031{i:03d}" for i in range(60)]

    def assigned(kit: ServiceKit) -> int:
        consumers = [getattr(sub, "consumer", None) for sub in kit.broker.subscribers]
        return sum(len(c.assignment()) for c in consumers if c is not None)

    async def split() -> bool:  # the group has rebalanced: both replicas hold partitions
        return all(assigned(kit) > 0 for kit in replicas)

    try:
        await eventually(split, timeout=60)
        for i, nip in enumerate(nips):
            await produce(wire.kafka, topics.MUTATION_DECIDED.name, decided_event(nip, f"evt-split-{i}"), nip.encode())

        async def all_handled() -> Any:
            return await replicas[0].database().raw("plans").count({"nip": {"$in": nips}}) >= len(nips)

        await eventually(all_handled, timeout=90)
        plans = await replicas[0].database().raw("plans").find({"nip": {"$in": nips}})
        handled = [kit.metrics.events_consumed.labels(topics.MUTATION_DECIDED.name)._value.get() for kit in replicas]
    finally:
        for kit in replicas:
            await kit.stop()
    assert sorted(p["nip"] for p in plans) == nips  # once each, across both replicas
    assert all(h > 0 for h in handled), handled  # the group gave each replica a share of the partitions


async def test_inbox_idempotency_and_published_outbox_entries_have_ttl_indexes_from_the_settings(wire: Wire) -> None:
    kit: ServiceKit = create_app(
        ToySettings(**wire.settings(inbox_retention_days=30, outbox_retention_days=0.5))
    ).state.kit
    await kit.start(start_broker=False)
    try:
        db = kit.database()
        assert isinstance(db, MongoDatabase)
        ttl = {}
        for name in (INBOX, IDEMPOTENCY, OUTBOX):
            info = await db.database[name].index_information()
            ttl[name] = {tuple(k for k, _ in i["key"]): i.get("expireAfterSeconds") for i in info.values()
                         if "expireAfterSeconds" in i}  # fmt: skip
        assert ttl == {INBOX: {("processed_at",): 30 * 86_400}, IDEMPOTENCY: {("at",): 7 * 86_400},
                       OUTBOX: {("sent_at",): 43_200}}  # fmt: skip
    finally:
        await kit.stop(stop_broker=False)
