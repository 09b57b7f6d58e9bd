"""Evaluation's consumers take a batch at once (one `$in` read, one bulk write): the stored schedules and training
records must be exactly those of handling the same events one by one, duplicates and redeliveries included."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from mutasi.chassis.consumer import BatchHandler
from mutasi.contracts import topics
from mutasi.evaluation.bootstrap import create_app
from mutasi.evaluation.entrypoints.dependencies import Deps
from mutasi.evaluation.entrypoints.subscribers import Subscribers
from mutasi.evaluation.settings import EvaluationSettings
from tests.component.evaluation.conftest import TODAY
from tests.component.evaluation.evaluation_events import assigned, completed, decided, nip
from tests.support.service import envelope, running_service

AGENCY = "sawahlunto"


def record(topic: topics.Topic, payload: BaseModel, event_id: str) -> SimpleNamespace:
    event = envelope(topic, payload, agency_id=AGENCY, event_id=event_id)
    return SimpleNamespace(value=event.model_dump_json().encode(), key=event.subject.encode(), headers=[])


def decisions() -> list[SimpleNamespace]:
    """12 people; a superseding and a cancelling decision later in the batch; one event twice; resent decisions."""
    events = [record(topics.MUTATION_DECIDED, decided(i), f"d{i}") for i in range(1, 13)]
    events.insert(4, events[1])  # the same event twice in one batch
    events.append(
        record(topics.MUTATION_DECIDED, decided(3, decision_id="dec-3b", unit="BKPSDM", supersedes="dec-3"), "d3b")
    )
    events.append(
        record(topics.MUTATION_DECIDED, decided(5, decision_id="dec-5x", supersedes="dec-5", cancelled=True), "d5x")
    )
    events.append(record(topics.MUTATION_DECIDED, decided(7), "d7-resent"))  # same decision, new event id
    events.append(record(topics.MUTATION_DECIDED, decided(3), "d3-late"))  # the superseded decision, resent late
    return events


def training() -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    plans = [record(topics.TRAINING_ASSIGNED, assigned(i), f"a{i}") for i in range(1, 9)]
    second = assigned(2).model_copy(update={"plan_id": "pln-2b", "gaps": {"komunikasi": 2}})
    plans.append(record(topics.TRAINING_ASSIGNED, second, "a2b"))
    done = [record(topics.TRAINING_COMPLETED, completed(i), f"c{i}") for i in (1, 2, 4)]
    return plans, done


async def stored_after(batch_size: int) -> dict[str, list[dict[str, Any]]]:
    app = create_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0, today=TODAY))
    async with running_service(app) as svc:
        subscribers = Subscribers(svc.kit.deps(Deps).service)
        plans, done = training()
        feeds: Sequence[tuple[topics.Topic, BatchHandler, list[SimpleNamespace]]] = (
            (topics.MUTATION_DECIDED, subscribers.on_mutation_decided_batch, decisions()),
            (topics.TRAINING_ASSIGNED, subscribers.on_training_assigned_batch, plans),
            (topics.TRAINING_COMPLETED, subscribers.on_training_completed_batch, done),
        )
        for topic, handler, records in feeds:
            for redelivery in range(2):  # the whole feed again: the inbox makes it change nothing
                for i in range(0, len(records), batch_size):
                    await svc.kit.consumer.process_batch(topic, handler, records[i : i + batch_size])
                if redelivery == 0:
                    first = await _stored(svc)
            assert await _stored(svc) == first
        return await _stored(svc)


async def _stored(svc: Any) -> dict[str, list[dict[str, Any]]]:
    db = svc.kit.database()
    return {
        name: sorted(await db.raw(name).find({}), key=lambda d: (d.get("round_id", ""), d["nip"]))
        for name in ("schedules", "training")
    }


async def test_a_batch_stores_exactly_what_one_event_at_a_time_stores() -> None:
    together = await stored_after(batch_size=100)
    alone = await stored_after(batch_size=1)
    assert [s["nip"] for s in together["schedules"]] == [nip(i) for i in range(1, 13)]
    by_nip = {s["nip"]: s for s in together["schedules"]}
    assert by_nip[nip(3)]["decision_id"] == "dec-3b"
    assert by_nip[nip(5)]["cancelled"] is True
    assert len(together["training"]) == 8
    assert together == alone
