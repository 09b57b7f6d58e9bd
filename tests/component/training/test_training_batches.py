"""Training plans a batch of decisions from one read and writes it once: the stored plans, seats, colleagues and
the announced plans must be exactly those of handling the same decisions one at a time, in order (first decided,
first seated; the cheapest covering plan; mentor loads capped), duplicates and redeliveries included."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from mutasi.contracts import topics
from mutasi.contracts.envelope import CloudEvent
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


async def _stored(svc: Any) -> dict[str, Any]:
    db = svc.kit.database()
    plans = sorted(await db.raw("plans").find({}), key=lambda p: (p["nip"], p["created_at"]))
    stamps = ("created_at", "updated_at")
    return {
        "plans": [{k: v for k, v in p.items() if k not in stamps} for p in plans],
        "seats": sorted((s["session_id"], s["taken"]) for s in await db.raw("seats").find({})),
        "colleagues": sorted(
            (c for bucket in await db.raw("unit_colleagues").find({}) for c in bucket["people"]),
            key=lambda c: c["nip"],
        ),
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
