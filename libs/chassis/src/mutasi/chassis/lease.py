"""A named lease in the service's own database: with several replicas, only the holder does a piece of work."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from mutasi.chassis.store import LEASES, Database, is_duplicate_key


class Lease:
    """Taken or renewed on `hold()`; a holder that dies is replaced once its lease expires (after `seconds`).

    The outbox relay holds `outbox-relay` so only one replica publishes; a periodic sender holds its own name so
    only one replica sends (the console's notices)."""

    def __init__(self, db: Database, name: str, seconds: float, owner: str | None = None) -> None:
        self._db = db
        self.name = name
        self._seconds = seconds
        self.owner = owner or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._held_until: datetime | None = None

    async def hold(self) -> bool:
        now = datetime.now(UTC)
        renew_after = self._held_until - timedelta(seconds=self._seconds / 2) if self._held_until else None
        if renew_after is not None and now < renew_after:
            return True  # held, and far from expiring: no write on every pass
        self._held_until = None
        try:
            await self._db.raw(LEASES).update_one(
                {"name": self.name, "$or": [{"owner": self.owner}, {"expires": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires": now + timedelta(seconds=self._seconds)}},
                upsert=True,
            )
        except Exception as exc:
            if is_duplicate_key(exc):  # another replica holds a lease that has not expired
                return False
            raise
        self._held_until = now + timedelta(seconds=self._seconds)
        return True
