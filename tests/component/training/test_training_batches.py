"""Training plans a batch of decisions from one read and writes it once: the stored plans, seats, colleagues and
the announced plans must be exactly those of handling the same decisions one at a time, in order (first decided,
first seated; the cheapest covering plan; mentor loads capped), duplicates and redeliveries included."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from mutasi.contracts import topics
from mutasi.contracts.envelope import CloudEvent
from mutasi.training.adapters.repository import MOVES, SEAT_BOOKS, colleagues_of_agency
from mutasi.training.bootstrap import create_app
from mutasi.training.entrypoints.dependencies import Deps
from mutasi.training.entrypoints.subscribers import Subscribers
from tests.component.training.training_component_support import assessment, decision, post, settings, workbook
from tests.support.service import envelope, publish_raw, running_service

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
AGENCY = "sawahlunto"
PEOPLE = [f"1990010120150310{i:02d}" for i in range(1, 13)]
MENTORS = ["197501012000031002", "197601012000031003"]


def record(payload: BaseModel, event_id: str) -> SimpleNamespace:
    event = envelope(topics.MUTATION_DECIDED, payload, agency_id=AGENCY, event_id=event_id)
    return SimpleNamespace(value=event.model_dump_json().encode(), key=event.subject.encode(), headers=[])


def decisions() -> list[SimpleNamespace]:
    """12 people into two units (the one-seat session and two mentors capped at 3 mentees each are contended), a
    superseding and a cancelling decision later on, one event twice in the batch, a decision resent."""
    out = []
    for i, nip in enumerate(PEOPLE):
        unit = "KOMINFO" if i % 4 else "BAPPEDA"
        out.append(record(decision(f"dec-{i}", nip, to_post=post(f"{unit}-{i}", unit)), f"e-{i}"))
    out.insert(5, out[2])  # the same event twice in one batch
    newer = decision("dec-3b", PEOPLE[3], supersedes="dec-3", target_standard={"komunikasi": 3, "tek_arsip": 2})
    out.append(record(newer, "e-3b"))
    out.append(record(decision("dec-6x", PEOPLE[6], supersedes="dec-6", cancelled=True), "e-6x"))
    out.append(record(decision("dec-8", PEOPLE[8], to_post=post("KOMINFO-8", "KOMINFO")), "e-8-resent"))
    return out


async def stored_after(
    records: list[SimpleNamespace], mentors: list[CloudEvent[Any]], batch_size: int
) -> dict[str, Any]:
    async with running_service(create_app(settings())) as svc:
        r = await svc.http.post("/v1/catalogue/import", content=workbook(), headers=XLSX)
        assert r.status_code == 200, r.text
        for mentor in mentors:  # the same events (and times) in both runs
            await publish_raw(
                svc, topics.ASSESSMENT_COMPLETED, mentor.model_dump_json().encode(), mentor.subject.encode()
            )
        deps = svc.kit.deps(Deps)
        handler = Subscribers(deps.service, deps.metrics).on_mutation_decided_batch
        for redelivery in range(2):  # everything again: the inbox makes it change nothing
            for i in range(0, len(records), batch_size):
                await svc.kit.consumer.process_batch(topics.MUTATION_DECIDED, handler, records[i : i + batch_size])
            if redelivery == 0:
                first = await _stored(svc)
        again = await _stored(svc)
        assert again == first
        return again


async def _colleagues(svc: Any, agency_id: str) -> list[dict[str, Any]]:
    async with svc.kit.uow() as uow:
        return await colleagues_of_agency(uow, agency_id)


async def _stored(svc: Any) -> dict[str, Any]:
    db = svc.kit.database()
    plans = sorted(await db.raw("plans").find({}), key=lambda p: (p["nip"], p["created_at"]))
    stamps = ("created_at", "updated_at")
    return {
        "plans": [{k: v for k, v in p.items() if k not in stamps} for p in plans],
        "seats": sorted((s["session_id"], s["taken"]) for b in await db.raw(SEAT_BOOKS).find({}) for s in b["seats"]),
        "colleagues": await _colleagues(svc, AGENCY),
        "announced": [e["data"] for e in await svc.published(topics.TRAINING_ASSIGNED)],
    }


async def test_a_batch_of_decisions_stores_exactly_what_one_decision_at_a_time_stores() -> None:
    records = decisions()
    mentors = [envelope(topics.ASSESSMENT_COMPLETED, assessment(nip), agency_id=AGENCY) for nip in MENTORS]
    together = await stored_after(records, mentors, batch_size=100)
    alone = await stored_after(records, mentors, batch_size=1)
    plans = together["plans"]
    assert {p["nip"] for p in plans} == set(PEOPLE)
    assert dict(together["seats"])["KOM-B-a"] == 1  # the one seat went to the first decided
    mentors = [p["mentor_nip"] for p in plans if p["status"] == "active" and p["mentor_nip"]]
    assert mentors
    assert all(mentors.count(m) <= 3 for m in MENTORS)  # every mentor within the cap
    assert [p["status"] for p in plans if p["nip"] == PEOPLE[3]] == ["superseded", "active"]
    assert [p["status"] for p in plans if p["nip"] == PEOPLE[6]] == ["superseded"]
    assert together == alone


OTHER = "padang"  # the releasing agency of moves between agencies


def province_decisions() -> list[SimpleNamespace]:
    """The decisions above, four of them moving people in from another agency, spread over several batches."""
    out = []
    for i, nip in enumerate(PEOPLE):
        unit = "KOMINFO" if i % 4 else "BAPPEDA"
        moved_in = {"from_agency_id": OTHER} if i < 4 else {}
        out.append(record(decision(f"dec-{i}", nip, to_post=post(f"{unit}-{i}", unit), **moved_in), f"e-{i}"))
    out.insert(5, out[2])
    newer = decision("dec-3b", PEOPLE[3], supersedes="dec-3", target_standard={"komunikasi": 3, "tek_arsip": 2})
    out.append(record(newer, "e-3b"))
    out.append(record(decision("dec-6x", PEOPLE[6], supersedes="dec-6", cancelled=True), "e-6x"))
    return out


def province_events() -> tuple[list[CloudEvent[Any]], list[SimpleNamespace], CloudEvent[Any]]:
    """Mentors and the movers' pictures in both agencies, the decisions, then a newer assessment of one mover (made
    once: both runs see the same events and times)."""
    before = [envelope(topics.ASSESSMENT_COMPLETED, assessment(n), agency_id=AGENCY) for n in MENTORS]
    before += [
        envelope(topics.ASSESSMENT_COMPLETED, assessment(n, unit_id="DINAS-X"), agency_id=OTHER) for n in PEOPLE[:4]
    ]
    records = province_decisions()
    later = envelope(topics.ASSESSMENT_COMPLETED, assessment(PEOPLE[5], unit_id="SETDA"), agency_id=AGENCY)
    return before, records, later


async def stored_in_province(
    events: tuple[list[CloudEvent[Any]], list[SimpleNamespace], CloudEvent[Any]],
    fold_at: int,
    batch_size: int,
    cache_records: int = 150_000,
    mentor_load_cache: bool = True,
) -> dict[str, Any]:
    before, records, later = events
    configured = settings(
        colleague_moves_fold_at=fold_at, colleague_cache_records=cache_records, mentor_load_cache=mentor_load_cache
    )
    async with running_service(create_app(configured)) as svc:
        r = await svc.http.post("/v1/catalogue/import", content=workbook(), headers=XLSX)
        assert r.status_code == 200, r.text
        for event in before:
            await publish_raw(
                svc, topics.ASSESSMENT_COMPLETED, event.model_dump_json().encode(), event.subject.encode()
            )
        deps = svc.kit.deps(Deps)
        handler = Subscribers(deps.service, deps.metrics).on_mutation_decided_batch
        for i in range(0, len(records), batch_size):
            await svc.kit.consumer.process_batch(topics.MUTATION_DECIDED, handler, records[i : i + batch_size])
        await publish_raw(svc, topics.ASSESSMENT_COMPLETED, later.model_dump_json().encode(), later.subject.encode())
        out = await _stored(svc)
        out["released"] = await _colleagues(svc, OTHER)
        out["moves_documents"] = await svc.kit.database().raw(MOVES).count({})
        return out


async def test_decisions_kept_as_moves_documents_store_what_unit_buckets_after_every_decision_store() -> None:
    """ADR 26: a batch's colleague changes go to one moves document per agency, read over the unit buckets; the
    plans, seats, mentors, announcements and colleagues are those of writing the unit buckets after each decision
    (`colleague_moves_fold_at=0`, one decision per batch: the layout before)."""
    events = province_events()
    kept = await stored_in_province(events, fold_at=2000, batch_size=5)
    folded = await stored_in_province(events, fold_at=0, batch_size=1)
    assert kept["moves_documents"] > 0
    assert folded["moves_documents"] == 0
    units = {c["nip"]: c["unit_id"] for c in kept["colleagues"]}
    assert units[PEOPLE[5]] == "SETDA"  # the newer assessment wins over the decision's picture
    assert units[PEOPLE[1]] == "KOMINFO"
    assert units[PEOPLE[0]] == "BAPPEDA"
    assert {c["nip"]: c["unit_id"] for c in kept["released"]} == {n: "" for n in PEOPLE[:4]}  # left the agency
    assert [p["mentor_nip"] for p in kept["plans"] if p["status"] == "active" and p["mentor_nip"]]
    del kept["moves_documents"], folded["moves_documents"]
    assert kept == folded


async def test_colleagues_kept_between_batches_plan_what_reading_them_in_every_batch_plans() -> None:
    """ADR 27: the units' colleagues and mentor load kept by the process between batches (the colleagues dropped
    whenever a fold writes the buckets, the load carried over the batch's own plan writes) give the plans, mentors
    and colleagues of reading them again in every batch."""
    events = province_events()
    kept = await stored_in_province(events, fold_at=3, batch_size=2)
    read = await stored_in_province(events, fold_at=3, batch_size=2, cache_records=0, mentor_load_cache=False)
    load_read = await stored_in_province(events, fold_at=3, batch_size=2, mentor_load_cache=False)
    mentors = [p["mentor_nip"] for p in kept["plans"] if p["status"] == "active" and p["mentor_nip"]]
    assert len(mentors) > len(set(mentors))  # a mentor took several mentees, over several batches: the load counted
    assert kept == read
    assert kept == load_read
