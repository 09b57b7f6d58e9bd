"""Test helpers: run a service in-process on FastStream's TestKafkaBroker and the in-memory database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker
from pydantic import BaseModel

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.store import OUTBOX, outbox_events
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic
from tests.support.memory_db import MemoryDatabase


@dataclass
class RunningService:
    """A started service: its HTTP client, kit and (test) broker."""

    app: FastAPI
    kit: ServiceKit
    http: httpx.AsyncClient

    async def drain(self, rounds: int = 50) -> None:
        """Publish every committed outbox entry (and what subscribers emit in turn) until none is left."""
        assert self.kit.relay is not None
        for _ in range(rounds):
            if await self.kit.relay.publish_pending() == 0:
                return

    async def published(self, topic: Topic) -> list[dict[str, Any]]:
        """Every event this service emitted on `topic`, oldest first, as CloudEvent dicts."""
        documents = await self.kit.database().raw(OUTBOX).find({})
        return [json.loads(e["body"]) for e in outbox_events(documents, topic.name)]


@asynccontextmanager
async def running_service(app: FastAPI, agency_id: str = "sawahlunto") -> AsyncIterator[RunningService]:
    """Start `app`'s kit on a TestKafkaBroker; HTTP requests carry `X-Agency-Id: agency_id` by default."""
    kit: ServiceKit = app.state.kit
    kit.use_database(MemoryDatabase)
    async with TestKafkaBroker(kit.broker):
        await kit.start(start_broker=False)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers={"X-Agency-Id": agency_id}
            ) as client:
                yield RunningService(app=app, kit=kit, http=client)
        finally:
            await kit.stop(stop_broker=False)


def envelope(
    topic: Topic,
    data: BaseModel,
    *,
    agency_id: str,
    subject: str | None = None,
    event_id: str | None = None,
    source: str = "/mutasi/test",
) -> CloudEvent[Any]:
    """A CloudEvent as the topic's producer would publish it."""
    fields: dict[str, Any] = {
        "source": source,
        "type": topic.name,
        "subject": subject or str(getattr(data, topic.key)),
        "agencyid": agency_id,
        "correlationid": "test-correlation",
        "data": data,
    }
    if event_id:
        fields["id"] = event_id
    return event_model(type(data))(**fields)


async def publish_event(
    svc: RunningService,
    topic: Topic,
    data: BaseModel,
    *,
    agency_id: str = "sawahlunto",
    subject: str | None = None,
    event_id: str | None = None,
) -> CloudEvent[Any]:
    """Deliver an event to the service's subscribers (as another service would), then drain its outbox."""
    event = envelope(topic, data, agency_id=agency_id, subject=subject, event_id=event_id)
    await publish_raw(svc, topic, event.model_dump_json().encode(), key=event.subject.encode())
    return event


async def publish_raw(svc: RunningService, topic: Topic | str, body: bytes, key: bytes | None = None) -> None:
    name = topic if isinstance(topic, str) else topic.name
    await svc.kit.broker.publish(body, name, key=key)
    await svc.drain()
