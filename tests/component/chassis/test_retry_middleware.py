"""The write-retry middleware at the ASGI level: what it lets through, when a body ends, what counts as a conflict."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo.errors import OperationFailure

from mutasi.chassis.faults import is_conflict
from mutasi.chassis.writes import RETRY_HEADER, IdempotencyKey, RetryWrites, _read_body, install_fault_handlers

Message = dict[str, Any]


async def test_a_response_keeps_every_header_but_the_internal_retry_mark() -> None:
    headers = [(b"content-type", b"application/json"), (b"x-request-id", b"r-1"), (b"zz-note", b"kept"),
               (RETRY_HEADER.encode(), b"1")]  # fmt: skip

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await RetryWrites(app, attempts=1, backoff_s=0)({"type": "http", "method": "POST"}, receive, send)
    assert [k for k, _ in sent[0]["headers"]] == [b"content-type", b"x-request-id", b"zz-note"]


async def test_a_client_that_goes_away_mid_body_ends_the_read() -> None:
    disconnect = "".join(["http.", "disconnect"])  # an equal string, not the same object
    messages = iter([{"type": "http.request", "body": b"part", "more_body": True}, {"type": disconnect}])

    async def receive() -> Message:
        return next(messages)  # a third call would raise StopIteration

    assert await _read_body(receive) == b"part"


@pytest.mark.parametrize("labels", [[], ["TransientTransactionError"]])
def test_a_write_conflict_is_known_by_its_code_with_or_without_the_transient_label(labels: list[str]) -> None:
    assert is_conflict(OperationFailure("WriteConflict", 112, {"errorLabels": labels}))
    assert not is_conflict(OperationFailure("BadValue", 2, {"errorLabels": []}))


async def test_a_database_error_no_retry_can_cure_is_a_500_not_retry_later() -> None:
    app = FastAPI()
    install_fault_handlers(app, retry_after_s=2)

    @app.post("/bad-query")
    async def bad_query() -> None:
        raise OperationFailure("BadValue", 2, {"errorLabels": []})  # a bug in the query, not an outage

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.post("/bad-query")
    assert r.status_code == 500
    assert "Retry-After" not in r.headers


async def test_the_server_lifespan_passes_through_untouched() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    async def nothing() -> Message:
        raise AssertionError("a lifespan scope's messages are the app's to read")

    await RetryWrites(app, attempts=3, backoff_s=0)({"type": "lifespan"}, nothing, nothing)
    assert seen == ["lifespan"]


@pytest.mark.parametrize(("length", "status"), [(200, 200), (201, 422)])
async def test_an_idempotency_key_is_at_most_200_characters(length: int, status: int) -> None:
    app = FastAPI()

    @app.post("/write")
    async def write_something(key: IdempotencyKey = None) -> dict[str, str | None]:
        return {"key": key}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.post("/write", headers={"Idempotency-Key": "k" * length})
    assert r.status_code == status


async def test_a_fault_answered_503_is_logged_by_kind_without_the_message_that_can_quote_a_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()
    install_fault_handlers(app, retry_after_s=2)

    @app.post("/rounds")
    async def announce() -> None:
        raise OperationFailure("commit refused for nip 198001012006041001", 251,
                               {"errorLabels": ["TransientTransactionError"]})  # fmt: skip

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level("WARNING", logger="mutasi.writes"):
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.post("/rounds")
    assert r.status_code == 503
    [record] = caplog.records
    assert (record.path, record.error, record.code, record.labels) == (  # type: ignore[attr-defined]
        "/rounds", "OperationFailure", 251, ["TransientTransactionError"])  # fmt: skip
    assert "198001012006041001" not in caplog.text
