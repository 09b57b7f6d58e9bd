"""Two replicas of a service in one consumer group: what each holds and consumed, read from its /metrics.

Used by the e2e replica test and the round bench (`round.replicas`)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from mutasi.contracts import topics
from mutasi.contracts.examples import PAYLOADS


def replica_nip(i: int) -> str:
    """A well-formed NIP per `i` (birth date, TMT CPNS 2005-01, sex 1, sequence); distinct for i < 6,993,000."""
    birth = date(1975, 1, 1) + timedelta(days=i % 7000)
    return f"{birth:%Y%m%d}2005011{i // 7000 + 1:03d}"


def decided_event(nip: str, round_id: str, agency_id: str = "sawahlunto") -> bytes:
    """A `mutation-decided` as placement publishes it (the contract's example, this NIP and round)."""
    template = PAYLOADS[topics.MUTATION_DECIDED.name]
    data = template.model_copy(update={"nip": nip, "decision_id": f"{round_id}-{nip}", "round_id": round_id})
    body = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/mutasi/placement",
        "type": topics.MUTATION_DECIDED.name,
        "time": "2026-11-28T08:00:00Z",
        "subject": nip,
        "datacontenttype": "application/json",
        "agencyid": agency_id,
        "correlationid": str(uuid.uuid4()),
        "data": json.loads(data.model_dump_json()),
    }
    return json.dumps(body).encode()


def consumed_by(url: str, topic: str) -> tuple[float, set[str]]:
    """From one replica's /metrics: events of `topic` it handled (new ones, not duplicates), and the partitions of
    `topic` it holds now (its consumer-lag gauge lists exactly those)."""
    return consumed_in(httpx.get(f"{url}/metrics", timeout=10).text, topic)


def consumed_in(metrics: str, topic: str) -> tuple[float, set[str]]:
    """`consumed_by` from a service's /metrics text already fetched."""
    consumed, partitions = 0.0, set()
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name == "mutasi_events_consumed_total" and sample.labels.get("topic") == topic:
                consumed += sample.value
            if sample.name == "mutasi_consumer_lag" and sample.labels.get("topic") == topic:
                partitions.add(sample.labels.get("partition", ""))
    return consumed, partitions


async def until_split(urls: list[str], topic: str, timeout: float = 90) -> list[set[str]]:
    """Wait until every replica holds at least one partition of `topic` and none holds the same one."""
    deadline = time.monotonic() + timeout
    while True:
        held = [consumed_by(u, topic)[1] for u in urls]
        if all(held) and not set.intersection(*held):
            return held
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replicas did not split the partitions of {topic}: {held}")
        await asyncio.sleep(1)


async def produce_many(bootstrap: str, topic: str, bodies: list[bytes]) -> None:
    """Send every body keyed by its `subject` (the NIP) and wait for all acknowledgements."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5)
    await producer.start()
    try:
        futures = [await producer.send(topic, b, key=json.loads(b)["subject"].encode()) for b in bodies]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
