"""A round's explanations and notices in buckets: every person's paper found, changed and replaced as before."""

from __future__ import annotations

from typing import Any

import pytest

from mutasi.placement.adapters import papers
from mutasi.placement.adapters.papers import EXPLANATIONS, NOTICES, Papers
from tests.support.memory_db import MemoryDatabase


def _paper(nip: str, round_id: str = "r1", agency_id: str = "sawahlunto", **extra: Any) -> dict[str, Any]:
    return {"agency_id": agency_id, "round_id": round_id, "nip": nip, "text_id": [f"teks {nip}"], **extra}


def _nips(n: int) -> list[str]:
    return [f"19800101200501{i:04d}" for i in range(n)]


async def _add(db: MemoryDatabase, kind: Papers, docs: list[dict[str, Any]]) -> None:
    async with db.uow("placement") as uow:
        await kind.add(uow, docs)
        await uow.commit()


async def _get(db: MemoryDatabase, kind: Papers, nip: str, round_id: str = "r1") -> dict[str, Any] | None:
    async with db.uow("placement") as uow:
        return await kind.get(uow, "sawahlunto", round_id, nip)


async def test_a_round_of_many_people_takes_few_documents_and_finds_each_person() -> None:
    db = MemoryDatabase()
    nips = _nips(2 * papers.BUCKET + 50)
    await _add(db, NOTICES, [_paper(n, read=False) for n in nips])

    assert await db.raw(NOTICES.collection).count({}) == 3
    for nip in (nips[0], nips[papers.BUCKET], nips[-1]):
        assert await _get(db, NOTICES, nip) == _paper(nip, read=False)
    assert await _get(db, NOTICES, "199001012015011001") is None  # after every bucket
    assert await _get(db, NOTICES, "197001012015011001") is None  # before every bucket
    assert await _get(db, NOTICES, nips[0], round_id="r2") is None


async def test_papers_are_kept_in_nip_order_whatever_order_they_come_in() -> None:
    db = MemoryDatabase()
    nips = _nips(papers.BUCKET + 3)
    await _add(db, NOTICES, [_paper(n) for n in reversed(nips)])

    for nip in nips:
        assert await _get(db, NOTICES, nip) == _paper(nip)


async def test_a_second_batch_of_papers_for_the_same_round_is_refused() -> None:
    db = MemoryDatabase()
    await _add(db, NOTICES, [_paper(n) for n in _nips(3)])

    with pytest.raises(ValueError, match="has papers"):
        await _add(db, NOTICES, [_paper("199001012015011001")])


async def test_updates_touch_only_the_people_named_and_add_a_line() -> None:
    db = MemoryDatabase()
    nips = _nips(papers.BUCKET + 10)
    await _add(db, EXPLANATIONS, [_paper(n, to_post="A") for n in nips])
    async with db.uow("placement") as uow:
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", nips[1], {"to_post": "B"}, "Ditetapkan penyetuju.")
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", nips[-1], {"decision_id": "d9"}, None)
        # no paper in the round, or inside a bucket's range but not in it: nothing to change
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", "199001012015011001", {"to_post": "X"}, None)
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", f"{nips[5]}9", {"to_post": "X"}, None)
        await uow.commit()

    assert await _get(db, EXPLANATIONS, nips[1]) == _paper(nips[1], to_post="B") | {
        "text_id": [f"teks {nips[1]}", "Ditetapkan penyetuju."]
    }
    assert await _get(db, EXPLANATIONS, nips[-1]) == _paper(nips[-1], to_post="A", decision_id="d9")
    assert await _get(db, EXPLANATIONS, nips[0]) == _paper(nips[0], to_post="A")
    assert await _get(db, EXPLANATIONS, "199001012015011001") is None


async def test_a_new_plan_replaces_the_rounds_explanations_and_no_other_rounds() -> None:
    db = MemoryDatabase()
    nips = _nips(5)
    await _add(db, EXPLANATIONS, [_paper(n, to_post="A") for n in nips] + [_paper(nips[0], round_id="r2")])
    async with db.uow("placement") as uow:
        packed = EXPLANATIONS.pack("sawahlunto", "r1", [_paper(nips[0], to_post="C")])
        await EXPLANATIONS.replace(uow, "sawahlunto", "r1", packed)
        await uow.commit()

    assert await _get(db, EXPLANATIONS, nips[0]) == _paper(nips[0], to_post="C")
    assert await _get(db, EXPLANATIONS, nips[1]) is None
    assert await _get(db, EXPLANATIONS, nips[0], round_id="r2") == _paper(nips[0], round_id="r2")


async def test_papers_packed_as_they_come_are_the_buckets_a_batch_makes() -> None:
    nips = _nips(2 * papers.BUCKET + 7)
    streamed, batched = MemoryDatabase(), MemoryDatabase()
    async with streamed.uow("placement") as uow:
        packed = EXPLANATIONS.pack("sawahlunto", "r1", (_paper(n, to_post="B") for n in nips))
        await EXPLANATIONS.replace(uow, "sawahlunto", "r1", packed)
        await uow.commit()
    await _add(batched, EXPLANATIONS, [_paper(n, to_post="B") for n in reversed(nips)])

    assert len(packed) == 3
    for db in (streamed, batched):
        for n in (nips[0], nips[papers.BUCKET], nips[-1]):
            assert await _get(db, EXPLANATIONS, n) == _paper(n, to_post="B")
    stored = [await _raw(db) for db in (streamed, batched)]
    assert stored[0] == stored[1]
    with pytest.raises(ValueError, match="key order"):
        EXPLANATIONS.pack("sawahlunto", "r1", [_paper(nips[1]), _paper(nips[0])])


async def _raw(db: MemoryDatabase) -> list[dict[str, Any]]:
    """The stored buckets as written (packed), in range order."""
    docs = await db.raw(EXPLANATIONS.collection).find({})
    return sorted(({k: v for k, v in d.items() if k != "_id"} for d in docs), key=lambda d: str(d["first"]))


async def test_a_unit_of_work_that_does_not_commit_leaves_the_papers_as_they_were() -> None:
    db = MemoryDatabase()
    nips = _nips(3)
    await _add(db, EXPLANATIONS, [_paper(n, to_post="A") for n in nips])
    async with db.uow("placement") as uow:  # the request failed after the update
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", nips[0], {"to_post": "B"}, None)

    assert await _get(db, EXPLANATIONS, nips[0]) == _paper(nips[0], to_post="A")


async def test_papers_of_the_old_layout_move_into_buckets_once() -> None:
    db = MemoryDatabase()
    nips = _nips(papers.BUCKET + 1)
    old = [_paper(n, read=False) for n in nips] + [_paper(nips[0], round_id="r2", read=True)]
    async with db.uow("placement") as uow:
        await uow.collection(NOTICES.old).insert_many(old)
        await uow.commit()

    assert await NOTICES.migrate(lambda: db.uow("placement")) == len(old)
    assert await NOTICES.migrate(lambda: db.uow("placement")) == 0

    assert await db.raw(NOTICES.old).count({}) == 0
    assert await db.raw(NOTICES.collection).count({}) == 3  # two buckets of r1, one of r2
    assert await _get(db, NOTICES, nips[-1]) == _paper(nips[-1], read=False)
    assert await _get(db, NOTICES, nips[0], round_id="r2") == _paper(nips[0], round_id="r2", read=True)


async def test_papers_are_stored_packed_and_buckets_stored_nested_before_still_read_and_update() -> None:
    db = MemoryDatabase()
    nips = _nips(3)
    nested = Papers(EXPLANATIONS.collection, old=EXPLANATIONS.old)
    nested.buckets.packed = False  # as placement stored its papers before they were packed
    await _add(db, nested, [_paper(n, to_post="A") for n in nips])
    assert isinstance((await db.raw(EXPLANATIONS.collection).find({}))[0]["people"], dict)

    assert await _get(db, EXPLANATIONS, nips[1]) == _paper(nips[1], to_post="A")
    async with db.uow("placement") as uow:
        await EXPLANATIONS.update(uow, "sawahlunto", "r1", nips[1], {"to_post": "B"}, None)
        await uow.commit()

    (bucket,) = await db.raw(EXPLANATIONS.collection).find({})
    assert isinstance(bucket["people"], bytes)  # rewritten packed: one binary value, no sub-documents
    assert EXPLANATIONS.buckets.records(bucket) == [
        _paper(nips[0], to_post="A"), _paper(nips[1], to_post="B"), _paper(nips[2], to_post="A")
    ]  # fmt: skip
    async with db.uow("placement") as uow:
        await NOTICES.add(uow, [_paper(n) for n in nips])
        await uow.commit()
    assert isinstance((await db.raw(NOTICES.collection).find({}))[0]["people"], bytes)
