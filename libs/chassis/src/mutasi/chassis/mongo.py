"""The MongoDB adapter of the storage port, on PyMongo's async API (AsyncMongoClient)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from pymongo import AsyncMongoClient, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from mutasi.chassis.store import Doc, Filter, SortSpec, UnitOfWork, storable

NO_ID = {"_id": 0}


class MongoCollection:
    """A collection bound to the unit of work's session (or to none, outside a transaction)."""

    def __init__(self, collection: AsyncCollection[Doc], session: AsyncClientSession | None) -> None:
        self._c = collection
        self._s = session

    async def find_one(self, query: Filter, sort: SortSpec | None = None) -> Doc | None:
        return await self._c.find_one(dict(query), NO_ID, sort=list(sort) if sort else None, session=self._s)

    async def find(
        self, query: Filter, sort: SortSpec | None = None, limit: int = 0, fields: Sequence[str] | None = None
    ) -> list[Doc]:
        projection = {**NO_ID, **dict.fromkeys(fields, 1)} if fields else NO_ID
        cursor = self._c.find(dict(query), projection, sort=list(sort) if sort else None, limit=limit, session=self._s)
        return await cursor.to_list()

    async def count(self, query: Filter) -> int:
        return await self._c.count_documents(dict(query), session=self._s)

    async def distinct(self, field: str, query: Filter) -> list[Any]:
        return await self._c.distinct(field, dict(query), session=self._s)

    async def insert_one(self, doc: Doc) -> None:
        await self._c.insert_one(storable(doc), session=self._s)

    async def insert_many(self, docs: Sequence[Doc]) -> None:
        if docs:
            await self._c.insert_many([storable(d) for d in docs], ordered=True, session=self._s)

    async def replace_one(self, query: Filter, doc: Doc, upsert: bool = False) -> int:
        result = await self._c.replace_one(dict(query), storable(doc), upsert=upsert, session=self._s)
        return result.matched_count

    async def update_one(self, query: Filter, update: Mapping[str, Any], upsert: bool = False) -> int:
        result = await self._c.update_one(dict(query), storable(update), upsert=upsert, session=self._s)
        return result.matched_count

    async def update_many(self, query: Filter, update: Mapping[str, Any]) -> int:
        result = await self._c.update_many(dict(query), storable(update), session=self._s)
        return result.matched_count

    async def delete_many(self, query: Filter) -> int:
        result = await self._c.delete_many(dict(query), session=self._s)
        return result.deleted_count

    async def bulk_upsert(
        self, docs: Sequence[Doc], key_fields: Sequence[str], *, stored: AbstractSet[tuple[Any, ...]] | None = None
    ) -> int:
        """Insert or replace each document by its key; the last of several with one key wins.

        Inside a transaction the keys already stored are looked up first (one `$in` per value of the leading
        fields): new documents go in with one `insert_many`, only existing ones are replaced one by one. A
        database pays per matched write far more than per inserted document (SecantusDB: several ms), and most
        batches are new documents. A caller that already read which keys are stored passes them as `stored` and
        spares the lookup (a `$in` read costs the stand-in database per document found). Outside a transaction
        (no isolation from a concurrent writer) every document is an upsert."""
        if not docs:
            return 0
        latest: dict[tuple[Any, ...], Doc] = {}
        for doc in docs:
            row = storable(doc)
            latest[tuple(row[f] for f in key_fields)] = row
        replace = latest
        if self._s is not None and all(isinstance(v, str | int) for key in latest for v in key):
            # `stored`: the caller read these keys as present in this transaction, so there is nothing to look up
            stored_keys = stored if stored is not None else await self._stored_keys(key_fields, list(latest))
            fresh = [doc for key, doc in latest.items() if key not in stored_keys]
            if fresh:
                await self._c.insert_many(fresh, ordered=True, session=self._s)
            replace = {key: doc for key, doc in latest.items() if key in stored_keys}
        ops = [ReplaceOne(dict(zip(key_fields, key, strict=True)), doc, upsert=True) for key, doc in replace.items()]
        if ops:
            await self._c.bulk_write(ops, ordered=False, session=self._s)
        return len(docs)

    async def _stored_keys(self, key_fields: Sequence[str], keys: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
        *lead, last = key_fields
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for key in keys:
            groups.setdefault(key[:-1], []).append(key[-1])
        found: set[tuple[Any, ...]] = set()
        projection = {**NO_ID, **dict.fromkeys(key_fields, 1)}
        for prefix, values in groups.items():
            query = {**dict(zip(lead, prefix, strict=True)), last: {"$in": values}}
            async for doc in self._c.find(query, projection, session=self._s):
                found.add(tuple(doc.get(f) for f in key_fields))
        return found


class MongoUnitOfWork(UnitOfWork):
    """A MongoDB multi-document transaction (the server must be a replica set)."""

    def __init__(self, db: MongoDatabase, service: str, default_program_id: str | None) -> None:
        super().__init__(service, default_program_id)
        self._db = db
        self._session: AsyncClientSession | None = None

    async def __aenter__(self) -> MongoUnitOfWork:
        self._session = self._db.client.start_session()
        await self._session.start_transaction()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await super().__aexit__(*exc)
        finally:
            if self._session is not None:
                await self._session.end_session()

    def collection(self, name: str) -> MongoCollection:
        return MongoCollection(self._db.database[name], self._session)

    async def _commit(self) -> None:
        assert self._session is not None, "use the unit of work as `async with`"
        await self._session.commit_transaction()

    async def rollback(self) -> None:
        await super().rollback()
        if self._session is not None and self._session.in_transaction:
            await self._session.abort_transaction()


class MongoDatabase:
    """One service's own MongoDB database."""

    def __init__(self, uri: str, name: str, timeout_ms: int = 5000, max_idle_time_ms: int | None = 240_000) -> None:
        self._uri = uri
        self._name = name
        self._timeout_ms = timeout_ms
        self._max_idle_time_ms = max_idle_time_ms
        self._client: AsyncMongoClient[Doc] | None = None

    @property
    def client(self) -> AsyncMongoClient[Doc]:
        if self._client is None:
            raise RuntimeError("database not connected")
        return self._client

    @property
    def database(self) -> AsyncDatabase[Doc]:
        return self.client[self._name]

    async def connect(self) -> None:
        self._client = AsyncMongoClient(
            self._uri,
            tz_aware=True,
            serverSelectionTimeoutMS=self._timeout_ms,
            # The driver's monitor uses this as its socket timeout too: a server busy with a big bulk write for more
            # than a couple of seconds (SecantusDB under load) must not be declared unknown, which clears the pool
            # and cancels the writes in flight ("operation cancelled" in the middle of an import).
            connectTimeoutMS=10_000,
            # pooled connections are dropped before the server closes them for idleness (setting
            # `mongo_max_idle_time_ms`); an explicit keyword wins over the same option in the URI
            **self._pool_options(),
        )

    def _pool_options(self) -> dict[str, Any]:
        return {"maxIdleTimeMS": self._max_idle_time_ms} if self._max_idle_time_ms else {}

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def ping(self) -> bool:
        try:
            await self.client.admin.command("ping")
        except Exception:
            return False
        return True

    async def ensure_index(self, collection: str, keys: Sequence[tuple[str, int]], unique: bool) -> None:
        await self.database[collection].create_index(list(keys), unique=unique)

    async def ensure_ttl(self, collection: str, field: str, seconds: int) -> None:
        """A TTL index on `field`; a changed retention setting updates the existing index in place."""
        try:
            await self.database[collection].create_index([(field, 1)], name=f"ttl_{field}", expireAfterSeconds=seconds)
        except OperationFailure as exc:
            if exc.code not in (85, 86):  # IndexOptionsConflict / IndexKeySpecsConflict: same index, other TTL
                raise
            await self.database.command(
                "collMod", collection, index={"name": f"ttl_{field}", "expireAfterSeconds": seconds}
            )

    def uow(self, service: str, default_program_id: str | None = None) -> MongoUnitOfWork:
        return MongoUnitOfWork(self, service, default_program_id)

    def raw(self, name: str) -> MongoCollection:
        return MongoCollection(self.database[name], None)
