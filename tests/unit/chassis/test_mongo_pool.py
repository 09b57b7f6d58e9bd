"""The driver drops pooled connections before SecantusDB closes them for idleness (300 s)."""

from __future__ import annotations

from mutasi.chassis.mongo import MongoDatabase
from mutasi.chassis.settings import ServiceSettings


async def test_pooled_connections_are_dropped_before_the_server_closes_idle_ones() -> None:
    settings = ServiceSettings(service_name="toy")
    assert settings.mongo_max_idle_time_ms is not None
    assert settings.mongo_max_idle_time_ms < 300_000
    db = MongoDatabase("mongodb://127.0.0.1:1/?directConnection=true", "toy", 100, settings.mongo_max_idle_time_ms)
    await db.connect()  # the client connects lazily: no server is needed to read its options
    try:
        assert db.client.options.pool_options.max_idle_time_seconds == settings.mongo_max_idle_time_ms / 1000
    finally:
        await db.close()


async def test_the_setting_wins_over_the_uri() -> None:
    db = MongoDatabase("mongodb://127.0.0.1:1/?directConnection=true&maxIdleTimeMS=999000", "toy", 100, 60_000)
    await db.connect()
    try:
        assert db.client.options.pool_options.max_idle_time_seconds == 60
    finally:
        await db.close()
