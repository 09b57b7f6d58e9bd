"""HTTP writes through the chassis: conflicts retried, outages answered 503 + Retry-After, duplicates 409."""

from __future__ import annotations

import asyncio
import time

from tests.support.service import running_service
from tests.support.toy import CONFLICTS, ToySettings, create_app


def toy_app(**settings: object):  # type: ignore[no-untyped-def]
    return create_app(ToySettings(mongo_uri="memory://", retry_backoff_s=0.001, **settings))  # type: ignore[arg-type]


async def test_a_write_that_meets_a_conflict_is_run_again_and_counts_once() -> None:
    CONFLICTS["a"] = 3
    async with running_service(toy_app()) as svc:
        r = await svc.http.post("/v1/counters/a")
    assert r.status_code == 201, r.text
    assert r.json() == {"name": "a", "value": 1}  # the three rolled-back attempts left nothing behind
    assert "x-mutasi-retry" not in r.headers


async def test_a_conflict_that_outlives_every_retry_is_a_503_with_retry_after() -> None:
    CONFLICTS["b"] = 99
    async with running_service(toy_app(retry_attempts=3)) as svc:
        r = await svc.http.post("/v1/counters/b")
    CONFLICTS["b"] = 0
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "2"
    assert r.json()["errors"][0]["field"] == "request"
    assert "x-mutasi-retry" not in r.headers


async def test_a_repeated_idempotency_key_returns_the_first_answer_without_a_second_effect() -> None:
    async with running_service(toy_app()) as svc:
        first = await svc.http.post("/v1/counters/c", headers={"Idempotency-Key": "k1"})
        again = await svc.http.post("/v1/counters/c", headers={"Idempotency-Key": "k1"})
        other = await svc.http.post("/v1/counters/d", headers={"Idempotency-Key": "k1"})
    assert first.json() == {"name": "c", "value": 1}
    assert again.json() == {"name": "c", "value": 1, "replayed": True}
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_database_outage_is_a_503_with_retry_after_not_a_500() -> None:
    async with running_service(toy_app()) as svc:
        r = await svc.http.get("/v1/outage")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "2"
    assert "unavailable" in r.json()["message"]


async def test_a_duplicate_key_is_a_409() -> None:
    async with running_service(toy_app()) as svc:
        await (
            svc.kit.database().raw("notes").insert_one({"agency_id": "sawahlunto", "note_id": "n2"})
        )  # count+1 collides
        r = await svc.http.post("/v1/notes", json={"nip": "1", "text": "x"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["reason"].startswith("sudah ada")


async def test_readiness_answers_within_a_second_and_names_what_is_down() -> None:
    async with running_service(toy_app()) as svc:

        async def hangs() -> bool:
            await asyncio.sleep(30)
            return True

        svc.kit.database().ping = hangs  # type: ignore[method-assign]
        started = time.monotonic()
        r = await svc.http.get("/health/ready")
        took = time.monotonic() - started
    assert r.status_code == 503
    assert r.json()["database"] is False
    assert "database" in r.json()["down"]
    assert took < 1.5
