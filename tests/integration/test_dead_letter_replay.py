"""Dead letters on the wire: an event of an agency not yet served is dead-lettered, replayed once after the fix
(the agency is added), and a second replay changes nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest

from mutasi.chassis.kit import ServiceKit
from mutasi.cli import dlq
from mutasi.contracts import topics
from mutasi.contracts.examples import example_event
from tests.support.toy import ToySettings, create_app
from tests.support.wire import Wire, eventually, produce

pytestmark = pytest.mark.integration


async def test_a_dead_letter_is_replayed_once_after_the_fix_and_a_second_replay_changes_nothing(wire: Wire) -> None:
    settings: dict[str, Any] = wire.settings(agencies=["sawahlunto"])
    nip = "197703032001031" + f"{uuid.uuid4().int % 1000:03d}"
    body = example_event(topics.MUTATION_DECIDED)
    body.update({"id": str(uuid.uuid4()), "agencyid": "kota-baru", "subject": nip})
    body["data"]["nip"] = nip
    before: ServiceKit = create_app(ToySettings(**settings)).state.kit
    await before.start()
    try:
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, json.dumps(body).encode(), nip.encode())

        async def dead_lettered() -> list[dlq.DeadLetter]:
            found = await dlq.read(wire.kafka, topics.MUTATION_DECIDED.name)
            return [x for x in found.letters if x.key == nip.encode()]

        letters = await eventually(dead_lettered, timeout=60, interval=0.5)
    finally:
        await before.stop()
    assert letters[0].headers["x-mutasi-reason"] == "unknown_agency"
    assert letters[0].headers["x-mutasi-consumer-group"] == f"{settings['group_id']}.{topics.MUTATION_DECIDED.name}"

    fixed: ServiceKit = create_app(ToySettings(**{**settings, "agencies": ["sawahlunto", "kota-baru"]})).state.kit
    await fixed.start()
    try:
        replayed, skipped = await dlq.replay(wire.kafka, topics.MUTATION_DECIDED.name, refs=[letters[0].ref])

        async def planned() -> int:
            return await fixed.database().raw("plans").count({"nip": nip})

        await eventually(planned, timeout=60, interval=0.5)
        again, skipped_again = await dlq.replay(wire.kafka, topics.MUTATION_DECIDED.name, refs=[letters[0].ref])
        await asyncio.sleep(3)
        plans = await planned()
    finally:
        await fixed.stop()
    listed = [x for x in (await dlq.read(wire.kafka, topics.MUTATION_DECIDED.name)).letters if x.ref == letters[0].ref]
    assert (len(replayed), skipped) == (1, 0)
    assert (len(again), skipped_again) == (0, 1)
    assert plans == 1
    assert listed[0].replayed
