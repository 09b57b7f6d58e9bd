"""Scale out on the local stack: a second evaluation process joins the consumer group, the two split the partitions
of `mutation-decided`, each handles a share of new decisions, every decision is handled exactly once, and one
replica alone holds the outbox relay lease (one publisher)."""

from __future__ import annotations

import os
import signal

import pytest
from pymongo import AsyncMongoClient

from mutasi.cli import stack
from mutasi.contracts import topics
from tests.e2e.conftest import RoundOnStack
from tests.support.replicas import consumed_by, decided_event, produce_many, replica_nip, until_split
from tests.support.wire import eventually

pytestmark = pytest.mark.e2e
EVENTS = 120
ROUND = "rnd-e2e-replicas"


async def test_two_replicas_split_the_partitions_and_handle_each_event_once(round_on_stack: RoundOnStack) -> None:
    state = round_on_stack.state
    topic = topics.MUTATION_DECIDED.name
    proc = stack.start_replica(state, "evaluation")
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(state.mongo_uri)
    try:
        stack.wait_ready(state.url("evaluation-2"), stack.READY_TIMEOUT_S, proc)
        urls = [state.url("evaluation"), state.url("evaluation-2")]
        held = await until_split(urls, topic)
        assert sum(len(h) for h in held) >= 2  # each replica holds partitions of its own
        before = [consumed_by(u, topic)[0] for u in urls]
        nips = [replica_nip(500_000 + i) for i in range(EVENTS)]
        await produce_many(state.kafka, topic, [decided_event(n, ROUND) for n in nips])
        schedules = client["mutasi_evaluation"]["schedules"]
        await eventually(lambda: _have(schedules, EVENTS), timeout=120, interval=0.5)

        after = [consumed_by(u, topic)[0] for u in urls]
        shares = [a - b for a, b in zip(after, before, strict=True)]
        assert all(share > 0 for share in shares), shares  # both replicas took part
        assert sum(shares) == EVENTS  # every decision handled once between them (no duplicate effect)
        assert sorted(await schedules.distinct("nip", {"round_id": ROUND})) == sorted(nips)
        assert await schedules.count_documents({"round_id": ROUND}) == EVENTS
        leases = await client["mutasi_evaluation"]["leases"].find({"name": "outbox-relay"}).to_list()
        assert len(leases) == 1  # one relay lease, one holder: one publisher however many replicas
    finally:
        await client.close()
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        state.pids.pop("evaluation-2", None)
        state.ports.pop("evaluation-2", None)
        state.save()


async def _have(collection: object, n: int) -> bool:
    return bool(await collection.count_documents({"round_id": ROUND}) >= n)  # type: ignore[attr-defined]
