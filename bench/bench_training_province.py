"""Training's `mutation-decided` handler at province scale, in-process on one SecantusDB (docs/adr/0026-*.md).

`python -m bench.bench_training_province [POOL] [DECISIONS] [SPY]` (defaults 106,760 colleagues and 2,000 decisions):
stores POOL possible mentors spread over the 20 province agencies by weight (units of 34-210 people, as
`bench/province.py` sizes them), in the unit buckets training keeps, then hands DECISIONS decisions of the province
BKD's round (source and target agency drawn independently from the 19 regencies/cities, as ADR 25 measured) to the
handler in batches of 500, then 500 of one agency's own round, and prints JSON lines: decisions/s per batch and in
all, the client's and the database's CPU seconds, the documents written and read per decision, and the load.
SPY (a file prefix): py-spy profiles of both processes during the BKD decisions (`/tmp/spy/bin/py-spy`, `--idle`, so
a thread waiting shows where it waits; `BENCH_SPY_NATIVE=1` adds the C frames, e.g. WiredTiger's).

Side by side with the local stack's database (docs/bench-round.md, "Training's stage"):
- `BENCH_SECANTUS_STORES=memory,disk` runs the whole measurement on each store in turn in one process; "disk" is how
  `mutasi stack up` runs SecantusDB (a data directory, `--sync-on-commit`: the log fsynced on every commit);
- `BENCH_TRAINING_MENTOR_LOADS=0,1` runs it without and with the units' mentor load kept between batches;
- `BENCH_TRAINING_POOL=ingest` builds the pool as the stack does (assessment-completed batches through the consume
  path: inbox, arrivals, settled into the unit buckets) instead of writing the buckets directly (`buckets`).

Also `python -m bench training_province` (not in the default `make bench`: a 20,000-colleague pool, 1,000 decisions)."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bench_training import catalogue, moves
from bench.handler_rig import STORES, consume_rate, database_settings, records, secantus, started, store_kind, valid_nip
from bench.procstat import cpu_seconds
from bench.province import WEIGHTS
from mutasi.chassis import mongo
from mutasi.training.domain.competency import MANAGERIAL, SOCIO_CULTURAL
from mutasi.training.domain.mentor import Colleague

BATCH = 500
UNIT_PATTERN = [
    34,
    34,
    34,
    34,
    34,
    40,
    45,
    50,
    55,
    60,
    60,
    65,
    70,
    75,
    80,
    85,
    90,
    95,
    100,
    113,
    168,
    169,
    209,
    210,
    60,
]
# BENCH_TRAINING_POOL: "buckets" writes the pool straight into the unit buckets; "ingest" sends it through the
# assessment-completed handler as the stack does (inbox, arrivals, settling)
POOL_PATH = os.environ.get("BENCH_TRAINING_POOL", "buckets")
COUNTED: collections.Counter[str] = collections.Counter()  # "written" / "read" documents


def count_io() -> None:
    """Count documents written and read through the chassis's collection wrapper (the bench's own instrument)."""
    c = mongo.MongoCollection
    if getattr(c, "_bench_counted", False):  # once per process (a second store in the same run)
        return
    c._bench_counted = True  # type: ignore[attr-defined]
    find, insert_many, replace_one, update_one, bulk_upsert, delete_many = (
        c.find, c.insert_many, c.replace_one, c.update_one, c.bulk_upsert, c.delete_many,
    )  # fmt: skip

    async def counted_find(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        out = await find(self, *args, **kwargs)
        COUNTED["read"] += len(out)
        COUNTED[f"read.{self._c.name}"] += len(out)
        return out

    async def counted_insert_many(self, docs, *args, **kwargs):  # type: ignore[no-untyped-def]
        COUNTED["written"] += len(docs)
        COUNTED[f"written.{self._c.name}"] += len(docs)
        return await insert_many(self, docs, *args, **kwargs)

    async def counted_replace_one(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        COUNTED["written"] += 1
        COUNTED[f"written.{self._c.name}"] += 1
        return await replace_one(self, *args, **kwargs)

    async def counted_update_one(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        COUNTED["written"] += 1
        COUNTED[f"written.{self._c.name}"] += 1
        return await update_one(self, *args, **kwargs)

    async def counted_bulk_upsert(self, docs, *args, **kwargs):  # type: ignore[no-untyped-def]
        COUNTED["written"] += len(docs)
        COUNTED[f"written.{self._c.name}"] += len(docs)
        return await bulk_upsert(self, docs, *args, **kwargs)

    async def counted_delete_many(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        COUNTED["deletes"] += 1
        return await delete_many(self, *args, **kwargs)

    c.find, c.insert_many, c.replace_one, c.update_one, c.bulk_upsert, c.delete_many = (  # type: ignore[method-assign]
        counted_find, counted_insert_many, counted_replace_one, counted_update_one, counted_bulk_upsert,
        counted_delete_many,
    )  # fmt: skip


def pool(total: int, rng: random.Random) -> tuple[dict[str, list[Colleague]], dict[str, list[str]]]:
    """Colleagues per agency in NIP order (as assessment emits them) and each agency's units."""
    weight = sum(WEIGHTS.values())
    out: dict[str, list[Colleague]] = {}
    units_of: dict[str, list[str]] = {}
    seq = 0
    comps = (*MANAGERIAL, *SOCIO_CULTURAL)
    tech = [f"tek_bidang_{i:02d}" for i in range(24)]
    for agency, w in WEIGHTS.items():
        n = round(total * w / weight)
        copies = max(1, round(15_000 * total / 117_000 * w / weight / 301))
        units = [f"{agency}-U{c}-{k}" for c in range(copies) for k in range(25)]
        sizes = [UNIT_PATTERN[k % 25] for c in range(copies) for k in range(25)]
        people = []
        for i in range(n):
            unit = rng.choices(units, sizes)[0]
            levels = {c: rng.randint(2, 5) for c in comps} | {rng.choice(tech): rng.randint(2, 5)}
            people.append(Colleague(valid_nip(seq), f"Pegawai {seq}", unit, f"{unit}-P{i % 12}", levels, None,
                                    rng.randint(1, 3)))  # fmt: skip
            seq += 1
        people.sort(key=lambda c: c.nip)
        out[agency] = people
        units_of[agency] = units
    return out, units_of


def decision_payloads(
    n: int, mode: str, people: dict[str, list[Colleague]], units_of: dict[str, list[str]], rng: random.Random,
    used: set[str],
) -> list[tuple[str, str, Any]]:  # fmt: skip
    """(target agency, NIP, payload) of `n` decisions: "bkd" across the 19 regencies/cities, "own" within sumbar."""
    from mutasi.contracts import topics
    from mutasi.contracts.common import PostRef
    from mutasi.contracts.examples import PAYLOADS

    base = PAYLOADS[topics.MUTATION_DECIDED.name]
    agencies = [a for a in WEIGHTS if a != "sumbar"] if mode == "bkd" else ["sumbar"]
    weights = [WEIGHTS[a] for a in agencies]
    shapes = moves(n, random.Random(7))
    out = []
    for i in range(n):
        src = rng.choices(agencies, weights)[0]
        dst = rng.choices(agencies, weights)[0]  # independent of the source, as in ADR 25's measurement
        while True:
            person = rng.choice(people[src])
            if person.nip not in used:
                used.add(person.nip)
                break
        unit = rng.choice(units_of[dst])
        m = shapes[i]
        to_post = PostRef(post_id=f"{unit}-T{i}", post_name="Jabatan", unit_id=unit, unit_name=unit,
                          post_type=("pelaksana", "fungsional", "administrator")[(m.post_rank or 1) - 1])  # fmt: skip
        payload = base.model_copy(
            update={
                "decision_id": f"dec-{person.nip}",
                "nip": person.nip,
                "name": person.name,
                "to_post": to_post,
                "competencies": dict(m.levels),
                "target_standard": dict(m.standard),
                "from_agency_id": src if src != dst else None,
            }
        )
        out.append((dst, person.nip, payload))
    return out


async def fill(kit: Any, people: dict[str, list[Colleague]]) -> float:
    """The pool as `assessment-completed` batches leave it: each unit's people in buckets of 25 (the last one
    part-full), written straight into the buckets (the ingest path itself is not what is measured here)."""
    from mutasi.chassis.store import storable
    from mutasi.training.adapters import documents as docs
    from mutasi.training.adapters.repository import COLLEAGUE_BUCKETS, colleagues_changed

    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    started_at = time.perf_counter()
    for agency, colleagues in people.items():
        by_unit: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for c in colleagues:
            by_unit[c.unit_id].append(storable(docs.colleague_to_doc(agency, c, stamp)))
        buckets = [
            COLLEAGUE_BUCKETS._new_doc((agency,), rs[i : i + COLLEAGUE_BUCKETS.size])
            for rs in by_unit.values()
            for i in range(0, len(rs), COLLEAGUE_BUCKETS.size)
        ]
        for i in range(0, len(buckets), 400):
            async with kit.uow() as uow:
                await uow.collection(COLLEAGUE_BUCKETS.collection).insert_many(buckets[i : i + 400])
                await colleagues_changed(uow, agency)  # as every write of the buckets does
                await uow.commit()
    return time.perf_counter() - started_at


async def ingest(kit: Any, people: dict[str, list[Colleague]], handler: Any, size: int) -> float:
    """The pool as the stack builds it: `assessment-completed` events through the consume path in batches of
    `size` (inbox, one packed arrivals document per agency, settled into the unit buckets by count and before the
    first read), interleaved across agencies as the agencies' uploads arrive."""
    from mutasi.contracts import topics
    from mutasi.contracts.common import PostRef
    from mutasi.contracts.examples import PAYLOADS
    from mutasi.training.adapters.repository import settle_quiet_arrivals

    base = PAYLOADS[topics.ASSESSMENT_COMPLETED.name]
    kinds = ("pelaksana", "fungsional", "administrator")
    recs = []
    for agency, colleagues in people.items():
        for c in colleagues:
            post = PostRef(post_id=c.post_id, post_name="Jabatan", unit_id=c.unit_id, unit_name=c.unit_id,
                           post_type=kinds[(c.post_rank or 1) - 1])  # fmt: skip
            update = {"nip": c.nip, "name": c.name, "current_post": post, "competencies": dict(c.levels),
                      "assessment_id": f"as-{c.nip}"}  # fmt: skip
            payload = base.model_copy(update=update)
            recs.append((agency, records(topics.ASSESSMENT_COMPLETED, [(c.nip, payload)], agency)[0]))
    random.Random(11).shuffle(recs)
    started_at = time.perf_counter()
    await consume_rate(kit, topics.ASSESSMENT_COMPLETED, handler, [r for _, r in recs], size=size)
    await settle_quiet_arrivals(kit.uow, 0.0)  # what the stack's periodic task does before the decisions come
    return time.perf_counter() - started_at


def _server_pid() -> int:
    return int(Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()[0])


def _spies(prefix: str, pids: dict[str, int]) -> list[subprocess.Popen[bytes]]:
    """py-spy recording each process (raw, 50 Hz) into `prefix.<who>`."""
    return [
        subprocess.Popen(
            [
                "/tmp/spy/bin/py-spy",
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "-o",
                f"{prefix}.{who}",
                "--rate",
                "50",
                "--idle",
                *(["--native"] if os.environ.get("BENCH_SPY_NATIVE") == "1" else ["--nonblocking"]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for who, pid in pids.items()
    ]


async def measure(
    total: int,
    n: int,
    spy: str | None = None,
    own: int = 500,
    store: str | None = None,
    cache: int | None = None,
    mentor: bool | None = None,
) -> list[dict[str, Any]]:
    from mutasi.contracts import topics
    from mutasi.training.adapters.repository import TrainingRepository
    from mutasi.training.bootstrap import create_app
    from mutasi.training.entrypoints.dependencies import Deps
    from mutasi.training.entrypoints.subscribers import Subscribers
    from mutasi.training.settings import TrainingSettings

    count_io()
    out: list[dict[str, Any]] = []
    rng = random.Random(2026)
    people, units_of = pool(total, rng)
    store = store or store_kind()
    with secantus(store) as uri:
        extra: dict[str, Any] = {} if cache is None else {"colleague_cache_records": cache}
        if mentor is not None:
            extra["mentor_load_cache"] = mentor
        settings = TrainingSettings(**database_settings(uri), agencies=list(WEIGHTS), metrics_refresh_s=0, **extra)
        kit = create_app(settings).state.kit
        await started(kit)
        try:
            book = catalogue(random.Random(7))
            async with kit.uow() as uow:
                for a in WEIGHTS:
                    await TrainingRepository(uow, a).save_offerings(book.offerings.values())
                await uow.commit()
            deps = kit.deps(Deps)
            if POOL_PATH == "ingest":
                remember = Subscribers(deps.service, deps.metrics).on_assessment_completed_batch
                fill_s = await ingest(kit, people, remember, settings.colleagues_batch_max_records)
            else:
                fill_s = await fill(kit, people)
            db = kit.database()
            out.append({"bench": "training.province_pool", "metric": "seconds", "value": round(fill_s, 1),
                        "unit": "s", "store": store, "pool_path": POOL_PATH,
                        "colleagues": sum(map(len, people.values())),
                        "buckets": await db.raw("unit_colleagues").count({})})  # fmt: skip
            handler = Subscribers(deps.service, deps.metrics).on_mutation_decided_batch
            server = _server_pid()
            used: set[str] = set()
            for mode, count in (("bkd", n), ("own", own)):
                if not count:
                    continue
                payloads = decision_payloads(count, mode, people, units_of, rng, used)
                recs = [r for dst, nip, p in payloads for r in records(topics.MUTATION_DECIDED, [(nip, p)], dst)]
                spies = _spies(spy, {"client": os.getpid(), "server": server}) if spy and mode == "bkd" else []
                if spies:
                    await asyncio.sleep(1.0)
                before = COUNTED.copy()
                cpu0, scpu0, t0 = time.process_time(), cpu_seconds(server), time.perf_counter()
                rates = []
                for i in range(0, len(recs), BATCH):
                    rates.append(round(await consume_rate(kit, topics.MUTATION_DECIDED, handler, recs[i : i + BATCH],
                                                          size=BATCH), 1))  # fmt: skip
                wall = time.perf_counter() - t0
                cpu, scpu = time.process_time() - cpu0, cpu_seconds(server) - scpu0
                for sp in spies:
                    sp.send_signal(2)
                    sp.wait(30)
                out.append({
                    "bench": "training.province_decisions", "metric": "decisions_per_second",
                    "value": round(count / wall, 1), "unit": "decisions/s", "mode": mode, "store": store,
                    "pool_path": POOL_PATH, "cache_records": settings.colleague_cache_records,
                    "mentor_load_cache": settings.mentor_load_cache, "batch": BATCH,
                    "colleagues": sum(map(len, people.values())), "decisions": count, "per_batch": rates,
                    "target_agencies": len({d for d, _, _ in payloads}), "wall_s": round(wall, 1),
                    "client_cpu_s": round(cpu, 1), "server_cpu_s": round(scpu, 1),
                    "written_per_decision": round((COUNTED["written"] - before["written"]) / count, 2),
                    "read_per_decision": round((COUNTED["read"] - before["read"]) / count, 2),
                    "per_collection": {k: round((v - before[k]) / count, 2) for k, v in sorted(COUNTED.items())
                                       if "." in k and v != before[k]},
                    "load": round(os.getloadavg()[0], 2),
                })  # fmt: skip
                print(json.dumps(out[-1]), file=sys.stderr, flush=True)
        finally:
            await kit.stop(stop_broker=False)
    return out


def run() -> list[dict[str, Any]]:
    """For `make bench`: a smaller province (20,000 colleagues, 1,000 BKD decisions, 500 of one agency)."""
    return asyncio.run(measure(20_000, 1_000))


if __name__ == "__main__":
    args = sys.argv[1:]
    # BENCH_SECANTUS_STORES=memory,disk: the same run on each store in turn (side by side in one process)
    stores = [s for s in os.environ.get("BENCH_SECANTUS_STORES", store_kind()).split(",") if s]
    if not set(stores) <= set(STORES):
        raise SystemExit(f"BENCH_SECANTUS_STORES: each of {STORES}")
    # BENCH_TRAINING_CACHES=0,150000: the same run with each `colleague_cache_records` in turn (0 = none kept)
    caches = [int(c) for c in os.environ.get("BENCH_TRAINING_CACHES", "").split(",") if c.strip()] or [None]
    # BENCH_TRAINING_MENTOR_LOADS=0,1: the same run without and with `mentor_load_cache` (units' mentor load kept)
    mentors = [c.strip() == "1" for c in os.environ.get("BENCH_TRAINING_MENTOR_LOADS", "").split(",") if c.strip()]
    for kind in stores:
        for cache in caches:
            for mentor in mentors or [None]:
                for line in asyncio.run(
                    measure(
                        int(args[0]) if args else 106_760,
                        int(args[1]) if len(args) > 1 else 2_000,
                        f"{args[2]}.{kind}.{cache}.{mentor}" if len(args) > 2 else None,
                        store=kind,
                        cache=cache,
                        mentor=mentor,
                    )
                ):
                    print(json.dumps(line))
