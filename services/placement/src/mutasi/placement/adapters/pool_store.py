"""The candidate pool in bucket documents: up to `BUCKET_SIZE` people of one agency per document
(docs/adr/0023-the-candidate-pool-in-bucket-documents.md), kept by the chassis's buckets (`mutasi.chassis.buckets`).

A bucket is `{agency_id, bucket, nips: [...], people: [...], size}`: `people[i]` is the pool snapshot of
`nips[i]` (the document `service_layer.candidates.candidate_doc` builds). A unique multikey index on
(agency_id, nips) finds a person's bucket and keeps anyone from being in two. A new person is appended to the
agency's last bucket while it has room, then to new buckets numbered 0, 1, 2, …; a known person is replaced where
they are. So a batch of 500 assessments writes two or three documents instead of 500, and the plan, which reads an
agency's whole pool, reads a few hundred documents instead of thousands. A batch's new people start new buckets
instead (`top_up=False`): SecantusDB rewrites every `nips` index entry of a bucket it replaces, so topping up the
last bucket cost up to 250 entries per agency per batch; the price is a bucket with room left per batch and agency.

What a unit of work has read of an agency's buckets is kept in `uow.memo`: the batch handler reads the buckets of
its people once, and the save that follows changes those documents in place. Buckets fill in arrival order, so
their NIPs are not ranges: people are found by where this process last saw them (a person never leaves their
bucket; the hint is checked against what the bucket holds), the others with `$in` on `nips`.

`people` is stored packed (the chassis's compressed binary form; `nips` and `size` stay plain, they are queried and
indexed): reading 10,000 people nested took SecantusDB 8.6 s, packed 0.07 s, and a plan or an announcement of a
province round reads the whole pool. Appending then reads the last bucket and replaces it. Buckets stored nested
before are read as they are and packed when next written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from mutasi.chassis.buckets import Buckets, Layout
from mutasi.chassis.store import Doc, UnitOfWork

POOL = "candidate_buckets"
OLD_POOL = "candidates"  # one document per person, before buckets: moved into buckets on start
BUCKET_SIZE = 250  # people per bucket: ~0.3 MB, so a whole bucket rewritten for one person stays cheap
FLAGS = "follow_ups"  # plain {nip: flag} of the bucket's people with a follow-up flag (most have none)


def _flags(people: list[Doc]) -> Doc:
    """A bucket's follow-up flags beside its packed people: an announcement reads who is in the pool and their
    flags without decoding a snapshot (a province pool decodes in ~6 s)."""
    return {FLAGS: {str(p["nip"]): p["follow_up"] for p in people if p.get("follow_up")}}


BUCKETS = Buckets(
    POOL,
    "nip",
    layout=Layout(keys="nips", items="people", count="size", last=None),
    size=BUCKET_SIZE,
    fill="append",
    range_from=None,  # buckets fill in arrival order: a range over `nips` would match most of an agency's buckets
    hints=True,
    packed=True,  # `people` as one compressed binary value: the stand-in reads a nested pool per sub-document
    derive=_flags,
)
POOL_INDEXES = BUCKETS.indexes()
AgencyNip = tuple[str, str]
# Where this process last saw each person: (agency, NIP) -> bucket number (the chassis's hints for this collection).
_SEEN = BUCKETS.hints


async def candidate_doc(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    return await BUCKETS.one(uow, (agency_id,), nip)


async def candidates_by_key(uow: UnitOfWork, keys: Sequence[AgencyNip]) -> dict[AgencyNip, Doc]:
    found: dict[AgencyNip, Doc] = {}
    for agency_id, nips in _by_agency(keys).items():
        for nip, doc in (await BUCKETS.get(uow, (agency_id,), nips)).items():
            found[(agency_id, nip)] = doc
    return found


async def candidate_docs(uow: UnitOfWork, agency_id: str) -> list[Doc]:
    """The agency's whole pool in NIP order."""
    return await BUCKETS.all(uow, (agency_id,))


async def pool_people(uow: UnitOfWork, agency_id: str) -> list[tuple[str, str | None]]:
    """Everyone in the agency's pool with their follow-up flag, in NIP order, read from the buckets' plain fields
    (a bucket last written before the flags were kept beside the people is decoded)."""
    collection = uow.collection(POOL)
    out: list[tuple[str, str | None]] = []
    older = []
    for doc in await collection.find({"agency_id": agency_id}, fields=["bucket", "nips", FLAGS]):
        if FLAGS in doc:
            flags = doc[FLAGS]
            out += [(str(nip), flags.get(str(nip))) for nip in doc["nips"]]
        else:
            older.append(doc["bucket"])
    if older:
        for doc in await collection.find({"agency_id": agency_id, "bucket": {"$in": older}}):
            out += [(str(p["nip"]), p.get("follow_up")) for p in BUCKETS.records(doc)]
    return sorted(out)


async def count_candidates(uow: UnitOfWork, agency_id: str) -> int:
    return await BUCKETS.count(uow, (agency_id,))


async def save_candidates(uow: UnitOfWork, docs: Sequence[Doc]) -> None:
    """Insert or replace each person's snapshot (the last of one person wins), a batch's new people in new buckets
    of their own: the agency's last bucket is not read and rewritten (`top_up=False`)."""
    await BUCKETS.save(uow, docs, top_up=False)


async def save_candidate(uow: UnitOfWork, doc: Doc) -> None:
    """One person's snapshot: a new person fills the agency's last bucket while it has room."""
    await BUCKETS.save(uow, [doc])


async def flag_candidate(uow: UnitOfWork, agency_id: str, nip: str, reason: str) -> bool:
    """Set the person's follow-up flag; False when the person is not in the pool."""
    return await BUCKETS.update(uow, (agency_id,), nip, lambda doc: {**doc, "follow_up": reason})


def _by_agency(keys: Iterable[AgencyNip]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for agency_id, nip in keys:
        out.setdefault(agency_id, []).append(nip)
    return {a: list(dict.fromkeys(nips)) for a, nips in out.items()}


async def bucket_old_pool(begin: Callable[[], UnitOfWork], chunk: int = 4 * BUCKET_SIZE) -> int:
    """Move a pool kept one document per person (before buckets) into buckets, `chunk` people per transaction;
    returns how many moved. Someone already in a bucket keeps that snapshot (written later, by this code). Safe to
    run again and on several replicas at once: a chunk that meets another replica's write is read again."""
    return await BUCKETS.move_over(begin, OLD_POOL, chunk)
