"""A whole round through the four services on the local stack, timed per stage, with the chassis ceiling beside it.

For each size (`BENCH_ROUND_SIZES`, comma-separated ASN counts; `make bench` runs 2,500, `make bench-round` runs
the list in the Makefile) it starts the local stack, drives the demo round through the public HTTP APIs exactly
as `mutasi demo` does (each step waits for the events it depends on), checks the counts in every service's own
database (every assessed person in placement's pool; every decision planned in training and scheduled in
evaluation), reads each service's peak RSS, then measures `chassis.consume` and its raw ceiling on the same
Tansu and SecantusDB. One JSON line per stage and in total:
`{"bench": "round.province", "metric": "seconds", "people": …, "stage": …}`.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import bench_chassis
from mutasi.cli import stack
from mutasi.cli.demo.runner import run_demo
from tests.support.wire import Wire

SEED = 2026
STAGE_START = re.compile(r"^\[(assessment|placement|training|evaluation)\]$")
STAGE_DONE = re.compile(r"^\[(assessment|placement|training|evaluation)\] done in")


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_ROUND_SIZES", "2500").split(",") if s.strip()]


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def count_effects(mongo_uri: str, agency_id: str, round_id: str | None) -> dict[str, int]:
    """What each service holds after the round, read from its own database."""
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)
    try:
        pool = await client["mutasi_placement"]["candidates"].count_documents({"agency_id": agency_id})
        plans = await client["mutasi_training"]["plans"].count_documents({"agency_id": agency_id, "kind": "move"})
        query: dict[str, Any] = {"agency_id": agency_id} | ({"round_id": round_id} if round_id else {})
        schedules = await client["mutasi_evaluation"]["schedules"].count_documents(query)
    finally:
        await client.close()
    return {"pool": pool, "training_plans": plans, "evaluation_schedules": schedules}


def run_round(size: int, lines: list[str] | None = None) -> list[dict[str, Any]]:
    said = lines if lines is not None else []
    stages: dict[str, float] = {}
    opened: dict[str, float] = {}

    def say(line: str) -> None:
        said.append(line)
        print(f"round {size}: {line}", file=sys.stderr, flush=True)  # progress; the records go to stdout
        now = time.monotonic()
        if m := STAGE_START.match(line):
            opened[m.group(1)] = now
        elif m := STAGE_DONE.match(line):
            stages[m.group(1)] = now - opened.get(m.group(1), now)

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp)
        state = stack.up(run_dir, say, console=False)
        try:
            out = run_dir / "demo"
            out.mkdir()
            urls = {s: state.url(s) for s in stack.SERVICES}
            started = time.monotonic()
            results = asyncio.run(run_demo(urls, out, say, state.issuer, seed=SEED, size=size))
            total = time.monotonic() - started
            facts = results.get("facts", {})
            agency = str(facts.get("agency_id") or "sawahlunto")
            round_id = results.get("placement", {}).get("round_id")
            held = asyncio.run(count_effects(state.mongo_uri, agency, round_id))
            rss = {s: peak_rss_mb(state.pids[s]) for s in stack.SERVICES}
            chassis = bench_chassis.measure(Wire("local", state.kafka, state.mongo_uri), repeats=1)
        finally:
            stack.down(run_dir)
    assessed = int(results.get("assessment", {}).get("assessed", 0))
    decided = int(results.get("placement", {}).get("decided", 0))
    checks = {
        "every_assessed_in_pool": held["pool"] >= assessed,
        "every_decision_planned_in_training": held["training_plans"] >= decided,
        "every_decision_scheduled_in_evaluation": held["evaluation_schedules"] >= decided,
    }
    common = {"people": size, "seed": SEED, "stack": "tansu+secantusdb"}
    records: list[dict[str, Any]] = [
        {"bench": "round.province", "metric": "seconds", "value": round(seconds, 1), "unit": "s", "stage": stage,
         **common}
        for stage, seconds in stages.items()
    ]  # fmt: skip
    records.append(
        {
            "bench": "round.province",
            "metric": "seconds",
            "value": round(total, 1),
            "unit": "s",
            "stage": "total",
            "counts": {"assessed": assessed, "decided": decided, **held},
            "checks": checks,
            "all_counts_checked": all(checks.values()),
            **common,
        }
    )
    records.append(
        {"bench": "round.province", "metric": "peak_rss_mib", "value": rss, "unit": "MiB", "stage": "total", **common}
    )
    return records + [{**r, "people": size} for r in chassis]


def run() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for size in sizes():
        records.extend(run_round(size))
    return records
