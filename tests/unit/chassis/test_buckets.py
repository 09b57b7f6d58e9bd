"""The chassis's buckets: whatever the layout and the way new records are placed, every record is found, replaced
where it is and kept in one bucket only, buckets stay within their size, and what is read is what was written."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import bson
import pytest

from mutasi.chassis.buckets import COMPRESSED, Buckets, Layout, ScopeTaken, unpack
from mutasi.chassis.store import Doc, UnitOfWork
from tests.support.memory_db import MemoryDatabase

SIZE = 7  # small, so a few dozen records cross many bucket boundaries


def units(items: list[Doc]) -> Doc:
    return {"units": sorted({str(r["unit"]) for r in items})}


KINDS: dict[str, Callable[[], Buckets]] = {
    # new records in buckets of their own, found through a multikey array of keys (assessment's layout)
    "new": lambda: Buckets("b", "nip", size=SIZE, derive=units, range_from=4),
    # new records fill the scope's last numbered bucket (placement's pool), found by hints and `$in`
    "append": lambda: Buckets(
        "b", "nip", layout=Layout(keys="nips", items="people", count="size", last=None), size=SIZE,
        fill="append", range_from=None, hints=True,
    ),
    # the same, with fields derived from the records (training's colleagues: the units of a bucket's people)
    "append-derived": lambda: Buckets(
        "b", "nip", layout=Layout(keys="nips", items="people", count="size", last=None), size=SIZE,
        fill="append", range_from=None, hints=True, derive=units,
    ),
    # the same, one unit's records to a bucket (training's colleagues): a record that changes unit changes bucket
    "append-grouped": lambda: Buckets(
        "b", "nip", layout=Layout(keys="nips", items="people", count="size", last=None, group="unit"), size=SIZE,
        fill="append", range_from=None, hints=True,
    ),
    # key ranges, split when full (placement's papers: records by key, scope of two fields, no floor)
    "split": lambda: Buckets(
        "b", "nip", layout=Layout(scope=("agency_id", "round_id"), bucket=None, keys=None, items="people",
                                  by_key=True, count=None, first="first"),
        size=SIZE, fill="split",
    ),
    # key ranges in a list, with a count, derived fields and a floor
    "split-floor": lambda: Buckets(
        "b", "nip", layout=Layout(bucket=None, keys=None, items="people", first="first"), size=SIZE,
        fill="split", derive=units, floor="",
    ),
    # the same two, records packed in one binary value (assessment's employees, results and assessments)
    "new-packed": lambda: Buckets("b", "nip", size=SIZE, derive=units, range_from=4, packed=True),
    "split-packed": lambda: Buckets(
        "b", "nip", layout=Layout(bucket=None, keys=None, items="people", first="first"), size=SIZE,
        fill="split", derive=units, floor="", packed=True,
    ),
    # appended and packed (placement's pool): the last bucket is read and replaced instead of pushed onto
    "append-packed": lambda: Buckets(
        "b", "nip", layout=Layout(keys="nips", items="people", count="size", last=None), size=SIZE,
        fill="append", range_from=None, hints=True, packed=True,
    ),
    "append-grouped-packed": lambda: Buckets(
        "b", "nip", layout=Layout(keys="nips", items="people", count="size", last=None, group="unit"), size=SIZE,
        fill="append", range_from=None, hints=True, packed=True,
    ),
}  # fmt: skip


def scope_of(kind: str, agency: str = "a1") -> tuple[str, ...]:
    return (agency, "r1") if kind == "split" else (agency,)


def record(kind: str, nip: int, agency: str = "a1", **extra: Any) -> Doc:
    step = extra.get("v", 0)
    moves = step if kind.startswith("append-grouped") and isinstance(step, int) else 0  # the unit changes by step
    doc = {"agency_id": agency, "nip": f"{nip:06d}", "unit": f"u{(nip + moves) % 3}", **extra}
    return {**doc, "round_id": "r1"} if kind == "split" else doc


async def database(buckets: Buckets) -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(buckets.indexes())
    return db


async def stored_records(db: MemoryDatabase, buckets: Buckets) -> dict[tuple[str, str], Doc]:
    """Every record in the collection by (agency, key), checking that no key is in two buckets."""
    out: dict[tuple[str, str], Doc] = {}
    for doc in await db.raw(buckets.collection).find({}):
        for rec in buckets.records(doc):
            key = (rec["agency_id"], rec["nip"])
            assert key not in out, f"{key} in two buckets"
            out[key] = rec
    return out


async def check_shape(db: MemoryDatabase, buckets: Buckets) -> None:
    lay = buckets.layout
    docs = await db.raw(buckets.collection).find({})
    for doc in docs:
        recs = buckets.records(doc)
        keys = [r["nip"] for r in recs]
        assert 0 < len(recs) <= buckets.size
        if lay.keys:
            assert doc[lay.keys] == keys
        if lay.count:
            assert doc[lay.count] == len(recs)
        if lay.last:
            assert doc[lay.last] == max(keys)
        if buckets.derive is units:
            assert doc["units"] == units(recs)["units"]
        if lay.group:
            assert {r[lay.group] for r in recs} == {doc[lay.group]}
        if lay.first:
            assert keys == sorted(keys)
            assert doc[lay.first] <= keys[0]
    if lay.first:  # range buckets of a scope never overlap
        by_scope: dict[tuple[str, ...], list[Doc]] = {}
        for doc in docs:
            by_scope.setdefault(buckets.scope_of(doc), []).append(doc)
        for group in by_scope.values():
            group.sort(key=lambda d: d[lay.first])
            for lower, upper in itertools.pairwise(group):
                assert lower[lay.last or ""] < upper[lay.first]


@pytest.mark.parametrize("kind", list(KINDS))
async def test_random_writes_read_back_as_a_plain_key_value_store(kind: str) -> None:
    buckets = KINDS[kind]()
    db = await database(buckets)
    rng = random.Random(14)
    model: dict[tuple[str, str], Doc] = {}
    for step in range(25):
        agency = rng.choice(["a1", "a2"])
        batch = [record(kind, rng.randrange(300), agency, v=step) for _ in range(rng.randint(1, 20))]
        async with db.uow("t") as uow:
            if rng.random() < 0.5:  # read first, as a batch handler does, then save
                await buckets.get(uow, scope_of(kind, agency), [r["nip"] for r in batch])
            if buckets.fill == "append" and rng.random() < 0.5:  # new records in new buckets only
                await buckets.save(uow, batch, top_up=False)
            else:
                await buckets.save(uow, batch)
            await uow.commit()
        for rec in batch:
            model[(agency, rec["nip"])] = rec
        assert await stored_records(db, buckets) == model
        await check_shape(db, buckets)
        if buckets.packed:  # every bucket it wrote holds its records as one binary value
            assert all(isinstance(d[buckets.layout.items], bytes) for d in await db.raw("b").find({}))
    async with db.uow("t") as uow:
        for agency in ("a1", "a2"):
            scope = scope_of(kind, agency)
            mine = {nip: r for (a, nip), r in model.items() if a == agency}
            asked = [f"{n:06d}" for n in range(-5, 310, 3)]
            assert await buckets.get(uow, scope, asked) == {k: mine[k] for k in asked if k in mine}
            assert await buckets.all(uow, scope) == [mine[k] for k in sorted(mine)]
            if buckets.layout.count:
                assert await buckets.count(uow, scope) == len(mine)


@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_changed_record_rewrites_only_its_bucket_and_reads_are_copies(kind: str) -> None:
    buckets = KINDS[kind]()
    db = await database(buckets)
    scope = scope_of(kind)
    async with db.uow("t") as uow:
        await buckets.save(uow, [record(kind, n) for n in range(0, 60, 2)])
        await uow.commit()
    before = {buckets._name(d): d for d in await db.raw("b").find({})}
    async with db.uow("t") as uow:
        found = await buckets.get(uow, scope, ["000010", "000011"])
        assert list(found) == ["000010"]
        found["000010"]["name"] = "only in the copy"
        assert "name" not in (await buckets.one(uow, scope, "000010") or {})
        assert await buckets.update(uow, scope, "000010", lambda r: {**r, "name": "Siti"})
        assert not await buckets.update(uow, scope, "000011", lambda r: {**r, "name": "nobody"})
        assert (await buckets.one(uow, scope, "000010") or {})["name"] == "Siti"  # the unit reads its own write
        await buckets.save(uow, [record(kind, 12)])  # equal to what is stored: nothing written
        await uow.commit()
    after = {buckets._name(d): d for d in await db.raw("b").find({})}
    assert after.keys() == before.keys()
    differing = [n for n in after if after[n] != before[n]]
    assert len(differing) == 1
    assert "000010" in buckets._keys(after[differing[0]])
    async with db.uow("t") as uow:
        assert (await buckets.one(uow, scope, "000010") or {})["name"] == "Siti"


async def test_new_records_fill_the_last_bucket_before_new_ones_and_wrong_hints_cost_only_a_read() -> None:
    buckets = KINDS["append"]()
    db = await database(buckets)
    for n in range(10):  # a stream of single events
        async with db.uow("t") as uow:
            await buckets.save(uow, [record("append", n)])
            await uow.commit()
    sizes = sorted((d["bucket"], d["size"]) for d in await db.raw("b").find({}))
    assert sizes == [(0, SIZE), (1, 10 - SIZE)]
    assert buckets.hints is not None
    for key in buckets.hints:  # every hint wrong: a bucket holding others, or none
        buckets.hints[key] = 1 if key[1] < "000005" else 99
    async with db.uow("t") as uow:
        found = await buckets.get(uow, ("a1",), [f"{n:06d}" for n in range(10)])
        assert sorted(found) == [f"{n:06d}" for n in range(10)]
        await buckets.save(uow, [record("append", n, v=1) for n in range(10)])  # replaced, not added
        await uow.commit()
    assert sorted((d["bucket"], d["size"]) for d in await db.raw("b").find({})) == sizes


async def test_without_top_up_a_groups_new_records_take_new_buckets_and_its_bucket_with_room_is_not_rewritten() -> None:
    buckets = KINDS["append-grouped"]()
    db = await database(buckets)
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("append-grouped", n) for n in range(0, 30, 3)])  # u0: 7 and 3
        await uow.commit()
    before = await db.raw("b").find({})
    assert sorted(d["size"] for d in before) == [3, SIZE]
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("append-grouped", n) for n in range(30, 60, 3)], top_up=False)  # u0: 10 more
        await uow.commit()
    after = await db.raw("b").find({})
    assert sorted(d["size"] for d in after) == [3, 3, SIZE, SIZE]
    assert all(d in after for d in before)  # the buckets already there are untouched
    async with db.uow("t") as uow:
        assert len(await buckets.get(uow, ("a1",), [f"{n:06d}" for n in range(0, 60, 3)])) == 20


@pytest.mark.parametrize("kind", ["append", "append-packed"])
async def test_without_top_up_new_records_start_buckets_after_the_last_and_leave_it_as_stored(kind: str) -> None:
    buckets = KINDS[kind]()
    db = await database(buckets)
    async with db.uow("t") as uow:
        await buckets.save(uow, [record(kind, n) for n in range(10)])  # buckets 0 (full) and 1 (3)
        await uow.commit()
    before = await db.raw("b").find({})
    for start in (10, 14):
        async with db.uow("t") as uow:
            await buckets.save(uow, [record(kind, n) for n in range(start, start + 4)], top_up=False)
            await buckets.save(uow, [record(kind, 99)], top_up=False)  # the same unit of work: after its own
            await uow.commit()
    after = await db.raw("b").find({})
    assert sorted((d["bucket"], d["size"]) for d in after) == [(0, SIZE), (1, 3), (2, 4), (3, 1), (4, 4)]
    assert all(d in after for d in before)  # the bucket with room is untouched
    async with db.uow("t") as uow:
        assert len(await buckets.all(uow, ("a1",))) == 19


async def test_a_batch_of_keys_is_read_by_a_range_not_by_in_against_the_array() -> None:
    buckets = KINDS["new"]()
    db = await database(buckets)
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("new", n) for n in range(40)])
        await buckets.save(uow, [record("new", n) for n in range(100, 140)])  # an import of other people
        await uow.commit()
    queries: list[Doc] = []
    async with db.uow("t") as uow:
        collection = uow.collection("b")
        find = collection.find

        async def spy(query: Doc, *args: Any, **kwargs: Any) -> list[Doc]:
            queries.append(query)
            return await find(query, *args, **kwargs)

        collection.find = spy  # type: ignore[method-assign]
        wanted = [f"{n:06d}" for n in range(10, 30)]
        assert sorted(await buckets.get(uow, ("a1",), wanted)) == wanted
        assert sorted(await buckets.get(uow, ("a1",), ["000105", "000107"])) == ["000105", "000107"]
    assert queries == [
        {"agency_id": "a1", "keys": {"$gte": "000010", "$lte": "000029"}},  # 20 keys: a range
        {"agency_id": "a1", "keys": {"$in": ["000105", "000107"]}},  # fewer than `range_from`: `$in`
    ]


async def test_range_buckets_split_evenly_and_a_key_below_every_bucket_joins_the_first() -> None:
    buckets = KINDS["split"]()
    db = await database(buckets)
    scope = scope_of("split")
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("split", n) for n in range(10, 20)])  # an empty scope: 5 + 5
        await uow.commit()
    assert sorted((d["first"], len(d["people"])) for d in await db.raw("b").find({})) == [
        ("000010", 5), ("000015", 5)]  # fmt: skip
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("split", 3)])  # below every bucket: the first reaches down
        await buckets.save(uow, [record("split", n) for n in (4, 5)])  # same unit: under "000003" now; 8 > 7
        await uow.commit()
    assert sorted((d["first"], len(d["people"])) for d in await db.raw("b").find({})) == [
        ("000003", 4), ("000011", 4), ("000015", 5)]  # fmt: skip
    async with db.uow("t") as uow:
        assert sorted(await buckets.get(uow, scope, ["000003", "000004", "000012", "000019"])) == [
            "000003", "000004", "000012", "000019"]  # fmt: skip


async def test_a_floor_makes_the_first_bucket_of_a_scope_cover_every_key_below() -> None:
    buckets = KINDS["split-floor"]()
    db = await database(buckets)
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("split-floor", n) for n in (50, 60)])
        await uow.commit()
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("split-floor", 1)])
        await uow.commit()
    assert [(d["first"], d["n"]) for d in await db.raw("b").find({})] == [("", 3)]


async def test_add_refuses_a_scope_with_records_and_replace_scope_starts_it_over() -> None:
    buckets = KINDS["split"]()
    db = await database(buckets)
    scope = scope_of("split")
    async with db.uow("t") as uow:
        await buckets.add(uow, [record("split", n) for n in range(20)])
        with pytest.raises(ScopeTaken):
            await buckets.add(uow, [record("split", 99)])
        await buckets.replace_scope(uow, scope, [record("split", n, v=2) for n in (5, 6)])
        assert await buckets.all(uow, scope) == [record("split", n, v=2) for n in (5, 6)]
        assert await buckets.one(uow, scope, "000001") is None
        await uow.commit()


@pytest.mark.parametrize(
    "kind", ["new", "append", "append-derived", "append-grouped", "split-floor", "new-packed", "append-packed"]
)
async def test_records_kept_one_document_each_move_over_and_the_newer_record_wins(kind: str) -> None:
    buckets = KINDS[kind]()
    db = await database(buckets)
    old = [record(kind, n, agency, v="old", age=1) for agency in ("a1", "a2") for n in range(9)]
    old[9 + 5]["age"] = 3  # newer than what the bucket code wrote for it meanwhile
    await db.raw("old").insert_many(old)
    async with db.uow("t") as uow:  # written by the bucket code before the move
        await buckets.save(
            uow, [record(kind, 4, "a2", v="bucketed", age=2), record(kind, 5, "a2", v="bucketed", age=2)]
        )
        await uow.commit()

    def begin() -> UnitOfWork:
        return db.uow("t")

    def newer(record: Doc, bucketed: Doc) -> bool:
        return bool(record["age"] > bucketed["age"])

    assert await buckets.move_over(begin, "old", chunk=4, wins=newer) == len(old)
    assert await buckets.move_over(begin, "old", chunk=4, wins=newer) == 0  # again: nothing left
    assert await db.raw("old").find({}) == []
    stored = await stored_records(db, buckets)
    assert len(stored) == len(old)
    assert stored[("a2", "000004")]["v"] == "bucketed"
    assert stored[("a2", "000005")] == old[9 + 5]
    assert {r["v"] for k, r in stored.items() if k != ("a2", "000004")} == {"old"}
    await check_shape(db, buckets)


async def test_packed_records_are_one_binary_value_and_nested_buckets_read_and_are_packed_once_rewritten() -> None:
    nested, packed = KINDS["new"](), KINDS["new-packed"]()
    db = await database(packed)
    when = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    async with db.uow("t") as uow:  # written before the collection packed its records
        await nested.save(uow, [record("new", n, at=when) for n in range(10)])
        await uow.commit()
    assert all(isinstance(d["items"], list) for d in await db.raw("b").find({}))
    async with db.uow("t") as uow:
        assert (await packed.one(uow, ("a1",), "000003") or {})["at"] == when
        await packed.save(uow, [record("new", 3, at=when, v=2)])  # rewrites the bucket of 000003, packed
        await packed.save(uow, [record("new", 50, on=date(2026, 1, 2), tags={"x"})])  # a date and a set: normalised
        await uow.commit()
    raw = {d["keys"][0]: d for d in await db.raw("b").find({})}
    assert isinstance(raw["000000"]["items"], bytes)
    assert isinstance(raw["000050"]["items"], bytes)
    assert isinstance(raw["000007"]["items"], list)  # a bucket nobody rewrote keeps its nested records
    async with db.uow("t") as uow:
        found = await packed.get(uow, ("a1",), ["000003", "000050", "000008"])
        assert found["000003"] == record("new", 3, at=when, v=2)
        assert found["000050"] == record("new", 50, on="2026-01-02", tags=["x"])
        assert found["000008"] == record("new", 8, at=when)
        assert [r["nip"] for r in await packed.all(uow, ("a1",))] == [f"{n:06d}" for n in [*range(10), 50]]
    await check_shape(db, packed)


async def test_packed_records_are_compressed_and_values_packed_uncompressed_before_still_read() -> None:
    buckets = KINDS["new-packed"]()
    db = await database(buckets)
    when, text = datetime(2026, 11, 30, 13, 0, tzinfo=UTC), "Anda tetap pada jabatan ini. " * 20
    async with db.uow("t") as uow:
        await buckets.save(uow, [record("new", n, at=when, text=text) for n in range(8)])
        await uow.commit()
    (stored,) = [d for d in await db.raw("b").find({}) if "000000" in d["keys"]]
    value = bytes(stored["items"])
    assert value[:4] == COMPRESSED
    raw = bson.encode({"r": unpack(value)})
    assert len(value) < len(raw) / 5  # the repeated phrases cost little
    where = {k: v for k, v in stored.items() if k not in ("_id", "items", "keys")}
    assert await db.raw("b").update_one(where, {"$set": {"items": bson.Binary(raw)}}) == 1  # packed before compression
    async with db.uow("t") as uow:
        assert (await buckets.one(uow, ("a1",), "000002") or {}) == record("new", 2, at=when, text=text)
        assert [r["nip"] for r in await buckets.all(uow, ("a1",))] == [f"{n:06d}" for n in range(8)]
