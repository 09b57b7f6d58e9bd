"""mutation-decided opens schedules; training events feed the report and the more-training rule."""

from __future__ import annotations

from typing import Any

from mutasi.contracts import topics
from tests.component.evaluation.evaluation_events import EFFECTIVE, ROUND, assigned, body, completed, decided, nip
from tests.support.service import RunningService, publish_event


async def schedules(svc: RunningService, i: int = 1) -> list[dict[str, Any]]:
    r = await svc.http.get("/v1/schedules", params={"nip": nip(i)})
    assert r.status_code == 200
    found: list[dict[str, Any]] = r.json()
    return found


async def test_a_decision_opens_three_checkpoints_and_keeps_the_baseline(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided())
    [s] = await schedules(svc)
    assert s["round_id"] == ROUND
    assert s["effective_date"] == EFFECTIVE.isoformat()
    assert [(c["months"], c["due_on"]) for c in s["checkpoints"]] == [
        (3, "2027-04-02"),
        (6, "2027-07-02"),
        (12, "2028-01-02"),
    ]
    assert s["baseline"]["latest_predicate"] == "Baik"
    assert s["baseline"]["jpm"] == 70.0
    assert s["baseline"]["fit_parts"] == {"jpm": 40.0, "education": 24.0, "preference": 16.0}
    assert s["baseline"]["fit_weights"] == {"jpm": 0.45, "education": 0.35, "preference": 0.2}


async def test_a_redelivered_event_and_a_resent_decision_change_nothing(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided(), event_id="e-1")
    await publish_event(svc, topics.MUTATION_DECIDED, decided(), event_id="e-1")
    await publish_event(svc, topics.MUTATION_DECIDED, decided(), event_id="e-2")
    assert len(await schedules(svc)) == 1
    duplicates = svc.kit.metrics.events_duplicate.labels(topics.MUTATION_DECIDED.name)._value.get()
    assert duplicates == 1


async def test_a_superseding_decision_moves_the_schedule_to_the_new_post(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided())
    newer = decided(decision_id="dec-1b", unit="BKPSDM", supersedes="dec-1")
    await publish_event(svc, topics.MUTATION_DECIDED, newer)
    [s] = await schedules(svc)
    assert (s["decision_id"], s["to_unit_id"]) == ("dec-1b", "BKPSDM")


async def test_a_cancelling_decision_leaves_the_checkpoints_off_the_worklist(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided())
    await publish_event(svc, topics.MUTATION_DECIDED, decided(decision_id="dec-1x", supersedes="dec-1", cancelled=True))
    due = await svc.http.get("/v1/checkpoints/due")
    assert due.json() == []


async def test_a_gap_still_open_after_completed_training_recommends_more_training(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided())
    await publish_event(svc, topics.TRAINING_ASSIGNED, assigned())
    await publish_event(svc, topics.TRAINING_COMPLETED, completed())
    r = await svc.http.post("/v1/evaluations", json=body(lacking=["komunikasi"]))
    assert r.status_code == 201
    [follow_up] = r.json()["follow_ups"]
    assert follow_up["reason"] == "more_training"
    assert follow_up["competencies"] == {"komunikasi": 1}
    await svc.drain()
    [event] = await svc.published(topics.FOLLOW_UP_RECOMMENDED)
    assert event["data"]["evaluation_id"] == r.json()["evaluation"]["evaluation_id"]
    assert event["data"]["competencies"] == {"komunikasi": 1}


async def test_training_completion_arriving_before_the_assignment_still_counts(svc: RunningService) -> None:
    await publish_event(svc, topics.MUTATION_DECIDED, decided())
    await publish_event(svc, topics.TRAINING_COMPLETED, completed())
    await publish_event(svc, topics.TRAINING_ASSIGNED, assigned())
    await svc.http.post("/v1/evaluations", json=body())
    report = (await svc.http.get(f"/v1/reports/{ROUND}")).json()
    assert report["training"]["people_completed"] == 1
    assert report["training"]["jp_completed"] == 24
