"""What any subscriber sees: every topic read from the beginning by a plain aiokafka client, after a round."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from mutasi.contracts import topics
from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.envelope import CloudEvent
from tests.e2e.conftest import RoundOnStack

pytestmark = pytest.mark.e2e
# Criminal process, discipline and audit findings (and the other eligibility-only flags) in any spelling.
SENSITIVE = re.compile(r"discipline|hukdis|court|peradilan|audit_finding|temuan|study_leave|cltn", re.IGNORECASE)


async def read_everything(bootstrap: str) -> dict[str, list[bytes]]:
    """Every message of every topic on the broker, as an outsider with no group and no credentials reads it."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        names = sorted(await consumer.topics())
        parts = [TopicPartition(t, p) for t in names for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        seen: dict[str, list[bytes]] = {t: [] for t in names}
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batch.items():
                seen[tp.topic] += [r.value or b"" for r in records]
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return seen
    finally:
        await consumer.stop()


def keys_of(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in keys_of(v))]
    if isinstance(value, list):
        return [k for v in value for k in keys_of(v)]
    return []


async def test_an_outside_subscriber_reading_every_topic_sees_no_criminal_discipline_or_audit_flag(
    round_on_stack: RoundOnStack,
) -> None:
    seen = await read_everything(round_on_stack.state.kafka)
    counts = Counter({t: len(v) for t, v in seen.items() if v})
    print(f"outside view: {sum(counts.values())} messages on {len(counts)} topics: {dict(counts)}")
    assert counts[topics.ASSESSMENT_COMPLETED.name] > 0
    assert counts[topics.MUTATION_DECIDED.name] > 0
    leaks = []
    for topic, bodies in seen.items():
        for body in bodies:
            text = body.decode("utf-8", "replace")
            try:
                message = json.loads(text)
            except ValueError:
                message = None
            if isinstance(message, dict) and isinstance(message.get("data"), dict):
                message["data"].pop("sealed_flags", None)  # ciphertext: random letters, nothing to read
                text = json.dumps(message)
            leaks += [f"{topic}: key {n}" for n in keys_of(message) if SENSITIVE.search(n)]
            leaks += [f"{topic}: text {m.group(0)}" for m in SENSITIVE.finditer(text)]
    assert leaks == []
    # Other tests on the same stack publish garbage to the topic too (the door's corpus): every message that is a
    # valid assessment-completed.v2 carries its flags sealed.
    produced = [m for b in seen[topics.ASSESSMENT_COMPLETED.name] if (m := completed(b)) is not None]
    assert produced
    assert all(m.data.sealed_flags.count(".") == 4 and m.data.sealed_flags.startswith("eyJ") for m in produced)


def completed(body: bytes) -> CloudEvent[AssessmentCompletedV2] | None:
    try:
        return CloudEvent[AssessmentCompletedV2].model_validate_json(body)
    except ValueError:
        return None
