"""Subscriber wiring: batched consumption with the per-event guarantees.

Each subscriber reads a batch (up to `kafka_batch_max_records` records, waiting at most `kafka_batch_timeout_ms`)
and handles it in ONE database transaction: inbox lookup with `$in`, the handler's state changes, inbox and outbox
with `insert_many`, one commit, then one offset commit. Messages that fail validation go to the DLQ before the
transaction. A batch that fails for a non-transient reason is split (at the failing event when the handler names
it, by halves otherwise) so a poison message is dead-lettered alone and the rest commit. Records are handled in
the order Kafka returned them, so the order per partition (per NIP) is kept. Transient failures retry the whole
batch with backoff; when they persist the batch is nacked (the consumer seeks back) and redelivered, and the inbox
makes the parts that did commit change nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, cast

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError

from mutasi.chassis import tracing
from mutasi.chassis.clock import Clock
from mutasi.chassis.context import flow
from mutasi.chassis.deadletter import TRUNCATED_FROM, DeadLetters, Reason
from mutasi.chassis.faults import is_transient as is_transient  # one definition, in faults
from mutasi.chassis.metrics import ServiceMetrics
from mutasi.chassis.outage import Outages
from mutasi.chassis.settings import ServiceSettings
from mutasi.chassis.store import Database, UnitOfWork, is_duplicate_key
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic
from mutasi.contracts.values import DATE_WINDOW

log = logging.getLogger("mutasi.consumer")

Handler = Callable[[CloudEvent[Any], UnitOfWork], Awaitable[None]]
"""A per-event handler: called once per new event, inside the batch's transaction, in delivery order."""

BatchHandler = Callable[[Sequence[CloudEvent[Any]], UnitOfWork], Awaitable[None]]
"""A batch handler: called once with every new event of a batch (duplicates removed, delivery order kept).

It loads what it needs once and writes in bulk. To reject one event it raises `EventRejected(..., event=e)`
(or `EventFailed(e, exc)` for an unexpected error), so that event alone is dead-lettered and the rest commit."""


class EventRejected(Exception):
    """A handler's verdict that a well-formed event can never be processed; it goes to the DLQ.

    A batch handler names the event (`event=`); without it the batch is bisected to find it."""

    def __init__(self, message: str, *, event: CloudEvent[Any] | None = None) -> None:
        super().__init__(message)
        self.event = event


class EventFailed(Exception):
    """A non-transient error while handling one named event of a batch."""

    def __init__(self, event: CloudEvent[Any], cause: BaseException) -> None:
        super().__init__(repr(cause))
        self.event = event
        self.cause = cause


def per_event(handler: Handler) -> BatchHandler:
    """The per-event API on top of the batch machinery: `handler` runs for each event in order, in one transaction.

    Each call runs in the event's correlation flow; a non-transient failure names its event."""

    async def run(events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        default_program = uow.default_program_id
        for event in events:
            uow.default_program_id = event.programid or default_program  # what the event emits stays in its programme
            with flow(event.correlationid, event.id), tracing.consuming(event, uow.service):
                try:
                    await handler(event, uow)
                except EventRejected as exc:
                    if exc.event is None:
                        exc.event = event
                    raise
                except Exception as exc:
                    if is_transient(exc) or is_duplicate_key(exc):
                        raise
                    raise EventFailed(event, exc) from exc
        uow.default_program_id = default_program

    run.__name__ = getattr(handler, "__name__", "handler")
    run.traces_each_event = True  # type: ignore[attr-defined]
    return run


@dataclass
class Incoming:
    """One valid record of a batch."""

    event: CloudEvent[Any]
    body: bytes
    record: Any
    key: bytes | None

    @property
    def headers(self) -> dict[str, Any]:
        """The record's headers (read only for a dead letter)."""
        return _headers(self.record)


class _Split(Exception):
    """Internal: the batch must be split at `index` (or bisected when None); `reason`/`error` for the DLQ."""

    def __init__(self, index: int | None, reason: Reason, error: str) -> None:
        super().__init__(error)
        self.index = index
        self.reason = reason
        self.error = error


class _AlreadySeen(Exception):
    """Internal: the inbox refused the batch's record, so some of its events were processed before."""


class EventConsumer:
    """Runs one handler per topic with the reliability rules: inbox, outbox, ack after commit, DLQ, retries."""

    def __init__(
        self,
        service: str,
        settings: ServiceSettings,
        broker: KafkaBroker,
        database: Callable[[], Database],
        metrics: ServiceMetrics,
        on_commit: Callable[[UnitOfWork], None],
        outages: Outages | None = None,
    ) -> None:
        self._service = service
        self._settings = settings
        self._broker = broker
        self._database = database
        self._metrics = metrics
        self._on_commit = on_commit
        self._dead = DeadLetters(broker, service, metrics)
        self._outages = outages or Outages(settings.outage_summary_s)
        self._agencies = frozenset(settings.agencies)
        self._clock = Clock(settings.timezone, settings.today)
        self._window: tuple[date, dict[str, Any]] | None = None  # (today, validation context with its date window)

    def group_of(self, topic: Topic) -> str:
        """The consumer group of this service for `topic` (named in its dead letters)."""
        return f"{self._settings.resolved_group_id}.{topic.name}"

    def subscribe(self, topic: Topic, handler: Handler) -> None:
        """Consume `topic` with a per-event handler (run for each event of a batch, in one transaction)."""
        self.subscribe_batch(topic, per_event(handler))

    def subscribe_batch(self, topic: Topic, handler: BatchHandler, max_records: int | None = None) -> None:
        """Consume `topic` with a batch handler (see `BatchHandler`); `max_records` overrides the setting
        `kafka_batch_max_records` for this topic."""
        s = self._settings

        async def on_batch(msg: KafkaMessage) -> None:
            await self.process_batch(topic, handler, _flatten(msg.raw_message))

        on_batch.__name__ = f"on_{topic.name.replace('.', '_').replace('-', '_')}"
        self._broker.subscriber(
            topic.name,
            # One group per (service, topic): each FastStream subscriber is its own consumer, and
            # separate groups keep one topic's rebalance from pausing another's.
            group_id=self.group_of(topic),
            batch=True,
            max_records=max_records or s.kafka_batch_max_records,
            batch_timeout_ms=s.kafka_batch_timeout_ms,
            decoder=_undecoded,
            ack_policy=AckPolicy.NACK_ON_ERROR,  # commit offsets after the transaction; seek back on error
            auto_offset_reset=cast(Literal["latest", "earliest", "none"], s.kafka_auto_offset_reset),
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            title=f"{self._service}:{topic.name}",
            description=topic.description,
        )(on_batch)

    async def process_batch(self, topic: Topic, handler: BatchHandler, records: Sequence[Any]) -> None:
        """Handle the records of one poll; returns normally to ack (commit offsets), raises to nack."""
        valid: list[Incoming] = []
        seen: set[str] = set()
        context = self._validation_context()  # once per batch: the date window of today
        for record in records:
            body = record.value if isinstance(record.value, bytes) else bytes(record.value or b"")
            key = record.key
            event = await self._admit(topic, body, functools.partial(_headers, record), key, context)
            if event is None:
                continue
            if event.id in seen:  # the same event twice in one batch: the first one counts
                self._metrics.events_duplicate.labels(topic.name).inc()
                continue
            seen.add(event.id)
            valid.append(Incoming(event, body, record, key))
        if valid:
            await self._run(topic, handler, valid)

    async def _run(self, topic: Topic, handler: BatchHandler, items: list[Incoming]) -> None:
        attempts = max(1, self._settings.retry_attempts)
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._handle_once(topic, handler, items)
                return
            except _Split as split:
                await self._split(topic, handler, items, split)
                return
            except Exception as exc:
                if is_duplicate_key(exc) and attempt < attempts:
                    # A concurrent delivery of an event of this batch committed first (a rebalance, a second
                    # replica): retry, and the inbox lookup now skips it.
                    continue
                if not is_transient(exc):
                    raise
                self._metrics.events_retried.labels(topic.name).inc()
                self._outages.of(exc).failed(exc)  # logged once per outage, not once per retry
                if attempt >= attempts:
                    raise
                await asyncio.sleep(self._settings.retry_backoff_s * 2 ** (attempt - 1))

    async def _split(self, topic: Topic, handler: BatchHandler, items: list[Incoming], split: _Split) -> None:
        if len(items) == 1:
            item = items[0]
            await self.dead_letter(topic, item.body, item.headers, item.key, split.reason, split.error)
            return
        if split.index is not None:
            # The handler named the event: commit what came before it, dead-letter it alone, go on after it.
            before, bad, after = items[: split.index], items[split.index], items[split.index + 1 :]
            if before:
                await self._run(topic, handler, before)
            await self.dead_letter(topic, bad.body, bad.headers, bad.key, split.reason, split.error)
            if after:
                await self._run(topic, handler, after)
            return
        middle = len(items) // 2
        await self._run(topic, handler, items[:middle])
        await self._run(topic, handler, items[middle:])

    async def _handle_once(self, topic: Topic, handler: BatchHandler, items: list[Incoming]) -> None:
        # First the inbox record of the whole batch, before the handler: the unique index on the inbox's event ids
        # accepts it only if no event of the batch was processed before, so the usual batch needs no `$in` lookup
        # (a round trip and an index probe per event). If it is refused, the transaction is dropped and the batch
        # runs again with the lookup, skipping what was already processed.
        try:
            await self._handle_in_uow(topic, handler, items, claim_first=True)
        except _AlreadySeen:
            await self._handle_in_uow(topic, handler, items, claim_first=False)

    async def _handle_in_uow(
        self, topic: Topic, handler: BatchHandler, items: list[Incoming], *, claim_first: bool
    ) -> None:
        uow = self._database().uow(self._service, self._settings.default_program_id)
        uow.after_commit = functools.partial(self._on_commit, uow)  # runs only when the batch emitted something
        uow.schema_base = self._settings.resolved_schema_base
        ids = [item.event.id for item in items]
        started = time.time_ns()
        async with uow:
            if claim_first:
                try:
                    await uow.record_processed_many(ids, topic.name)
                except Exception as exc:
                    if is_duplicate_key(exc):
                        raise _AlreadySeen from exc
                    raise
                fresh = items
            else:
                done = await uow.processed_among(ids)
                fresh = [item for item in items if item.event.id not in done]
                if done:
                    self._metrics.events_duplicate.labels(topic.name).inc(len(items) - len(fresh))
            if fresh:
                events = [item.event for item in fresh]
                try:
                    await handler(events, uow)
                except EventRejected as exc:
                    raise _Split(_position(items, exc.event), "rejected", str(exc)) from exc
                except EventFailed as exc:
                    log.error(
                        "handler failed",
                        exc_info=exc.cause,
                        extra={"topic": topic.name, "event_id": exc.event.id},
                    )
                    raise _Split(_position(items, exc.event), "handler_error", repr(exc.cause)) from exc
                except Exception as exc:
                    if is_transient(exc) or is_duplicate_key(exc):
                        raise
                    if len(fresh) == 1:
                        log.exception("handler failed", extra={"topic": topic.name, "event_id": fresh[0].event.id})
                    raise _Split(None, "handler_error", repr(exc)) from exc
                if not claim_first:
                    await uow.record_processed_many([item.event.id for item in fresh], topic.name)
            await uow.commit()
        self._outages.database.recovered()
        if fresh:
            self._metrics.events_consumed.labels(topic.name).inc(len(fresh))
            if not getattr(handler, "traces_each_event", False):
                tracing.processed_in_batch([item.event for item in fresh], self._service, started)

    async def admit(
        self, topic: Topic, body: bytes, headers: dict[str, Any], key: bytes | None
    ) -> CloudEvent[Any] | None:
        """The door: size, JSON, contract (with today's date window), type and agency; None = dead-lettered."""
        return await self._admit(topic, body, lambda: headers, key, self._validation_context())

    def _validation_context(self) -> dict[str, Any]:
        """The validation context of today: the window event dates must fall in (built once a day)."""
        today = self._clock.today()
        if self._window is None or self._window[0] != today:
            days = timedelta(days=self._settings.event_date_window_days)
            self._window = (today, {DATE_WINDOW: (today - days, today + days)})
        return self._window[1]

    async def _admit(
        self,
        topic: Topic,
        body: bytes,
        headers_of: Callable[[], dict[str, Any]],
        key: bytes | None,
        context: dict[str, Any],
    ) -> CloudEvent[Any] | None:
        s = self._settings
        if len(body) > s.max_message_bytes:
            error = f"message of {len(body)} bytes exceeds the limit of {s.max_message_bytes}"
            # Only the head is kept: the whole body may exceed what a producer may send, and a dead letter that
            # cannot be published would be redelivered forever.
            kept = {**headers_of(), TRUNCATED_FROM: str(len(body))}
            await self.dead_letter(topic, body[: s.max_message_bytes], kept, key, "too_large", error)
            return None
        try:
            # One pass from bytes to the envelope (pydantic's JSON parser): about half the CPU of json.loads and
            # then validating the dict, and the same rules.
            event = event_model(topic.payload).model_validate_json(body, context=context)
        except ValidationError as exc:
            not_json = [e for e in exc.errors() if e["type"] == "json_invalid"]
            error = f"body is not JSON: {not_json[0]['msg']}" if not_json else _describe(exc)
            await self.dead_letter(topic, body, headers_of(), key, "invalid", error)
            return None
        except ValueError as exc:
            await self.dead_letter(topic, body, headers_of(), key, "invalid", _describe(exc))
            return None
        if event.type != topic.name:
            error = f"type {event.type!r} on {topic.name}"
            await self.dead_letter(topic, body, headers_of(), key, "invalid", error)
            return None
        if event.agencyid not in self._agencies:
            error = f"agency {event.agencyid!r} is not one this deployment serves (setting AGENCIES)"
            await self.dead_letter(topic, body, headers_of(), key, "unknown_agency", error)
            return None
        return event

    async def dead_letter(
        self, topic: Topic, body: bytes, headers: dict[str, Any], key: bytes | None, reason: Reason, error: str
    ) -> None:
        """Re-publish the original message to `<topic>.dlq` with the error; the original is then acked."""
        await self._dead.send(topic.name, topic.dlq, self.group_of(topic), body, headers, key, reason, error)


async def _undecoded(msg: Any) -> None:
    """FastStream's decoder for our subscribers: nothing. The handler reads the raw records (`admit` parses and
    validates each body once); the default decoder would JSON-parse every body of the batch a second time."""
    return None


def _flatten(raw: Any) -> list[Any]:
    """The records of a poll (FastStream's test broker nests them one level deeper than the real one)."""
    if isinstance(raw, list | tuple):
        return [record for part in raw for record in _flatten(part)]
    return [raw]


def _position(items: list[Incoming], event: CloudEvent[Any] | None) -> int | None:
    if event is None:
        return None
    for i, item in enumerate(items):
        if item.event.id == event.id:
            return i
    return None


def _headers(record: Any) -> dict[str, Any]:
    raw = getattr(record, "headers", None) or ()
    if isinstance(raw, dict):
        return dict(raw)
    return {str(k): v for k, v in raw}


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)
