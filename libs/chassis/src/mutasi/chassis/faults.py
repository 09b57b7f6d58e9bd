"""What a failure means: an outage (503, retry later), a write conflict (retry now), a duplicate (409)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

WRITE_CONFLICT = 112
DUPLICATE_KEY = 11000


def is_duplicate_key(exc: BaseException) -> bool:
    """A unique index refused a write (MongoDB E11000)."""
    return getattr(exc, "code", None) == DUPLICATE_KEY


def is_conflict(exc: BaseException) -> bool:
    """Another transaction touched the same documents: running the whole unit of work again will succeed."""
    if isinstance(exc, OperationFailure) and exc.code == WRITE_CONFLICT:
        return True
    if isinstance(exc, PyMongoError) and not isinstance(exc, ConnectionFailure):
        return exc.has_error_label("TransientTransactionError")
    return False


def is_outage(exc: BaseException) -> bool:
    """The database or the broker cannot be reached (down, restarting, partitioned)."""
    if isinstance(exc, ConnectionFailure | ConnectionError | TimeoutError):
        return True
    # aiokafka's errors are matched by name so this module needs no Kafka import
    return any(cls.__name__ in ("KafkaConnectionError", "KafkaTimeoutError") for cls in type(exc).__mro__)


def is_transient(exc: BaseException) -> bool:
    """Database or broker trouble that a retry may cure (as opposed to a bad message or a bug)."""
    if is_outage(exc) or is_conflict(exc):
        return True
    if isinstance(exc, PyMongoError):
        return exc.has_error_label("UnknownTransactionCommitResult")
    return False


def fault_fields(exc: BaseException) -> dict[str, Any]:
    """What a log may say about a database or broker fault: its type, code and labels. Not its message, which can
    quote the key values of a document (a NIP in a duplicate-key error)."""
    known = ("TransientTransactionError", "UnknownTransactionCommitResult", "RetryableWriteError")
    labels = [label for label in known if isinstance(exc, PyMongoError) and exc.has_error_label(label)]
    return {"error": type(exc).__name__, "code": getattr(exc, "code", None), "labels": labels}


async def in_chunks(step: Callable[[], Awaitable[int | None]], failures_allowed: int = 5) -> int:
    """Run `step` again and again until it returns None; returns the sum of what it returned. Each `step` is one
    transaction that moves one chunk of stored records (a layout migration) and returns how many it moved, or
    None when nothing is left. Two replicas may migrate at once, so a step that fails on a write conflict, a
    duplicate key (the other replica moved the same records) or an outage is run again; more than
    `failures_allowed` such failures in all, or any other error, is raised."""
    moved = failures = 0
    while True:
        try:
            done = await step()
        except Exception as exc:
            failures += 1
            if failures > failures_allowed or not (is_duplicate_key(exc) or is_transient(exc)):
                raise
            continue
        if done is None:
            return moved
        moved += done
