"""Retention: published outbox entries lose their body at once and go after a while; inbox and idempotency expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.chassis import retention
from mutasi.chassis.store import IDEMPOTENCY, INBOX, OUTBOX
from mutasi.contracts import topics
from mutasi.contracts.examples import PAYLOADS
from tests.support.service import publish_event, running_service
from tests.support.toy import ToySettings, create_app

DECIDED = PAYLOADS[topics.MUTATION_DECIDED.name]


def settings() -> ToySettings:
    return ToySettings(mongo_uri="memory://", inbox_retention_days=30, idempotency_retention_days=2,
                       outbox_retention_days=7)  # fmt: skip


async def test_a_published_outbox_entry_keeps_no_body_and_the_event_still_reached_the_bus() -> None:
    async with running_service(create_app(settings())) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED)
        documents = await svc.kit.database().raw(OUTBOX).find({})
        kept = [(d["sent"], e["topic"], "body" in e, "bodies" in d) for d in documents for e in d["events"]]
        assert kept == [(True, topics.TRAINING_ASSIGNED.name, False, False)]
        assert [e["data"]["nip"] for e in await svc.published(topics.TRAINING_ASSIGNED)] == [DECIDED.nip]


async def test_the_purge_removes_only_what_outlived_its_retention() -> None:
    async with running_service(create_app(settings())) as svc:
        db = svc.kit.database()
        now = datetime.now(UTC)
        await db.raw(INBOX).insert_many([{"event_ids": ["old"], "processed_at": now - timedelta(days=31)},
                                         {"event_ids": ["new"], "processed_at": now - timedelta(days=29)}])  # fmt: skip
        keys = [{"agency_id": "a", "key": "old", "at": now - timedelta(days=3)},
                {"agency_id": "a", "key": "new", "at": now - timedelta(hours=1)}]  # fmt: skip
        await db.raw(IDEMPOTENCY).insert_many(keys)
        await db.raw(OUTBOX).insert_many([
            {"event_id": "sent-old", "sent": True, "seq": 1, "sent_at": now - timedelta(days=8)},
            {"event_id": "sent-new", "sent": True, "seq": 2, "sent_at": now - timedelta(days=6)},
            {"event_id": "unsent", "sent": False, "seq": 3, "body": "{}"},
        ])  # fmt: skip
        gone = await retention.purge(db, svc.kit.settings, now)
        assert gone == {INBOX: 1, IDEMPOTENCY: 1, OUTBOX: 1}
        assert [d["event_ids"] for d in await db.raw(INBOX).find({})] == [["new"]]
        assert [d["key"] for d in await db.raw(IDEMPOTENCY).find({})] == ["new"]
        assert sorted(d["event_id"] for d in await db.raw(OUTBOX).find({})) == ["sent-new", "unsent"]


async def test_the_retention_settings_become_ttl_indexes() -> None:
    async with running_service(create_app(settings())) as svc:
        assert svc.kit.database().ttl == {  # type: ignore[attr-defined]
            INBOX: ("processed_at", 30 * 86_400),
            IDEMPOTENCY: ("at", 2 * 86_400),
            OUTBOX: ("sent_at", 7 * 86_400),
        }
