"""A round's per-person papers — explanations and announcement notices — kept many people to a document.

A round writes one explanation (at each plan) and one notice (at the announcement) for every member of its pool:
117,000 of each in a province round. One document per person pays a document and its index entries each time, and
on a database that pays per document (the local stand-in, docs/bench-round.md) that was most of a plan's save. A
bucket holds up to `BUCKET` people of one round, consecutive in NIP order: their papers by NIP in `people`, the
range in `first`/`last`. A round's papers are written at once (the announcement's notices; a plan replaces all of
its explanations), so a round's buckets never overlap and "this person's paper" is the bucket with the greatest
`first` not above the NIP: one index entry per bucket, not per person (an index entry per person cost as much as
the documents themselves on the stand-in). An update of a person rewrites only their bucket
(docs/adr/0021-a-rounds-papers-in-buckets.md). The buckets are the chassis's (`mutasi.chassis.buckets`, range
buckets scoped by agency and round), their papers stored packed (one binary value per bucket: nothing queries inside
a paper, and the stand-in pays per sub-document on every insert and read); buckets stored before, as nested
documents, are read as they are and packed when next written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mutasi.chassis.buckets import Buckets, Index, Layout, ScopeTaken
from mutasi.chassis.store import Doc, UnitOfWork

BUCKET = 200  # people per document: an explanation is ~1.5 kB, so a bucket stays near 300 kB, far below 16 MB
LAYOUT = Layout(
    scope=("agency_id", "round_id"), bucket=None, keys=None, items="people", by_key=True, count=None, first="first"
)


class Papers:
    """One kind of per-person paper of a round, in buckets; `old` is the one-document-per-person collection it
    replaces (migrated on start)."""

    def __init__(self, collection: str, old: str) -> None:
        self.collection = collection
        self.old = old
        self.buckets = Buckets(collection, "nip", layout=LAYOUT, size=BUCKET, fill="split", packed=True)

    @property
    def indexes(self) -> list[Index]:
        return self.buckets.indexes()

    async def add(self, uow: UnitOfWork, docs: Iterable[Doc]) -> None:
        """Store the papers of rounds that have none yet (each paper with agency_id, round_id and nip)."""
        try:
            await self.buckets.add(uow, docs)
        except ScopeTaken as exc:
            agency_id, round_id = exc.scope
            raise ValueError(f"{self.collection}: round {round_id} of {agency_id} has papers; replace them") from exc

    def pack(self, agency_id: str, round_id: str, docs: Iterable[Doc]) -> list[Doc]:
        """A round's papers (every paper of the round, in NIP order) as the buckets `replace` stores, each bucket
        packed as soon as it is full: a province plan's ~110,000 explanations are never all held as documents."""
        return self.buckets.stored_scope((agency_id, round_id), docs)

    async def replace(self, uow: UnitOfWork, agency_id: str, round_id: str, packed: Sequence[Doc]) -> None:
        """The round's papers become the buckets `packed` (from `pack`: a new plan's explanations)."""
        await self.buckets.replace_scope(uow, (agency_id, round_id), stored=packed)

    async def get(self, uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
        return await self.buckets.one(uow, (agency_id, round_id), nip)

    async def update(
        self, uow: UnitOfWork, agency_id: str, round_id: str, nip: str, fields: Mapping[str, Any], text: str | None
    ) -> None:
        """Set fields on one person's paper (and add a text line): one read and one write of their bucket. A
        person without a paper in the round is skipped, as an update that matches nothing."""

        def change(paper: Doc) -> Doc:
            paper.update(fields)
            if text is not None:
                paper["text_id"] = [*paper.get("text_id", []), text]
            return paper

        await self.buckets.update(uow, (agency_id, round_id), nip, change)

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


EXPLANATIONS = Papers("explanation_buckets", old="explanations")
NOTICES = Papers("notice_buckets", old="notices")
