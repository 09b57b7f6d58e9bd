"""The outbox relay: publishes committed outbox entries (keyed, confirmed) and marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import KafkaBroker

from mutasi.chassis.metrics import ServiceMetrics
from mutasi.chassis.store import LEASES, OUTBOX, Database, is_duplicate_key

# CloudEvents Kafka protocol binding, structured content mode: the whole event is the message value and the
# only header is its content type; no `ce_*` header is set (one would make SDKs read the message as binary mode).
STRUCTURED_MODE_HEADERS = {"content-type": "application/cloudevents+json; charset=UTF-8"}

log = logging.getLogger("mutasi.relay")


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
        self._held_until: datetime | None = None

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
                while await self.publish_pending() == self._batch:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed; retrying at the next pass")

    async def publish_pending(self) -> int:
        """Publish one batch of unsent entries in commit order; returns how many were sent."""
        async with self._lock:
            if not await self.hold_lease():
                return 0
            outbox = self._db.raw(OUTBOX)
            entries = await outbox.find({"sent": False}, sort=[("seq", 1)], limit=self._batch)
            if not entries:
                self._metrics.outbox_pending.set(0)
                return 0
            sent: list[str] = []
            try:
                for entry in entries:
                    await self._publish(entry)
                    sent.append(entry["event_id"])
            finally:
                if sent:
                    await outbox.update_many(
                        {"event_id": {"$in": sent}}, {"$set": {"sent": True, "sent_at": datetime.now(UTC)}}
                    )
            self._metrics.outbox_pending.set(await outbox.count({"sent": False}))
            return len(sent)

    async def hold_lease(self) -> bool:
        """Take or renew the service's relay lease; with several replicas only the holder publishes.

        Without it every replica would publish every entry: consumers would absorb the duplicates through their
        inbox, but traffic would double. A holder that dies is replaced once its lease expires."""
        now = datetime.now(UTC)
        renew_after = self._held_until - timedelta(seconds=self._lease_s / 2) if self._held_until else None
        if renew_after is not None and now < renew_after:
            return True  # held, and far from expiring: no write on every pass
        self._held_until = None
        try:
            await self._db.raw(LEASES).update_one(
                {"name": "outbox-relay", "$or": [{"owner": self.owner}, {"expires": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires": now + timedelta(seconds=self._lease_s)}},
                upsert=True,
            )
        except Exception as exc:
            if is_duplicate_key(exc):  # another replica holds a lease that has not expired
                return False
            raise
        self._held_until = now + timedelta(seconds=self._lease_s)
        return True

    async def _publish(self, entry: dict[str, Any]) -> None:
        body = entry["body"].encode()
        headers = dict(STRUCTURED_MODE_HEADERS)
        await self._broker.publish(body, entry["topic"], key=entry["key"].encode(), headers=headers)
        self._metrics.outbox_published.labels(entry["topic"]).inc()
        log.debug("published", extra={"topic": entry["topic"], "event_id": entry["event_id"]})
