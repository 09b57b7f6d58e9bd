"""HTTP writes, once: one unit of work with the Idempotency-Key answered once, retried on write conflicts,
and 503 + Retry-After (never 500) when the database or broker cannot be reached.

Every service gets all of it from `ServiceKit.build_app`: the retry is an ASGI middleware around every write
request (POST, PUT, PATCH, DELETE) and the status mapping is an exception handler, so a route written tomorrow
is covered without remembering to be. `write()` is the helper a route calls for its unit of work.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mutasi.chassis.faults import fault_fields, is_conflict, is_duplicate_key, is_outage, is_transient
from mutasi.chassis.store import UnitOfWork

log = logging.getLogger("mutasi.writes")

if TYPE_CHECKING:
    from mutasi.chassis.kit import ServiceKit

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retry-safe key for this write: a repeat with the same key and body returns the first answer "
        "unchanged; the same key with another body is refused with 409. Keys are scoped by agency.",
    ),
]

RETRY_HEADER = "x-mutasi-retry"  # internal: set by the error handler, read and removed by the retry middleware
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def write(
    kit: ServiceKit,
    agency_id: str,
    act: Callable[[UnitOfWork], Awaitable[Any]],
    *,
    key: str | None = None,
    fingerprint: Any = None,
) -> Any:
    """Run `act` in one unit of work and commit; with `key`, a repeat returns the first answer unchanged.

    `act` returns the JSON-able answer (replayed for a repeated key, a dict answer carries `"replayed": true`). It
    is stored with the key in the same transaction, so an answer is remembered exactly when its effects are.
    `fingerprint` is what makes two requests the same request (the body, the path parameters); the same key with
    another fingerprint raises IdempotencyConflict (409). A conflict with a concurrent write (another request or an
    event handler) is retried by the chassis middleware from the start."""
    async with kit.uow() as uow:
        if key and (stored := await uow.idempotent_response(agency_id, key, fingerprint)) is not None:
            return {**stored, "replayed": True} if isinstance(stored, dict) else stored
        answer = await act(uow)
        if key:
            await uow.remember_response(agency_id, key, fingerprint, answer)
        await uow.commit()
    return answer


def _problem(status: int, field: str, reason: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"message": reason, "errors": [{"field": field, "reason": reason}]}, status, headers=headers)


def install_fault_handlers(app: FastAPI, retry_after_s: int) -> None:
    """Outage → 503 with Retry-After; a conflict that outlived its retries → 503; a unique index → 409."""

    async def database_fault(request: Request, exc: Exception) -> JSONResponse:
        retry_after = {"Retry-After": str(retry_after_s)}
        if is_duplicate_key(exc):
            reason = "sudah ada / already exists (a unique key was repeated)"
            return _problem(409, "body", reason, {})
        fault = fault_fields(exc)
        if is_conflict(exc):
            log.warning("write conflict answered 503", extra={"path": request.url.path, **fault})
            reason = "sedang diubah bersamaan, coba lagi / changed concurrently, retry"
            return _problem(503, "request", reason, {**retry_after, RETRY_HEADER: "conflict"})
        if is_outage(exc) or is_transient(exc):
            log.warning("database or broker fault answered 503", extra={"path": request.url.path, **fault})
            reason = "layanan data sementara tidak tersedia / database or broker unavailable, retry later"
            return _problem(503, "service", reason, retry_after)
        raise exc

    for exc_type in (PyMongoError, KafkaError, ConnectionError, TimeoutError):
        app.add_exception_handler(exc_type, database_fault)


class RetryWrites:
    """ASGI middleware: a write answered 503-conflict is run again from the start, with jittered backoff.

    The request body is buffered so every attempt reads it whole. Running a whole request again is safe because
    a unit of work that met a conflict rolled back; what one attempt committed is answered from the idempotency
    store on the next. Outages are not retried here (the client gets 503 + Retry-After at once)."""

    def __init__(self, app: ASGIApp, attempts: int, backoff_s: float) -> None:
        self.app = app
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            retry = await self._attempt(scope, body, send, last)
            if not retry:
                return
            await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1) * (0.5 + random.random()))

    async def _attempt(self, scope: Scope, body: bytes, send: Send, last: bool) -> bool:
        """One run of the app; True when it met a conflict and should run again (nothing was sent then)."""
        sent_body = False
        held: list[Message] = []

        async def replay() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def filtered(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() != RETRY_HEADER]
                conflict = len(headers) != len(message.get("headers", []))
                message = {**message, "headers": headers}
                if conflict and not last:
                    held.append(message)
                    return
            elif held:
                return  # the body of a response that will be replaced by the next attempt
            await send(message)

        await self.app(scope, replay, filtered)
        return bool(held)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            return b"".join(chunks)
