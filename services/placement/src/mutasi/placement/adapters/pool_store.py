"""The candidate pool in bucket documents: up to `BUCKET_SIZE` people of one agency per document
(docs/adr/0023-the-candidate-pool-in-bucket-documents.md).

A bucket is `{agency_id, bucket, nips: [...], people: [...], size}`: `people[i]` is the pool snapshot of
`nips[i]` (the document `service_layer.candidates.candidate_doc` builds). A unique multikey index on
(agency_id, nips) finds a person's bucket and keeps anyone from being in two. A new person is appended to the
agency's last bucket while it has room, then to new buckets; a known person is replaced where they are. So a batch
of 500 assessments writes two or three documents instead of 500, and the plan, which reads an agency's whole pool,
reads a few hundred documents instead of thousands.

What a unit of work has read of an agency's buckets is kept in `uow.memo`: the batch handler reads the buckets of
its people once, and the save that follows changes those documents in place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from mutasi.chassis.faults import is_duplicate_key, is_transient
from mutasi.chassis.store import Doc, UnitOfWork

POOL = "candidate_buckets"
OLD_POOL = "candidates"  # one document per person, before buckets: moved into buckets on start
BUCKET_SIZE = 250  # people per bucket: ~0.3 MB, so a whole bucket rewritten for one person stays cheap
POOL_INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (POOL, [("agency_id", 1), ("bucket", 1)], True),
    (POOL, [("agency_id", 1), ("nips", 1)], True),  # multikey: one entry per person
]
_MEMO = "placement.pool"
AgencyNip = tuple[str, str]


@dataclass
class _Held:
    """An agency's buckets as this unit of work has read and changed them."""

    buckets: dict[int, Doc] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)  # NIP -> bucket number
    asked: set[str] = field(default_factory=set)  # NIPs looked up (found or not)
    last: tuple[int, int] | None = None  # (number, size) of the agency's last bucket, once looked up

    def keep(self, bucket: Doc) -> None:
        self.buckets[bucket["bucket"]] = bucket
        for nip in bucket["nips"]:
            self.where[nip] = bucket["bucket"]

    def entry(self, nip: str) -> Doc | None:
        number = self.where.get(nip)
        if number is None:
            return None
        bucket = self.buckets[number]
        found: Doc = bucket["people"][bucket["nips"].index(nip)]
        return found


def _held_of(uow: UnitOfWork, agency_id: str) -> _Held:
    held: _Held = uow.memo.setdefault((_MEMO, agency_id), _Held())
    return held


# Where this process last saw each person: (agency, NIP) -> bucket number. A person never leaves their bucket, so
# this is a hint that is right for everything committed; it is only ever used to pick which buckets to read, and
# what those buckets hold decides (a wrong hint, e.g. from a rolled-back append, costs one more read). It spares
# re-assessments the `$in` on `nips`, which the stand-in database checks against every element of each bucket.
_SEEN: dict[tuple[str, str], int] = {}
_SEEN_MAX = 1_000_000


def _seen(agency_id: str, buckets: Iterable[Doc]) -> None:
    if len(_SEEN) > _SEEN_MAX:
        _SEEN.clear()
    for bucket in buckets:
        for nip in bucket["nips"]:
            _SEEN[(agency_id, nip)] = bucket["bucket"]


async def _held(uow: UnitOfWork, agency_id: str, nips: Iterable[str]) -> _Held:
    """The agency's buckets holding `nips`, read once per unit of work: the buckets this process saw them in by
    number, the others with one `$in` on the multikey index."""
    held = _held_of(uow, agency_id)
    missing = [nip for nip in dict.fromkeys(nips) if nip not in held.asked]
    if missing:
        pool = uow.collection(POOL)
        hinted = {_SEEN.get((agency_id, nip)) for nip in missing} - {None} - set(held.buckets)
        found = await pool.find({"agency_id": agency_id, "bucket": {"$in": sorted(hinted)}}) if hinted else []
        there = {nip for b in found for nip in b["nips"]}
        unseen = [nip for nip in missing if nip not in held.where and nip not in there]
        if unseen:
            found += await pool.find({"agency_id": agency_id, "nips": {"$in": unseen}})
        for bucket in found:
            if bucket["bucket"] not in held.buckets:  # a bucket already held may have changed in this unit
                held.keep(bucket)
        _seen(agency_id, found)
        held.asked.update(missing)
    return held


async def candidate_doc(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    return (await _held(uow, agency_id, [nip])).entry(nip)


async def candidates_by_key(uow: UnitOfWork, keys: Sequence[AgencyNip]) -> dict[AgencyNip, Doc]:
    found: dict[AgencyNip, Doc] = {}
    for agency_id, nips in _by_agency(keys).items():
        held = await _held(uow, agency_id, nips)
        for nip in nips:
            if (doc := held.entry(nip)) is not None:
                found[(agency_id, nip)] = doc
    return found


async def candidate_docs(uow: UnitOfWork, agency_id: str) -> list[Doc]:
    """The agency's whole pool in NIP order."""
    buckets = await uow.collection(POOL).find({"agency_id": agency_id})
    return sorted((person for b in buckets for person in b["people"]), key=lambda d: str(d["nip"]))


async def count_candidates(uow: UnitOfWork, agency_id: str) -> int:
    return sum(int(b["size"]) for b in await uow.collection(POOL).find({"agency_id": agency_id}, fields=["size"]))


async def save_candidates(uow: UnitOfWork, docs: Sequence[Doc]) -> None:
    """Insert or replace each person's snapshot (the last of one person wins)."""
    for agency_id, entries in _by_agency_docs(docs).items():
        held = await _held(uow, agency_id, entries)
        changed: set[int] = set()
        new: list[Doc] = []
        for nip, doc in entries.items():
            number = held.where.get(nip)
            if number is None:
                new.append(doc)
                continue
            bucket = held.buckets[number]
            bucket["people"][bucket["nips"].index(nip)] = doc
            changed.add(number)
        if changed:
            await uow.collection(POOL).bulk_upsert(
                [held.buckets[n] for n in sorted(changed)],
                ("agency_id", "bucket"),
                stored={(agency_id, n) for n in changed},
            )
        if new:
            await _append(uow, agency_id, held, new)


async def _append(uow: UnitOfWork, agency_id: str, held: _Held, docs: list[Doc]) -> None:
    """New people: into the agency's last bucket while it has room, then into new buckets."""
    pool = uow.collection(POOL)
    if held.last is None:
        last = await pool.find({"agency_id": agency_id}, sort=[("bucket", -1)], limit=1, fields=["bucket", "size"])
        held.last = (int(last[0]["bucket"]), int(last[0]["size"])) if last else (-1, BUCKET_SIZE)
    number, size = held.last
    room = BUCKET_SIZE - size
    head, rest = docs[:room], docs[room:]
    if head:
        nips = [d["nip"] for d in head]
        await pool.update_one(
            {"agency_id": agency_id, "bucket": number},
            {"$push": {"nips": {"$each": nips}, "people": {"$each": head}}, "$inc": {"size": len(head)}},
        )
        if (bucket := held.buckets.get(number)) is not None:
            bucket["nips"] += nips
            bucket["people"] += head
            bucket["size"] += len(head)
        for nip in nips:
            held.where[nip] = number
            _SEEN[(agency_id, nip)] = number
        size += len(head)
    fresh = []
    for i in range(0, len(rest), BUCKET_SIZE):
        number += 1
        part = rest[i : i + BUCKET_SIZE]
        nips = [d["nip"] for d in part]
        fresh.append({"agency_id": agency_id, "bucket": number, "nips": nips, "people": part, "size": len(part)})
        size = len(part)
    if fresh:
        await pool.insert_many(fresh)
        for bucket in fresh:
            held.keep(bucket)
        _seen(agency_id, fresh)
    held.last = (number, size)
    held.asked.update(d["nip"] for d in docs)


async def flag_candidate(uow: UnitOfWork, agency_id: str, nip: str, reason: str) -> bool:
    """Set the person's follow-up flag; False when the person is not in the pool."""
    held = await _held(uow, agency_id, [nip])
    doc = held.entry(nip)
    if doc is None:
        return False
    await save_candidates(uow, [{**doc, "follow_up": reason}])
    return True


def _by_agency(keys: Iterable[AgencyNip]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for agency_id, nip in keys:
        out.setdefault(agency_id, []).append(nip)
    return {a: list(dict.fromkeys(nips)) for a, nips in out.items()}


def _by_agency_docs(docs: Iterable[Doc]) -> dict[str, dict[str, Doc]]:
    out: dict[str, dict[str, Doc]] = {}
    for doc in docs:
        out.setdefault(doc["agency_id"], {})[doc["nip"]] = doc
    return out


async def bucket_old_pool(begin: Callable[[], UnitOfWork], chunk: int = 4 * BUCKET_SIZE) -> int:
    """Move a pool kept one document per person (before buckets) into buckets, `chunk` people per transaction;
    returns how many moved. Someone already in a bucket keeps that snapshot (written later, by this code). Safe to
    run again and on several replicas at once: a chunk that meets another replica's write is read again."""
    moved = conflicts = 0
    while True:
        try:
            async with begin() as uow:
                old = await uow.collection(OLD_POOL).find({}, sort=[("agency_id", 1), ("nip", 1)], limit=chunk)
                if not old:
                    return moved
                for agency_id, entries in _by_agency_docs(old).items():
                    held = await _held(uow, agency_id, entries)
                    await save_candidates(uow, [d for nip, d in entries.items() if nip not in held.where])
                    await uow.collection(OLD_POOL).delete_many({"agency_id": agency_id, "nip": {"$in": list(entries)}})
                await uow.commit()
                moved += len(old)
        except Exception as exc:
            conflicts += 1
            if conflicts > 5 or not (is_duplicate_key(exc) or is_transient(exc)):
                raise
