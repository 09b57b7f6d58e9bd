"""A toy service built only from the chassis, to test the plumbing apart from any real service."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Header
from pydantic import BaseModel
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure, ServerSelectionTimeoutError

from mutasi.chassis.consumer import EventRejected
from mutasi.chassis.http import CallerDep
from mutasi.chassis.jobs import Job
from mutasi.chassis.kit import KitDep, ServiceKit
from mutasi.chassis.policy import Scope
from mutasi.chassis.settings import ServiceSettings, service_settings_config
from mutasi.chassis.store import UnitOfWork
from mutasi.chassis.writes import IdempotencyKey, write
from mutasi.contracts import topics
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.training import TrainingAssignedV1

# NIP -> how many more times the handler fails with a transient database error before it succeeds.
TRANSIENT_FAILURES: dict[str, int] = {}
# NIP -> how many times the handler's code ran (a redelivery the inbox catches must not run it)
HANDLED: Counter[str] = Counter()


class ToySettings(ServiceSettings):
    model_config = service_settings_config("toy")
    service_name: str = "toy"
    bulk_handler: bool = False  # consume with the batch API (one insert_many per batch) instead of per event
    hold_s: float = 0  # the batch handler waits this long before its transaction commits (to kill it there)


class NoteIn(BaseModel):
    nip: str
    text: str


router = APIRouter()


@router.post("/v1/notes", status_code=201)
async def create_note(
    body: NoteIn, who: CallerDep, kit: KitDep, idempotency_key: str | None = Header(None)
) -> dict[str, Any]:
    async with kit.uow() as uow:
        if idempotency_key and (
            stored := await uow.idempotent_response(who.agency_id, idempotency_key, body.model_dump())
        ):
            return stored
        count = await uow.collection("notes").count({"agency_id": who.agency_id})
        note = {"agency_id": who.agency_id, "note_id": f"n{count + 1}", **body.model_dump()}
        await uow.collection("notes").insert_one(note)
        if idempotency_key:
            await uow.remember_response(who.agency_id, idempotency_key, body.model_dump(), note)
        await uow.commit()
    return note


# how many more times POST /v1/counters/{name} meets a write conflict before it succeeds
CONFLICTS: dict[str, int] = {}


@router.post("/v1/counters/{name}", status_code=201)
async def bump_counter(name: str, who: CallerDep, kit: KitDep, key: IdempotencyKey = None) -> Any:
    async def act(uow: UnitOfWork) -> dict[str, Any]:
        counters = uow.collection("counters")
        found = await counters.find_one({"agency_id": who.agency_id, "name": name})
        value = (found or {}).get("value", 0) + 1
        await counters.replace_one({"agency_id": who.agency_id, "name": name}, {"agency_id": who.agency_id,
                                   "name": name, "value": value}, upsert=True)  # fmt: skip
        if CONFLICTS.get(name, 0) > 0:
            CONFLICTS[name] -= 1
            raise OperationFailure("WriteConflict", 112, {"errorLabels": ["TransientTransactionError"]})
        return {"name": name, "value": value}

    return await write(kit, who.agency_id, act, key=key, fingerprint={"counter": name})


# set while a toy job should stop half-way, as if its process were about to die
HALT = asyncio.Event()  # only is_set() is used: no loop is bound
# how many times the toy job's second batch meets a write conflict (as when a killed process's open
# transaction still holds its documents) before it goes through
JOB_CONFLICTS = [0]
# how many times it meets a duplicate key instead (another import inserted a row this pass had read as absent)
JOB_DUPLICATES = [0]


@router.post("/v1/batches/{count}", status_code=202)
async def start_batches(count: int, who: CallerDep, kit: KitDep, key: IdempotencyKey = None) -> Any:
    """A job that writes `count` batches of 10 notes, each batch with its events; it halts after the first
    batch while HALT is set."""

    async def work(job: Job) -> dict[str, Any]:
        for batch in range(count):
            if batch == 1 and JOB_CONFLICTS[0] > 0:
                JOB_CONFLICTS[0] -= 1
                raise OperationFailure(
                    "WriteConflict error", code=112, details={"errorLabels": ["TransientTransactionError"]}
                )
            if batch == 1 and JOB_DUPLICATES[0] > 0:
                JOB_DUPLICATES[0] -= 1
                raise DuplicateKeyError("E11000 duplicate key error collection: notes", code=11000)
            async with job.uow() as uow:
                docs = [{"agency_id": who.agency_id, "note_id": f"b{batch}-{i}", "nip": str(i), "text": ""}
                        for i in range(10)]  # fmt: skip
                await uow.collection("notes").bulk_upsert(docs, ["agency_id", "note_id"])
                for i in range(10):
                    nip = f"197808082003031{i:03d}"
                    plan = f"p{batch}-{i}"
                    payload = TrainingAssignedV1(plan_id=plan, nip=nip, decision_id="d", items=[], total_jp=0)
                    uow.emit(topics.TRAINING_ASSIGNED, payload, agency_id=who.agency_id)
                await uow.commit()
            await job.report(rows_accepted=10)
            while HALT.is_set():  # noqa: ASYNC110 - a flag tests flip, not a wait on one loop
                await asyncio.sleep(0.01)
        return {"batches": count}

    return await kit.jobs.submit(who.agency_id, "toy.batches", work, key=key, fingerprint={"count": count})


@router.get("/v1/batches/{job_id}")
async def batches_job(job_id: str, who: CallerDep, kit: KitDep) -> Any:
    return await kit.jobs.get(who.agency_id, job_id)


@router.get("/v1/outage")
async def outage(kit: KitDep) -> Any:
    raise ServerSelectionTimeoutError("no server reachable")


@router.get("/v1/notes")
async def list_notes(who: CallerDep, kit: KitDep) -> list[dict[str, Any]]:
    async with kit.uow() as uow:
        return await uow.collection("notes").find({"agency_id": who.agency_id}, sort=[("note_id", 1)])


REJECTED_NIP = "197001011995031001"  # the toy handler rejects this person
BUGGY_NIP = "197001011995031002"  # the toy handler has a bug for this person


async def on_mutation_decided(event: CloudEvent[Any], uow: UnitOfWork) -> None:
    data = event.data
    HANDLED[data.nip] += 1
    if data.nip == REJECTED_NIP:
        raise EventRejected("no such person")
    if data.nip == BUGGY_NIP:
        raise KeyError("a bug in the handler")
    if TRANSIENT_FAILURES.get(data.nip, 0) > 0:
        TRANSIENT_FAILURES[data.nip] -= 1
        raise AutoReconnect("primary stepped down")
    await uow.collection("plans").insert_one({"agency_id": event.agencyid, "nip": data.nip})
    uow.emit(
        topics.TRAINING_ASSIGNED,
        TrainingAssignedV1(plan_id=f"p-{data.nip}", nip=data.nip, decision_id=data.decision_id, items=[], total_jp=0),
        agency_id=event.agencyid,
    )


async def on_mutation_decided_batch(events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
    """The same effect through the batch API: one bulk write for the batch's plans."""
    for event in events:
        if event.data.nip == REJECTED_NIP:
            raise EventRejected("no such person", event=event)
    await uow.collection("plans").insert_many([{"agency_id": e.agencyid, "nip": e.data.nip} for e in events])
    for e in events:
        uow.emit(
            topics.TRAINING_ASSIGNED,
            TrainingAssignedV1(
                plan_id=f"p-{e.data.nip}", nip=e.data.nip, decision_id=e.data.decision_id, items=[], total_jp=0
            ),
            agency_id=e.agencyid,
            cause=e,
        )


# The toy's own access rules (the four real services' are in mutasi.chassis.policy.POLICY).
HR_ONLY = {"hr": Scope.AGENCY}
TOY_POLICY = {
    "toy": {
        ("POST", "/v1/notes"): HR_ONLY,
        ("GET", "/v1/notes"): HR_ONLY,
        ("POST", "/v1/counters/{name}"): HR_ONLY,
        ("GET", "/v1/outage"): HR_ONLY,
        ("POST", "/v1/batches/{count}"): HR_ONLY,
        ("GET", "/v1/batches/{job_id}"): HR_ONLY,
    }
}


def create_app(settings: ToySettings) -> FastAPI:
    kit = ServiceKit(settings, service="toy", policy=TOY_POLICY)
    kit.index("notes", [("agency_id", 1), ("note_id", 1)], unique=True)
    if settings.bulk_handler:

        async def bulk(events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
            await on_mutation_decided_batch(events, uow)
            if settings.hold_s:
                print("holding", len(events), flush=True)
                await asyncio.sleep(settings.hold_s)

        kit.consume_batch(topics.MUTATION_DECIDED, bulk)
    else:
        kit.consume(topics.MUTATION_DECIDED, on_mutation_decided)
    kit.produce(topics.TRAINING_ASSIGNED)
    return kit.build_app(routers=[router], title="toy")
