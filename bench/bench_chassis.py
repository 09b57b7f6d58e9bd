"""Chassis throughput on the local stand-ins: events consumed per second (inbox + handler + outbox in one
transaction, ack after commit) and outbox events published per second by the relay."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from mutasi.chassis.kit import ServiceKit
from mutasi.contracts import topics
from mutasi.contracts.examples import example_event
from mutasi.contracts.training import TrainingAssignedV1
from tests.support.toy import ToySettings, create_app
from tests.support.wire import Wire, local_wire

EVENTS = 400
REPEATS = 3
WORKERS = (1, 3)  # sequential vs one worker per partition, measured alternately in the same run


async def consume_rate(wire: Wire, workers: int) -> float:
    import json

    from aiokafka import AIOKafkaProducer

    settings = wire.settings(log_level="WARNING", kafka_consumer_workers=workers)
    kit: ServiceKit = create_app(ToySettings(**settings)).state.kit
    await kit.start()
    producer = AIOKafkaProducer(bootstrap_servers=wire.kafka, enable_idempotence=False)
    await producer.start()
    try:
        base = example_event(topics.MUTATION_DECIDED)
        started = time.perf_counter()
        for i in range(EVENTS):
            body = {**base, "id": f"bench-{time.time_ns()}-{i}", "data": {**base["data"], "nip": f"3{i:017d}"}}
            await producer.send(
                topics.MUTATION_DECIDED.name, json.dumps(body).encode(), key=body["data"]["nip"].encode()
            )
        await producer.flush()
        plans = kit.database().raw("plans")
        deadline = time.perf_counter() + 300
        while await plans.count({}) < EVENTS:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {await plans.count({})} of {EVENTS} events processed")
            await asyncio.sleep(0.05)
        return EVENTS / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await kit.stop()


async def relay_rate(wire: Wire) -> float:
    kit: ServiceKit = create_app(ToySettings(**wire.settings(log_level="WARNING"))).state.kit
    await kit.start()
    try:
        await kit.relay.stop()  # type: ignore[union-attr]
        async with kit.uow() as uow:
            for i in range(EVENTS):
                uow.emit(
                    topics.TRAINING_ASSIGNED,
                    TrainingAssignedV1(plan_id=f"p{i}", nip=f"3{i:017d}", items=[], total_jp=0),
                    agency_id="sawahlunto",
                )
            await uow.commit()
        started = time.perf_counter()
        while await kit.relay.publish_pending():  # type: ignore[union-attr]
            pass
        return EVENTS / (time.perf_counter() - started)
    finally:
        await kit.stop()


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp, local_wire(Path(tmp)) as wire:
        consumed: dict[int, list[float]] = {w: [] for w in WORKERS}
        for _ in range(REPEATS):
            for workers in WORKERS:
                consumed[workers].append(asyncio.run(consume_rate(wire, workers)))
        relayed = [asyncio.run(relay_rate(wire)) for _ in range(REPEATS)]
    common = {"n": EVENTS, "repeats": REPEATS, "stack": "tansu+secantusdb"}
    medians = {w: statistics.median(rates) for w, rates in consumed.items()}
    records: list[dict[str, Any]] = [
        {
            "bench": "chassis.consume",
            "metric": "events_per_second_median",
            "value": round(medians[w], 1),
            "unit": "events/s",
            "workers": w,
            "runs": [round(x, 1) for x in consumed[w]],
            **common,
        }
        for w in WORKERS
    ]
    records.append(
        {
            "bench": "chassis.consume",
            "metric": f"speedup_workers_{WORKERS[1]}_vs_{WORKERS[0]}",
            "value": round(medians[WORKERS[1]] / medians[WORKERS[0]], 2),
            "unit": "ratio",
            **common,
        }
    )
    records.append(
        {
            "bench": "chassis.relay",
            "metric": "events_per_second_median",
            "value": round(statistics.median(relayed), 1),
            "unit": "events/s",
            "runs": [round(x, 1) for x in relayed],
            **common,
        }
    )
    return records
