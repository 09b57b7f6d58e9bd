"""Fault injection on the local stack: a patient HTTP client, effect counting and faults fired at set moments."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pymongo import MongoClient

from mutasi.cli import stack

PATIENCE_S = 180.0


class PatientTransport(httpx.AsyncBaseTransport):
    """Waits out a service that is down: a request is retried while the service restarts, but only when that is
    safe — it never reached the service (connect error), it is a read, or it carries an Idempotency-Key."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        safe = request.method in ("GET", "HEAD") or "idempotency-key" in request.headers
        deadline = time.monotonic() + PATIENCE_S
        while True:
            try:
                rebuilt = httpx.Request(request.method, request.url, headers=request.headers, content=body)
                response = await self._inner.handle_async_request(rebuilt)
                if response.status_code in (502, 503) and safe and time.monotonic() < deadline:
                    await response.aclose()
                    await asyncio.sleep(0.5)
                    continue
                # The body is read here, inside the retry: a service killed while sending it cuts the body
                # (RemoteProtocolError), which is a transport error like any other, not an answer.
                content = b"".join([chunk async for chunk in response.aiter_raw()])  # as sent (no decoding)
                await response.aclose()
                return httpx.Response(response.status_code, headers=response.headers, content=content,
                                      request=request, extensions=response.extensions)  # fmt: skip
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, httpx.ConnectError)
                if not (safe or never_sent) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Effects:
    """What a round left behind, as counters of keys that are the same in every run of one seed."""

    kinds: dict[str, Counter[Any]] = field(default_factory=dict)
    transit: dict[str, int] = field(default_factory=dict)  # events of this run that did not reach their consumer
    # Effects that depend on the order of arrival, not on the seed alone: training sessions have seats, given
    # first come first served across partitions, so who gets a scheduled session (and so which items can be
    # completed, and whether "gap still open after training" fires) may differ between two correct runs.
    # Counted and shown, checked in transit, not compared key by key.
    order_dependent: dict[str, Counter[Any]] = field(default_factory=dict)

    def lost(self, clean: Effects) -> dict[str, int]:
        return {k: sum((c - self.kinds.get(k, Counter())).values()) for k, c in clean.kinds.items()}

    def doubled(self, clean: Effects) -> dict[str, int]:
        return {k: sum((self.kinds.get(k, Counter()) - c).values()) for k, c in clean.kinds.items()}

    def differences(self, clean: Effects, limit: int = 5) -> list[str]:
        """The keys behind the counts (a few per kind), so a loss can be traced to the people it hit; the
        order-dependent effects are listed the same way (not a failure)."""
        lines = []
        groups = (("", self.kinds, clean.kinds), (" (order-dependent)", self.order_dependent, clean.order_dependent))
        for label_kind, mine_all, theirs_all in groups:
            for kind, c in theirs_all.items():
                mine = mine_all.get(kind, Counter())
                for label, diff in (("only in clean", c - mine), ("only in faulted", mine - c)):
                    if diff:
                        lines.append(f"  {label} {kind}{label_kind}: {sorted(diff, key=str)[:limit]}")
        return lines


def read_effects(state: stack.StackState) -> Effects:
    """Candidates, decisions, plans, schedules, evaluations and follow-ups, read from each service's database, and
    the events that did not reach a consumer (`in_transit`)."""
    client: MongoClient[dict[str, Any]] = MongoClient(state.mongo_uri, serverSelectionTimeoutMS=10_000)
    try:
        placement, training, evaluation = (client[f"mutasi_{s}"] for s in ("placement", "training", "evaluation"))
        decisions: Counter[Any] = Counter()
        decisions.update(d["nip"] for d in placement["round_decisions"].find({}, {"nip": 1}))
        # Every plan ever made, whatever its status now: a person decided twice (their agency's round, then the
        # province round) has two move plans, and whether the first ends "completed" or "superseded" depends on
        # which of its sessions they got a seat in (first come, first served) — not on whether an event was lost.
        all_plans: Counter[Any] = Counter(
            (p["nip"], p.get("kind")) for p in training["plans"].find({}, {"nip": 1, "kind": 1})
        )
        plans = Counter({k: n for k, n in all_plans.items() if k[1] == "move"})
        evaluations: Counter[Any] = Counter(
            (e["nip"], e.get("checkpoint_months"))
            for e in evaluation["evaluations"].find({}, {"nip": 1, "checkpoint_months": 1})
        )
        all_follow_ups: Counter[Any] = Counter(
            (f["nip"], f.get("reason")) for f in evaluation["follow_ups"].find({}, {"nip": 1, "reason": 1})
        )
        follow_ups = Counter({k: n for k, n in all_follow_ups.items() if k[1] != "more_training"})
        completions: Counter[Any] = Counter(e["nip"] for e in training["jp_ledger"].find({}, {"nip": 1}))
        order_dependent = {
            "completions": completions,
            "more_training": Counter({k: n for k, n in all_follow_ups.items() if k[1] == "more_training"}),
            "follow-up plans": Counter({k: n for k, n in all_plans.items() if k[1] != "move"}),
        }
        return Effects(
            {
                "candidates": Counter(  # placement keeps its pool in bucket documents, a list of NIPs each
                    n for b in placement["candidate_buckets"].find({}, {"nips": 1}) for n in b["nips"]
                ),
                "decisions": decisions,
                "plans": plans,
                "schedules": Counter(s["nip"] for s in evaluation["schedules"].find({}, {"nip": 1})),
                "evaluations": evaluations,
                "follow_ups": follow_ups,
            },
            in_transit(client),
            order_dependent,
        )
    finally:
        client.close()


def in_transit(client: MongoClient[dict[str, Any]]) -> dict[str, int]:
    """Per "topic → consumer": events the producer's outbox holds that the consumer's inbox does not (never
    processed). Consumers of a topic are the services whose inbox holds any event of it; the inbox's unique index
    makes a second processing impossible, so only losses can show here."""
    produced: dict[str, set[str]] = {}
    producer: dict[str, str] = {}
    consumed: dict[tuple[str, str], set[str]] = {}
    for service in stack.SERVICES:
        db = client[f"mutasi_{service}"]
        for doc in db["outbox_batches"].find({}, {"events.event_id": 1, "events.topic": 1}):
            for e in doc.get("events", []):
                produced.setdefault(e["topic"], set()).add(e["event_id"])
                producer[e["topic"]] = service
        for doc in db["inbox_batches"].find({}, {"event_ids": 1, "topic": 1}):
            consumed.setdefault((doc["topic"], service), set()).update(doc["event_ids"])
    return {
        f"{producer.get(topic, '?')}: {topic.removeprefix('mutasi.')} → {service}": len(
            produced.get(topic, set()) - ids
        )
        for (topic, service), ids in sorted(consumed.items())
    }


def count(state: stack.StackState, database: str, collection: str) -> int:
    client: MongoClient[dict[str, Any]] = MongoClient(state.mongo_uri, serverSelectionTimeoutMS=2_000)
    try:
        return int(client[database][collection].estimated_document_count())
    except Exception:
        return -1
    finally:
        client.close()


def pooled(state: stack.StackState) -> int:
    """People in placement's candidate pool (bucket documents of many people each)."""
    client: MongoClient[dict[str, Any]] = MongoClient(state.mongo_uri, serverSelectionTimeoutMS=2_000)
    try:
        return sum(int(b["size"]) for b in client["mutasi_placement"]["candidate_buckets"].find({}, {"size": 1}))
    except Exception:
        return -1
    finally:
        client.close()


@dataclass
class Fault:
    """Kill `target` (a service, or "mongo") once `trigger()` says so; restart it; time until it is ready again."""

    name: str
    target: str
    trigger: Callable[[stack.StackState], bool]
    down_s: float = 1.0
    fired_at: float | None = None
    recovered_s: float | None = None
    note: str = ""


def fire(state: stack.StackState, fault: Fault) -> None:
    started = time.monotonic()
    os.kill(state.pids[fault.target], signal.SIGKILL)
    time.sleep(fault.down_s)
    if fault.target == "mongo":
        stack.restart_mongo(state)
        for service in stack.SERVICES:
            stack.wait_ready(state.url(service), 120)
    else:
        proc: subprocess.Popen[bytes] = stack.start_service(state, fault.target)
        state.save()
        stack.wait_ready(state.url(fault.target), 120, proc)
    fault.recovered_s = time.monotonic() - started


class Injector(threading.Thread):
    """Watches the stack and fires each fault in order when its trigger holds (one at a time)."""

    def __init__(self, state: stack.StackState, faults: list[Fault]) -> None:
        super().__init__(daemon=True, name="fault-injector")
        self.state = state
        self.faults = faults
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def run(self) -> None:
        pending = list(self.faults)
        while pending and not self.stop.is_set():
            fault = pending[0]
            try:
                if fault.trigger(self.state):
                    fault.fired_at = time.monotonic()
                    fire(self.state, fault)
                    pending.pop(0)
                    continue
            except BaseException as exc:  # reported by the test, never swallowed
                self.errors.append(exc)
                return
            time.sleep(0.1)
