"""The outbox relay: publishes committed outbox entries (keyed, confirmed) and marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from mutasi.chassis.lease import Lease
from mutasi.chassis.metrics import ServiceMetrics
from mutasi.chassis.outage import Outages
from mutasi.chassis.store import OUTBOX, OUTBOX_CHUNK, Database, Doc, document_events

# CloudEvents Kafka protocol binding, structured content mode: the whole event is the message value and the
# only header is its content type; no `ce_*` header is set (one would make SDKs read the message as binary mode).
STRUCTURED_MODE_HEADERS = {"content-type": "application/cloudevents+json; charset=UTF-8"}
_WIRE_HEADERS = [(k, v.encode()) for k, v in STRUCTURED_MODE_HEADERS.items()]

log = logging.getLogger("mutasi.relay")
DOCUMENTS_PER_PASS = 50  # outbox documents read per pass (each holds one commit's events, up to OUTBOX_CHUNK)
FRESH_LIMIT = 20_000  # events held in memory for publication at most; beyond, the relay reads them from the outbox


class OutboxRelay:
    """Publishes what units of work committed; unsent entries survive restarts because they live in the DB."""

    def __init__(
        self,
        db: Database,
        broker: KafkaBroker,
        metrics: ServiceMetrics,
        interval_s: float,
        batch: int,
        lease_s: float = 10.0,
        outages: Outages | None = None,
        *,
        read_interval_s: float = 1.0,
    ) -> None:
        self._db = db
        self._broker = broker
        self._metrics = metrics
        self._interval = interval_s
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._lease_s = lease_s
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lease: Lease | None = None
        self._outages = outages or Outages()
        self.tap: Callable[[str, str], None] | None = None  # test support sees each body as it is published
        self._fresh: dict[int, Doc] = {}  # seq -> outbox document this process committed and has not published
        self._fresh_events = 0
        self._caught_up = False  # the last outbox read found nothing unsent that is not in `_fresh`
        self._last_read = 0.0  # time.monotonic() of the last pass that read the outbox
        self._read_interval = read_interval_s  # the outbox is read at least this often while publishing from memory
        self._forgotten = 0  # how many times memory was dropped (a read that overlapped a drop proves nothing)

    def wake(self) -> None:
        """Called after a commit so new events go out at once instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                while await self.publish_pending():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # logged once per outage, not once per pass (see outage.py)
                self._outages.of(exc).failed(exc)
            else:
                self._outages.database.recovered()

    def committed(self, documents: Sequence[Doc]) -> None:
        """Called after a unit of work of this process commits, with the outbox documents it wrote (bodies included):
        they are published from memory instead of being read back, and the relay is woken."""
        for document in documents:
            self._fresh[document["seq"]] = document
            self._fresh_events += _size(document)
        if self._fresh_events > FRESH_LIMIT:  # the broker or the lease is away: the database holds them all anyway
            self._forget()
        self.wake()

    def _forget(self) -> None:
        """Drop what is held in memory; the next pass reads the outbox (the database is the truth)."""
        self._fresh.clear()
        self._fresh_events = 0
        self._caught_up = False
        self._forgotten += 1

    async def publish_pending(self) -> int:
        """Publish unsent outbox documents in commit order (up to about `batch` events); returns how many events
        were sent.

        While the last read of the outbox found nothing unsent that this process did not also hold in memory
        (`_caught_up`), a pass publishes the documents its own units of work just committed without reading the
        outbox: reading back what was just written (sizes, then bodies) cost the database as much as the consumer's
        transaction. The outbox is still read at least every `read_interval_s` (documents committed by another replica,
        or by a commit whose outcome this process did not see), after any failure, and whenever nothing is held."""
        async with self._lock:
            if not await self.hold_lease():
                self._forget()
                return 0
            try:
                if self._caught_up and time.monotonic() - self._last_read < self._read_interval:
                    if not self._fresh:
                        self._metrics.outbox_pending.set(0)
                        return 0
                    taken = self._take_fresh()
                    return await self._publish(taken, self._fresh_events)
                return await self._publish_stored()
            except BaseException:
                self._caught_up = False
                raise

    def _take_fresh(self) -> list[Doc]:
        """Whole documents held in memory, in commit order, at least one, about `batch` events."""
        taken: list[Doc] = []
        counted = 0
        for seq, document in list(self._fresh.items()):
            size = _size(document)
            if taken and counted + size > self._batch:
                break
            taken.append(document)
            counted += size
            del self._fresh[seq]
            self._fresh_events -= size
        return taken

    async def _publish_stored(self) -> int:
        """A pass that reads the outbox: the sizes of the oldest unsent documents first, then the bodies of those
        this pass takes that are not held in memory."""
        outbox = self._db.raw(OUTBOX)
        self._last_read = time.monotonic()
        forgotten = self._forgotten
        # First the sizes only (seq and event count): the bodies of documents this pass does not take would
        # be read and decoded for nothing (up to DOCUMENTS_PER_PASS × OUTBOX_CHUNK bodies per pass).
        heads = await outbox.find({"sent": False}, sort=[("seq", 1)], limit=DOCUMENTS_PER_PASS, fields=["seq", "n"])
        if not heads:
            # Nothing unsent: every document committed from now on reaches `committed` (unless memory was dropped).
            self._caught_up = forgotten == self._forgotten
            self._metrics.outbox_pending.set(self._fresh_events)
            return 0
        chosen: list[int] = []
        counted = 0
        for head in heads:  # whole documents, at least one, about `batch` events
            size = _size(head)
            if chosen and counted + size > self._batch:
                break
            chosen.append(head["seq"])
            counted += size
        held = {seq: self._fresh[seq] for seq in chosen if seq in self._fresh}
        missing = [seq for seq in chosen if seq not in held]
        read = await outbox.find({"sent": False, "seq": {"$in": missing}}) if missing else []
        by_seq = {**held, **{d["seq"]: d for d in read}}
        taken = [by_seq[seq] for seq in chosen if seq in by_seq]
        for seq in chosen:
            if seq in self._fresh:
                self._fresh_events -= _size(self._fresh.pop(seq))
        rest = heads[len(chosen) :]
        # Every unsent document is one this process holds: the next passes need not read the outbox.
        self._caught_up = (
            forgotten == self._forgotten
            and len(heads) < DOCUMENTS_PER_PASS
            and all(h["seq"] in self._fresh for h in rest)
        )
        pending_after = sum(_size(h) for h in rest) if len(heads) < DOCUMENTS_PER_PASS else None
        return await self._publish(taken, pending_after)

    async def _publish(self, taken: list[Doc], pending_after: int | None) -> int:
        """Hand every event of `taken` to the producer, then wait for all acknowledgements at once (one confirmed
        flush per pass instead of one round trip per event; Kafka keeps the order per key, i.e. partition), then
        mark the documents sent with one update."""
        outbox = self._db.raw(OUTBOX)
        entries = [(d["seq"], e) for d in taken for e in document_events(d)]
        futures = [await self._send(entry) for _, entry in entries]
        results = await asyncio.gather(*futures, return_exceptions=True)
        failed_docs = {seq for (seq, _), r in zip(entries, results, strict=True) if isinstance(r, BaseException)}
        done = [d for d in taken if d["seq"] not in failed_docs]
        # A published document keeps its ids and times, not the bodies (no event archive): one update for the pass.
        now = datetime.now(UTC)
        for legacy in (False, True):  # documents written before the bodies moved beside the events drop them inside
            seqs = [d["seq"] for d in done if ("bodies" not in d) == legacy]
            if seqs:
                await outbox.update_many(
                    {"sent": False, "seq": {"$in": seqs}},
                    {"$set": {"sent": True, "sent_at": now}, "$unset": {"events.$[].body" if legacy else "bodies": ""}},
                )
        sent = 0
        failure: BaseException | None = None
        for (_, entry), result in zip(entries, results, strict=True):
            if isinstance(result, BaseException):
                failure = failure or result
            else:
                sent += 1
                self._metrics.outbox_published.labels(entry["topic"]).inc()
                if self.tap is not None:
                    self.tap(entry["topic"], entry["body"])
        if failure is not None:  # documents with a failed event stay unsent and go out again (consumers dedup)
            raise failure
        if sent:
            self._outages.broker.recovered()
        if pending_after is None:  # more documents than one pass reads: count them
            pending_after = await outbox.count({"sent": False})
        self._metrics.outbox_pending.set(pending_after)
        return sent

    async def hold_lease(self) -> bool:
        """Take or renew the service's relay lease; with several replicas only the holder publishes.

        Without it every replica would publish every entry: consumers would absorb the duplicates through their
        inbox, but traffic would double."""
        if self._lease is None:
            self._lease = Lease(self._db, "outbox-relay", self._lease_s, self.owner)
        return await self._lease.hold()

    async def _send(self, entry: dict[str, Any]) -> asyncio.Future[Any]:
        body = entry["body"].encode()
        producer = _kafka_producer(self._broker)
        if producer is not None:
            # Straight to the broker's aiokafka producer: the same record (value, key, content-type header) without
            # FastStream's per-message publish path (command object, middlewares, a correlation-id header nobody
            # reads), which cost more CPU than the send itself. The future resolves when Kafka acknowledges.
            sent: asyncio.Future[Any] = await producer.send(
                entry["topic"], body, key=entry["key"].encode(), headers=list(_WIRE_HEADERS)
            )
            return sent
        headers = dict(STRUCTURED_MODE_HEADERS)
        result: Any = await self._broker.publish(
            body, entry["topic"], key=entry["key"].encode(), headers=headers, no_confirm=True
        )
        if isinstance(result, asyncio.Future):
            return result
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()  # e.g. the test broker confirms
        done.set_result(result)
        return done


def _kafka_producer(broker: KafkaBroker) -> AIOKafkaProducer | None:
    """The running aiokafka producer under FastStream's broker; None under the test broker (or before start), where
    the relay publishes through `broker.publish`."""
    fast = getattr(broker.config, "producer", None)
    producer = getattr(getattr(fast, "_producer", None), "producer", None)
    return producer if isinstance(producer, AIOKafkaProducer) else None


def _size(head: Doc) -> int:
    """Events in an outbox document, from its `n` (a document written before `n` existed counts as full)."""
    return int(head.get("n") or OUTBOX_CHUNK)
