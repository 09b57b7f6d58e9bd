"""A province round through the four services on the local stack, timed per stage, with the chassis ceiling beside it.

For each size (`BENCH_ROUND_SIZES`, comma-separated ASN counts; `make bench` runs 2,500, `make bench-round` runs
the list in the Makefile) it generates a synthetic province (bench/province.py: up to the 20 governments of
Sumatera Barat, ~15,000 posts for 117,000 ASN), starts the local stack, drives the round through the public HTTP
APIs as the demo does (bulk imports, one province round), waits for every event, checks the counts in every
service's own database (every assessed person in placement's pool; every decision planned in training and
scheduled in evaluation) and reads each service's peak RSS. On the first size's stack, after the round, it also
measures one replica of evaluation against two in one consumer group (`round.replicas`), then `chassis.consume`
and its raw ceiling on the same Tansu and SecantusDB. Records (docs/bench-round.md):

- `{"bench": "round.province", "metric": "seconds", "people": …, "stage": …}` per stage and `total`;
- `{"bench": "round.province", "metric": "peak_rss_mib", …}` per service;
- `{"bench": "round.province", "metric": "documents_per_person", …}`: documents each service's database holds after
  the round (per collection in `documents`), per person — the stand-in database pays per document;
- `{"bench": "round.province", "metric": "seconds_per_1000_people", …}` per size and the growth ratio;
- `chassis.consume` / `chassis.consume_ceiling` (bench_chassis) with `ratio_to_ceiling`;
- `{"bench": "round.replicas", "metric": "events_per_second", "replicas": 1|2, …}` with the cores each process kept
  busy meanwhile (`busy_cores`), and their ratio.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import bench_chassis, province
from bench.procstat import cpu_seconds
from mutasi.cli import stack
from tests.support.replicas import consumed_by, decided_event, produce_many, replica_nip, until_split
from tests.support.wire import Wire

SEED = 2026
REPLICA_EVENTS = int(os.environ.get("BENCH_ROUND_REPLICA_EVENTS", "5000"))
REPLICA_SERVICE = "evaluation"
REFRESH = {"METRICS_REFRESH_S": "60"}
# "per_service": each service its own SecantusDB process (as each has its own MongoDB in production);
# "shared": one SecantusDB for all four (the demo's stack). BENCH_ROUND_DATABASES=shared,per_service runs both.
DATABASES = [d.strip() for d in os.environ.get("BENCH_ROUND_DATABASES", "per_service").split(",") if d.strip()]


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_ROUND_SIZES", "2500").split(",") if s.strip()]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def run_round(
    size: int, replicas: bool = False, chassis_too: bool = True, databases: str = "per_service"
) -> list[dict[str, Any]]:
    def say(line: str) -> None:
        print(f"round {size}: {line}", file=sys.stderr, flush=True)  # progress; the records go to stdout

    t = time.monotonic()
    datasets = province.province(size, seed=SEED)
    people = sum(len(d.employees) for d in datasets)
    posts = sum(len(d.posts) for d in datasets)
    generated = time.monotonic() - t
    agencies = [d.agency_id for d in datasets]
    say(f"province: {len(agencies)} agencies, {people} ASN, {posts} posts (generated in {generated:.1f}s)")
    load_before = load_average()
    extra: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp)
        # the gauges every 60 s as in production (the stack refreshes them every 5 s for the demo)
        state = stack.up(run_dir, say, console=False, agencies=tuple(agencies), settings=REFRESH,
                         mongo_per_service=databases == "per_service")  # fmt: skip
        try:
            out = run_dir / "round"
            out.mkdir()
            urls = {s: state.url(s) for s in stack.SERVICES}
            try:
                result = asyncio.run(drive(urls, out, say, state, datasets))
            except province.RoundIncomplete as stop:  # a stuck or failed stage: keep the stages it finished
                say(f"round incomplete: {stop}")
                kept = keep_logs(run_dir, size)
                say(f"the stack's logs are kept in {kept}")
                rss = {s: peak_rss_mb(state.pids[s]) for s in stack.SERVICES}
                return incomplete_records(stop, size, people, posts, agencies, databases, load_before, rss)
            total = result["total"]
            load_after = load_average()
            rss = {s: peak_rss_mb(state.pids[s]) for s in stack.SERVICES}
            if replicas:  # before the chassis bench, whose toy service publishes on the stack's topics
                try:
                    extra = asyncio.run(replica_rates(state, say))
                except Exception as exc:  # the round's records stand without it
                    extra = [{"bench": "round.replicas", "metric": "error", "value": repr(exc), "unit": ""}]
            wire = Wire("local", state.kafka, state.mongo_uri)
            try:
                chassis = bench_chassis.measure(wire, repeats=1) if chassis_too else []
            except Exception as exc:  # the round's records stand without it
                chassis = [{"bench": "chassis.consume", "metric": "error", "value": repr(exc), "unit": ""}]
        finally:
            stack.down(run_dir)
    counts = result["counts"]
    checks = {
        "every_assessed_in_pool": counts["pool"] >= counts["assessed"] > 0,
        "every_decision_planned_in_training": counts["training_plans"] >= counts["decided"] > 0,
        "every_decision_scheduled_in_evaluation": counts["evaluation_schedules"] >= counts["decided"] > 0,
    }
    common = context(size, people, posts, agencies, databases, load_after)
    records = stage_records(result["stages"], common)
    records.append(
        {
            "bench": "round.province",
            "metric": "seconds",
            "value": round(total, 1),
            "unit": "s",
            "stage": "total",
            "counts": {k: v for k, v in counts.items() if k != "round_ids"},
            "checks": checks,
            "all_counts_checked": all(checks.values()),
            "generate_seconds": round(generated, 1),
            "load_average_before": load_before,
            **common,
        }
    )
    documents = result["documents"]
    records.append(
        {
            "bench": "round.province",
            "metric": "documents_per_person",
            "unit": "documents/person",
            "stage": "total",
            "value": round(sum(sum(c.values()) for c in documents.values()) / max(1, people), 2),
            "per_service": {s: round(sum(c.values()) / max(1, people), 2) for s, c in documents.items()},
            "documents": documents,
            **common,
        }
    )
    records.append(
        {"bench": "round.province", "metric": "peak_rss_mib", "value": rss, "unit": "MiB", "stage": "total", **common}
    )
    return records + [{**r, "people": people} for r in chassis] + extra


def context(
    size: int, people: int, posts: int, agencies: list[str], databases: str, load: list[float]
) -> dict[str, Any]:
    """What every record of one round carries."""
    return {"people": people, "size": size, "agencies": len(agencies), "posts": posts, "seed": SEED,
            "stack": "tansu+secantusdb", "databases": databases, "load_average": load}  # fmt: skip


def stage_records(stages: dict[str, float], common: dict[str, Any]) -> list[dict[str, Any]]:
    """One `seconds` record per stage, in the order the stages ran."""
    return [
        {"bench": "round.province", "metric": "seconds", "value": round(seconds, 1), "unit": "s", "stage": stage,
         **common}
        for stage, seconds in stages.items()
    ]  # fmt: skip


def keep_logs(run_dir: Path, size: int) -> Path:
    """The stack's logs of a round that did not finish, copied out of its temporary folder (which goes away)."""
    kept = Path("out") / "bench-round" / f"logs-{size}"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(run_dir / "logs", kept)
    return kept


def incomplete_records(
    stop: province.RoundIncomplete,
    size: int,
    people: int,
    posts: int,
    agencies: list[str],
    databases: str,
    load_before: list[float],
    rss: dict[str, float | None],
) -> list[dict[str, Any]]:
    """The stages a round finished before it stopped, and a total record that says it did not finish (no
    `seconds` total: a partial round's time is not comparable, and growth is computed from finished rounds only)."""
    common = context(size, people, posts, agencies, databases, load_average())
    records = stage_records(stop.stages, common)
    records.append(
        {"bench": "round.province", "metric": "incomplete", "value": str(stop), "unit": "", "stage": "total",
         "counts": {k: v for k, v in stop.counts.items() if k != "round_ids"}, "all_counts_checked": False,
         "load_average_before": load_before, **common}
    )  # fmt: skip
    records.append(
        {"bench": "round.province", "metric": "peak_rss_mib", "value": rss, "unit": "MiB", "stage": "total", **common}
    )
    return records


async def drive(
    urls: dict[str, str], out: Path, say: Any, state: stack.StackState, datasets: list[Any]
) -> dict[str, Any]:
    observer = province.Observer(state.mongo)
    try:
        result = await province.run_province(urls, out, say, state.issuer, datasets, observer)
        result["documents"] = await observer.documents(list(stack.SERVICES))
        return result
    finally:
        await observer.close()


def growth(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seconds per 1,000 people at each size, and the largest size's over the smallest's (1.0 = linear), for each
    database layout measured."""
    out: list[dict[str, Any]] = []
    for databases in dict.fromkeys(r.get("databases", "shared") for r in records if r["bench"] == "round.province"):
        totals = [r for r in records if r["bench"] == "round.province" and r.get("stage") == "total" and
                  r["metric"] == "seconds" and r.get("databases", "shared") == databases]  # fmt: skip
        per = {r["people"]: r["value"] / r["people"] * 1000 for r in totals if r["people"]}
        out += [
            {"bench": "round.province", "metric": "seconds_per_1000_people", "value": round(v, 2), "unit": "s",
             "people": p, "databases": databases}
            for p, v in sorted(per.items())
        ]  # fmt: skip
        if len(per) >= 2:
            small, large = min(per), max(per)
            out.append(
                {
                    "bench": "round.province",
                    "metric": "growth_ratio",
                    "value": round(per[large] / per[small], 2),
                    "unit": "ratio",
                    "people": [small, large],
                    "databases": databases,
                    "note": "seconds per 1,000 people at the largest size over the smallest; <= 1 is linear or better",
                }
            )
    return out


# --- two replicas in one consumer group ----------------------------------------------------------------------------


def _cpu_of(pids: dict[str, int], names: list[str]) -> dict[str, float]:
    """CPU seconds so far of the stack's processes named in `names` (those it runs)."""
    return {name: cpu_seconds(pid) for name, pid in pids.items() if name in names}


async def replica_rates(state: stack.StackState, say: Any, events: int = REPLICA_EVENTS) -> list[dict[str, Any]]:
    """`mutation-decided` events/s into evaluation with one replica, then with two in the same consumer group.

    Training (the topic's other consumer) is stopped first so it does not take CPU from either run. Each run
    produces `events` new decisions and waits until evaluation holds a schedule for each."""
    from mutasi.contracts import topics

    os.kill(state.pids["training"], 15)
    topic = topics.MUTATION_DECIDED.name
    observer = province.Observer(state.mongo)
    urls = [state.url(REPLICA_SERVICE)]
    database = f"mongo-{REPLICA_SERVICE}" if f"mongo-{REPLICA_SERVICE}" in state.pids else "mongo"
    watched = [REPLICA_SERVICE, f"{REPLICA_SERVICE}-2", database, "kafka"]
    busy: dict[int, dict[str, float]] = {}  # cores each process kept busy while the events were consumed
    rates: dict[int, float] = {}
    split: dict[str, Any] = {}
    try:
        for replicas in (1, 2):
            if replicas == 2:
                proc = stack.start_replica(state, REPLICA_SERVICE)
                stack.wait_ready(state.url(f"{REPLICA_SERVICE}-2"), stack.READY_TIMEOUT_S, proc)
                urls.append(state.url(f"{REPLICA_SERVICE}-2"))
                await until_split(urls, topic)
            before = [consumed_by(u, topic)[0] for u in urls]
            round_id = f"bench-replicas-{replicas}"
            bodies = [decided_event(replica_nip(i + (replicas - 1) * events), round_id) for i in range(events)]
            cpu0, started = _cpu_of(state.pids, watched), time.perf_counter()
            await produce_many(state.kafka, topic, bodies)
            await province.wait_until(
                f"schedules with {replicas} replica(s)", lambda rid=round_id: observer.schedules([rid]), events, say
            )
            elapsed = time.perf_counter() - started
            rates[replicas] = events / elapsed
            cpu1 = _cpu_of(state.pids, watched)
            busy[replicas] = {k: round((cpu1[k] - cpu0.get(k, cpu1[k])) / elapsed, 2) for k in cpu1}
            after = [consumed_by(u, topic) for u in urls]
            split = {
                "consumed_per_replica": [round(a[0] - b) for a, b in zip(after, before, strict=True)],
                "partitions_per_replica": [sorted(a[1]) for a in after],
            }
            held = await observer.schedules([round_id])
            split["schedules"] = held
    finally:
        await observer.close()
    once = split.get("schedules") == events and sum(split.get("consumed_per_replica", [])) == events
    common = {"service": REPLICA_SERVICE, "topic": topic, "n": events, "stack": "tansu+secantusdb"}
    return [
        {"bench": "round.replicas", "metric": "events_per_second", "value": round(rates[1], 1), "unit": "events/s",
         "replicas": 1, "busy_cores": busy[1], **common},
        {"bench": "round.replicas", "metric": "events_per_second", "value": round(rates[2], 1), "unit": "events/s",
         "replicas": 2, **split, "handled_once": once, "busy_cores": busy[2], **common},
        {"bench": "round.replicas", "metric": "speedup", "value": round(rates[2] / rates[1], 2), "unit": "ratio",
         **common},
    ]  # fmt: skip


def run() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    runs = [(size, databases) for size in sizes() for databases in DATABASES]
    for n, (size, databases) in enumerate(runs):
        # Replicas and the chassis figures once per run, on the first size's stack (they do not depend on it).
        first = n == 0
        try:
            replicas = first and os.environ.get("BENCH_ROUND_REPLICAS", "1") == "1"
            chassis = first and os.environ.get("BENCH_ROUND_CHASSIS", "1") == "1"
            done = run_round(size, replicas, chassis, databases)
        except Exception as exc:  # one size failing keeps the others' records (and is an error record itself)
            done = [{"bench": "round.province", "metric": "error", "value": repr(exc), "unit": "", "size": size,
                     "databases": databases}]  # fmt: skip
        for record in done:  # as each size ends (stdout gets every record when all sizes are done)
            print(f"round {size}: record {json.dumps(record, default=str)}", file=sys.stderr, flush=True)
        records.extend(done)
    return records + growth(records)
