"""Faults on the batch path against the real protocols: a consumer killed with SIGKILL inside a batch's open
transaction loses nothing and doubles nothing once a new process takes over."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from mutasi.contracts import topics
from mutasi.contracts.examples import example_event
from tests.support.wire import Wire, eventually

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
EVENTS = 300


def toy_process(wire: Wire, settings: dict[str, Any], log: Path, hold_s: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, **{f"MUTASI_TOY_{k.upper()}": str(v) for k, v in settings.items()}}
    env["MUTASI_TOY_HOLD_S"] = str(hold_s)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.toy_process"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def test_kill_9_inside_a_batch_loses_nothing_and_doubles_nothing(wire: Wire, tmp_path: Path) -> None:
    from aiokafka import AIOKafkaProducer

    settings = wire.settings(kafka_batch_max_records=100, log_level="WARNING")
    log = tmp_path / "toy.log"
    run = uuid.uuid4().hex[:8]
    base = example_event(topics.MUTATION_DECIDED)
    producer = AIOKafkaProducer(bootstrap_servers=wire.kafka, enable_idempotence=False)
    await producer.start()
    try:
        for i in range(EVENTS):
            nip = f"197606062001031{i:03d}"
            body = {**base, "id": f"kill-{run}-{i}", "subject": nip, "data": {**base["data"], "nip": nip}}
            await producer.send(topics.MUTATION_DECIDED.name, json.dumps(body).encode(), key=nip.encode())
        # and one duplicate of an early event, delivered again later
        first_nip = f"197606062001031{0:03d}"
        body = {**base, "id": f"kill-{run}-0", "subject": first_nip, "data": {**base["data"], "nip": first_nip}}
        await producer.send(topics.MUTATION_DECIDED.name, json.dumps(body).encode(), key=first_nip.encode())
        await producer.flush()
    finally:
        await producer.stop()

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(wire.mongo_uri)
    db = client[settings["database"]]
    first = toy_process(wire, settings, log, hold_s=60)
    try:
        await eventually(lambda: asyncio.to_thread(lambda: "holding" in log.read_text()), timeout=90)
        first.send_signal(signal.SIGKILL)  # inside the first batch's open transaction
        first.wait(10)
        assert await db.plans.count_documents({}) == 0
        second = toy_process(wire, settings, log, hold_s=0)
        try:
            await eventually(lambda: _count(db, EVENTS), timeout=180)
            await asyncio.sleep(1)  # anything doubled late would show now
            plans = await db.plans.find({}, {"_id": 0, "nip": 1}).to_list()
            outbox = await db.outbox_batches.find({}, {"_id": 0, "events.event_id": 1}).to_list()
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(20)
    finally:
        if first.poll() is None:
            first.kill()
        await client.close()
    nips = [p["nip"] for p in plans]
    assert sorted(nips) == [f"197606062001031{i:03d}" for i in range(EVENTS)]  # none lost, none doubled
    assert len([e for d in outbox for e in d["events"]]) == EVENTS


async def _count(db: Any, target: int) -> bool:
    return bool(await db.plans.count_documents({}) >= target)
