"""The door of every topic: a garbage corpus is dead-lettered with a reason and the consumer group, and the next
good message is processed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from faststream.kafka.annotations import KafkaMessage

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.topics import ALL, MUTATION_DECIDED, Topic
from tests.support.garbage import corpus, good
from tests.support.service import publish_raw, running_service
from tests.support.toy import ToySettings


def door_app(topic: Topic, **settings: Any) -> tuple[FastAPI, list[str], list[dict[str, Any]]]:
    """A service that consumes only `topic` and records the ids it handled; plus a spy on the topic's DLQ."""
    kit = ServiceKit(ToySettings(mongo_uri="memory://", **settings), service="toy")
    handled: list[str] = []

    async def handle(event: CloudEvent[Any], uow: UnitOfWork) -> None:
        handled.append(event.id)

    kit.consume(topic, handle)
    dead: list[dict[str, Any]] = []

    @kit.broker.subscriber(topic.dlq)
    async def spy(msg: KafkaMessage) -> None:
        dead.append({**msg.headers, "size": len(msg.body)})

    return kit.build_app(routers=[], title="door"), handled, dead


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
async def test_garbage_is_dead_lettered_with_a_reason_and_the_next_good_message_is_processed(topic: Topic) -> None:
    app, handled, dead = door_app(topic)
    garbage = corpus(topic)
    async with running_service(app) as svc:
        for item in garbage:
            await publish_raw(svc, topic, item.body, item.key)
        after = good(topic)
        await publish_raw(svc, topic, json.dumps(after).encode(), b"k")
        registry = svc.kit.metrics.registry
        counted = sum(
            registry.get_sample_value(
                "mutasi_events_dead_lettered_total", {"service": "toy", "topic": topic.name, "reason": reason}
            )
            or 0
            for reason in {g.reason for g in garbage}
        )
    assert [(g.label, h["x-mutasi-reason"]) for g, h in zip(garbage, dead, strict=True)] == [
        (g.label, g.reason) for g in garbage
    ]
    assert {h["x-mutasi-consumer-group"] for h in dead} == {f"mutasi-toy.{topic.name}"}
    assert {h["x-mutasi-service"] for h in dead} == {"toy"}
    assert all(h["x-mutasi-error"] and h["x-mutasi-original-topic"] == topic.name for h in dead)
    assert handled == [after["id"]]
    assert counted == len(garbage)


async def test_an_agency_this_deployment_does_not_serve_is_dead_lettered_until_it_is_configured() -> None:
    event = good(MUTATION_DECIDED)
    event["agencyid"] = "kota-baru"
    for agencies, expected_handled in ((["sawahlunto"], 0), (["sawahlunto", "kota-baru"], 1)):
        app, handled, dead = door_app(MUTATION_DECIDED, agencies=agencies)
        async with running_service(app) as svc:
            await publish_raw(svc, MUTATION_DECIDED, json.dumps(event).encode(), b"k")
        assert len(handled) == expected_handled
        assert len(dead) == 1 - expected_handled


async def test_a_message_over_the_size_limit_is_dead_lettered_before_it_is_parsed() -> None:
    event = good(MUTATION_DECIDED)
    event["data"]["padding"] = "x" * 5000
    app, handled, dead = door_app(MUTATION_DECIDED, max_message_bytes=4096)
    async with running_service(app) as svc:
        await publish_raw(svc, MUTATION_DECIDED, json.dumps(event).encode(), b"k")
    assert handled == []
    assert dead[0]["x-mutasi-reason"] == "too_large"
    assert dead[0]["x-mutasi-truncated-from"] == str(len(json.dumps(event)))
    assert "exceeds the limit of 4096" in dead[0]["x-mutasi-error"]
    assert dead[0]["size"] == 4096  # only the head is kept, so the dead letter itself can always be published
