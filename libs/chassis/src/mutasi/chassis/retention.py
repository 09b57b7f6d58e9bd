"""How long the plumbing keeps what it writes: inbox and idempotency records expire, published outbox entries go.

MongoDB removes them itself through TTL indexes; a periodic purge does the same on stores that do not honour TTL
(the in-memory database, SecantusDB) and is harmless where TTL already ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mutasi.chassis.settings import ServiceSettings
from mutasi.chassis.store import IDEMPOTENCY, INBOX, OUTBOX, Database

DAY_S = 86_400


@dataclass(frozen=True)
class Rule:
    """Documents of `collection` whose datetime `field` is older than `seconds` are deleted."""

    collection: str
    field: str
    seconds: int


def rules(settings: ServiceSettings) -> list[Rule]:
    return [
        Rule(INBOX, "processed_at", round(settings.inbox_retention_days * DAY_S)),
        Rule(IDEMPOTENCY, "at", round(settings.idempotency_retention_days * DAY_S)),
        Rule(OUTBOX, "sent_at", round(settings.outbox_retention_days * DAY_S)),  # unsent entries have no sent_at
    ]


async def install(db: Database, settings: ServiceSettings) -> None:
    for rule in rules(settings):
        await db.ensure_ttl(rule.collection, rule.field, rule.seconds)


async def purge(db: Database, settings: ServiceSettings, now: datetime) -> dict[str, int]:
    """Delete what has outlived its retention; returns how many documents went, per collection."""
    gone = {}
    for rule in rules(settings):
        gone[rule.collection] = await db.raw(rule.collection).delete_many(
            {rule.field: {"$lt": now - timedelta(seconds=rule.seconds)}}
        )
    return gone
