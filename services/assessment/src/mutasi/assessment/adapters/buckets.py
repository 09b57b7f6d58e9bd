"""Per-person records stored a few hundred to a document (ADR 22): the stand-in database pays per document written.

A bucket document holds up to `BUCKET_SIZE` records of one agency, in key order, with the keys beside them:
`{"agency_id", "bucket", "keys": [...], "items": [...], "n", "last", …derived fields}` (`last` = greatest key).
A unique multikey index on `(agency_id, keys)` finds a record's bucket and keeps a key in one bucket only.
Callers see plain per-person documents: `get` hands out copies of the records, `save` puts records back in the
buckets they came from (read once per unit of work, kept in `uow.memo`) and packs new ones into new buckets.
Everything stays inside the unit of work's transaction; two writers of one bucket conflict like two writers of
one document (a transient error the caller's retry handles).
"""

from __future__ import annotations

import bisect
import pickle
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mutasi.chassis.store import UnitOfWork

Doc = dict[str, Any]
BUCKET_SIZE = 500  # records per document: far below 16 MB (an employee with its latest result is ~1.5 kB)
IN_CHUNK = 5000  # keys per read
RANGE_FROM = 16  # from this many keys a range over the keys replaces `$in`: the stand-in database checks each
# `$in` value against each element of a bucket's keys (2,000 × 500 comparisons per bucket), a range only twice


def _copy(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class _Loaded:
    """The buckets of one agency this unit of work has read, and which bucket holds each key."""

    docs: dict[str, Doc] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)  # keys looked up and not found


@dataclass(frozen=True)
class Buckets:
    """One bucketed collection: `key` names the record field that identifies a record within its agency;
    `derive` computes a bucket's extra top-level fields (what other indexes and counts need) from its records."""

    name: str
    key: str
    derive: Callable[[list[Doc]], Doc] = lambda items: {}

    def indexes(self, extra: Iterable[list[tuple[str, int]]] = ()) -> list[tuple[str, list[tuple[str, int]], bool]]:
        return [
            (self.name, [("agency_id", 1), ("keys", 1)], True),
            (self.name, [("agency_id", 1), ("bucket", 1)], True),
            (self.name, [("agency_id", 1), ("last", 1)], False),
            *((self.name, keys, False) for keys in extra),
        ]

    def _loaded(self, uow: UnitOfWork, agency_id: str) -> _Loaded:
        found: _Loaded = uow.memo.setdefault(("buckets", self.name, agency_id), _Loaded())
        return found

    def _remember(self, uow: UnitOfWork, docs: Iterable[Doc]) -> None:
        for doc in docs:
            loaded = self._loaded(uow, doc["agency_id"])
            if doc["bucket"] in loaded.docs:  # already read (and maybe changed) in this unit: keep that one
                continue
            loaded.docs[doc["bucket"]] = doc
            for key in doc["keys"]:
                loaded.where[key] = doc["bucket"]
                loaded.absent.discard(key)

    async def find_buckets(self, uow: UnitOfWork, query: Mapping[str, Any]) -> list[Doc]:
        """Bucket documents matching `query` (on bucket fields), remembered for a later `save`."""
        docs = await uow.collection(self.name).find(dict(query), sort=[("bucket", 1)])
        self._remember(uow, docs)
        return [self._loaded(uow, d["agency_id"]).docs[d["bucket"]] for d in docs]

    async def _load(self, uow: UnitOfWork, agency_id: str, keys: Iterable[str]) -> _Loaded:
        loaded = self._loaded(uow, agency_id)
        wanted = sorted({k for k in keys if k not in loaded.where and k not in loaded.absent})
        for start in range(0, len(wanted), IN_CHUNK):
            part = wanted[start : start + IN_CHUNK]
            # a range also returns buckets holding other keys between these: the records asked for are picked out
            keys = {"$gte": part[0], "$lte": part[-1]} if len(part) >= RANGE_FROM else {"$in": part}
            query = {"agency_id": agency_id, "keys": part[0] if len(part) == 1 else keys}
            self._remember(uow, await uow.collection(self.name).find(query))
        loaded.absent.update(k for k in wanted if k not in loaded.where)
        return loaded

    async def get(self, uow: UnitOfWork, agency_id: str, keys: Iterable[str]) -> dict[str, Doc]:
        """Copies of the agency's records whose key is one of `keys`."""
        loaded = await self._load(uow, agency_id, keys)
        out: dict[str, Doc] = {}
        for key in keys:
            bucket = loaded.where.get(key)
            if bucket is not None and key not in out:
                out[key] = _copy(_item(loaded.docs[bucket], key, self.key))
        return out

    async def one(self, uow: UnitOfWork, agency_id: str, key: str) -> Doc | None:
        return (await self.get(uow, agency_id, [key])).get(key)

    @staticmethod
    def items(buckets: Iterable[Doc]) -> list[Doc]:
        """Copies of the records of `buckets`."""
        return [_copy(item) for doc in buckets for item in doc["items"]]

    async def save(self, uow: UnitOfWork, docs: list[Doc], stored: Iterable[str] | None = None) -> None:
        """Insert or replace records by (agency, key), the last of a key winning. `stored`: keys the caller read
        in this unit of work (through `get`), so keys it did not read are new without looking them up."""
        known = set(stored) if stored is not None else None
        by_agency: dict[str, dict[str, Doc]] = {}
        for doc in docs:
            by_agency.setdefault(doc["agency_id"], {})[doc[self.key]] = doc
        for agency_id, records in by_agency.items():
            loaded = self._loaded(uow, agency_id)
            unread = [k for k in records if k not in loaded.where and (known is None or k in known)]
            if unread:
                await self._load(uow, agency_id, unread)
            changed: dict[str, Doc] = {}
            new: list[Doc] = []
            for key, record in records.items():
                bucket_id = loaded.where.get(key)
                if bucket_id is None:
                    new.append(record)
                    continue
                bucket = loaded.docs[bucket_id]
                at = _position(bucket, key)
                if bucket["items"][at] == record:  # unchanged: its bucket is not rewritten for it
                    continue
                bucket["items"][at] = record
                changed[bucket_id] = bucket
            for bucket in changed.values():
                bucket.update(self.derive(bucket["items"]), last=max(bucket["keys"]))
                await uow.collection(self.name).replace_one(
                    {"agency_id": agency_id, "bucket": bucket["bucket"]}, bucket
                )
            if new:
                await self._insert(uow, agency_id, sorted(new, key=lambda d: str(d[self.key])))

    async def _insert(self, uow: UnitOfWork, agency_id: str, records: list[Doc]) -> None:
        fresh = []
        for start in range(0, len(records), BUCKET_SIZE):
            items = records[start : start + BUCKET_SIZE]
            fresh.append(self.bucket(agency_id, items))
        await uow.collection(self.name).insert_many(fresh)
        self._remember(uow, fresh)

    def bucket(self, agency_id: str, items: list[Doc]) -> Doc:
        """A new bucket document for `items` (sorted by key)."""
        return {
            "agency_id": agency_id,
            "bucket": uuid.uuid4().hex,
            "keys": [str(d[self.key]) for d in items],
            "items": items,
            "n": len(items),
            "last": max(str(d[self.key]) for d in items),
            **self.derive(items),
        }


def _position(bucket: Doc, key: str) -> int:
    keys: list[str] = bucket["keys"]  # in key order: a bucket is written sorted and keeps its keys
    at = bisect.bisect_left(keys, key)
    if at == len(keys) or keys[at] != key:
        at = keys.index(key)  # a bucket written out of order is still read right, only slower
    return at


def _item(bucket: Doc, key: str, field_name: str) -> Doc:
    found: Doc = bucket["items"][_position(bucket, key)]
    assert str(found[field_name]) == key, f"bucket {bucket['bucket']}: record {key} is not where its key is"
    return found
