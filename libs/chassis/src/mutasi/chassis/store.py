"""The storage port: collections and a unit of work that commits state, inbox and outbox together."""

from __future__ import annotations

import enum
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from typing import Any, Protocol, Self

from pydantic import BaseModel

from mutasi.chassis.context import causation_id, correlation_id
from mutasi.chassis.faults import is_duplicate_key as is_duplicate_key  # re-exported for older callers
from mutasi.chassis.tracing import current_traceparent
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic

Doc = dict[str, Any]
Filter = Mapping[str, Any]
SortSpec = Sequence[tuple[str, int]]

# One inbox document per committed batch ({"event_ids": [...]}, a unique multikey index) and one outbox document
# per chunk of a commit's events ({"seq", "sent", "n", "events": [{event_id, topic, key, agency_id}], "bodies": [...]},
# the bodies dropped once published): the stand-in database (and MongoDB, less so)
# pays per document and per index entry, so a batch of 500 events costs a few documents instead of a thousand.
INBOX = "inbox_batches"
OUTBOX = "outbox_batches"
OUTBOX_CHUNK = 200  # events per outbox document: far below the 16 MB document limit even for large events
IDEMPOTENCY = "idempotency"


LEASES = "leases"


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different request."""

    field = "Idempotency-Key"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} sudah dipakai untuk permintaan lain / was already used for another request"
        )


_AS_IS = frozenset({str, int, float, bool, type(None)})


def storable(value: Any) -> Any:
    """Normalise a value the same way for MongoDB and memory: dates as ISO strings, tuples and sets as lists."""
    kind = type(value)  # exact types first: every stored document passes here, field by field
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {str(k): storable(v) for k, v in value.items()}
    if kind is list:
        return [storable(v) for v in value]
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
    async def find(
        self, query: Filter, sort: SortSpec | None = None, limit: int = 0, fields: Sequence[str] | None = None
    ) -> list[Doc]: ...
    async def count(self, query: Filter) -> int: ...
    async def distinct(self, field: str, query: Filter) -> list[Any]: ...
    async def insert_one(self, doc: Doc) -> None: ...
    async def insert_many(self, docs: Sequence[Doc]) -> None: ...
    async def replace_one(self, query: Filter, doc: Doc, upsert: bool = False) -> int: ...
    async def update_one(self, query: Filter, update: Mapping[str, Any], upsert: bool = False) -> int: ...
    async def update_many(self, query: Filter, update: Mapping[str, Any]) -> int: ...
    async def delete_many(self, query: Filter) -> int: ...
    async def bulk_upsert(
        self, docs: Sequence[Doc], key_fields: Sequence[str], *, stored: AbstractSet[tuple[Any, ...]] | None = None
    ) -> int:
        """Insert or replace each document by its key (the last of one key wins). `stored`: the keys the caller
        already read as present in this unit of work, so no lookup is needed to tell new documents from old."""
        ...


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
        self.after_commit: Callable[[], None] | None = None  # the kit hands `outbox_documents` to the relay here
        self.schema_base = ""  # absolute base URI of `dataschema` (the kit sets it from the settings)
        self._pending_events: list[tuple[Doc, str]] = []  # (event_id, topic, key, agency_id), body
        # What handlers loaded for this unit of work (a whole batch of events): fixed reference data is loaded once
        # per batch and thrown away with the unit (a rolled-back batch is retried with a fresh one).
        self.memo: dict[Any, Any] = {}
        self.emitted = 0  # events this unit wrote to the outbox when it committed
        # The outbox documents this unit committed (bodies included): the relay publishes them from memory instead of
        # reading back what was just written.
        self.outbox_documents: list[Doc] = []
        self.outbox_tags: Doc = {}  # extra fields on this unit's outbox entries (a job's id, to count its events)

    def collection(self, name: str) -> Collection:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self.committed:
            await self.rollback()

    async def commit(self) -> None:
        self.emitted = len(self._pending_events)
        emitted = bool(self._pending_events)
        if emitted:
            now = datetime.now(UTC)
            events = self._pending_events
            documents = [
                {
                    "seq": next_seq(),
                    "sent": False,
                    "created_at": now,
                    "events": [head for head, _ in events[i : i + OUTBOX_CHUNK]],
                    "bodies": [body for _, body in events[i : i + OUTBOX_CHUNK]],
                    "n": len(events[i : i + OUTBOX_CHUNK]),
                    **self.outbox_tags,
                }
                for i in range(0, len(events), OUTBOX_CHUNK)
            ]
            await self.collection(OUTBOX).insert_many(documents)
            self.outbox_documents = documents
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
        cause: CloudEvent[Any] | None = None,
    ) -> CloudEvent[Any]:
        """Queue `data` for publication on `topic`; it is written to the outbox when the unit commits.

        `causationid` is `caused_by` (an event emitted in the same unit), else the event being handled: a batch
        handler passes that one as `cause` (it also carries its correlation and programme ids); a per-event
        handler and an HTTP route get them from the current flow."""
        if not isinstance(data, topic.payload):
            raise TypeError(f"{topic.name} carries {topic.payload.__name__}, not {type(data).__name__}")
        key = str(subject if subject is not None else getattr(data, topic.key))
        event_id = str(uuid.uuid4())
        event = event_model(type(data))(
            id=event_id,
            source=f"/mutasi/{self.service}",
            type=topic.name,
            subject=key,
            dataschema=f"{self.schema_base}{topic.name}.json" if self.schema_base else topic.schema_file,
            agencyid=agency_id,
            programid=program_id or (cause.programid if cause else None) or self.default_program_id,
            correlationid=(cause.correlationid if cause else correlation_id()) or event_id,  # a flow starts here
            causationid=caused_by or (cause.id if cause else causation_id()),
            traceparent=current_traceparent(),
            data=data,
        )
        head = {"event_id": event_id, "topic": topic.name, "key": key, "agency_id": agency_id}
        # what `model_dump_json` returns, without its per-call argument handling (an import emits ~100,000)
        self._pending_events.append((head, event.__pydantic_serializer__.to_json(event).decode()))
        return event

    # --- inbox --------------------------------------------------------------------------
    async def already_processed(self, event_id: str) -> bool:
        return bool(await self.processed_among([event_id]))

    async def processed_among(self, event_ids: Sequence[str]) -> set[str]:
        """Which of `event_ids` the inbox already holds (one `$in` lookup for a whole batch)."""
        if not event_ids:
            return set()
        wanted = set(event_ids)
        found = await self.collection(INBOX).find({"event_ids": {"$in": list(event_ids)}})
        return {event_id for doc in found for event_id in doc["event_ids"] if event_id in wanted}

    async def record_processed_many(self, event_ids: Sequence[str], topic: str) -> None:
        """Record a batch's events in the inbox: one document, its ids under a unique multikey index."""
        if event_ids:
            await self.collection(INBOX).insert_one(
                {"event_ids": list(event_ids), "topic": topic, "processed_at": datetime.now(UTC)}
            )

    async def record_processed(self, event_id: str, topic: str) -> None:
        await self.record_processed_many([event_id], topic)

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


async def find_by_keys(
    collection: Collection, key_fields: Sequence[str], keys: Sequence[Sequence[Any]]
) -> dict[tuple[Any, ...], Doc]:
    """The documents of `keys` (values of `key_fields`, e.g. (agency_id, nip)) with one `$in` query per value of
    the leading fields: what a batch handler loads once instead of one `find_one` per event."""
    *lead, last = key_fields
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for key in keys:
        groups.setdefault(tuple(key[:-1]), []).append(key[-1])
    found: dict[tuple[Any, ...], Doc] = {}
    for prefix, values in groups.items():
        query = {**dict(zip(lead, prefix, strict=True)), last: {"$in": list(dict.fromkeys(values))}}
        for doc in await collection.find(query):
            found[tuple(doc.get(f) for f in key_fields)] = doc
    return found


def outbox_events(documents: Sequence[Doc], topic: str | None = None) -> list[Doc]:
    """The events held by outbox documents, in commit order (optionally only those of `topic`), each with its
    `body` while the document still holds it (until it is published)."""
    ordered = sorted(documents, key=lambda d: d["seq"])
    return [e for d in ordered for e in document_events(d) if topic is None or e["topic"] == topic]


def document_events(document: Doc) -> list[Doc]:
    """The events of one outbox document with their bodies. The bodies live beside the events (`bodies`, in the
    same order) so that publishing drops them with one `$unset` of one field: dropping a field inside each event
    (`events.$[].body`) cost the stand-in database three times as much. A document written before 2026-11-30
    still carries `body` inside each event."""
    bodies = document.get("bodies")
    if bodies is None:
        return list(document.get("events", []))
    return [{**e, "body": b} for e, b in zip(document.get("events", []), bodies, strict=True)]


class Database(Protocol):
    """A service's own database: units of work plus what the relay and health checks need."""

    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> bool: ...
    async def ensure_index(self, collection: str, keys: Sequence[tuple[str, int]], unique: bool) -> None: ...
    async def ensure_ttl(self, collection: str, field: str, seconds: int) -> None: ...
    def uow(self, service: str, default_program_id: str | None = None) -> UnitOfWork: ...
    def raw(self, name: str) -> Collection: ...
