"""Recording evaluations over HTTP: events, idempotency, clear 4xx, agency scoping and privacy."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from mutasi.contracts import topics
from mutasi.evaluation.bootstrap import refresh_gauges
from mutasi.evaluation.entrypoints.dependencies import Deps
from tests.component.evaluation.evaluation_events import ROUND, body, decided, nip
from tests.support.service import RunningService, publish_event


async def moved(svc: RunningService, *ids: int) -> None:
    for i in ids or (1,):
        await publish_event(svc, topics.MUTATION_DECIDED, decided(i))


async def test_recording_a_checkpoint_publishes_evaluation_recorded_without_personal_text(svc: RunningService) -> None:
    await moved(svc)
    r = await svc.http.post("/v1/evaluations", json=body(hasil="di_atas", perilaku="di_atas"))
    assert r.status_code == 201
    assert r.json()["evaluation"]["predicate"] == "Sangat Baik"
    await svc.drain()
    [event] = await svc.published(topics.EVALUATION_RECORDED)
    assert event["subject"] == nip(1)
    assert event["programid"] == ROUND
    assert event["data"]["outcome"] == "improved"
    assert event["data"]["predicate_before"] == "Baik"
    raw = str(event)
    assert "Rahasia" not in raw
    assert "Catatan atasan" not in raw
    assert "role_clarity" not in raw


async def test_the_same_idempotency_key_returns_the_first_answer_and_emits_once(svc: RunningService) -> None:
    await moved(svc)
    headers = {"Idempotency-Key": "k-1"}
    first = await svc.http.post("/v1/evaluations", json=body(), headers=headers)
    again = await svc.http.post("/v1/evaluations", json=body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    await svc.drain()
    assert len(await svc.published(topics.EVALUATION_RECORDED)) == 1


async def test_an_idempotency_key_reused_with_another_body_is_a_conflict(svc: RunningService) -> None:
    await moved(svc)
    headers = {"Idempotency-Key": "k-2"}
    await svc.http.post("/v1/evaluations", json=body(), headers=headers)
    r = await svc.http.post("/v1/evaluations", json=body(review=2), headers=headers)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_resent_identical_form_without_a_key_is_a_duplicate_not_a_second_evaluation(
    svc: RunningService,
) -> None:
    await moved(svc)
    await svc.http.post("/v1/evaluations", json=body())
    r = await svc.http.post("/v1/evaluations", json=body())
    assert r.status_code == 200
    assert r.json()["created"] is False
    await svc.drain()
    assert len(await svc.published(topics.EVALUATION_RECORDED)) == 1


async def test_a_different_evaluation_for_a_recorded_checkpoint_is_a_409_naming_the_checkpoint(
    svc: RunningService,
) -> None:
    await moved(svc)
    await svc.http.post("/v1/evaluations", json=body())
    r = await svc.http.post("/v1/evaluations", json=body(hasil="di_bawah"))
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "checkpoint_months"


async def test_invalid_values_get_a_422_naming_each_field_in_indonesian_and_english(svc: RunningService) -> None:
    await moved(svc)
    bad = body(checkpoint_months=5, jpm=300)
    bad["survey"]["answers"]["motivation"] = 9
    r = await svc.http.post("/v1/evaluations", json=bad)
    assert r.status_code == 422
    errors = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert set(errors) == {"checkpoint_months", "jpm", "survey.motivation"}
    assert errors["survey.motivation"] == "harus bilangan bulat 1–5 / must be a whole number 1–5"


async def test_a_missing_required_field_is_a_422_naming_it(svc: RunningService) -> None:
    await moved(svc)
    incomplete = body()
    del incomplete["period"]
    r = await svc.http.post("/v1/evaluations", json=incomplete)
    assert r.status_code == 422
    assert any(e["field"].endswith("period") for e in r.json()["errors"])


async def test_an_unknown_person_is_a_404_naming_the_nip(svc: RunningService) -> None:
    r = await svc.http.post("/v1/evaluations", json=body(9))
    assert r.status_code == 404
    assert r.json()["errors"][0]["field"] == "nip"


async def test_another_agency_neither_sees_nor_evaluates_this_agencys_people(svc: RunningService) -> None:
    await moved(svc)
    other = {"X-Agency-Id": "kota-solok"}
    assert (await svc.http.get("/v1/schedules", headers=other)).json() == []
    r = await svc.http.post("/v1/evaluations", json=body(), headers=other)
    assert r.status_code == 404


async def test_survey_answers_are_shown_only_to_the_employee_themself(svc: RunningService) -> None:
    await moved(svc)
    await svc.http.post("/v1/evaluations", json=body())
    [seen_by_hr] = (await svc.http.get("/v1/evaluations", params={"nip": nip(1)})).json()
    assert seen_by_hr["survey_answered"] is True
    assert "survey" not in seen_by_hr
    mine = (await svc.http.get("/v1/me/evaluations", headers={"X-Nip": nip(1)})).json()
    assert mine["evaluations"][0]["survey"]["free_text"] == "Rahasia saya"


async def test_repeated_poor_fit_makes_a_re_placement_follow_up(svc: RunningService) -> None:
    await moved(svc)
    await svc.http.post("/v1/evaluations", json=body(review=2))
    r = await svc.http.post("/v1/evaluations", json=body(months=6, review=2))
    reasons = {f["reason"] for f in r.json()["follow_ups"]}
    assert "re_placement" in reasons
    listed = (await svc.http.get("/v1/follow-ups", params={"reason": "re_placement"})).json()
    assert [f["evaluation_id"] for f in listed] == [r.json()["evaluation"]["evaluation_id"]]


async def test_the_worklist_shows_overdue_checkpoints_and_the_timer_feeds_the_gauges(svc: RunningService) -> None:
    await moved(svc, 1, 2)
    await svc.http.post("/v1/evaluations", json=body(1))
    due = (await svc.http.get("/v1/checkpoints/due", params={"as_of": "2027-07-20"})).json()
    assert [(d["nip"], d["checkpoint_months"], d["state"]) for d in due] == [
        (nip(2), 3, "overdue"),
        (nip(1), 6, "due"),
        (nip(2), 6, "due"),
    ]
    svc.kit.provide(replace(svc.kit.deps(Deps), today=lambda: date(2027, 7, 20)))
    await refresh_gauges(svc.kit, svc.kit.deps(Deps).metrics)  # what the service's timer does
    metrics = (await svc.http.get("/metrics")).text
    assert 'mutasi_checkpoints_overdue{agency="sawahlunto",service="evaluation"} 1.0' in metrics
    assert (
        'mutasi_evaluations_recorded_total{agency="sawahlunto",checkpoint_months="3",service="evaluation"} 1.0'
        in metrics
    )


async def test_the_asyncapi_document_lists_what_evaluation_consumes_and_produces(svc: RunningService) -> None:
    doc = (await svc.http.get("/asyncapi.json")).text
    for topic in (topics.MUTATION_DECIDED, topics.TRAINING_COMPLETED, topics.FOLLOW_UP_RECOMMENDED):
        assert topic.name in doc
