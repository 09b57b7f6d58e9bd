"""`placement.consume_assessments`: placement's `assessment-completed` consumer (the candidate pool) on SecantusDB.

Run alone: `python -m bench.placement_consume [events]`. Each run uses a fresh database; records are medians."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.procstat import cpu_seconds

HANDLER_EVENTS = 2_000
AGENCIES = ("kab-agam", "kota-padang")  # two agencies, as the province bench's 10,000 round


def assessed_payloads(n: int, agencies: tuple[str, ...] = AGENCIES, later: int = 0) -> dict[str, list[tuple[str, Any]]]:
    """`n` completed assessments (one per person, 40 units), sealed for placement, grouped by agency; `later`
    (days) makes them re-assessments of the same people."""
    from bench.handler_rig import valid_nip
    from mutasi.chassis.sealed import Sealer
    from mutasi.contracts import topics
    from mutasi.contracts.assessment import EligibilityFlagsV1
    from mutasi.contracts.examples import PAYLOADS
    from tests.support.service import seal_keys

    sealer = Sealer(seal_keys()[1])  # one per producer process, as assessment seals (a session key per 100,000)
    base = PAYLOADS[topics.ASSESSMENT_COMPLETED.name]
    out: dict[str, list[tuple[str, Any]]] = {a: [] for a in agencies}
    for i in range(n):
        nip, aid = valid_nip(i), f"as-{i}-{later}"
        post = base.current_post.model_copy(update={"post_id": f"p{i % 900}", "unit_id": f"u{i % 40}"})
        flags = EligibilityFlagsV1(nip=nip, assessment_id=aid, discipline_active=i % 17 == 0)
        payload = base.model_copy(update={
            "nip": nip, "assessment_id": aid, "name": f"Pegawai {i}", "current_post": post,
            "sealed_flags": sealer.seal(flags), "assessed_on": date(2026, 10, 1) + timedelta(days=i % 20 + later),
        })  # fmt: skip
        out[agencies[i % len(agencies)]].append((nip, payload))
    return out


class DocumentPerPerson:
    """The pool as placement stored it before bucket documents (one document per person, unique (agency_id, nip)),
    behind the same store functions the handler calls: the alternative measured beside the buckets."""

    COLLECTION = "candidates"

    def __init__(self) -> None:
        from mutasi.placement.adapters import repositories

        self.waiting_follow_ups = repositories.waiting_follow_ups

    async def candidates_by_key(self, uow: Any, keys: Any) -> Any:
        from mutasi.chassis.store import find_by_keys

        return await find_by_keys(uow.collection(self.COLLECTION), ("agency_id", "nip"), keys)

    async def save_candidates(self, uow: Any, docs: Any) -> None:
        await uow.collection(self.COLLECTION).bulk_upsert(docs, ("agency_id", "nip"))

    async def count_candidates(self, uow: Any, agency_id: str) -> int:
        return int(await uow.collection(self.COLLECTION).count({"agency_id": agency_id}))


async def handler_rates(mongo_uri: str, n: int, layout: str, db_pid: int | None = None) -> dict[str, Any]:
    """Events per second through placement's batch handler (batches of 500): `n` people new to the pool, then the
    same `n` re-assessed; CPU milliseconds per event of this process and of the database (`db_pid`); and the pool
    size it left (every event kept)."""
    from bench.handler_rig import BATCH, database_settings, records, started
    from mutasi.chassis.sealed import Opener
    from mutasi.contracts import topics
    from mutasi.placement.adapters import pool_store, repositories
    from mutasi.placement.bootstrap import create_app
    from mutasi.placement.entrypoints.subscribers import Subscribers
    from mutasi.placement.settings import PlacementSettings
    from tests.support.service import seal_keys

    settings = PlacementSettings(
        **database_settings(mongo_uri), agencies=list(AGENCIES), seal_private_keys=seal_keys()[0]
    )
    kit = create_app(settings).state.kit
    await started(kit)
    try:
        store: Any = repositories
        pool_store._SEEN.clear()  # where this process saw people: empty in a fresh process, as each run's database
        if layout == "document_per_person":
            store = DocumentPerPerson()
            await kit.database().ensure_index(store.COLLECTION, [("agency_id", 1), ("nip", 1)], True)
        handler = Subscribers(Opener(seal_keys()[0]), store).on_assessment_completed_batch
        out: dict[str, Any] = {}
        for pool, later in (("new", 0), ("re-assessed", 30)):
            batches = []
            for agency_id, payloads in assessed_payloads(n, later=later).items():
                recs = records(topics.ASSESSMENT_COMPLETED, payloads, agency_id)
                batches += [recs[i : i + BATCH] for i in range(0, len(recs), BATCH)]
            started_at, cpu, db_cpu = time.perf_counter(), time.process_time(), cpu_seconds(db_pid)
            for batch in batches:
                await kit.consumer.process_batch(topics.ASSESSMENT_COMPLETED, handler, batch)
            out[pool] = {
                "rate": n / (time.perf_counter() - started_at),
                "cpu_ms": 1000 * (time.process_time() - cpu) / n,
                "db_cpu_ms": 1000 * (cpu_seconds(db_pid) - db_cpu) / n if db_pid else None,
            }
        async with kit.uow() as uow:
            out["pooled"] = sum([await store.count_candidates(uow, a) for a in AGENCIES])
        return out
    finally:
        await kit.stop(stop_broker=False)


LAYOUTS = ("buckets", "document_per_person")


def run_handler(n: int = HANDLER_EVENTS, repeats: int = 3) -> list[dict[str, Any]]:
    """`placement.consume_assessments`: the pool consumer on SecantusDB, people new to the pool and the same people
    re-assessed, the bucket layout beside one document per person (alternating, a fresh database each run, median
    of `repeats`): events/s, and CPU ms per event of the consumer process and of the database process, which move
    far less with the machine's load than the rate does; `pooled` checks every event was kept."""
    import statistics
    import tempfile

    from bench.handler_rig import median_record
    from mutasi.cli.servers import start_secantus, stop

    runs: dict[str, list[dict[str, Any]]] = {layout: [] for layout in LAYOUTS}
    with tempfile.TemporaryDirectory() as tmp:
        server = start_secantus(Path(tmp) / "secantus.log")
        try:
            for _ in range(repeats):
                for layout in LAYOUTS:
                    runs[layout].append(asyncio.run(handler_rates(server.url, n, layout, server.proc.pid)))
        finally:
            stop(server.proc)
    load = round(os.getloadavg()[0], 2)
    out = []
    for layout, results in runs.items():
        for pool in ("new", "re-assessed"):
            cpu = {k: round(statistics.median(r[pool][k] for r in results), 3) for k in ("cpu_ms", "db_cpu_ms")}
            out.append(median_record("placement.consume_assessments", [r[pool]["rate"] for r in results], n=n,
                                     batch=500, handler="assessment-completed", layout=layout, pool=pool,
                                     consumer_cpu_ms_per_event=cpu["cpu_ms"], db_cpu_ms_per_event=cpu["db_cpu_ms"],
                                     pooled=min(r["pooled"] for r in results), load_average_1m=load))  # fmt: skip
    return out


if __name__ == "__main__":
    for record in run_handler(int(sys.argv[1]) if len(sys.argv) > 1 else HANDLER_EVENTS):
        print(json.dumps(record))
