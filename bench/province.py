"""A synthetic province driven through the four services' public APIs, timed per stage (the `round.province` bench).

The province: the 20 governments of Sumatera Barat, each with its own synthetic registry (the demo's generator,
with field offices so that ~117,000 ASN hold ~15,000 posts; NIPs unique across the province). Smaller sizes take
the first agencies by size (at least two), so each size is the same kind of round with fewer people.

The driver does what each agency's HR and the province BKD would do, over HTTP with tokens from the local identity
provider, in the demo's order (docs/bench-round.md):

1. `prepare`: each agency's peta jabatan (posts workbook, placement), training catalogue (training) and JPM
   policy (assessment);
2. `assessment`: each agency's SKJ, employee and assessment files, one upload each (an import job in batches);
3. `pool`: until placement's candidate pool holds every completed assessment (assessment-completed events);
4. `placement`: the province BKD's round across the regencies and cities (announce, close, plan, two approvals,
   decide) and, at full size, the province government's own round at the same time;
5. `training`: until training holds a move plan for every decision (mutation-decided events);
6. `evaluation`: until evaluation holds a schedule for every decision (what remains after `training`).

The waits read counts from each service's own database: the bench observes, it does not drive through it. While a
stage runs they poll the service's own counter of the events it committed (`/metrics`), which costs its database
nothing; the database count confirms the end (counting placement's pool reads every bucket document, and polled
four times a second it took most of placement's database, more the larger the pool).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from mutasi.cli.demo import step_assessment, step_placement, step_training
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import Dataset
from mutasi.cli.demo.synth import generate
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD, PROVINCE_AGENCY
from mutasi.contracts import topics
from tests.support.replicas import consumed_in

PROVINCE_PEOPLE = 117_000
PROVINCE_POSTS = 15_000
# Relative size of each government's civil service (synthetic, of the order of the real ones): the province
# itself and Padang are the largest employers, the small cities the smallest.
WEIGHTS: dict[str, float] = {
    "sumbar": 13.0,
    "padang": 12.0,
    "agam": 8.0,
    "pesisir-selatan": 7.5,
    "tanah-datar": 6.5,
    "padang-pariaman": 6.5,
    "lima-puluh-kota": 6.0,
    "kab-solok": 5.5,
    "pasaman": 5.0,
    "pasaman-barat": 5.0,
    "sijunjung": 4.0,
    "dharmasraya": 4.0,
    "solok-selatan": 3.5,
    "bukittinggi": 3.5,
    "payakumbuh": 3.5,
    "kepulauan-mentawai": 3.0,
    "pariaman": 2.5,
    "sawahlunto": 2.5,
    "kota-solok": 2.5,
    "padang-panjang": 2.0,
}
PEOPLE_PER_AGENCY = PROVINCE_PEOPLE / len(WEIGHTS)  # a smaller province has fewer agencies of the same size
POSTS_PER_UNIT_SET = 301  # posts of the generator's 25 units (one "copy")
PARALLEL_AGENCIES = 3  # agencies whose uploads run at once (HR offices do not wait for each other)
POLL_S = 0.25
CONFIRM_S = 2.0  # between database counts while the service's counter says done but the database does not yet
STAGE_TIMEOUT_S = 1500.0
STALL_S = 600.0  # no progress for this long fails the stage
COUNT_TIMEOUT_S = 120.0  # one count that takes longer means the database stopped answering
UNAVAILABLE_RETRIES = 5  # a 503 says "retry after Retry-After seconds"; a client does, this many times
PROVINCE_USER = "province.sumbar"
APPROVERS = (f"approver1.{PROVINCE_AGENCY}", f"approver2.{PROVINCE_AGENCY}")
CSV_TYPE = "text/csv; charset=utf-8"


def agencies_for(people: int) -> list[str]:
    """The agencies of a province of `people` ASN: all 20 at full size, the largest regencies and cities (at least
    two) below. The province government comes last: its own staff move in its own round (a round across agencies
    belongs to the province BKD and may not include the BKD's own agency), so it joins only at full size."""
    count = max(2, min(len(WEIGHTS), round(people / PEOPLE_PER_AGENCY)))
    return sorted(WEIGHTS, key=lambda a: (a == PROVINCE_AGENCY, -WEIGHTS[a]))[:count]


def province(people: int, seed: int = 2026, today: date | None = None) -> list[Dataset]:
    """One dataset per agency; sizes by weight, posts ~ people × 15,000 / 117,000, NIPs unique across all."""
    chosen = agencies_for(people)
    total = sum(WEIGHTS[a] for a in chosen)
    posts_wanted = people * PROVINCE_POSTS / PROVINCE_PEOPLE
    taken: set[str] = set()
    out = []
    for n, agency in enumerate(chosen):
        share = WEIGHTS[agency] / total
        copies = max(1, round(posts_wanted * share / POSTS_PER_UNIT_SET))
        name = f"Pemerintah {agency.replace('-', ' ').title()} (sintetis)"
        out.append(generate(seed + n, round(people * share), today, agency, agency_name=name, unit_copies=copies,
                            nip_taken=taken))  # fmt: skip
    return out


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    header = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h, "") for h in header])
    return buf.getvalue().encode()


@dataclass
class Observer:
    """Counts read from the services' databases while the bench waits (never used to drive)."""

    mongo_uris: Callable[[str], str]  # service -> the URI of its database server (the stack's StackState.mongo)
    _clients: dict[str, Any] = field(default_factory=dict, init=False)

    def db(self, service: str) -> Any:
        uri = self.mongo_uris(service)
        if uri not in self._clients:
            from pymongo import AsyncMongoClient

            self._clients[uri] = AsyncMongoClient(uri)
        return self._clients[uri][f"mutasi_{service}"]

    async def pool(self, agencies: list[str]) -> int:
        buckets = self.db("placement")["candidate_buckets"]  # the pool in bucket documents, `size` people each
        return sum([int(b["size"]) async for b in buckets.find({"agency_id": {"$in": agencies}}, {"size": 1})])

    async def training_plans(self, agencies: list[str]) -> int:
        query = {"agency_id": {"$in": agencies}, "kind": "move"}
        return int(await self.db("training")["plans"].count_documents(query))

    async def schedules(self, round_ids: list[str]) -> int:
        return int(await self.db("evaluation")["schedules"].count_documents({"round_id": {"$in": round_ids}}))

    async def documents(self, services: list[str]) -> dict[str, dict[str, int]]:
        """Documents held per collection of each service's database: what the round wrote, per person, on a
        database that pays per document (bench records `documents`)."""
        out: dict[str, dict[str, int]] = {}
        for service in services:
            db = self.db(service)
            names = sorted(await db.list_collection_names())
            out[service] = {n: int(await db[n].estimated_document_count()) for n in names}
        return out

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()


async def consumed(url: str, topic: str) -> int:
    """Events of `topic` a service has handled and committed (not duplicates), from its own `/metrics`: a counter
    in the service's memory, so polling it costs the service's database nothing."""
    async with httpx.AsyncClient(base_url=url, timeout=COUNT_TIMEOUT_S) as client:
        r = await client.get("/metrics")
    r.raise_for_status()
    return int(consumed_in(r.text, topic)[0])


class RetryUnavailable(httpx.AsyncBaseTransport):
    """Sends a request again after a 503, as the API asks (`Retry-After`), up to `UNAVAILABLE_RETRIES` times, and
    says so: a 503 means the service did not do the work (an outage or a conflict that outlived its retries)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, say: Callable[[str], None]) -> None:
        self.inner = inner
        self.say = say

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(UNAVAILABLE_RETRIES):
            response = await self.inner.handle_async_request(request)
            if response.status_code != 503:
                return response
            await response.aread()
            wait = float(response.headers.get("Retry-After", "2"))
            self.say(f"{request.method} {request.url.path}: 503 {response.text[:200]!r}; again in {wait:g}s")
            await asyncio.sleep(wait)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class RoundIncomplete(Exception):
    """The round stopped before its last stage; carries the stages it finished and the counts so far."""

    def __init__(self, reason: str, stages: dict[str, float], counts: dict[str, Any]) -> None:
        super().__init__(reason)
        self.stages = stages
        self.counts = counts


async def wait_until(
    what: str,
    count: Callable[[], Awaitable[int]],
    target: int,
    say: Callable[[str], None],
    cheap: Callable[[], Awaitable[int]] | None = None,
) -> int:
    """Poll `count` until it reaches `target`; returns the last `count`. With `cheap` (the service's own counter of
    the events it committed, see `consumed`), `cheap` is polled instead until it reaches `target`, then `count`
    confirms from the database, every CONFIRM_S while it falls short. Fails, naming the stage, when the stage runs
    past STAGE_TIMEOUT_S, when the count has not moved for STALL_S, or when one count does not answer within
    COUNT_TIMEOUT_S (a service's database that stopped answering would otherwise hold the bench forever)."""
    started = time.monotonic()
    deadline = started + STAGE_TIMEOUT_S
    shown = moved = started
    last = -1
    while True:
        confirmed = cheap is None
        try:
            have = await asyncio.wait_for(cheap(), COUNT_TIMEOUT_S) if cheap is not None else target
            if have >= target:
                have, confirmed = await asyncio.wait_for(count(), COUNT_TIMEOUT_S), True
        except TimeoutError:
            raise TimeoutError(
                f"{what}: counting did not answer within {COUNT_TIMEOUT_S:.0f}s (last count {max(last, 0)} of "
                f"{target}): the service's database is not answering"
            ) from None
        now = time.monotonic()
        if have >= target:
            say(f"{what}: {have} of {target}")
            return have
        if have != last:
            last, moved = have, now
        if now > deadline:
            raise TimeoutError(f"{what}: only {have} of {target} after {STAGE_TIMEOUT_S:.0f}s")
        if now - moved > STALL_S:
            raise TimeoutError(f"{what}: stuck at {have} of {target} for {STALL_S:.0f}s")
        if now - shown > 10:
            say(f"{what}: {have} of {target}…")
            shown = now
        await asyncio.sleep(CONFIRM_S if confirmed and cheap is not None else POLL_S)


def uploads(data: Dataset) -> dict[str, bytes]:
    """An agency's three files for assessment, as HR prepares them before the round (CSV, the SIASN columns)."""
    return {
        "skj": csv_bytes(step_assessment.skj_rows(data)),
        "employees": csv_bytes(step_assessment.employee_rows(data)),
        "assessments": csv_bytes(step_assessment.assessment_rows(data)),
    }


async def upload_csv(ctx: DemoContext, kind: str, content: bytes) -> dict[str, Any]:
    """One assessment import (an import job) of a CSV file, followed to its end."""
    client = ctx.client("assessment")
    key = f"bench-{kind}-{hashlib.sha256(content).hexdigest()[:16]}"
    r = await client.post(
        f"/v1/imports/{kind}",
        content=content,
        params={"filename": f"{kind}.csv", "accept_partial": "true"},
        headers={"Content-Type": CSV_TYPE, "Idempotency-Key": key},
        timeout=600.0,
    )
    if r.status_code >= 400:
        raise RuntimeError(f"{ctx.dataset.agency_id}: {kind} import refused: {r.status_code} {r.text[:300]}")
    result: dict[str, Any] = r.json()
    if r.status_code == 202:
        result = await follow(client, r.headers["Location"], f"{ctx.dataset.agency_id} {kind}")
    if result.get("state") == "failed":
        raise RuntimeError(f"{ctx.dataset.agency_id}: {kind} import failed: {result.get('error')}")
    return result


async def follow(client: httpx.AsyncClient, url: str, what: str) -> dict[str, Any]:
    """Poll an import job until it is no longer running. A saturated database can hold one read for many
    seconds behind a large bulk write, so a slow answer is waited for, not taken as a failure."""
    deadline = time.monotonic() + STAGE_TIMEOUT_S
    while True:
        try:
            r = await client.get(url, timeout=600.0)
        except httpx.TimeoutException as exc:
            raise TimeoutError(f"{what}: no answer from the import job {url} in 600 s") from exc
        r.raise_for_status()
        view: dict[str, Any] = r.json()
        if view["state"] != "running":
            return view
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: import job {url} still running after {STAGE_TIMEOUT_S:.0f} s")
        await asyncio.sleep(1.0)


async def run_province(
    urls: dict[str, str],
    run_dir: Path,
    say: Callable[[str], None],
    issuer: str,
    datasets: list[Dataset],
    observer: Observer,
) -> dict[str, Any]:
    """Drive the round; returns stage seconds (in order), the total from the first upload to the last schedule
    (files written and users signed in before), and the counts."""
    agencies = [d.agency_id for d in datasets]
    names = list(dict.fromkeys([f"hr.{a}" for a in agencies] + [PROVINCE_USER, *APPROVERS]))
    today = datasets[0].today
    tokens = dict(zip(names, await asyncio.gather(*(sign_in(issuer, n, DEMO_PASSWORD) for n in names)), strict=True))
    token = {n: {"Authorization": f"Bearer {t.access_token}"} for n, t in tokens.items()}
    contexts = []
    for data in datasets:
        clients = {s: httpx.AsyncClient(base_url=u, headers=token[f"hr.{data.agency_id}"], timeout=600)
                   for s, u in urls.items()}  # fmt: skip
        folder = run_dir / data.agency_id
        folder.mkdir(parents=True, exist_ok=True)
        contexts.append(DemoContext(dataset=data, clients=clients, run_dir=folder, progress=lambda _: None))
    stages: dict[str, float] = {}
    counts: dict[str, Any] = {}
    gate = asyncio.Semaphore(PARALLEL_AGENCIES)

    async def each(work: Callable[[DemoContext], Awaitable[Any]]) -> list[Any]:
        async def one(ctx: DemoContext) -> Any:
            async with gate:
                return await work(ctx)

        return list(await asyncio.gather(*(one(c) for c in contexts)))

    async def until_consumed(what: str, count: Callable[[], Awaitable[int]], target: int, service: str,
                             topic: topics.Topic) -> int:  # fmt: skip
        """`wait_until` the database `count`, polling `service`'s own counter of `topic` meanwhile."""
        return await wait_until(what, count, target, say, cheap=lambda: consumed(urls[service], topic.name))

    async def prepare(ctx: DemoContext) -> None:
        await step_placement.prepare(ctx)
        await step_training.prepare(ctx)
        await step_assessment.prepare(ctx)

    async def assess(ctx: DemoContext) -> int:
        mine = files[ctx.dataset.agency_id]
        await upload_csv(ctx, "skj", mine["skj"])
        await upload_csv(ctx, "employees", mine["employees"])
        result = await upload_csv(ctx, "assessments", mine["assessments"])
        return int(result.get("counts", {}).get("completed", result.get("rows_accepted", 0)))

    def stage(name: str, started: float) -> None:
        stages[name] = time.monotonic() - started
        say(f"[{name}] done in {stages[name]:.1f}s")

    files = {d.agency_id: uploads(d) for d in datasets}
    began = time.monotonic()
    try:
        t = time.monotonic()
        await each(prepare)
        stage("prepare", t)
        t = time.monotonic()
        completed = sum(await each(assess))
        counts["assessed"] = completed
        stage("assessment", t)
        t = time.monotonic()
        counts["pool"] = await until_consumed(
            "pool", lambda: observer.pool(agencies), completed, "placement", topics.ASSESSMENT_COMPLETED
        )
        stage("pool", t)
        t = time.monotonic()
        rounds = [province_round(urls["placement"], token, [a for a in agencies if a != PROVINCE_AGENCY], today, say)]
        if PROVINCE_AGENCY in agencies:  # the province government's own round, at the same time
            rounds.append(agency_round(urls["placement"], token, PROVINCE_AGENCY, today, say))
        done = await asyncio.gather(*rounds)
        round_ids = [round_id for round_id, _ in done]
        decided = sum(n for _, n in done)
        counts["decided"] = decided
        stage("placement", t)
        t = time.monotonic()
        counts["training_plans"] = await until_consumed(
            "training plans", lambda: observer.training_plans(agencies), decided, "training", topics.MUTATION_DECIDED
        )
        stage("training", t)
        t = time.monotonic()
        schedules = observer.schedules
        counts["evaluation_schedules"] = await until_consumed(
            "evaluation schedules", lambda: schedules(round_ids), decided, "evaluation", topics.MUTATION_DECIDED
        )
        stage("evaluation", t)
    except Exception as exc:  # the stages finished so far still count; the caller records them as incomplete
        raise RoundIncomplete(f"{type(exc).__name__}: {exc}", stages, counts) from exc
    finally:
        for ctx in contexts:
            for client in ctx.clients.values():
                await client.aclose()
    counts["round_ids"] = round_ids
    return {"stages": stages, "counts": counts, "total": time.monotonic() - began}


async def province_round(
    url: str, token: dict[str, dict[str, str]], agencies: list[str], today: date, say: Callable[[str], None]
) -> tuple[str, int]:
    """The province BKD's round across the regencies and cities: announce, close, plan, two approvals, decide."""
    body = {"name": f"Mutasi antarinstansi Sumatera Barat {today.year} (bench)", "agencies": agencies}
    return await run_round(url, token, PROVINCE_USER, body, f"{len(agencies)} agencies", today, say)


async def agency_round(
    url: str, token: dict[str, dict[str, str]], agency: str, today: date, say: Callable[[str], None]
) -> tuple[str, int]:
    """One agency's own round, run by its HR and approved by its two approvers."""
    body = {"name": f"Mutasi {agency} {today.year} (bench)"}
    return await run_round(url, token, f"hr.{agency}", body, agency, today, say)


async def run_round(
    url: str,
    token: dict[str, dict[str, str]],
    user: str,
    body: dict[str, Any],
    label: str,
    today: date,
    say: Callable[[str], None],
) -> tuple[str, int]:
    """Announce, close, plan, the two approvals, decide; returns the round id and how many were decided."""
    transport = RetryUnavailable(httpx.AsyncHTTPTransport(), say)
    async with httpx.AsyncClient(base_url=url, headers=token[user], timeout=1200, transport=transport) as client:
        body = {**body, "period": f"{today.year}-II", "preferences_open_until": (today + timedelta(days=7)).isoformat(),
                "effective_date": (today + timedelta(days=30)).isoformat()}  # fmt: skip
        r = await client.post("/v1/rounds", json=body, headers={"Idempotency-Key": f"bench-{label}"})
        r.raise_for_status()
        round_id = r.json()["round_id"]
        (await client.post(f"/v1/rounds/{round_id}/close")).raise_for_status()
        t = time.monotonic()
        r = await client.post(f"/v1/rounds/{round_id}/plan")
        r.raise_for_status()
        plan = r.json()
        say(f"placement {label}: plan {plan['moves']} moves in {time.monotonic() - t:.1f}s "
            f"(solve {plan['solve_seconds']} s)")  # fmt: skip
        for approver in APPROVERS:
            (await client.post(f"/v1/rounds/{round_id}/approvals", headers=token[approver])).raise_for_status()
        r = await client.post(f"/v1/rounds/{round_id}/decide")
        r.raise_for_status()
        decided = len(r.json()["decisions"])
        say(f"placement {label}: round {round_id}: {decided} decided")
        return round_id, decided
