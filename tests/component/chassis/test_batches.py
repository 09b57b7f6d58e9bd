"""The batch path of the consumer: one transaction per batch with the per-event guarantees.

Batches are handed to the consumer as Kafka would hand them over (records of one poll), on the in-memory database,
so poison, duplicates and redeliveries inside one batch can be placed exactly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from mutasi.chassis.consumer import EventRejected, per_event
from mutasi.chassis.store import INBOX, UnitOfWork
from mutasi.contracts import topics
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.examples import PAYLOADS
from mutasi.contracts.placement import MutationDecidedV1
from tests.component.chassis.test_kit import dlq_spy
from tests.support.service import envelope, running_service
from tests.support.toy import (
    BUGGY_NIP,
    REJECTED_NIP,
    TRANSIENT_FAILURES,
    ToySettings,
    create_app,
    on_mutation_decided,
)

DECIDED: MutationDecidedV1 = PAYLOADS[topics.MUTATION_DECIDED.name]  # type: ignore[assignment]
TOPIC = topics.MUTATION_DECIDED


def record(nip: str, event_id: str) -> SimpleNamespace:
    event = envelope(TOPIC, DECIDED.model_copy(update={"nip": nip}), agency_id="sawahlunto", event_id=event_id)
    return SimpleNamespace(value=event.model_dump_json().encode(), key=nip.encode(), headers=[])


def batch(*pairs: tuple[str, str]) -> list[SimpleNamespace]:
    return [record(nip, event_id) for nip, event_id in pairs]


async def plans_in_order(svc: Any) -> list[str]:
    return [p["nip"] for p in await svc.kit.database().raw("plans").find({})]


async def inbox_ids(svc: Any) -> list[str]:
    return [i for d in await svc.kit.database().raw(INBOX).find({}) for i in d["event_ids"]]


async def emitted(svc: Any) -> list[dict[str, Any]]:
    return await svc.published(topics.TRAINING_ASSIGNED)


def toy() -> Any:
    return create_app(ToySettings(mongo_uri="memory://", retry_backoff_s=0.001, retry_attempts=3))


async def test_a_batch_commits_every_event_once_in_delivery_order_with_its_outbox() -> None:
    async with running_service(toy()) as svc:
        nips = [f"197303032000031{i:03d}" for i in range(7)]
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), batch(*[(n, n) for n in nips]))
        plans = await plans_in_order(svc)
        outbox = await emitted(svc)
        inbox = await inbox_ids(svc)
    assert plans == nips
    assert len(outbox) == 7
    assert sorted(inbox) == sorted(nips)


async def test_poison_inside_a_batch_is_dead_lettered_alone_and_the_rest_commit() -> None:
    app = toy()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        records = batch(
            ("197303032000031003", "a"),
            (REJECTED_NIP, "rejected"),
            ("197404042000031004", "b"),
            (BUGGY_NIP, "bug"),
            ("197505052000031005", "c"),
        )
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), records)
        plans = await plans_in_order(svc)
        inbox = sorted(await inbox_ids(svc))
        outbox = await emitted(svc)
    assert plans == ["197303032000031003", "197404042000031004", "197505052000031005"]
    assert inbox == ["a", "b", "c"]
    assert len(outbox) == 3
    assert sorted(s["headers"]["x-mutasi-reason"] for s in seen) == ["handler_error", "rejected"]


async def test_a_redelivered_batch_with_poison_dead_letters_only_the_poison() -> None:
    """The split point is the poison's place in the whole batch, not among the events still new: after a redelivery
    the events handled before are skipped by the inbox, never dead-lettered."""
    app = toy()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        good = [("197303032000031003", "a"), ("197404042000031004", "b")]
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), batch(*good))
        # the offsets of that poll were not committed: it comes again, now with a poison event and a new one
        again = batch(*good, (REJECTED_NIP, "rejected"), ("197505052000031005", "c"))
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), again)
        plans = await plans_in_order(svc)
    assert plans == ["197303032000031003", "197404042000031004", "197505052000031005"]
    assert [json.loads(s["body"])["id"] for s in seen] == ["rejected"]


async def test_a_malformed_record_inside_a_batch_goes_to_the_dlq_and_the_others_commit() -> None:
    app = toy()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        records = batch(("197303032000031003", "a"), ("197404042000031004", "b"))
        records.insert(1, SimpleNamespace(value=b"{not json", key=b"poison", headers=[("x-trace", b"t1")]))
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), records)
        plans = await plans_in_order(svc)
    assert plans == ["197303032000031003", "197404042000031004"]
    assert [s["body"] for s in seen] == [b"{not json"]
    assert seen[0]["headers"]["x-trace"] == "t1"


async def test_a_duplicate_inside_a_batch_and_across_a_redelivery_changes_nothing() -> None:
    async with running_service(toy()) as svc:
        first = batch(("197303032000031003", "a"), ("197404042000031004", "b"), ("197303032000031003", "a"))
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), first)
        # the same poll again (the offset commit was lost) plus one new event
        again = [*first, *batch(("197505052000031005", "c"))]
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), again)
        plans = await plans_in_order(svc)
        outbox = len(await emitted(svc))
        duplicates = svc.kit.metrics.events_duplicate.labels(TOPIC.name)._value.get()
    assert plans == ["197303032000031003", "197404042000031004", "197505052000031005"]
    assert outbox == 3
    assert duplicates == 4  # one inside the first batch, three in the redelivered one


async def test_a_persistent_transient_error_rolls_the_whole_batch_back_for_redelivery() -> None:
    nip = "197201011996031009"
    TRANSIENT_FAILURES[nip] = 3
    async with running_service(toy()) as svc:
        records = batch(("197303032000031003", "a"), (nip, "t"), ("197404042000031004", "b"))
        with pytest.raises(AutoReconnect):
            await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), records)
        after_failure = (await plans_in_order(svc), len(await inbox_ids(svc)))
        await svc.kit.consumer.process_batch(TOPIC, per_event(on_mutation_decided), records)  # redelivered
        plans = await plans_in_order(svc)
    assert after_failure == ([], 0)
    assert plans == ["197303032000031003", nip, "197404042000031004"]


async def test_a_batch_handler_that_does_not_name_the_bad_event_is_bisected_to_it() -> None:
    calls: list[int] = []

    async def bulk(events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        calls.append(len(events))
        if any(e.data.nip == REJECTED_NIP for e in events):
            raise ValueError("one of these is bad")
        await uow.collection("plans").insert_many([{"nip": e.data.nip} for e in events])

    app = toy()
    seen = dlq_spy(app)
    nips = [f"197303032000031{i:03d}" for i in range(8)]
    nips[5] = REJECTED_NIP
    async with running_service(app) as svc:
        await svc.kit.consumer.process_batch(TOPIC, bulk, batch(*[(n, f"e{i}") for i, n in enumerate(nips)]))
        plans = await plans_in_order(svc)
    assert plans == [n for n in nips if n != REJECTED_NIP]
    assert len(seen) == 1
    assert json.loads(seen[0]["body"])["data"]["nip"] == REJECTED_NIP
    assert calls[0] == 8
    assert len(calls) < 8 * 2  # bisection, not one transaction per event


async def test_a_batch_handler_that_names_the_rejected_event_splits_there() -> None:
    calls: list[list[str]] = []

    async def bulk(events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        calls.append([e.id for e in events])
        for e in events:
            if e.data.nip == REJECTED_NIP:
                raise EventRejected("no such person", event=e)
        await uow.collection("plans").insert_many([{"nip": e.data.nip} for e in events])

    app = toy()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        records = batch(
            ("197303032000031003", "a"), ("197404042000031004", "b"), (REJECTED_NIP, "x"), ("197505052000031005", "c")
        )
        await svc.kit.consumer.process_batch(TOPIC, bulk, records)
        plans = await plans_in_order(svc)
    assert plans == ["197303032000031003", "197404042000031004", "197505052000031005"]
    assert calls == [["a", "b", "x", "c"], ["a", "b"], ["c"]]
    assert [s["headers"]["x-mutasi-reason"] for s in seen] == ["rejected"]
