"""Dead letters for operators: list and show what a topic's consumers rejected, and replay it after a fix.

A replay re-publishes each distinct dead message (same key, same body, its original headers) once to the topic
it came from, however many consumer groups rejected it, and then writes a marker record into the dead-letter
topic. A second replay finds the markers and publishes nothing; a crash between the two is absorbed by the
consumers' inbox, which dedupes on the event id.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mutasi.chassis import deadletter as dl

REPLAY_OF = "x-mutasi-replay-of"  # on a marker record in the DLQ: the digest of the message replayed
REPLAYED_FROM = "x-mutasi-replayed-from"  # on the re-published message: which DLQ entry it came from
READ_TIMEOUT_S = 60.0


@dataclass
class DeadLetter:
    """One record of `<topic>.dlq` as an operator needs to see it."""

    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str]
    replayed: bool = False

    @property
    def ref(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def digest(self) -> str:
        """Identity of the message itself (key + body): two groups rejecting one message give one digest."""
        return hashlib.sha256((self.key or b"") + b"\0" + self.body).hexdigest()[:32]

    def summary(self) -> dict[str, Any]:
        h = self.headers
        return {
            "ref": self.ref,
            "key": (self.key or b"").decode(errors="replace"),
            "reason": h.get(dl.REASON, ""),
            "group": h.get(dl.CONSUMER_GROUP, ""),
            "at": h.get(dl.DEAD_LETTERED_AT, ""),
            "bytes": len(self.body),
            "replayed": self.replayed,
            "error": h.get(dl.ERROR, "")[:200],
        }


@dataclass
class DeadLetterTopic:
    topic: str
    letters: list[DeadLetter] = field(default_factory=list)
    replayed_digests: set[str] = field(default_factory=set)


def dlq_of(topic: str) -> tuple[str, str]:
    """(original topic, dead-letter topic) from either name."""
    original = topic.removesuffix(".dlq")
    return original, f"{original}.dlq"


async def read(bootstrap: str, topic: str) -> DeadLetterTopic:
    """Every dead letter of `topic` from the beginning, with replay markers applied (no consumer group)."""
    original, dlq = dlq_of(topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    result = DeadLetterTopic(original)
    try:
        await consumer.topics()  # loads the cluster metadata
        partitions = [TopicPartition(dlq, p) for p in sorted(consumer.partitions_for_topic(dlq) or ())]
        if not partitions:
            return result
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        pending = {tp for tp in partitions if ends[tp] > 0}
        deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_S
        while pending and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                for r in records:
                    headers = {k: v.decode(errors="replace") for k, v in (r.headers or ())}
                    if REPLAY_OF in headers:
                        result.replayed_digests.add(headers[REPLAY_OF])
                    else:
                        result.letters.append(DeadLetter(tp.partition, r.offset, r.key, r.value or b"", headers))
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    for letter in result.letters:
        letter.replayed = letter.digest in result.replayed_digests
    return result


async def replay(
    bootstrap: str, topic: str, refs: list[str] | None = None, reason: str | None = None
) -> tuple[list[DeadLetter], int]:
    """Re-publish the chosen dead letters; returns (replayed, skipped: already replayed or truncated)."""
    found = await read(bootstrap, topic)
    chosen = [
        letter
        for letter in found.letters
        if (not refs or letter.ref in refs) and (reason is None or letter.headers.get(dl.REASON) == reason)
    ]
    todo: dict[str, DeadLetter] = {}
    skipped = 0
    for letter in chosen:
        if letter.replayed or dl.TRUNCATED_FROM in letter.headers:  # a truncated body can never be processed
            skipped += 1
        else:
            todo.setdefault(letter.digest, letter)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        for digest, letter in todo.items():  # the message first, then its marker: a crash between is harmless
            original = [(k, v.encode()) for k, v in letter.headers.items() if not k.startswith("x-mutasi-")]
            original.append((REPLAYED_FROM, f"{found.topic}.dlq:{letter.ref}".encode()))
            await producer.send_and_wait(found.topic, letter.body, key=letter.key, headers=original)
            marker = [(REPLAY_OF, digest.encode()), (dl.ORIGINAL_TOPIC, found.topic.encode())]
            await producer.send_and_wait(f"{found.topic}.dlq", b"", key=letter.key, headers=marker)
    finally:
        await producer.stop()
    return list(todo.values()), skipped
