"""The storage port: collections and a unit of work that commits state, inbox and outbox together."""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol, Self

from pydantic import BaseModel

from mutasi.chassis.context import causation_id, correlation_id
from mutasi.chassis.faults import is_duplicate_key as is_duplicate_key  # re-exported for older callers
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic

Doc = dict[str, Any]
Filter = Mapping[str, Any]
SortSpec = Sequence[tuple[str, int]]

INBOX = "inbox"
OUTBOX = "outbox"
IDEMPOTENCY = "idempotency"


LEASES = "leases"


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different request."""

    field = "Idempotency-Key"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} sudah dipakai untuk permintaan lain / was already used for another request"
        )


def storable(value: Any) -> Any:
    """Normalise a value the same way for MongoDB and memory: dates as ISO strings, tuples and sets as lists."""
    if isinstance(value, Mapping):
        return {str(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [storable(v) for v in value]
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return storable(value.value)
    if isinstance(value, BaseModel):
        return storable(value.model_dump(mode="json"))
    return value


class Collection(Protocol):
    """The subset of a MongoDB collection services use; identical on MongoDB and in memory."""

    async def find_one(self, query: Filter, sort: SortSpec | None = None) -> Doc | None: ...
    async def find(self, query: Filter, sort: SortSpec | None = None, limit: int = 0) -> list[Doc]: ...
    async def count(self, query: Filter) -> int: ...
    async def distinct(self, field: str, query: Filter) -> list[Any]: ...
    async def insert_one(self, doc: Doc) -> None: ...
    async def insert_many(self, docs: Sequence[Doc]) -> None: ...
    async def replace_one(self, query: Filter, doc: Doc, upsert: bool = False) -> int: ...
    async def update_one(self, query: Filter, update: Mapping[str, Any], upsert: bool = False) -> int: ...
    async def update_many(self, query: Filter, update: Mapping[str, Any]) -> int: ...
    async def delete_many(self, query: Filter) -> int: ...
    async def bulk_upsert(self, docs: Sequence[Doc], key_fields: Sequence[str]) -> int: ...


_seq_last = 0


def next_seq() -> int:
    """A strictly increasing number for outbox ordering within this process."""
    global _seq_last
    _seq_last = max(_seq_last + 1, time.time_ns())
    return _seq_last


class UnitOfWork:
    """One transaction: state changes, the inbox record and outbox entries commit or roll back together."""

    def __init__(self, service: str, default_program_id: str | None = None) -> None:
        self.service = service
        self.default_program_id = default_program_id
        self.committed = False
        self.after_commit: Callable[[], None] | None = None  # the kit wakes the outbox relay here
        self.schema_base = ""  # absolute base URI of `dataschema` (the kit sets it from the settings)
        self._pending_events: list[Doc] = []

    def collection(self, name: str) -> Collection:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self.committed:
            await self.rollback()

    async def commit(self) -> None:
        emitted = bool(self._pending_events)
        if emitted:
            await self.collection(OUTBOX).insert_many(self._pending_events)
            self._pending_events = []
        await self._commit()
        self.committed = True
        if emitted and self.after_commit is not None:
            self.after_commit()

    async def _commit(self) -> None:
        raise NotImplementedError

    async def rollback(self) -> None:
        self._pending_events = []

    # --- outbox -------------------------------------------------------------------------
    def emit(
        self,
        topic: Topic,
        data: BaseModel,
        *,
        agency_id: str,
        subject: str | None = None,
        program_id: str | None = None,
        caused_by: str | None = None,
    ) -> CloudEvent[Any]:
        """Queue `data` for publication on `topic`; it is written to the outbox when the unit commits.

        `causationid` is `caused_by` (an event emitted in the same unit), else the event being handled."""
        if not isinstance(data, topic.payload):
            raise TypeError(f"{topic.name} carries {topic.payload.__name__}, not {type(data).__name__}")
        key = str(subject if subject is not None else getattr(data, topic.key))
        event = event_model(type(data))(
            source=f"/mutasi/{self.service}",
            type=topic.name,
            subject=key,
            dataschema=f"{self.schema_base}{topic.name}.json" if self.schema_base else topic.schema_file,
            agencyid=agency_id,
            programid=program_id or self.default_program_id,
            correlationid=correlation_id() or "",
            causationid=caused_by or causation_id(),
            data=data,
        )
        if not event.correlationid:
            event.correlationid = event.id
        self._pending_events.append(
            {
                "event_id": event.id,
                "topic": topic.name,
                "key": key,
                "agency_id": agency_id,
                "body": event.model_dump_json(),
                "seq": next_seq(),
                "sent": False,
                "created_at": datetime.now(UTC),
            }
        )
        return event

    # --- inbox --------------------------------------------------------------------------
    async def already_processed(self, event_id: str) -> bool:
        return await self.collection(INBOX).find_one({"event_id": event_id}) is not None

    async def record_processed(self, event_id: str, topic: str) -> None:
        await self.collection(INBOX).insert_one(
            {"event_id": event_id, "topic": topic, "processed_at": datetime.now(UTC)}
        )

    # --- idempotency keys for HTTP writes -----------------------------------------------
    async def idempotent_response(self, agency_id: str, key: str, fingerprint: Any) -> Doc | None:
        """The response stored for the agency's `key`, or None; IdempotencyConflict if it came with another request.

        Keys are scoped by agency: two agencies may choose the same key without ever seeing each other's answer."""
        stored = await self.collection(IDEMPOTENCY).find_one({"agency_id": agency_id, "key": key})
        if stored is None:
            return None
        if stored["fingerprint"] != _fingerprint(fingerprint):
            raise IdempotencyConflict(key)
        response: Doc = json.loads(stored["response"])
        return response

    async def remember_response(self, agency_id: str, key: str, fingerprint: Any, response: Any) -> None:
        await self.collection(IDEMPOTENCY).insert_one(
            {
                "agency_id": agency_id,
                "key": key,
                "fingerprint": _fingerprint(fingerprint),
                "response": json.dumps(storable(response), default=str),
                "at": datetime.now(UTC),
            }
        )


def _fingerprint(value: Any) -> str:
    return json.dumps(storable(value), sort_keys=True, default=str)


class Database(Protocol):
    """A service's own database: units of work plus what the relay and health checks need."""

    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> bool: ...
    async def ensure_index(self, collection: str, keys: Sequence[tuple[str, int]], unique: bool) -> None: ...
    def uow(self, service: str, default_program_id: str | None = None) -> UnitOfWork: ...
    def raw(self, name: str) -> Collection: ...
