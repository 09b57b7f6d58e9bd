"""A round's per-person papers — explanations and announcement notices — kept many people to a document.

A round writes one explanation (at each plan) and one notice (at the announcement) for every member of its pool:
117,000 of each in a province round. One document per person pays a document and its index entries each time, and
on a database that pays per document (the local stand-in, docs/bench-round.md) that was most of a plan's save. A
bucket holds up to `BUCKET` people of one round, consecutive in NIP order: their papers by NIP in `people`, the
range in `first`/`last`. A round's papers are written at once (the announcement's notices; a plan replaces all of
its explanations), so a round's buckets never overlap and "this person's paper" is the bucket with the greatest
`first` not above the NIP: one index entry per bucket, not per person (an index entry per person cost as much as
the documents themselves on the stand-in). An update of a person rewrites only their bucket
(docs/adr/0021-a-rounds-papers-in-buckets.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mutasi.chassis.store import Doc, UnitOfWork

BUCKET = 200  # people per document: an explanation is ~1.5 kB, so a bucket stays near 300 kB, far below 16 MB


@dataclass(frozen=True)
class Papers:
    """One kind of per-person paper of a round, in buckets; `old` is the one-document-per-person collection it
    replaces (migrated on start)."""

    collection: str
    old: str

    @property
    def indexes(self) -> list[tuple[str, list[tuple[str, int]], bool]]:
        return [(self.collection, [("agency_id", 1), ("round_id", 1), ("first", 1)], True)]

    async def add(self, uow: UnitOfWork, docs: Iterable[Doc]) -> None:
        """Store the papers of rounds that have none yet (each paper with agency_id, round_id and nip)."""
        buckets = list(_buckets(docs))
        collection = uow.collection(self.collection)
        for agency_id, round_id in dict.fromkeys((b["agency_id"], b["round_id"]) for b in buckets):
            if await collection.find({"agency_id": agency_id, "round_id": round_id}, limit=1, fields=["first"]):
                raise ValueError(f"{self.collection}: round {round_id} of {agency_id} has papers; replace them")
        await self._insert(uow, buckets)

    async def replace(self, uow: UnitOfWork, agency_id: str, round_id: str, docs: Sequence[Doc]) -> None:
        """The round's papers become `docs` (a new plan's explanations)."""
        await uow.collection(self.collection).delete_many({"agency_id": agency_id, "round_id": round_id})
        await self._insert(uow, list(_buckets(docs)))  # the round has none left: no need to look

    async def _insert(self, uow: UnitOfWork, buckets: list[Doc]) -> None:
        if buckets:
            await uow.collection(self.collection).insert_many(buckets)

    async def get(self, uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
        bucket = await self._bucket(uow, agency_id, round_id, nip)
        found: Doc | None = bucket["people"].get(nip) if bucket else None
        return found

    async def _bucket(self, uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
        """The bucket whose range holds `nip`, if any."""
        query = {"agency_id": agency_id, "round_id": round_id, "first": {"$lte": nip}}
        bucket = await uow.collection(self.collection).find_one(query, sort=[("first", -1)])
        return bucket if bucket is not None and nip <= bucket["last"] else None

    async def update(
        self, uow: UnitOfWork, agency_id: str, round_id: str, nip: str, fields: Mapping[str, Any], text: str | None
    ) -> None:
        """Set fields on one person's paper (and add a text line): one read and one write of their bucket. A
        person without a paper in the round is skipped, as an update that matches nothing."""
        bucket = await self._bucket(uow, agency_id, round_id, nip)
        paper = bucket["people"].get(nip) if bucket else None
        if bucket is None or paper is None:
            return
        paper.update(fields)
        if text is not None:
            paper["text_id"] = [*paper.get("text_id", []), text]
        scope = {"agency_id": agency_id, "round_id": round_id, "first": bucket["first"]}
        await uow.collection(self.collection).replace_one(scope, bucket)

    async def migrate(self, begin: Callable[[], UnitOfWork]) -> int:
        """Move papers still in the old one-document-per-person collection into buckets, one round per
        transaction; returns how many papers moved. Safe to run again, and on several replicas at once (a round
        another replica moved meanwhile has nothing left to move)."""
        moved = 0
        while True:
            async with begin() as uow:
                old = uow.collection(self.old)
                first = await old.find_one({})
                if first is None:
                    return moved
                scope = {"agency_id": first["agency_id"], "round_id": first["round_id"]}
                docs = await old.find(scope, sort=[("nip", 1)])
                await self.add(uow, docs)
                await old.delete_many(scope)
                await uow.commit()
                moved += len(docs)


def _buckets(docs: Iterable[Doc]) -> Iterable[Doc]:
    rounds: dict[tuple[str, str], list[Doc]] = {}
    for doc in docs:
        rounds.setdefault((doc["agency_id"], doc["round_id"]), []).append(doc)
    for (agency_id, round_id), papers in rounds.items():
        papers.sort(key=lambda p: str(p["nip"]))
        for start in range(0, len(papers), BUCKET):
            chunk = papers[start : start + BUCKET]
            yield {"agency_id": agency_id, "round_id": round_id, "first": chunk[0]["nip"], "last": chunk[-1]["nip"],
                   "people": {p["nip"]: p for p in chunk}}  # fmt: skip


EXPLANATIONS = Papers("explanation_buckets", old="explanations")
NOTICES = Papers("notice_buckets", old="notices")
