"""The training service end to end in one process: catalogue, decisions, mentors, progress, reads."""

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from mutasi.contracts import topics
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from mutasi.training.bootstrap import create_app, refresh_gauges
from mutasi.training.entrypoints.dependencies import Deps
from tests.component.training.training_component_support import (
    MENTOR_NIP,
    NIP,
    assessment,
    decision,
    post,
    settings,
    workbook,
)
from tests.support.service import envelope, publish_event, publish_raw, running_service

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def _started(svc):
    r = await svc.http.post("/v1/catalogue/import", content=workbook(), headers=XLSX)
    assert r.status_code == 200, r.text
    await publish_event(svc, topics.ASSESSMENT_COMPLETED, assessment())


async def test_a_decided_move_gets_workshop_training_and_a_mentor_announced_as_training_assigned():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)

        await publish_event(svc, topics.MUTATION_DECIDED, decision())

        (event,) = await svc.published(topics.TRAINING_ASSIGNED)
        data = event["data"]
        assert event["subject"] == NIP
        assert data["decision_id"] == "dec-1"
        assert [i["offering_id"] for i in data["items"]] == ["MP-01", "KOM-B", "SI-1", "SI-E"]
        assert data["items"][0]["purpose"] == "change_management"
        assert data["total_jp"] == 82
        assert data["mentor_nip"] == MENTOR_NIP
        assert data["uncovered_reasons"] == {"tek_arsip": "NOT_IN_CATALOGUE"}
        assert data["gaps"]["tek_sistem_informasi"] == 2


async def test_the_same_decision_delivered_twice_plans_once():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)

        await publish_event(svc, topics.MUTATION_DECIDED, decision(), event_id="e-1")
        await publish_event(svc, topics.MUTATION_DECIDED, decision(), event_id="e-2")  # re-published, new id
        await publish_event(svc, topics.MUTATION_DECIDED, decision(), event_id="e-1")  # redelivered

        assert len(await svc.published(topics.TRAINING_ASSIGNED)) == 1
        person = (await svc.http.get(f"/v1/people/{NIP}")).json()
        assert len(person["plans"]) == 1


async def test_a_superseding_decision_replaces_the_plan_and_a_cancelling_one_withdraws_it():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())

        await publish_event(
            svc, topics.MUTATION_DECIDED, decision("dec-2", supersedes="dec-1", target_standard={"komunikasi": 3})
        )
        await publish_event(svc, topics.MUTATION_DECIDED, decision("dec-3", supersedes="dec-2", cancelled=True))

        first, second, third = [e["data"] for e in await svc.published(topics.TRAINING_ASSIGNED)]
        assert second["replaces_plan_id"] == first["plan_id"]
        assert second["gaps"] == {"komunikasi": 1}
        assert third["plan_id"] == second["plan_id"]
        assert third["status"] == "withdrawn"
        assert third["items"] == []
        plans = (await svc.http.get(f"/v1/people/{NIP}")).json()["plans"]
        assert [p["status"] for p in plans] == ["superseded", "superseded"]


async def test_completion_over_http_credits_jp_and_emits_training_completed_once_per_idempotency_key():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        plan = (await svc.http.get(f"/v1/people/{NIP}")).json()["plans"][0]
        item = plan["items"][0]
        url = f"/v1/plans/{plan['plan_id']}/items/{item['item_id']}/completion"
        body = {"completed_on": "2026-03-11", "evidence_ref": "SERT-MP-001"}

        first = await svc.http.post(url, json=body, headers={"Idempotency-Key": "k-1"})
        again = await svc.http.post(url, json=body, headers={"Idempotency-Key": "k-1"})
        await svc.drain()

        assert first.status_code == 200
        assert first.json()["year_jp"] == 24
        assert again.json()["replayed"] is True
        (done,) = await svc.published(topics.TRAINING_COMPLETED)
        assert done["data"]["jp"] == 24
        assert done["data"]["item_id"] == item["item_id"]
        person = (await svc.http.get(f"/v1/people/{NIP}")).json()
        assert person["jp_by_year"] == {"2026": 24}


async def test_bad_completion_requests_get_a_4xx_naming_the_field():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        plan = (await svc.http.get(f"/v1/people/{NIP}")).json()["plans"][0]
        url = f"/v1/plans/{plan['plan_id']}/items/{plan['items'][0]['item_id']}/completion"

        early = await svc.http.post(url, json={"completed_on": "2026-03-01", "evidence_ref": "S"})
        missing = await svc.http.post(url, json={"completed_on": "2026-03-11"})
        unknown = await svc.http.post(
            "/v1/plans/nope/items/x/completion", json={"completed_on": "2026-03-11", "evidence_ref": "S"}
        )

        assert early.status_code == 422
        assert early.json()["errors"][0]["field"] == "completed_on"
        assert missing.status_code == 422
        assert "evidence_ref" in missing.json()["errors"][0]["field"]
        assert unknown.status_code == 404
        assert unknown.json()["errors"][0]["field"] == "plan_id"


async def test_a_bad_catalogue_workbook_is_rejected_whole_with_each_bad_cell_named():
    async with running_service(create_app(settings())) as svc:
        bad = workbook(
            offerings=[("X", "X", "karaoke", "komunikasi:1", 8, "P", 0)],
            sessions=[("X", "X-a", "2026-05-02", "2026-05-01", 0)],
        )

        r = await svc.http.post("/v1/catalogue/import", content=bad, headers=XLSX)
        garbage = await svc.http.post("/v1/catalogue/import", content=b"not a workbook", headers=XLSX)

        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert "offerings!kind2" in fields
        assert "sessions!capacity2" in fields
        assert garbage.status_code == 422
        assert garbage.json()["errors"][0]["field"] == "body"
        assert (await svc.http.get("/v1/catalogue/offerings")).json()["offerings"] == []


async def test_a_cancelled_session_replans_the_people_booked_on_it():
    async with running_service(create_app(settings(today=date(2026, 3, 5)))) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())

        r = await svc.http.post("/v1/sessions/MP-01-a/cancel")
        await svc.drain()

        assert r.status_code == 200
        assert r.json()["replanned_plan_ids"] == ["pl-dec-1"]
        latest = (await svc.published(topics.TRAINING_ASSIGNED))[-1]["data"]
        assert latest["revision"] == 2
        assert latest["items"][-1]["session_id"] == "MP-01-b"
        assert (await svc.http.post("/v1/sessions/nope/cancel")).status_code == 404


async def test_a_follow_up_for_more_training_adds_a_plan_and_other_reasons_are_ignored():
    async with running_service(create_app(settings(today=date(2026, 3, 20)))) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        follow_up = FollowUpRecommendedV1(
            follow_up_id="fu-1",
            evaluation_id="ev-1",
            nip=NIP,
            reason="more_training",
            detail="x",
            competencies={"tek_arsip": 2},
        )

        await publish_event(svc, topics.FOLLOW_UP_RECOMMENDED, follow_up)
        await publish_event(
            svc,
            topics.FOLLOW_UP_RECOMMENDED,
            follow_up.model_copy(update={"follow_up_id": "fu-2", "reason": "talent_pool"}),
        )

        events = [e["data"] for e in await svc.published(topics.TRAINING_ASSIGNED)]
        assert [e["follow_up_id"] for e in events] == [None, "fu-1"]
        assert events[1]["uncovered_reasons"] == {"tek_arsip": "NOT_IN_CATALOGUE"}


async def test_an_event_with_impossible_levels_goes_to_the_dead_letter_topic():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        bad = json.loads(envelope(topics.MUTATION_DECIDED, decision(), agency_id="sawahlunto").model_dump_json())
        bad["data"]["competencies"]["komunikasi"] = 9  # off the 0-5 scale: stopped at the door, before the handler

        await publish_raw(svc, topics.MUTATION_DECIDED, json.dumps(bad).encode())
        await publish_raw(svc, topics.MUTATION_DECIDED, b"{not json")

        assert await svc.published(topics.TRAINING_ASSIGNED) == []
        text = (await svc.http.get("/metrics")).text
        assert (
            'mutasi_events_dead_lettered_total{reason="invalid",service="training",'
            'topic="mutasi.mutation-decided.v1"} 2.0' in text
        )


async def test_reads_are_scoped_by_agency_and_summaries_and_exports_show_the_programme():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())

        other = await svc.http.get(f"/v1/people/{NIP}", headers={"X-Agency-Id": "kota-solok"})
        summary = (await svc.http.get("/v1/summary", params={"year": 2026})).json()
        reminders = (await svc.http.get("/v1/reminders", params={"unit_id": "KOMINFO"})).json()["reminders"]
        export = await svc.http.get("/v1/exports/attendance.xlsx")
        employee = await svc.http.get("/v1/plans", headers={"X-Role": "employee", "X-Nip": NIP})
        no_agency = await svc.http.get("/v1/plans", headers={"X-Agency-Id": ""})

        assert other.status_code == 404
        assert summary["plans"] == 1
        assert summary["assigned_jp"] == 82
        assert summary["people_under_minimum"] == 1
        assert summary["uncovered_by_reason"] == {"NOT_IN_CATALOGUE": 1}
        assert summary["gap_coverage"] == pytest.approx(0.8)
        assert {r["kind"] for r in reminders} == {"OVERDUE_ITEM", "JP_BELOW_MINIMUM"}
        sheet = load_workbook(io.BytesIO(export.content))["attendance"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:2] == ("nip", "name")
        assert len(rows) == 5
        booked = {r[0]: r[6] for r in load_workbook(io.BytesIO(export.content))["sessions"].iter_rows(values_only=True)}
        assert booked["KOM-B-a"] == 1
        assert booked["MP-01-b"] == 0
        assert employee.status_code == 403
        assert no_agency.status_code == 403


async def test_programme_gauges_show_the_summary_per_agency():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())

        await refresh_gauges(svc.kit, svc.kit.deps(Deps))

        text = (await svc.http.get("/metrics")).text
        assert 'mutasi_training_programme_jp_assigned{agency="sawahlunto",service="training"} 82.0' in text
        assert 'mutasi_training_people_under_minimum{agency="sawahlunto",service="training"} 1.0' in text


async def test_attendance_is_recorded_and_a_cancelled_item_cannot_be_attended():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        await publish_event(svc, topics.MUTATION_DECIDED, decision("dec-2", target_standard={"komunikasi": 3}))
        old, new = (await svc.http.get(f"/v1/people/{NIP}")).json()["plans"]
        workshop = new["items"][0]

        ok = await svc.http.post(
            f"/v1/plans/{new['plan_id']}/items/{workshop['item_id']}/attendance",
            json={"attended_on": workshop["starts_on"]},
        )
        cancelled = await svc.http.post(
            f"/v1/plans/{old['plan_id']}/items/{old['items'][1]['item_id']}/attendance",
            json={"attended_on": "2026-04-13"},
        )

        assert ok.status_code == 200
        assert ok.json()["status"] == "attended"
        assert cancelled.status_code == 409
        assert cancelled.json()["errors"][0]["field"] == "item_id"


async def test_plans_made_before_the_catalogue_import_are_filled_on_request():
    async with running_service(create_app(settings(today=date(2026, 3, 1)))) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        await svc.http.post("/v1/catalogue/import", content=workbook(), headers=XLSX)

        r = await svc.http.post("/v1/plans/replan-open", headers={"Idempotency-Key": "fill-1"})
        await svc.drain()

        assert r.status_code == 200
        assert r.json()["replanned_plan_ids"] == ["pl-dec-1"]
        first, second = [e["data"] for e in await svc.published(topics.TRAINING_ASSIGNED)]
        assert first["uncovered_reasons"]["komunikasi"] == "NOT_IN_CATALOGUE"
        assert second["revision"] == 2
        assert second["uncovered_reasons"] == {"tek_arsip": "NOT_IN_CATALOGUE"}
        assert second["items"][0]["session_id"] == "MP-01-a"


async def test_error_paths_a_user_can_hit_answer_with_the_field_and_reason():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)
        await publish_event(svc, topics.MUTATION_DECIDED, decision())
        plan = (await svc.http.get(f"/v1/people/{NIP}")).json()["plans"][0]
        url = f"/v1/plans/{plan['plan_id']}/items/{plan['items'][0]['item_id']}/completion"
        await svc.http.post(
            url, json={"completed_on": "2026-03-11", "evidence_ref": "A"}, headers={"Idempotency-Key": "k"}
        )

        reused = await svc.http.post(
            url, json={"completed_on": "2026-03-11", "evidence_ref": "B"}, headers={"Idempotency-Key": "k"}
        )
        changed = await svc.http.post(url, json={"completed_on": "2026-03-12", "evidence_ref": "B"})
        own = await svc.http.get(f"/v1/plans/{plan['plan_id']}", headers={"X-Role": "employee", "X-Nip": NIP})
        other = await svc.http.get(f"/v1/plans/{plan['plan_id']}", headers={"X-Role": "employee", "X-Nip": "1" * 18})
        bad_status = await svc.http.get("/v1/plans", params={"status": "lost"})
        bad_year = await svc.http.get("/v1/summary", params={"year": 1900})

        assert reused.status_code == 409
        assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
        assert changed.status_code == 409
        assert "already completed" in changed.json()["errors"][0]["reason"]
        assert own.status_code == 200
        assert other.status_code == 403
        assert bad_status.status_code == 422
        assert "status" in bad_status.json()["errors"][0]["field"]
        assert bad_year.status_code == 422


async def test_a_mentor_who_moves_to_another_agency_is_no_longer_proposed_in_the_unit_they_left():
    async with running_service(create_app(settings())) as svc:
        await _started(svc)  # the mentor heads KOMINFO of sawahlunto
        other = {**XLSX, "X-Agency-Id": "kota-solok"}
        assert (await svc.http.post("/v1/catalogue/import", content=workbook(), headers=other)).status_code == 200
        away = decision(
            "dec-away",
            nip=MENTOR_NIP,
            name="Kepala Dinas",
            kind="rotasi",
            from_post=post("KOMINFO-KADIS", "KOMINFO", "jpt_pratama"),
            to_post=post("SOLOK-KADIS", "SOLOK-KOMINFO", "jpt_pratama"),
            from_agency_id="sawahlunto",
        )
        await publish_event(svc, topics.MUTATION_DECIDED, away, agency_id="kota-solok")

        await publish_event(svc, topics.MUTATION_DECIDED, decision())  # into KOMINFO of sawahlunto

        mine = [e for e in await svc.published(topics.TRAINING_ASSIGNED) if e["subject"] == NIP]
        assert [e["data"]["decision_id"] for e in mine] == ["dec-1"]
        assert mine[0]["data"]["mentor_nip"] != MENTOR_NIP  # they now work in kota-solok
