"""Subscriber wiring: consumer group, validation to DLQ, inbox dedup, retry with backoff, ack after commit."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, cast

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError

from mutasi.chassis.context import flow
from mutasi.chassis.faults import is_transient as is_transient  # one definition, in faults
from mutasi.chassis.metrics import ServiceMetrics
from mutasi.chassis.settings import ServiceSettings
from mutasi.chassis.store import Database, UnitOfWork, is_duplicate_key
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic

log = logging.getLogger("mutasi.consumer")

Handler = Callable[[CloudEvent[Any], UnitOfWork], Awaitable[None]]


class EventRejected(Exception):
    """A handler's verdict that a well-formed event can never be processed; it goes to the DLQ."""


class EventConsumer:
    """Runs one handler per topic with the reliability rules of docs/architecture.md#reliability."""

    def __init__(
        self,
        service: str,
        settings: ServiceSettings,
        broker: KafkaBroker,
        database: Callable[[], Database],
        metrics: ServiceMetrics,
        on_commit: Callable[[], None],
    ) -> None:
        self._service = service
        self._settings = settings
        self._broker = broker
        self._database = database
        self._metrics = metrics
        self._on_commit = on_commit

    def subscribe(self, topic: Topic, handler: Handler) -> None:
        s = self._settings

        async def on_message(msg: KafkaMessage) -> None:
            raw = msg.raw_message
            key = getattr(raw, "key", None)
            await self.process(topic, handler, msg.body, dict(msg.headers or {}), key)

        on_message.__name__ = f"on_{topic.name.replace('.', '_').replace('-', '_')}"
        self._broker.subscriber(
            topic.name,
            # One group per (service, topic): each FastStream subscriber is its own consumer, and
            # separate groups keep one topic's rebalance from pausing another's.
            group_id=f"{s.resolved_group_id}.{topic.name}",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset=cast(Literal["latest", "earliest", "none"], s.kafka_auto_offset_reset),
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            max_workers=s.kafka_consumer_workers if s.kafka_consumer_workers > 1 else None,
            title=f"{self._service}:{topic.name}",
            description=topic.description,
        )(on_message)

    async def process(
        self, topic: Topic, handler: Handler, body: bytes, headers: dict[str, Any], key: bytes | None
    ) -> None:
        """Handle one message; returns normally to ack, raises to nack (redeliver)."""
        try:
            event = event_model(topic.payload).model_validate(json.loads(body))
        except json.JSONDecodeError as exc:
            await self.dead_letter(topic, body, headers, key, "invalid", f"body is not JSON: {exc}")
            return
        except (ValueError, ValidationError) as exc:
            await self.dead_letter(topic, body, headers, key, "invalid", _describe(exc))
            return
        if event.type != topic.name:
            await self.dead_letter(topic, body, headers, key, "invalid", f"type {event.type!r} on {topic.name}")
            return
        attempts = max(1, self._settings.retry_attempts)
        for attempt in range(1, attempts + 1):
            try:
                await self._handle_once(topic, handler, event)
                return
            except EventRejected as exc:
                await self.dead_letter(topic, body, headers, key, "rejected", str(exc))
                return
            except Exception as exc:
                if not is_transient(exc):
                    log.exception("handler failed", extra={"topic": topic.name, "event_id": event.id})
                    await self.dead_letter(topic, body, headers, key, "handler_error", repr(exc))
                    return
                self._metrics.events_retried.labels(topic.name).inc()
                if attempt == attempts:
                    log.error("transient failure persists; message will be redelivered", extra={"topic": topic.name})
                    raise
                await asyncio.sleep(self._settings.retry_backoff_s * 2 ** (attempt - 1))

    async def _handle_once(self, topic: Topic, handler: Handler, event: CloudEvent[Any]) -> None:
        with flow(event.correlationid, event.id):
            uow = self._database().uow(self._service, event.programid)
            uow.schema_base = self._settings.resolved_schema_base
            async with uow:
                if await uow.already_processed(event.id):
                    self._metrics.events_duplicate.labels(topic.name).inc()
                    return
                await handler(event, uow)
                try:
                    await uow.record_processed(event.id, topic.name)
                except Exception as exc:
                    if is_duplicate_key(exc):  # a concurrent delivery of the same event won the race
                        self._metrics.events_duplicate.labels(topic.name).inc()
                        return
                    raise
                await uow.commit()
        self._metrics.events_consumed.labels(topic.name).inc()
        self._on_commit()

    async def dead_letter(
        self, topic: Topic, body: bytes, headers: dict[str, Any], key: bytes | None, reason: str, error: str
    ) -> None:
        """Re-publish the original message to `<topic>.dlq` with the error; the original is then acked."""
        out = {str(k): v if isinstance(v, str) else bytes(v).decode(errors="replace") for k, v in headers.items()}
        out.update({"x-mutasi-error": error[:2000], "x-mutasi-reason": reason, "x-mutasi-original-topic": topic.name})
        await self._broker.publish(body, topic.dlq, key=key, headers=out)
        self._metrics.events_dead_lettered.labels(topic.name, reason).inc()
        log.warning("dead-lettered", extra={"topic": topic.name, "reason": reason, "error": error[:300]})


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)
