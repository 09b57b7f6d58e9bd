"""The units' mentor load a process keeps between batches of decisions (ADR 27): an agency's active plans with a
mentor per unit, used again only while the version of the agency's plans (its seat book's `plans`, new with every
write of its plans, in the same transaction) is the one they were read or written at; a batch's own plan writes
carry what is kept to the version they write; a transaction that rolled back leaves nothing behind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from mutasi.training.adapters.repository import (
    INDEXES,
    MENTOR_UNITS,
    PLANS,
    SEAT_BOOKS,
    Shared,
    TrainingRepository,
)
from mutasi.training.domain.mentor import MentorMatch
from mutasi.training.domain.plan import DevelopmentPlan, PlanKind, PlanStatus
from tests.support.memory_db import MemoryDatabase

AGENCY = "sawahlunto"
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def plan(i: int, mentor: str | None = "M1", unit: str = "u1", **changes: Any) -> DevelopmentPlan:
    return DevelopmentPlan(
        plan_id=f"plan-{i}", kind=PlanKind.MOVE, source_id=f"dec-{i}", agency_id=AGENCY,
        nip=f"19800101200501{i:04d}", name=f"P{i}", target_post_id=f"{unit}-p{i}", target_post_name="Jabatan",
        target_unit_id=unit, effective_date=date(2026, 7, 1), decided_at=T0, levels={}, gaps=(),
        mentor=MentorMatch(mentor, "Mentor", (), ()) if mentor else None, **changes,
    )  # fmt: skip


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.ensure_indexes(INDEXES)
    return db


async def batch(
    db: MemoryDatabase, shared: Shared, plans: tuple[DevelopmentPlan, ...] = (), commit: bool = True, unit: str = "u1"
) -> dict[str, int]:
    """The mentor load a batch of decisions into `unit` sees, then the batch saves `plans`."""
    async with db.uow("training") as uow:
        repo = TrainingRepository(uow, AGENCY, shared)
        await repo.preload([], [unit])
        load = await repo.mentor_load(unit)
        await repo.save_plans(plans)
        await repo.flush()
        if commit:
            await uow.commit()
    return load


async def saved_alone(db: MemoryDatabase, shared: Shared, plans: list[DevelopmentPlan]) -> None:
    """Plans saved outside a batch (a completion, a replan), through the repository."""
    async with db.uow("training") as uow:
        await TrainingRepository(uow, AGENCY, shared).save_plans(plans)
        await uow.commit()


async def test_a_units_mentor_load_is_read_again_only_after_a_write_of_the_agencys_plans() -> None:
    db, shared = await database(), Shared()
    await saved_alone(db, shared, [plan(1), plan(2, "M2")])
    # a batch's plan write gives the agency's plans a version, at which the process keeps what it read
    assert await batch(db, shared, (plan(9, None),)) == {"M1": 1, "M2": 1}
    # A write that bypasses the repository (no new version) is not seen: the batch used what it kept
    await db.raw(PLANS).delete_many({"agency_id": AGENCY})
    assert await batch(db, shared) == {"M1": 1, "M2": 1}
    assert await batch(db, Shared(mentor_loads=None)) == {}  # nothing kept: read every batch
    await saved_alone(db, Shared(), [plan(3)])  # another process's write: a new version
    assert await batch(db, shared) == {"M1": 1}


async def test_a_batchs_own_plans_carry_the_kept_load_to_the_version_it_writes() -> None:
    db, shared = await database(), Shared()
    await saved_alone(db, shared, [plan(1)])
    assert await batch(db, shared, (plan(2), plan(3, "M2"), plan(4, None))) == {"M1": 1}
    await db.raw(PLANS).delete_many({"agency_id": AGENCY, "plan_id": "plan-1"})  # unseen, as above: not read again
    ended = plan(2, status=PlanStatus.COMPLETED)
    assert await batch(db, shared, (ended,)) == {"M1": 2, "M2": 1}
    assert await batch(db, shared) == {"M1": 1, "M2": 1}  # the completed plan left the load
    assert await batch(db, Shared()) == {"M2": 1}  # read afresh: the same but for the plan deleted by hand


async def test_the_load_a_rolled_back_transaction_read_or_wrote_is_never_used() -> None:
    db, shared = await database(), Shared()
    await batch(db, shared, (plan(1),))
    assert await batch(db, shared, (plan(2),), commit=False) == {"M1": 1}
    assert await batch(db, shared) == {"M1": 1}  # plan-2 was never stored
    await saved_alone(db, Shared(), [plan(5, "M3", unit="u2")])
    assert await batch(db, shared, unit="u2", commit=False) == {"M3": 1}
    # a read-only batch that rolled back read a committed version: what it read is that version's load, kept
    await db.raw(PLANS).delete_many({"agency_id": AGENCY, "plan_id": "plan-5"})
    assert await batch(db, shared, unit="u2") == {"M3": 1}
    assert await batch(db, Shared(), unit="u2") == {}


async def test_the_agencys_load_is_read_whole_once_so_a_unit_reached_later_is_not_read() -> None:
    db, shared = await database(), Shared()
    await saved_alone(db, shared, [plan(1), plan(2, "M2", unit="u2")])
    # the first batch read the agency's units, u2's too, and its plan write gave the agency a version to keep it at
    assert await batch(db, shared, (plan(3, None),)) == {"M1": 1}
    # written by hand into u2 (no new version): a later batch into u2 does not read u2, it was held already
    await db.raw(PLANS).delete_many({"agency_id": AGENCY, "plan_id": "plan-2"})
    assert await batch(db, shared, unit="u2") == {"M2": 1}
    assert await batch(db, Shared(), unit="u2") == {}  # read afresh: the plan deleted by hand is gone


async def test_outside_a_batch_only_a_change_of_a_mentors_load_makes_a_version_and_only_of_its_unit() -> None:
    """An item completed in a plan that stays active (the common HTTP write) writes no version at all; a plan that
    ends writes a version of its unit only, never the agency's seat book, so such writes in parallel do not meet
    unless they are in one unit. A batch keeping the load reads that unit again."""
    db, shared = await database(), Shared()

    async def versions() -> tuple[str | None, dict[str, str]]:
        book = await db.raw(SEAT_BOOKS).find_one({"agency_id": AGENCY})
        units = await db.raw(MENTOR_UNITS).find({"agency_id": AGENCY})
        return (book.get("plans") if book else None), {d["unit_id"]: d["version"] for d in units}

    assert await batch(db, shared, (plan(1), plan(2, "M2", unit="u2"))) == {}
    agency, units = await versions()
    assert agency is not None
    assert units == {}
    await saved_alone(db, shared, [replace(plan(1), name="P1 renamed")])  # same unit, kind, mentor and status
    assert await versions() == (agency, {})
    await saved_alone(db, shared, [plan(1, status=PlanStatus.COMPLETED)])
    after = await versions()
    assert after[0] == agency
    assert set(after[1]) == {"u1"}
    assert await batch(db, shared) == {}  # u1 read again: plan-1 ended
    assert await batch(db, shared, unit="u2") == {"M2": 1}


async def test_a_plan_a_batch_writes_into_another_unit_leaves_the_load_of_the_unit_it_was_in() -> None:
    db, shared = await database(), Shared()
    await saved_alone(db, shared, [plan(1), plan(2, "M2")])
    assert await batch(db, shared, (plan(3, None),)) == {"M1": 1, "M2": 1}  # the agency's load kept at a version
    assert await batch(db, shared, (plan(1, unit="u2"),), unit="u2") == {}  # plan-1 moves from u1 to u2
    assert await batch(db, shared) == {"M2": 1}  # kept: u1 no longer counts plan-1
    assert await batch(db, shared, unit="u2") == {"M1": 1}
    assert await batch(db, Shared()) == {"M2": 1}  # the same as read afresh
