"""A service's consume path on a real MongoDB-protocol server (SecantusDB), without Kafka: batches of records are
handed to the chassis consumer exactly as a poll would hand them over, so a handler's own cost per event is
measured (inbox, handler reads and writes, outbox, one transaction per batch), not the broker's."""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from mutasi.chassis.consumer import BatchHandler
from mutasi.chassis.kit import ServiceKit
from mutasi.cli.servers import start_secantus, stop
from mutasi.contracts.topics import Topic
from tests.support.service import envelope

BATCH = 500  # the chassis default `kafka_batch_max_records`


STORES = ("memory", "disk")  # `BENCH_SECANTUS_STORE`: "disk" is the local stack's (a data directory, fsync per commit)


def store_kind() -> str:
    kind = os.environ.get("BENCH_SECANTUS_STORE", "memory")
    if kind not in STORES:
        raise SystemExit(f"BENCH_SECANTUS_STORE must be one of {STORES}, not {kind!r}")
    return kind


@contextlib.contextmanager
def secantus(store: str | None = None) -> Iterator[str]:
    """A throw-away SecantusDB; yields its URI. `store` (default `BENCH_SECANTUS_STORE`, else "memory"): "memory"
    keeps nothing; "disk" stores in a temporary directory and fsyncs every commit, as `mutasi stack up` runs it."""
    kind = store or store_kind()
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "disk":
            server = start_secantus(Path(tmp) / "secantus.log", storage=Path(tmp) / "data", sync_on_commit=True)
        else:
            server = start_secantus(Path(tmp) / "secantus.log")
        try:
            yield server.url
        finally:
            stop(server.proc)


def database_settings(mongo_uri: str) -> dict[str, Any]:
    return {"mongo_uri": mongo_uri, "database": f"bench_{uuid.uuid4().hex[:8]}", "log_level": "WARNING"}


async def started(kit: ServiceKit) -> ServiceKit:
    """The kit with its database and indexes, no broker and no relay (nothing is published)."""
    await kit.start(start_broker=False)
    if kit.relay is not None:
        await kit.relay.stop()
        kit.relay = None
    return kit


def valid_nip(i: int) -> str:
    """A well-formed NIP (birth date, appointment month, sex, sequence), distinct for every `i` below ~10 million."""
    born = date(1975, 1, 1) + timedelta(days=i // 999)
    return f"{born:%Y%m%d}200503{1 + i % 2}{1 + i % 999:03d}"


def records(topic: Topic, payloads: Sequence[tuple[str, BaseModel]], agency_id: str) -> list[SimpleNamespace]:
    """Kafka records of `topic` (key = subject) as the consumer receives them from a poll."""
    out = []
    for subject, payload in payloads:
        event = envelope(topic, payload, agency_id=agency_id)
        out.append(SimpleNamespace(value=event.model_dump_json().encode(), key=subject.encode(), headers=[]))
    return out


async def consume_rate(
    kit: ServiceKit, topic: Topic, handler: BatchHandler, batch: Sequence[Any], size: int = BATCH
) -> float:
    """Events per second through `process_batch`, `size` records per batch."""
    started_at = time.perf_counter()
    for i in range(0, len(batch), size):
        await kit.consumer.process_batch(topic, handler, batch[i : i + size])
    return len(batch) / (time.perf_counter() - started_at)


def median_record(bench: str, rates: list[float], **context: Any) -> dict[str, Any]:
    return {
        "bench": bench,
        "metric": "events_per_second_median",
        "value": round(statistics.median(rates), 1),
        "unit": "events/s",
        "runs": [round(r, 1) for r in rates],
        "stack": "secantusdb",
        **context,
    }


Run = Callable[[str], Awaitable[float]]
