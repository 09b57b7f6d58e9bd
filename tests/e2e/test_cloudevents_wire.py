"""Every message of a round on the local stack, read back as an outside subscriber with the CloudEvents SDK."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from cloudevents.core.bindings import kafka

from mutasi.contracts.schemagen import schema_for
from mutasi.contracts.topics import ALL
from tests.e2e.conftest import RoundOnStack


async def everything_on(bootstrap: str, topic: str) -> list[Any]:
    """All records of `topic` up to its current end, from the beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"sdk-{uuid.uuid4().hex[:8]}")
    await consumer.start()
    try:
        await consumer.topics()  # fetches the cluster metadata
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, f"no partitions for {topic}"
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[Any] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=1000)
            records += [r for rs in batch.values() for r in rs]
        return records
    finally:
        await consumer.stop()


async def test_the_cloudevents_sdk_decodes_every_message_of_the_round_and_every_dataschema_resolves(
    round_on_stack: RoundOnStack,
) -> None:
    decoded: dict[str, int] = {}
    schemas: set[str] = set()
    for topic in ALL:
        for record in await everything_on(round_on_stack.state.kafka, topic.name):
            if record.key and record.key.startswith(b"poison-"):
                continue  # malformed on purpose, written by other e2e tests, not by a service
            headers = {k: bytes(v) for k, v in record.headers}
            assert not [h for h in headers if h.lower().startswith("ce_")], headers
            event = kafka.from_kafka_event(kafka.KafkaMessage(headers=headers, key=record.key, value=record.value))
            attributes = event.get_attributes()
            assert attributes["type"] == topic.name
            assert attributes["partitionkey"] == record.key.decode()
            schemas.add(attributes["dataschema"])
            decoded[topic.name] = decoded.get(topic.name, 0) + 1
    produced_in_a_round = {t.name for t in ALL} - {"mutasi.follow-up-recommended.v1"}
    assert produced_in_a_round <= set(decoded), decoded
    by_name = {t.name: t for t in ALL}
    async with httpx.AsyncClient(timeout=5) as http:
        for uri in schemas:
            answer = await http.get(uri)
            assert answer.status_code == 200, uri
            assert answer.json() == schema_for(by_name[uri.rsplit("/", 1)[1].removesuffix(".json")])
    total = sum(decoded.values())
    print(f"cloudevents sdk: decoded {total} messages {decoded}; {len(schemas)} dataschema URIs resolve")
