"""`placement.consume_assessments`: placement's `assessment-completed` consumer (the candidate pool) on SecantusDB.

Run alone: `python -m bench.placement_consume [events]`. Each run uses a fresh database; records are medians."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import date, timedelta
from typing import Any

HANDLER_EVENTS = 2_000
AGENCIES = ("kab-agam", "kota-padang")  # two agencies, as the province bench's 10,000 round


def assessed_payloads(n: int, agencies: tuple[str, ...] = AGENCIES) -> dict[str, list[tuple[str, Any]]]:
    """`n` completed assessments (one per person, 40 units), sealed for placement, grouped by agency."""
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
        nip = valid_nip(i)
        post = base.current_post.model_copy(update={"post_id": f"p{i % 900}", "unit_id": f"u{i % 40}"})
        flags = EligibilityFlagsV1(nip=nip, assessment_id=f"as-{i}", discipline_active=i % 17 == 0)
        payload = base.model_copy(update={
            "nip": nip, "assessment_id": f"as-{i}", "name": f"Pegawai {i}", "current_post": post,
            "sealed_flags": sealer.seal(flags), "assessed_on": date(2026, 10, 1) + timedelta(days=i % 20),
        })  # fmt: skip
        out[agencies[i % len(agencies)]].append((nip, payload))
    return out


async def handler_rate(mongo_uri: str, n: int) -> tuple[float, int]:
    """Events per second through placement's batch handler (batches of 500) and the pool size it left."""
    from bench.handler_rig import BATCH, database_settings, records, started
    from mutasi.chassis.sealed import Opener
    from mutasi.contracts import topics
    from mutasi.placement.adapters import repositories
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
        handler = Subscribers(Opener(seal_keys()[0]), repositories).on_assessment_completed_batch
        batches = []
        for agency_id, payloads in assessed_payloads(n).items():
            recs = records(topics.ASSESSMENT_COMPLETED, payloads, agency_id)
            batches += [recs[i : i + BATCH] for i in range(0, len(recs), BATCH)]
        started_at = time.perf_counter()
        for batch in batches:
            await kit.consumer.process_batch(topics.ASSESSMENT_COMPLETED, handler, batch)
        rate = n / (time.perf_counter() - started_at)
        async with kit.uow() as uow:
            pooled = sum([await repositories.count_candidates(uow, a) for a in AGENCIES])
        return rate, pooled
    finally:
        await kit.stop(stop_broker=False)


def run_handler(n: int = HANDLER_EVENTS, repeats: int = 3) -> list[dict[str, Any]]:
    """The pool consumer's events/s, median of `repeats` fresh databases; `pooled` checks every event was kept."""
    import os

    from bench.handler_rig import median_record, secantus

    with secantus() as uri:
        runs = [asyncio.run(handler_rate(uri, n)) for _ in range(repeats)]
    return [
        median_record("placement.consume_assessments", [r for r, _ in runs], n=n, batch=500,
                      handler="assessment-completed", pooled=min(p for _, p in runs),
                      load_average_1m=round(os.getloadavg()[0], 2)),
    ]  # fmt: skip


if __name__ == "__main__":
    for record in run_handler(int(sys.argv[1]) if len(sys.argv) > 1 else HANDLER_EVENTS):
        print(json.dumps(record))
