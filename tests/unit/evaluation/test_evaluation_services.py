"""Use cases over the in-memory database: what is stored, what is queued for publication, what is not."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from mutasi.chassis.store import OUTBOX, outbox_events
from mutasi.contracts import topics
from mutasi.evaluation.adapters.repository import INDEXES, Repository, Snapshot
from mutasi.evaluation.domain.errors import InvalidInput, NotFound
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.schedule import ScheduleChange
from mutasi.evaluation.service_layer.config import EvaluationConfig
from mutasi.evaluation.service_layer.ports import EvaluationPorts
from mutasi.evaluation.service_layer.services import EvaluationService
from tests.support.memory_db import MemoryDatabase
from tests.unit.evaluation.evaluation_factories import AGENCY, command, decision, schedule, survey

SERVICE = EvaluationService(EvaluationConfig(), EvaluationPorts(repository=Repository))


async def database() -> MemoryDatabase:
    db = MemoryDatabase()
    await db.connect()
    await db.ensure_indexes(INDEXES)
    return db


async def outbox(db: MemoryDatabase, topic: str) -> list[dict[str, Any]]:
    return [json.loads(e["body"]) for e in outbox_events(await db.raw(OUTBOX).find({}), topic)]


async def test_a_decision_is_stored_once_and_a_replay_changes_nothing() -> None:
    db = await database()
    for expected in (ScheduleChange.OPENED, ScheduleChange.UNCHANGED):
        async with db.uow("evaluation") as uow:
            assert await SERVICE.on_move_decided(uow, decision()) is expected
            await uow.commit()
    assert len(await Repository(Snapshot(db), AGENCY).schedules()) == 1


async def test_recording_stores_the_evaluation_and_queues_both_events_in_one_commit() -> None:
    db = await database()
    async with db.uow("evaluation") as uow:
        await SERVICE.on_move_decided(uow, decision(before=Predicate.SANGAT_BAIK))
        await uow.commit()
    cmd = command(schedule(before=Predicate.SANGAT_BAIK), answers=survey(), free_text="pribadi")
    async with db.uow("evaluation") as uow:
        recorded = await SERVICE.record_evaluation(uow, AGENCY, None, cmd)
        await uow.commit()
    [event] = await outbox(db, topics.EVALUATION_RECORDED.name)
    [follow_up] = await outbox(db, topics.FOLLOW_UP_RECOMMENDED.name)
    assert event["data"]["outcome"] == "declined"
    assert follow_up["data"]["evaluation_id"] == recorded.evaluation.evaluation_id
    assert "pribadi" not in json.dumps(event)


async def test_a_rejected_evaluation_leaves_nothing_behind() -> None:
    db = await database()
    async with db.uow("evaluation") as uow:
        await SERVICE.on_move_decided(uow, decision())
        await uow.commit()
    with pytest.raises(InvalidInput):
        async with db.uow("evaluation") as uow:
            await SERVICE.record_evaluation(uow, AGENCY, None, replace(command(schedule()), jpm=-1.0))
    assert await Repository(Snapshot(db), AGENCY).evaluations() == []
    assert await outbox(db, topics.EVALUATION_RECORDED.name) == []


async def test_a_report_for_a_round_nobody_moved_in_is_not_found() -> None:
    db = await database()
    with pytest.raises(NotFound) as info:
        await SERVICE.programme_report(Snapshot(db), AGENCY, "none", date(2027, 1, 1))
    assert info.value.field == "round_id"
