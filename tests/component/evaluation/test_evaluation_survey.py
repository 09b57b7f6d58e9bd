"""The employee's own post-move survey over HTTP: open while the checkpoint is due, only for the token's NIP,
carried by the checkpoint's evaluation when HR records it, never published."""

from __future__ import annotations

from typing import Any

from mutasi.contracts import topics
from tests.component.evaluation.evaluation_events import ROUND, body, decided, nip
from tests.support.service import RunningService, publish_event

ITEMS = ("role_clarity", "competence_fit", "supervisor_support", "training_usefulness", "motivation", "confidence",
         "intent_to_stay")  # fmt: skip


def answers(value: int = 4, **over: Any) -> dict[str, Any]:
    return {"answers": {**dict.fromkeys(ITEMS, value), **over}, "free_text": "Unit baru ramah"}


def me(i: int = 1) -> dict[str, str]:
    return {"X-Nip": nip(i)}  # an employee token carrying this NIP


async def test_an_employee_answers_a_due_checkpoint_and_hrs_evaluation_carries_the_answers(
    svc: RunningService,
) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    mine = (await svc.http.get("/v1/me/evaluations", headers=me())).json()
    assert [c["state"] for c in mine["schedules"][0]["checkpoints"]] == ["due", "upcoming", "upcoming"]
    assert [i["item"] for i in mine["survey_items"]] == list(ITEMS)
    assert mine["survey_items"][0]["label_id"] == "Kejelasan peran"
    r = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(), headers=me())
    assert r.status_code == 200, r.text
    assert r.json()["answers"]["motivation"] == 4
    again = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(5), headers=me())
    assert again.json()["answers"]["motivation"] == 5  # changed while still open
    recorded = await svc.http.post("/v1/evaluations", json=body(survey=None))
    assert recorded.status_code == 201
    [seen_by_hr] = (await svc.http.get("/v1/evaluations", params={"nip": nip(1)})).json()
    assert seen_by_hr["survey_answered"] is True
    assert "survey" not in seen_by_hr
    mine = (await svc.http.get("/v1/me/evaluations", headers=me())).json()
    assert mine["evaluations"][0]["survey"] == {"answers": dict.fromkeys(ITEMS, 5), "free_text": "Unit baru ramah"}
    await svc.drain()
    [event] = await svc.published(topics.EVALUATION_RECORDED)
    assert "role_clarity" not in str(event)
    assert "Unit baru ramah" not in str(event)


async def test_the_employees_poor_fit_answer_counts_in_the_follow_up_rules(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(competence_fit=1), headers=me())
    first = await svc.http.post("/v1/evaluations", json=body(survey=None))  # the supervisor saw no problem
    assert first.status_code == 201
    later = await svc.http.post("/v1/evaluations", json=body(months=6, review=2, survey=None))
    # poor fit twice (the employee's own answer at 3 months, the review at 6): a re-placement candidate
    assert "re_placement" in {f["reason"] for f in later.json()["follow_ups"]}


async def test_a_checkpoint_not_yet_due_is_refused_naming_when_the_survey_opens(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    r = await svc.http.put(f"/v1/me/surveys/{ROUND}/6", json=answers(), headers=me())
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["field"] == "checkpoint_months"
    assert "2027-06-18" in error["reason"]  # 14 days before 2 July


async def test_once_hr_recorded_the_checkpoint_the_survey_is_closed(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    await svc.http.post("/v1/evaluations", json=body(survey=None))
    r = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(), headers=me())
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "checkpoint_months"


async def test_wrong_answers_get_a_422_naming_each_item(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    bad = answers(motivation=9, confidence="baik")
    bad["answers"]["unknown"] = 3
    del bad["answers"]["intent_to_stay"]
    r = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=bad, headers=me())
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"answers.motivation", "answers.confidence", "answers.unknown", "answers.intent_to_stay"}
    for case in ({"answers": "semua 4"}, {}):
        assert (await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=case, headers=me())).status_code == 422
    assert (await svc.http.put(f"/v1/me/surveys/{ROUND}/tiga", json=answers(), headers=me())).status_code == 422


async def test_the_survey_is_only_ever_the_callers_own(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(1))
    other = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(1), headers=me(2))
    assert other.status_code == 404  # person 2 has no move: the NIP is the token's, never a parameter
    no_nip = await svc.http.put(f"/v1/me/surveys/{ROUND}/3", json=answers(1), headers={"X-Role": "hr"})
    assert no_nip.status_code == 403  # staff without a NIP of their own have no survey to answer
    mine = (await svc.http.get("/v1/me/evaluations", headers=me())).json()
    assert mine["surveys"] == []
    elsewhere = await svc.http.put(
        f"/v1/me/surveys/{ROUND}/3", json=answers(), headers={**me(), "X-Agency-Id": "kota-solok"}
    )
    assert elsewhere.status_code == 404
