"""Per-person records kept a few hundred to a document ("buckets"): one mechanism for every service.

A database that pays per document written (SecantusDB, the local stand-in, pays ~0.5–1 ms per document and per
index entry) stores people far cheaper when hundreds share a document, and no document then grows with the number
of people. A `Buckets` is one bucketed collection: records (plain dicts) of one *scope* (an agency; an agency's
round), each named by its `key` field (a NIP, an assessment id), packed at most `size` to a bucket document. Callers
see records; the bucket documents are this module's.

What a bucket document looks like is the collection's `Layout` (field names), so each service keeps the layout it
already stores (libs/chassis/README.md, "Buckets"):

- the scope fields (`agency_id`, `round_id`, …), copied onto every bucket;
- a bucket id (`bucket`: a random hex string, or 0, 1, 2, … when new people fill the scope's last bucket), or none,
  when the bucket's `first` names it;
- the records: a list parallel to an array of their keys (`keys`, `nips`: a multikey index finds a key's bucket and
  keeps a key in one bucket only), or a list or a `{key: record}` map in a bucket that covers a *range* of keys
  (`first` its lower bound, `last` its greatest key: a key's bucket is the one with the greatest `first` not above
  it, one index entry per bucket);
- a record count (`n`, `size`) and whatever the collection's `derive` computes from the records (fields other
  reads filter on, e.g. the units of a bucket's people).

Where new records go (`fill`):
- `"new"`: into new buckets of their own, `size` at a time, in key order (records never move: a bucket holds the
  people of the write that created it);
- `"append"`: into the scope's last bucket while it has room (`$push`, no read of it), then into new numbered
  buckets (a stream of single events fills buckets instead of leaving a document per person);
- `"split"`: into the bucket whose range covers them; a bucket that grows past `size` is split into equal parts
  in key order (buckets stay sorted and disjoint, so reading a batch of keys is a range over `first`), except
  that keys all above a bucket's greatest that would not fit start new buckets of their own and leave it as stored
  (an import of new people in key order writes each bucket once).

Reading: a unit of work reads a bucket once (kept in `uow.memo`), so the save that follows changes those documents
in place and writes each changed bucket once. A batch of keys against a multikey array is read with a *range*
(`{keys: {$gte: first, $lte: last}}`) from `range_from` keys on, not `$in`: SecantusDB compares every `$in` value
with every element of a candidate's array (500 × 500 per bucket), while a range costs two comparisons; what the
range brings besides is picked out. That pays only where buckets hold key-ordered runs; a collection whose buckets
fill in arrival order (`"append"`) gives `range_from=None` and may keep `hints`: where this process last saw each
key (a key never leaves its bucket there), checked against what the bucket holds, so a wrong hint costs one read.

Packed records (`packed=True`): a bucket stores its records as ONE binary value (the BSON of `{"r": records}`)
instead of an array of sub-documents. Nothing queries inside the records (every query is on the scope, the bucket,
the keys or derived top-level fields), and a database that handles sub-documents one by one pays for each: on
SecantusDB, inserting 2,000 assessment records 500 to a bucket cost 0.51 s of the server's CPU nested and 0.35 s
packed, reading them back 0.15 s and 0.02 s (docs/adr/0022). The service packs them with the BSON encoder (C)
instead of normalising every value in Python first. Both forms are read, so a collection switches to packed
without moving anything: a bucket is stored packed the next time it is written.

A packed value is compressed (zlib, level 1) behind a marker of four zero bytes, which no BSON document starts with
(its first four bytes are its length, at least 5): the stand-in pays for every byte it stores and reads, and a
round's papers repeat the same phrases. On SecantusDB, 200 buckets of 200 explanations (185 kB each as BSON)
took 3.25 s to insert and 1.88 s to read uncompressed, 0.21 s and 0.05 s compressed; compressing and
decompressing one costs the service ~2 ms. Packed values written before, uncompressed, are read as they are.
Appended buckets may pack too: the last bucket is then read and replaced instead of pushed onto.

Everything happens inside the caller's unit of work: two writers of one bucket conflict like two writers of one
document (a transient error; the caller's retry runs the unit again).
"""

from __future__ import annotations

import bisect
import math
import pickle
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import bson
from bson.codec_options import CodecOptions
from bson.errors import InvalidDocument
from bson.raw_bson import RawBSONDocument

from mutasi.chassis.faults import in_chunks
from mutasi.chassis.store import Doc, UnitOfWork, storable

Index = tuple[str, list[tuple[str, int]], bool]
Fill = Literal["new", "append", "split"]
IN_CHUNK = 5000  # keys per read
HINTS_MAX = 1_000_000  # remembered (scope, key) -> bucket hints per collection before they are dropped


class ScopeTaken(ValueError):
    """`Buckets.add` for a scope that already has records."""

    def __init__(self, collection: str, scope: tuple[str, ...]) -> None:
        super().__init__(f"{collection}: {'/'.join(scope)} has records already; replace them")
        self.scope = scope


def _copy(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _nothing(items: list[Doc]) -> Doc:
    return {}


PACKED = "r"  # the one field of a packed bucket's BSON
COMPRESSED = b"\0\0\0\0"  # a packed value that starts with a zero length is zlib-compressed BSON
LEVEL = 1  # zlib's fastest level: most of the size gone at a fraction of the CPU of the higher levels
# as the service's MongoDB client decodes (mongo.py: tz_aware), so a packed record reads back as a nested one would
_CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True)


def pack(records: list[Doc] | dict[str, Doc]) -> bson.Binary:
    """Records as one binary value. The BSON encoder takes what it can store as is (strings, numbers, aware or
    naive datetimes, lists, dicts); anything else (a date, an enum, a set) is normalised first, as every write is."""
    try:
        raw = bson.encode({PACKED: records})
    except (InvalidDocument, TypeError, OverflowError):
        raw = bson.encode({PACKED: storable(records)})
    return bson.Binary(COMPRESSED + zlib.compress(raw, LEVEL))


_RAW: CodecOptions[RawBSONDocument] = CodecOptions(document_class=RawBSONDocument, tz_aware=True)


def _bson(value: bytes | bytearray) -> bytes:
    data = bytes(value)
    return zlib.decompress(memoryview(data)[4:]) if data[:4] == COMPRESSED else data


def unpack(value: Any) -> Any:
    """The records of a bucket: packed (compressed, or uncompressed as stored before) or not."""
    if isinstance(value, bytes | bytearray):
        return bson.decode(_bson(value), codec_options=_CODEC)[PACKED]
    return value


def unpack_lazily(value: bytes | bytearray) -> Any:
    """A packed bucket's records (a list, or a map by key) each left as its raw BSON: `inflate` decodes one. Reading
    a few people of a 250-person bucket decodes those few (~1 ms for the bucket instead of ~13 ms)."""
    return bson.decode(_bson(value), codec_options=_RAW)[PACKED]


def inflate(record: Any) -> Doc:
    """One record left raw by `unpack_lazily`, as `unpack` would have decoded it."""
    return bson.decode(record.raw, codec_options=_CODEC) if isinstance(record, RawBSONDocument) else record


@dataclass(frozen=True)
class Layout:
    """The field names of a bucket document. `bucket=None`: the bucket is named by `first` (range buckets);
    `keys=None`: no array of keys (a range layout finds keys by `first`/`last`); `by_key`: the records are a map
    `{key: record}` instead of a list; `count`/`last`: fields kept up to date when given; `group`: a record field
    that every record of a bucket shares, copied onto the bucket (`fill="append"` only; see `Buckets`)."""

    scope: tuple[str, ...] = ("agency_id",)
    bucket: str | None = "bucket"
    keys: str | None = "keys"
    items: str = "items"
    by_key: bool = False
    count: str | None = "n"
    first: str | None = None
    last: str | None = "last"
    group: str | None = None


@dataclass
class _Held:
    """The buckets of one scope this unit of work has read or written, and which bucket holds each key."""

    docs: dict[Any, Doc] = field(default_factory=dict)  # bucket name (as stored when read) -> document
    where: dict[str, Any] = field(default_factory=dict)  # key -> bucket name
    asked: set[str] = field(default_factory=set)  # keys looked up (found or not)
    last: tuple[int, int] | None = None  # "append": (number, count) of the scope's last bucket, once looked up
    open: dict[Any, tuple[Any, int]] = field(default_factory=dict)  # grouped "append": group -> (name, count)
    lowest: Doc | None = None  # "split": the scope's first bucket, when a key below every bucket was looked up
    empty: bool = False  # "split": the scope had no bucket when looked up
    packed: dict[Any, bytes] = field(default_factory=dict)  # bucket name -> its packed records, while unchanged


class Buckets:
    """One bucketed collection (see the module's docstring). `derive` computes a bucket's extra top-level fields
    from its records; `floor` ("split" only) is the `first` of a scope's first bucket, so that two writers creating
    it at once collide on the unique index instead of creating overlapping ranges (None: its smallest key).

    Grouped buckets (`layout.group`, with `fill="append"`): every bucket holds the records of one value of the group
    field (training's colleagues: one unit of an agency), so reading a group reads only its own buckets. A new
    record goes into a bucket of its group with room (`$push`), else into a new bucket named by a random id (two
    writers never race for a bucket number); a record whose group changes leaves its bucket (rewritten, or deleted
    once empty) for one of its new group. Keys stay unique in the scope, whatever their group."""

    def __init__(
        self,
        collection: str,
        key: str,
        *,
        layout: Layout | None = None,
        size: int = 500,
        fill: Fill = "new",
        derive: Callable[[list[Doc]], Doc] = _nothing,
        range_from: int | None = 16,
        hints: bool = False,
        floor: str | None = None,
        packed: bool = False,
    ) -> None:
        layout = layout or Layout()
        if fill == "split" and not (layout.first and layout.last):
            raise ValueError(f"{collection}: split buckets need `first` and `last`")
        if fill != "split" and not (layout.keys and layout.bucket):
            raise ValueError(f"{collection}: {fill!r} buckets need `keys` and `bucket`")
        if fill == "split" and (hints or layout.bucket):
            raise ValueError(f"{collection}: split buckets are named by `first` and have no hints")
        if layout.group and fill != "append":
            raise ValueError(f"{collection}: only appended buckets are grouped")
        self.collection = collection
        self.key = key
        self.layout = layout
        self.size = size
        self.fill = fill
        self.derive = derive
        self.range_from = range_from
        self.floor = floor
        self.packed = packed
        self.hints: dict[tuple[str, ...], Any] | None = {} if hints else None  # (*scope, key) -> bucket name

    # ---- shape ----
    def indexes(self, extra: Iterable[list[tuple[str, int]]] = ()) -> list[Index]:
        """The collection's indexes: its bucket name (unique), its keys (unique multikey) or range, and `extra`."""
        scope = [(f, 1) for f in self.layout.scope]
        lay = self.layout
        out: list[Index] = []
        if lay.bucket:
            out.append((self.collection, [*scope, (lay.bucket, 1)], True))
        if lay.keys:
            out.append((self.collection, [*scope, (lay.keys, 1)], True))
        if lay.first:
            out.append((self.collection, [*scope, (lay.first, 1)], True))
        elif lay.last:
            out.append((self.collection, [*scope, (lay.last, 1)], False))  # pages in key order
        out.extend((self.collection, keys, False) for keys in extra)
        return out

    def scope_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(record[f]) for f in self.layout.scope)

    def _where(self, scope: Sequence[str]) -> Doc:
        return dict(zip(self.layout.scope, scope, strict=True))

    def _name(self, doc: Doc) -> Any:
        return doc[self.layout.bucket or self.layout.first or ""]

    def _filter(self, scope: Sequence[str], name: Any) -> Doc:
        return {**self._where(scope), (self.layout.bucket or self.layout.first or ""): name}

    def records(self, doc: Doc) -> list[Doc]:
        """The records of a bucket document, in stored order (the document's own objects; a packed document as
        read from the database is unpacked in place)."""
        items = self._unpacked(doc)[self.layout.items]
        return list(items.values()) if self.layout.by_key else list(items)

    def _unpacked(self, doc: Doc) -> Doc:
        """`doc` with its records as Python objects (read in either form)."""
        items = doc.get(self.layout.items)
        if isinstance(items, bytes | bytearray):
            doc[self.layout.items] = unpack(items)
        return doc

    def _doc(self, held: _Held, name: Any) -> Doc:
        """A held bucket with its records as Python objects (decoded in place the first time)."""
        return self._unpacked(held.docs[name])

    def _stored(self, doc: Doc) -> Doc:
        """What is written for a bucket held in memory: its records packed, if this collection packs."""
        if not self.packed:
            return doc
        return {**doc, self.layout.items: pack(doc[self.layout.items])}

    def _keys(self, doc: Doc) -> list[str]:
        if self.layout.keys:
            return [str(k) for k in doc[self.layout.keys]]
        items = doc.get(self.layout.items)
        if self.layout.by_key and isinstance(items, bytes | bytearray):  # the map's keys, its records left raw
            return [str(k) for k in unpack_lazily(items)]
        return [str(r[self.key]) for r in self.records(doc)]

    def _past_its_end(self, doc: Doc, adding: list[Doc]) -> bool:
        """`adding` are all above the bucket's greatest key and do not fit in it ("split"). Its size is read from
        its count when the layout keeps one, so a packed bucket is not decoded for it."""
        if not adding:
            return False
        lay = self.layout
        n = int(doc[lay.count]) if lay.count and lay.count in doc else len(self.records(doc))
        return (
            n > 0 and n + len(adding) > self.size and min(str(r[self.key]) for r in adding) > str(doc[lay.last or ""])
        )

    def _record(self, doc: Doc, key: str) -> Doc | None:
        if self.layout.by_key:
            found: Doc | None = doc[self.layout.items].get(key)
            return found
        if self.layout.keys:
            keys: list[str] = doc[self.layout.keys]
            at = bisect.bisect_left(keys, key)  # a bucket written in key order; otherwise found more slowly
            if at == len(keys) or keys[at] != key:
                at = keys.index(key) if key in keys else -1
            return doc[self.layout.items][at] if at >= 0 else None
        return next((r for r in doc[self.layout.items] if str(r[self.key]) == key), None)

    def _fill_doc(self, doc: Doc, records: list[Doc]) -> Doc:
        """Set a bucket's records and every field computed from them (its range's lower bound is kept)."""
        lay = self.layout
        keys = [str(r[self.key]) for r in records]
        doc[lay.items] = {k: r for k, r in zip(keys, records, strict=True)} if lay.by_key else records
        if lay.keys:
            doc[lay.keys] = keys
        if lay.count:
            doc[lay.count] = len(records)
        if lay.last:
            doc[lay.last] = max(keys)
        if lay.group and records:
            doc[lay.group] = records[0][lay.group]
        doc.update(self.derive(records))
        return doc

    def _new_doc(self, scope: Sequence[str], records: list[Doc], name: Any = None, first: str | None = None) -> Doc:
        doc = self._where(scope)
        if self.layout.bucket:
            doc[self.layout.bucket] = uuid.uuid4().hex if name is None else name
        if self.layout.first:
            doc[self.layout.first] = first if first is not None else min(str(r[self.key]) for r in records)
        return self._fill_doc(doc, records)

    # ---- reading ----
    def _held(self, uow: UnitOfWork, scope: Sequence[str]) -> _Held:
        held: _Held = uow.memo.setdefault(("buckets", self.collection, tuple(scope)), _Held())
        return held

    def _remember(self, uow: UnitOfWork, scope: Sequence[str], docs: Iterable[Doc]) -> None:
        held = self._held(uow, scope)
        for doc in docs:
            name = self._name(doc)
            if name in held.docs:  # already read (and maybe changed) in this unit: keep that one
                continue
            self._keep(held, scope, name, doc)

    def _keep(self, held: _Held, scope: Sequence[str], name: Any, doc: Doc) -> None:
        items = doc.get(self.layout.items)
        if isinstance(items, bytes | bytearray):  # as stored: `get` decodes its copies from it, and the held
            held.packed[name] = bytes(items)  # document is decoded only when something reads or changes its
        else:  # records in place (`_doc`): a bucket only read is decoded once, not twice
            held.packed.pop(name, None)
        held.docs[name] = doc
        for key in self._keys(doc):
            held.where[key] = name
        if self.hints is not None:
            if len(self.hints) > HINTS_MAX:
                self.hints.clear()
            for key in self._keys(doc):
                self.hints[(*scope, key)] = name

    async def find_buckets(self, uow: UnitOfWork, query: Mapping[str, Any]) -> list[Doc]:
        """Bucket documents matching `query` (scope fields and bucket fields), remembered for a later `save`: the
        documents as this unit of work holds them."""
        docs = await uow.collection(self.collection).find(dict(query))
        out = []
        for doc in docs:
            scope = self.scope_of(doc)
            self._remember(uow, scope, [doc])
            out.append(self._doc(self._held(uow, scope), self._name(doc)))
        return out

    async def _load(self, uow: UnitOfWork, scope: Sequence[str], keys: Iterable[str]) -> _Held:
        held = self._held(uow, scope)
        wanted = sorted({str(k) for k in keys} - held.asked)
        if not wanted:
            return held
        collection = uow.collection(self.collection)
        where = self._where(scope)
        if self.hints is not None:
            names = {self.hints.get((*scope, k)) for k in wanted} - {None} - set(held.docs)
            if names:
                found = await collection.find({**where, self.layout.bucket or "": {"$in": sorted(names)}})
                self._remember(uow, scope, found)
        rest = [k for k in wanted if k not in held.where]
        if self.layout.keys:
            await self._load_by_keys(uow, scope, rest)
        elif rest:
            await self._load_by_range(uow, scope, rest)
        held.asked.update(wanted)
        return held

    async def _load_by_keys(self, uow: UnitOfWork, scope: Sequence[str], keys: list[str]) -> None:
        collection, field_name = uow.collection(self.collection), self.layout.keys or ""
        for start in range(0, len(keys), IN_CHUNK):
            part = keys[start : start + IN_CHUNK]
            if len(part) == 1:
                match: Any = part[0]
            elif self.range_from is not None and len(part) >= self.range_from:
                match = {"$gte": part[0], "$lte": part[-1]}
            else:
                match = {"$in": part}
            self._remember(uow, scope, await collection.find({**self._where(scope), field_name: match}))

    async def _load_by_range(self, uow: UnitOfWork, scope: Sequence[str], keys: list[str]) -> None:
        """The buckets whose ranges can hold `keys` (sorted): the one covering the smallest, and every bucket
        starting up to the greatest."""
        collection, first = uow.collection(self.collection), self.layout.first or ""
        where = self._where(scope)
        below = await collection.find({**where, first: {"$lte": keys[0]}}, sort=[(first, -1)], limit=1)
        found = list(below)
        if keys[-1] > keys[0] or not below:
            start = {"$gt": below[0][first]} if below else {"$gte": keys[0]}
            found += await collection.find({**where, first: {**start, "$lte": keys[-1]}})
        held = self._held(uow, scope)
        if not below and held.lowest is None and not held.empty:  # keys below every bucket: the scope's first
            lowest = await collection.find(where, sort=[(first, 1)], limit=1)
            held.lowest, held.empty = (lowest[0], False) if lowest else (None, True)
            found += lowest
        self._remember(uow, scope, found)
        if held.lowest is not None:
            held.lowest = held.docs[self._name(held.lowest)]

    async def get(self, uow: UnitOfWork, scope: Sequence[str], keys: Iterable[str]) -> dict[str, Doc]:
        """Copies of the scope's records whose key is one of `keys`."""
        keys = [str(k) for k in keys]
        held = await self._load(uow, scope, keys)
        out: dict[str, Doc] = {}
        decoded: dict[Any, dict[str, Doc]] = {}
        for key in keys:
            name = held.where.get(key)
            if name is None or key in out:
                continue
            if (stored := held.packed.get(name)) is not None:
                # a packed bucket unchanged in this unit: its records are read raw and only the wanted ones decoded,
                # each a fresh copy (a decision reads ~4,000 movers spread over a province's whole pool)
                if name not in decoded:
                    decoded[name] = self._raw_records(held.docs[name], stored)
                if (raw := decoded[name].get(key)) is not None:
                    out[key] = inflate(raw)
            elif (record := self._record(self._doc(held, name), key)) is not None:
                out[key] = _copy(record)
        return out

    def _raw_records(self, doc: Doc, stored: bytes) -> dict[str, Any]:
        """Key -> raw record of a packed bucket (`unpack_lazily`)."""
        items = unpack_lazily(stored)
        if self.layout.by_key:
            return {str(k): r for k, r in items.items()}
        if self.layout.keys:
            return {str(k): r for k, r in zip(doc[self.layout.keys], items, strict=True)}
        return {str(r[self.key]): r for r in items}

    async def one(self, uow: UnitOfWork, scope: Sequence[str], key: str) -> Doc | None:
        return (await self.get(uow, scope, [key])).get(str(key))

    def items(self, buckets: Iterable[Doc]) -> list[Doc]:
        """Copies of the records of `buckets` (documents from `find_buckets`)."""
        return [_copy(record) for doc in buckets for record in self.records(doc)]

    async def all(self, uow: UnitOfWork, scope: Sequence[str]) -> list[Doc]:
        """Every record of the scope, in key order (read afresh, not remembered: the caller owns them)."""
        docs = await uow.collection(self.collection).find(self._where(scope))
        return sorted((r for d in docs for r in self.records(d)), key=lambda r: str(r[self.key]))

    async def count(self, uow: UnitOfWork, scope: Sequence[str]) -> int:
        field_name = self.layout.count or ""
        docs = await uow.collection(self.collection).find(self._where(scope), fields=[field_name])
        return sum(int(d[field_name]) for d in docs)

    # ---- writing ----
    async def save(
        self, uow: UnitOfWork, records: Iterable[Doc], stored: Iterable[str] | None = None, *, top_up: bool = True
    ) -> None:
        """Insert or replace records by (scope, key), the last of a key winning. `stored`: keys the caller read in
        this unit of work (through `get`), so keys it did not read are new without looking them up. `top_up=False`
        (`fill="append"`): new records go into new buckets of their own (of their group, when grouped) instead of
        the bucket with room, which is neither read nor rewritten: on a database that rewrites every index entry of
        a document it updates, a new document costs less than rewriting one nearly full (more, smaller buckets)."""
        known = {str(k) for k in stored} if stored is not None else None
        by_scope: dict[tuple[str, ...], dict[str, Doc]] = {}
        for record in records:
            by_scope.setdefault(self.scope_of(record), {})[str(record[self.key])] = record
        for scope, batch in by_scope.items():
            held = self._held(uow, scope)
            unread = [k for k in batch if k not in held.where and (known is None or k in known)]
            if unread or self.fill == "split":
                await self._load(uow, scope, unread if self.fill != "split" else batch)
            changed: dict[Any, Doc] = {}
            new: list[Doc] = []
            group = self.layout.group
            for key, record in batch.items():
                name = held.where.get(key)
                if name is None:
                    new.append(record)
                    continue
                doc = self._doc(held, name)
                if self._record(doc, key) == record:  # unchanged: its bucket is not rewritten for it
                    continue
                held.packed.pop(name, None)  # changed in memory: the stored bytes are no longer its records
                changed[name] = doc
                if group and doc.get(group) != record[group]:  # to a bucket of its new group
                    self._drop(doc, key)
                    del held.where[key]
                    new.append(record)
                else:
                    self._put(doc, key, record)
            emptied = [n for n, doc in changed.items() if not self.records(doc)]
            for name in emptied:
                del changed[name], held.docs[name]
                held.open = {g: o for g, o in held.open.items() if o[0] != name}
            for doc in changed.values():
                self._fill_doc(doc, self.records(doc))
            if self.fill == "split":
                await self._place(uow, scope, held, changed, new)
            else:
                if emptied:
                    field_name = self.layout.bucket or ""
                    await uow.collection(self.collection).delete_many(
                        {**self._where(scope), field_name: {"$in": emptied}}
                    )
                await self._write(uow, scope, changed)
                if new and self.fill == "new":
                    await self._insert(uow, scope, held, sorted(new, key=lambda r: str(r[self.key])))
                elif new:
                    await self._append(uow, scope, held, new, top_up)

    def _put(self, doc: Doc, key: str, record: Doc) -> None:
        if self.layout.by_key:
            doc[self.layout.items][key] = record
            return
        items = doc[self.layout.items]
        at = next(i for i, r in enumerate(items) if str(r[self.key]) == key) if not self.layout.keys else None
        if at is None:
            keys: list[str] = doc[self.layout.keys or ""]
            at = bisect.bisect_left(keys, key)
            if at == len(keys) or keys[at] != key:
                at = keys.index(key)
        items[at] = record

    def _drop(self, doc: Doc, key: str) -> None:
        """Take a key's record out of a (keyed, listed) bucket held in memory."""
        keys: list[str] = doc[self.layout.keys or ""]
        at = keys.index(key)
        del keys[at], doc[self.layout.items][at]

    async def _write(self, uow: UnitOfWork, scope: Sequence[str], changed: Mapping[Any, Doc]) -> None:
        """Replace changed buckets, named as stored: one bulk write."""
        if changed:
            fields = (*self.layout.scope, self.layout.bucket or self.layout.first or "")
            await uow.collection(self.collection).bulk_upsert(
                [self._stored(changed[n]) for n in sorted(changed)], fields, stored={(*scope, n) for n in changed}
            )

    async def _insert(self, uow: UnitOfWork, scope: Sequence[str], held: _Held, records: list[Doc]) -> None:
        fresh = [self._new_doc(scope, records[i : i + self.size]) for i in range(0, len(records), self.size)]
        await uow.collection(self.collection).insert_many([self._stored(d) for d in fresh])
        for doc in fresh:
            self._keep(held, scope, self._name(doc), doc)

    async def _append(
        self, uow: UnitOfWork, scope: Sequence[str], held: _Held, records: list[Doc], top_up: bool = True
    ) -> None:
        """New records: into the scope's last bucket while it has room, then into new numbered buckets; grouped,
        into a bucket of the record's group with room, then into new buckets of the group. With `top_up=False`
        no bucket with room is taken: new buckets only (after the last number, which is all that is read)."""
        group = self.layout.group
        fresh: list[Doc] = []  # new buckets, inserted at once
        if group is None:
            last = held.last
            if not top_up:
                if last is None:
                    name_field = self.layout.bucket or ""
                    found = await uow.collection(self.collection).find(
                        self._where(scope), sort=[(name_field, -1)], limit=1, fields=[name_field]
                    )
                    last = (found[0][name_field] if found else -1, self.size)
                else:
                    last = (last[0], self.size)
            held.last = await self._append_to(uow, scope, held, records, last, fresh)
        else:
            by_group: dict[Any, list[Doc]] = {}
            for record in records:
                by_group.setdefault(record[group], []).append(record)
            if top_up:
                await self._open_buckets(uow, scope, held, set(by_group))
            for value, part in by_group.items():
                start = held.open[value] if top_up else (None, self.size)
                held.open[value] = await self._append_to(uow, scope, held, part, start, fresh)
        if fresh:
            await uow.collection(self.collection).insert_many([self._stored(d) for d in fresh])
            for doc in fresh:
                self._keep(held, scope, self._name(doc), doc)
        held.asked.update(str(r[self.key]) for r in records)

    async def _open_buckets(self, uow: UnitOfWork, scope: Sequence[str], held: _Held, values: set[Any]) -> None:
        """Grouped: for each group of `values` not looked up yet, a bucket with room (the fullest): one this unit
        of work holds, else one read for all of them at once; (None, size) when the group has none."""
        lay = self.layout
        name_field, count_field, group = lay.bucket or "", lay.count or "", lay.group or ""
        wanted = values - set(held.open)
        if not wanted:
            return
        room: dict[Any, tuple[int, Any]] = {}
        for name, doc in held.docs.items():
            if doc.get(group) in wanted and int(doc[count_field]) < self.size:
                room[doc[group]] = max(room.get(doc[group], (-1, None)), (int(doc[count_field]), name))
        unread = sorted(wanted - set(room))
        if unread:
            query = {**self._where(scope), group: {"$in": unread}, count_field: {"$lt": self.size}}
            derived = self.derive is not _nothing or self.packed
            found = await uow.collection(self.collection).find(
                query, fields=None if derived else [name_field, count_field, group]
            )
            if derived:
                self._remember(uow, scope, found)
            for doc in found:
                room[doc[group]] = max(room.get(doc[group], (-1, None)), (int(doc[count_field]), doc[name_field]))
        for value in wanted:
            count, name = room.get(value, (self.size, None))
            held.open[value] = (name, count)

    async def _append_to(
        self,
        uow: UnitOfWork,
        scope: Sequence[str],
        held: _Held,
        records: list[Doc],
        last: tuple[Any, int] | None,
        fresh: list[Doc],
    ) -> tuple[Any, int]:
        """`records` into the bucket `last` (name, count) while it has room, then into new buckets (added to
        `fresh`, for the caller to insert); returns the last bucket written. Pushed onto the bucket without reading
        it, unless the collection derives fields from its records or packs them: then it is read and replaced."""
        lay, collection = self.layout, uow.collection(self.collection)
        name_field, count_field = lay.bucket or "", lay.count or ""
        derived = self.derive is not _nothing or self.packed
        grouped = lay.group is not None
        if last is None:  # the scope's last bucket (grouped: looked up by `_open_buckets`)
            fields = None if derived else [name_field, count_field]
            found = await collection.find(self._where(scope), sort=[(name_field, -1)], limit=1, fields=fields)
            if found and derived:
                self._remember(uow, scope, found)
            last = (found[0][name_field], int(found[0][count_field])) if found else (-1, self.size)
        name: Any = last[0]
        size = last[1]
        head, rest = records[: self.size - size], records[self.size - size :]
        if head:
            keys = [str(r[self.key]) for r in head]
            held.packed.pop(name, None)
            doc = self._doc(held, name) if name in held.docs else None
            if derived and doc is not None:
                await self._write(uow, scope, {name: self._fill_doc(doc, [*self.records(doc), *head])})
            else:
                push = {lay.keys or "": {"$each": keys}, lay.items: {"$each": head}}
                await collection.update_one(
                    self._filter(scope, name), {"$push": push, "$inc": {count_field: len(head)}}
                )
                if doc is not None:
                    doc[lay.keys or ""] += keys
                    doc[lay.items] += head
                    doc[count_field] += len(head)
            for key in keys:
                held.where[key] = name
                if self.hints is not None:
                    self.hints[(*scope, key)] = name
            size += len(head)
        for start in range(0, len(rest), self.size):
            name = uuid.uuid4().hex if grouped else name + 1
            part = rest[start : start + self.size]
            fresh.append(self._new_doc(scope, part, name=name))
            size = len(part)
        return name, size

    async def _place(
        self, uow: UnitOfWork, scope: Sequence[str], held: _Held, changed: dict[Any, Doc], new: list[Doc]
    ) -> None:
        """ "split": new records into the buckets whose ranges cover them, splitting a bucket past `size`."""
        first = self.layout.first or ""
        starts = sorted(held.docs)  # held buckets' lower bounds (a split layout names a bucket by `first`)
        into: dict[Any, list[Doc]] = {}
        homeless: list[Doc] = []
        for record in new:
            at = bisect.bisect_right(starts, str(record[self.key])) - 1
            if at >= 0:
                into.setdefault(starts[at], []).append(record)
            elif held.lowest is not None:  # below every bucket: the scope's first bucket reaches down to it
                into.setdefault(self._name(held.lowest), []).append(record)
            else:
                homeless.append(record)
        collection = uow.collection(self.collection)
        for name in sorted(set(into) | set(changed)):
            adding = into.get(name, [])
            if name not in changed and self._past_its_end(held.docs[name], adding):
                # only keys above its greatest, and no room: the bucket stays as stored (not even decoded) and they
                # start new ones (a batch of new keys in key order rewrites nothing already stored)
                adding.sort(key=lambda r: str(r[self.key]))
                fresh = [self._new_doc(scope, part) for part in _even(adding, self.size)]
                await collection.insert_many([self._stored(d) for d in fresh])
                for extra in fresh:
                    self._keep(held, scope, self._name(extra), extra)
                continue
            doc = self._doc(held, name)
            held.packed.pop(name, None)
            records = sorted([*self.records(doc), *adding], key=lambda r: str(r[self.key]))
            parts = _even(records, self.size)
            lower = min(doc[first], str(records[0][self.key]))  # a key below every bucket lowers the first's
            self._fill_doc(doc, parts[0])
            doc[first] = lower
            await collection.replace_one(self._filter(scope, name), self._stored(doc))
            if lower != name:  # stored under its new lower bound from now on
                del held.docs[name]
            self._keep(held, scope, lower, doc)
            fresh = [self._new_doc(scope, part) for part in parts[1:]]
            if fresh:
                await collection.insert_many([self._stored(d) for d in fresh])
                for extra in fresh:
                    self._keep(held, scope, self._name(extra), extra)
        if homeless:  # the scope has no bucket yet
            homeless.sort(key=lambda r: str(r[self.key]))
            fresh = [self._new_doc(scope, part) for part in _even(homeless, self.size)]
            if self.floor is not None:
                fresh[0][first] = self.floor
            await collection.insert_many([self._stored(d) for d in fresh])
            for doc in fresh:
                self._keep(held, scope, self._name(doc), doc)
            held.lowest, held.empty = fresh[0], False
        for record in new:
            held.asked.add(str(record[self.key]))

    async def add(self, uow: UnitOfWork, records: Iterable[Doc]) -> None:
        """Store the records of scopes that have none yet: new buckets only (a second batch is refused)."""
        by_scope: dict[tuple[str, ...], list[Doc]] = {}
        for record in records:
            by_scope.setdefault(self.scope_of(record), []).append(record)
        collection = uow.collection(self.collection)
        for scope in by_scope:
            if await collection.find(self._where(scope), limit=1, fields=list(self.layout.scope)):
                raise ScopeTaken(self.collection, scope)
        for scope, batch in by_scope.items():
            await self._insert(uow, scope, self._held(uow, scope), self._sorted(batch))

    def stored_scope(self, scope: Sequence[str], records: Iterable[Doc]) -> list[Doc]:
        """A whole scope's bucket documents as stored, from its records given in key order (no key twice): each
        bucket is built, and packed if this collection packs, as soon as it is full, so the caller need not hold
        every record at once (a province plan's ~110,000 explanations). The same buckets `replace_scope` writes
        for these records; pass them to it as `stored`."""
        out: list[Doc] = []
        part: list[Doc] = []
        last: str | None = None
        for record in records:
            key = str(record[self.key])
            if last is not None and key <= last:
                raise ValueError(f"{self.collection}: records not in key order ({key} after {last})")
            last = key
            part.append(record)
            if len(part) == self.size:
                out.append(self._stored(self._new_doc(scope, part)))
                part = []
        if part:
            out.append(self._stored(self._new_doc(scope, part)))
        return out

    async def replace_scope(
        self, uow: UnitOfWork, scope: Sequence[str], records: Iterable[Doc] = (), stored: Sequence[Doc] | None = None
    ) -> None:
        """The scope's records become `records` (e.g. a new plan's explanations of a round), or the buckets
        `stored` (from `stored_scope`: not remembered by this unit of work, a later read reads them back)."""
        await uow.collection(self.collection).delete_many(self._where(scope))
        uow.memo.pop(("buckets", self.collection, tuple(scope)), None)
        if stored is not None:
            if stored:
                await uow.collection(self.collection).insert_many(list(stored))
            return
        batch = self._sorted(records)
        if batch:  # the scope has nothing left: no need to look
            await self._insert(uow, scope, self._held(uow, scope), batch)

    def _sorted(self, records: Iterable[Doc]) -> list[Doc]:
        latest = {str(r[self.key]): r for r in records}
        return [latest[k] for k in sorted(latest)]

    async def update(self, uow: UnitOfWork, scope: Sequence[str], key: str, change: Callable[[Doc], Doc]) -> bool:
        """Replace one record by `change(copy of it)`: one read and one write of its bucket. False (nothing
        written) when the scope has no record of `key`."""
        record = await self.one(uow, scope, key)
        if record is None:
            return False
        await self.save(uow, [change(record)], stored=[key])
        return True

    # ---- moving over from one document per record ----
    async def move_over(
        self,
        begin: Callable[[], UnitOfWork],
        old: str,
        chunk: int = 2000,
        wins: Callable[[Doc, Doc], bool] | None = None,
        source: Buckets | None = None,
    ) -> int:
        """Move records still kept one document each in collection `old` (or in buckets of another layout,
        `source`) into buckets, about `chunk` per transaction, deleting what moved in the same transaction; returns
        how many records moved. A key already in a bucket keeps the bucket's record (written later, by the bucket
        code) unless `wins(old record, bucketed record)`. Safe to run again and on several replicas at once: a chunk
        that meets another replica's write is read again."""
        if source is None:
            order = [(f, 1) for f in (*self.layout.scope, self.key)]
            limit = chunk
        else:
            order = [(f, 1) for f in (*source.layout.scope, source.layout.bucket or source.layout.first or "")]
            limit = max(1, chunk // source.size)

        async def step() -> int | None:
            async with begin() as uow:
                docs = await uow.collection(old).find({}, sort=order, limit=limit)
                if not docs:
                    return None
                if source is not None:  # the old buckets go first: a key is in one bucket at a time
                    for scope in {source.scope_of(d) for d in docs}:
                        names = [source._name(d) for d in docs if source.scope_of(d) == scope]
                        await uow.collection(old).delete_many({**source._where(scope), order[-1][0]: {"$in": names}})
                    records = [r for d in docs for r in source.records(d)]
                else:
                    records = [{k: v for k, v in d.items() if k != "_id"} for d in docs]
                by_scope: dict[tuple[str, ...], list[Doc]] = {}
                for r in records:
                    by_scope.setdefault(self.scope_of(r), []).append(r)
                for scope, batch in by_scope.items():
                    keys = [str(r[self.key]) for r in batch]
                    there = await self.get(uow, scope, keys)
                    keep = [
                        r
                        for r in batch
                        if (b := there.get(str(r[self.key]))) is None or (wins is not None and wins(r, b))
                    ]
                    await self.save(uow, keep, stored=keys)
                    if source is None:
                        await uow.collection(old).delete_many({**self._where(scope), self.key: {"$in": keys}})
                await uow.commit()
                return len(records)

        return await in_chunks(step)


def _even(records: list[Doc], size: int) -> list[list[Doc]]:
    """`records` in the fewest parts of at most `size`, as even as can be, in order."""
    parts = max(1, math.ceil(len(records) / size))
    step, extra = divmod(len(records), parts)
    out, at = [], 0
    for i in range(parts):
        n = step + (1 if i < extra else 0)
        out.append(records[at : at + n])
        at += n
    return out
