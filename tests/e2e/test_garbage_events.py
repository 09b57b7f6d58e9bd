"""The garbage corpus on every consumed topic of the running stack: each piece is dead-lettered by every consumer
group of the topic with the reason it deserves, and the good message after it gets through."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mutasi.cli import stack
from mutasi.contracts.topics import ALL, Topic
from tests.e2e.conftest import RoundOnStack
from tests.support.garbage import Garbage, corpus, good
from tests.support.wire import consume, eventually

pytestmark = pytest.mark.e2e
DOOR = ("too_large", "invalid", "unknown_agency")
CONSUMED = [t for t in ALL if set(t.consumers) & set(stack.SERVICES)]
# A NIP no round has seen: the good message passes the door; a handler may still reject it (not a door reason).
STRANGER = "198002022006041999"


async def _send(kafka: str, topic: str, items: list[tuple[bytes, bytes]]) -> list[tuple[int, int]]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=False, max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        return [
            ((meta := await producer.send_and_wait(topic, body, key=key)).partition, meta.offset) for body, key in items
        ]
    finally:
        await producer.stop()


async def _committed(kafka: str, group: str, tp: TopicPartition) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group, partitions=[tp])
    finally:
        await admin.close()
    found = offsets.get(tp)
    return found.offset if found is not None else -1


@pytest.mark.parametrize("topic", CONSUMED, ids=lambda t: t.name)
async def test_garbage_on_the_stack_is_dead_lettered_by_every_group_and_the_next_good_message_gets_through(
    round_on_stack: RoundOnStack, topic: Topic
) -> None:
    kafka = round_on_stack.state.kafka
    garbage: list[Garbage] = corpus(topic)
    after = good(topic, nip=STRANGER)
    good_key = f"good-{after['id'][:8]}".encode()
    sent = await _send(kafka, topic.name, [(g.body, g.key) for g in garbage] + [(json.dumps(after).encode(), good_key)])
    groups = [f"mutasi-{s}.{topic.name}" for s in topic.consumers if s in stack.SERVICES]
    key = garbage[0].key
    want = len(garbage) * len(groups)
    dead = await consume(kafka, topic.dlq, lambda rs: sum(r.key == key for r in rs) >= want, timeout=120)
    mine = [{k: v.decode() for k, v in r.headers} for r in dead if r.key == key]
    by_group: dict[str, Counter[str]] = {}
    for h in mine:
        by_group.setdefault(h["x-mutasi-consumer-group"], Counter())[h["x-mutasi-reason"]] += 1
    expected = Counter(g.reason for g in garbage)
    assert by_group == dict.fromkeys(groups, expected)
    partition, offset = sent[-1]

    async def good_one_consumed() -> bool:
        tp = TopicPartition(topic.name, partition)
        return all([await _committed(kafka, group, tp) > offset for group in groups])

    await eventually(good_one_consumed, timeout=60, interval=1.0)
    everything = await consume(kafka, topic.dlq, lambda _: False, timeout=3)
    stopped: list[Any] = [
        r for r in everything if r.key == good_key and dict(r.headers).get("x-mutasi-reason", b"").decode() in DOOR
    ]
    assert stopped == []
    print(f"\n{topic.name}: {len(garbage)} garbage x {len(groups)} groups -> {len(mine)} dead letters {dict(expected)}")
