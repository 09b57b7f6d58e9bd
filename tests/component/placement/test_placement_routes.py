"""The placement service end to end in one process: import, pool, round lifecycle, events, objections."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from mutasi.chassis.http import ErrorBody
from mutasi.chassis.sealed import Sealer, generate_key_pair
from mutasi.contracts import topics
from mutasi.contracts.assessment import EligibilityFlagsV1
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from tests.support.service import RunningService, publish_event, publish_raw, running_service, seal_for_placement

from .placement_world import (
    ACCOUNTANT,
    ANA,
    BAYU,
    HR,
    IT_GRAD,
    KOMINFO_HOLDER,
    NEWCOMER,
    POOL,
    announce_body,
    app,
    posts_xlsx,
    stored_pool,
)

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def seeded(svc: RunningService) -> None:
    r = await svc.http.post("/v1/posts/import", content=posts_xlsx(), headers={**XLSX, **HR})
    assert r.status_code == 201, r.text
    for event in POOL:
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, event)


async def planned_round(svc: RunningService) -> str:
    await seeded(svc)
    r = await svc.http.post("/v1/rounds", json=announce_body(), headers=HR)
    assert r.status_code == 201, r.text
    round_id: str = r.json()["round_id"]
    for nip in (IT_GRAD, NEWCOMER):
        r = await svc.http.put(f"/v1/rounds/{round_id}/preferences/{nip}", json={"ranked": ["KOMINFO-SI"]},
                               headers={"X-Nip": nip})  # fmt: skip
        assert r.status_code == 200, r.text
    assert (await svc.http.post(f"/v1/rounds/{round_id}/close", headers=HR)).status_code == 200
    r = await svc.http.post(f"/v1/rounds/{round_id}/plan", headers=HR)
    assert r.status_code == 200, r.text
    return round_id


async def decided_round(svc: RunningService) -> str:
    round_id = await planned_round(svc)
    for who in (ANA, BAYU):
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=who)).status_code == 200
    r = await svc.http.post(f"/v1/rounds/{round_id}/decide", headers=ANA)
    assert r.status_code == 200, r.text
    await svc.drain()
    return round_id


async def test_a_bad_posts_workbook_stores_nothing_and_names_row_column_and_reason() -> None:
    bad = posts_xlsx([["BAD-1", "setda", "Setda", "Analis", "manager", "", "", "III/a", "II/a", "S9", "", "x", "1",
                       "", "tidak", "tidak"]])  # fmt: skip
    async with running_service(app()) as svc:
        r = await svc.http.post("/v1/posts/import", content=bad, headers={**XLSX, **HR})
        assert r.status_code == 422
        body = r.json()
        assert body["stored"] is False
        found = {(e["row"], e["column"], e["code"]) for e in body["errors"]}
        assert {(5, "post_type", "BAD_POST_TYPE"), (5, "golongan_max", "BAD_RANGE"),
                (5, "education_levels", "BAD_EDUCATION"), (5, "kebutuhan", "NOT_A_NUMBER")} <= found  # fmt: skip
        assert all(e["reason_id"] and e["reason_en"] for e in body["errors"])
        assert ErrorBody.model_validate(body).errors[0].field == "baris 5.post_type"  # the API's 4xx body
        assert (await svc.http.get("/v1/posts")).json() == []
        r = await svc.http.post("/v1/posts/import?accept_partial=true", content=bad, headers={**XLSX, **HR})
        assert r.status_code == 201
        assert len((await svc.http.get("/v1/posts")).json()) == 3


async def test_the_posts_template_imports_as_it_is() -> None:
    async with running_service(app()) as svc:
        template = await svc.http.get("/v1/posts/template.xlsx")
        assert template.status_code == 200
        r = await svc.http.post("/v1/posts/import", content=template.content, headers={**XLSX, **HR})
        assert r.status_code == 201, r.text
        [post] = (await svc.http.get("/v1/posts")).json()
        assert (post["seats"], post["gap"], post["selisih"]) == (3, 2, -1.6)


async def test_needs_analysis_reports_selisih_and_open_seats_per_unit() -> None:
    async with running_service(app()) as svc:
        await svc.http.post("/v1/posts/import", content=posts_xlsx(), headers={**XLSX, **HR})
        needs = {n["unit_id"]: n for n in (await svc.http.get("/v1/needs")).json()}
        assert needs["kominfo"]["selisih"] == -2.0
        assert needs["kominfo"]["open_seats"] == 2
        assert needs["setda"]["open_seats"] == 0


async def test_assessment_events_fill_the_candidate_pool_without_private_data() -> None:
    async with running_service(app()) as svc:
        await seeded(svc)
        pool = (await svc.http.get("/v1/candidates", headers=HR)).json()
        assert pool["count"] == len(POOL)
        assert (await svc.http.get("/v1/candidates?list=false", headers=HR)).json() == {
            "count": len(POOL),
            "candidates": [],
        }
        stored = {d["nip"]: d for d in await stored_pool(svc)}  # what the database holds, bucket by bucket
        assert not {"nik", "birth_date", "tanggal_lahir"} & set(stored[IT_GRAD])


async def test_announcing_publishes_round_announced_leaves_a_notice_and_honours_idempotency() -> None:
    async with running_service(app()) as svc:
        await seeded(svc)
        headers = {**HR, "Idempotency-Key": "announce-1"}
        first = await svc.http.post("/v1/rounds", json=announce_body(), headers=headers)
        again = await svc.http.post("/v1/rounds", json=announce_body(), headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["round_id"] == again.json()["round_id"]
        other = await svc.http.post("/v1/rounds", json=announce_body(name="Lain sekali"), headers=headers)
        assert other.status_code == 409
        await svc.drain()
        [event] = await svc.published(topics.ROUND_ANNOUNCED)
        assert event["data"]["round_id"] == first.json()["round_id"]
        status = await svc.http.get(
            f"/v1/rounds/{first.json()['round_id']}/people/{IT_GRAD}", headers={"X-Nip": IT_GRAD}
        )
        assert "Putaran mutasi" in status.json()["notice"]


async def test_announcing_needs_the_hr_role_and_valid_dates() -> None:
    async with running_service(app()) as svc:
        assert (await svc.http.post("/v1/rounds", json=announce_body(), headers=ANA)).status_code == 403
        r = await svc.http.post("/v1/rounds", json=announce_body(preferences_open_until="2020-01-01"), headers=HR)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "preferences_open_until"


async def test_planning_a_round_without_candidates_gives_an_empty_plan() -> None:
    async with running_service(app()) as svc:
        round_id = (await svc.http.post("/v1/rounds", json=announce_body(), headers=HR)).json()["round_id"]
        await svc.http.post(f"/v1/rounds/{round_id}/close", headers=HR)
        r = await svc.http.post(f"/v1/rounds/{round_id}/plan", headers=HR)
        assert r.status_code == 200, r.text
        assert (r.json()["people"], r.json()["moves"]) == (0, 0)


async def test_a_person_may_not_submit_preferences_for_someone_else() -> None:
    async with running_service(app()) as svc:
        await seeded(svc)
        round_id = (await svc.http.post("/v1/rounds", json=announce_body(), headers=HR)).json()["round_id"]
        r = await svc.http.put(f"/v1/rounds/{round_id}/preferences/{IT_GRAD}", json={"ranked": ["KOMINFO-SI"]},
                               headers={"X-Nip": ACCOUNTANT})  # fmt: skip
        assert r.status_code == 403


async def test_the_plan_moves_the_it_graduate_to_information_systems_and_beats_or_equals_greedy() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        plan = (await svc.http.get(f"/v1/rounds/{round_id}/plan", headers=HR)).json()
        moves = {e["nip"]: e["to_post"] for e in plan["entries"]}
        assert moves[IT_GRAD] == "KOMINFO-SI"
        assert moves[ACCOUNTANT] == "BKAD-KEU"
        assert NEWCOMER not in moves
        assert KOMINFO_HOLDER not in moves
        assert plan["total_fit"] >= plan["greedy_total_fit"]


async def test_the_plan_and_its_decisions_come_in_pages_that_follow_the_cursor() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        whole = (await svc.http.get(f"/v1/rounds/{round_id}/plan", params={"all": "true"}, headers=HR)).json()
        assert whole["next"] is None
        everyone = [e["nip"] for e in whole["entries"]]
        assert everyone == sorted(everyone)
        assert whole["people"] == len(everyone) > 2
        paged: list[str] = []
        params: dict[str, Any] = {"all": "true", "limit": 2}
        while True:
            page = (await svc.http.get(f"/v1/rounds/{round_id}/plan", params=params, headers=HR)).json()
            assert len(page["entries"]) <= 2
            paged += [e["nip"] for e in page["entries"]]
            if page["next"] is None:
                break
            params["after"] = page["next"]
        assert paged == everyone
        first = (await svc.http.get(f"/v1/rounds/{round_id}/decisions", params={"limit": 1}, headers=HR)).json()
        rest = await svc.http.get(f"/v1/rounds/{round_id}/decisions", params={"after": first["next"]}, headers=HR)
        decided = [d["nip"] for d in first["decisions"] + rest.json()["decisions"]]
        assert decided == sorted(decided)
        assert len(decided) == whole["moves"] == 2
        for bad in ({"limit": 0}, {"limit": 5001}, {"after": "x" * 201}):
            r = await svc.http.get(f"/v1/rounds/{round_id}/decisions", params=bad, headers=HR)
            assert r.status_code == 422, r.text
            assert r.json()["errors"][0]["field"].split(".")[-1] in ("limit", "after")


async def test_a_unit_outflow_cap_in_the_plan_request_keeps_setda_from_losing_more_than_allowed() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/plan", json={"max_outflow_pct": 30}, headers=HR)
        assert r.status_code == 200, r.text
        assert r.json()["moves"] == 1  # setda has 4 pool members: floor(30 %) = 1 may leave
        assert r.json()["method"] in {"certified", "mip_residual"}
        plan = (await svc.http.get(f"/v1/rounds/{round_id}/plan", headers=HR)).json()
        assert [e["nip"] for e in plan["entries"]] == [IT_GRAD]


async def test_the_explanation_tells_a_newcomer_which_rule_excluded_the_post_they_asked_for() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        x = (await svc.http.get(f"/v1/rounds/{round_id}/explanations/{NEWCOMER}", headers={"X-Nip": NEWCOMER})).json()
        assert x["moved"] is False
        assert any("MIN_TENURE_POST" in line or "belum memenuhi syarat" in line for line in x["text_id"])
        other = await svc.http.get(f"/v1/rounds/{round_id}/explanations/{NEWCOMER}", headers={"X-Nip": IT_GRAD})
        assert other.status_code == 403


async def test_approval_needs_two_different_approvers_and_decide_emits_one_event_per_move() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=HR)).status_code == 403
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=ANA)).status_code == 200
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=ANA)).status_code == 409
        assert (await svc.http.post(f"/v1/rounds/{round_id}/decide", headers=ANA)).status_code == 409
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=BAYU)).status_code == 200
        r = await svc.http.post(f"/v1/rounds/{round_id}/decide", headers=ANA)
        assert r.status_code == 200
        await svc.drain()
        events = await svc.published(topics.MUTATION_DECIDED)
        by_nip = {e["data"]["nip"]: e["data"] for e in events}
        assert set(by_nip) == {IT_GRAD, ACCOUNTANT}
        it = by_nip[IT_GRAD]
        assert (it["from_post"]["post_id"], it["to_post"]["post_id"], it["kind"]) == (
            "SETDA-ADM",
            "KOMINFO-SI",
            "rotasi",
        )
        assert it["target_standard"]["teknis_ti"] == 3
        assert it["to_post"]["reports_to_post_id"] == "KOMINFO-KABID"
        assert it["competencies"]["teknis_ti"] == 4
        assert it["jpm_before"] == 70.0
        assert set(it["score_parts"]) >= {"jpm", "education", "box", "preference"}
        assert it["score_weights"] == {"jpm": 0.45, "education": 0.2, "box": 0.15, "preference": 0.2}
        assert not {"nik", "birth_date"} & set(it)
        decisions = (await svc.http.get(f"/v1/rounds/{round_id}/decisions", headers=HR)).json()["decisions"]
        mine = next(d["decision_id"] for d in decisions if d["nip"] == IT_GRAD)
        x = (await svc.http.get(f"/v1/rounds/{round_id}/explanations/{IT_GRAD}", headers=HR)).json()
        assert x["decision_id"] == mine  # the explanation names the person's decision
        stayed = (await svc.http.get(f"/v1/rounds/{round_id}/explanations/{NEWCOMER}", headers=HR)).json()
        assert stayed["decision_id"] is None


async def test_an_override_keeps_the_reason_resets_approvals_and_shows_in_the_explanation() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=ANA)
        body: dict[str, Any] = {"nip": ACCOUNTANT, "post_id": None, "reason": "pendek"}
        assert (await svc.http.post(f"/v1/rounds/{round_id}/overrides", json=body, headers=BAYU)).status_code == 422
        body["reason"] = "Setda masih membutuhkan pengelola arsip keuangan"
        r = await svc.http.post(f"/v1/rounds/{round_id}/overrides", json=body, headers=BAYU)
        assert r.status_code == 200, r.text
        assert r.json()["moved"] is False
        assert (await svc.http.get(f"/v1/rounds/{round_id}", headers=HR)).json()["approvals"] == []
        x = (await svc.http.get(f"/v1/rounds/{round_id}/explanations/{ACCOUNTANT}", headers=HR)).json()
        assert any("Setda masih membutuhkan" in line for line in x["text_id"])


async def test_an_override_to_an_ineligible_post_is_refused_with_the_rule() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        body = {"nip": NEWCOMER, "post_id": "KOMINFO-SI", "reason": "Kebutuhan mendesak di Kominfo"}
        r = await svc.http.post(f"/v1/rounds/{round_id}/overrides", json=body, headers=ANA)
        assert r.status_code == 422
        assert "MIN_TENURE_POST" in r.json()["message"]


async def test_a_scenario_reports_who_changes_and_total_fit() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/scenarios", json={"must_stay": [IT_GRAD]}, headers=HR)
        assert r.status_code == 201, r.text
        s = r.json()
        assert IT_GRAD in {c["nip"] for c in s["changes"]}
        assert s["total_fit_scenario"] <= s["total_fit_base"]
        people = {
            d: sum(x["people"] for x in s["fairness"]["rows"] if x["dimension"] == d) for d in ("unit", "pendidikan")
        }
        assert people["unit"] == people["pendidikan"] > 0  # the what-if's plan has its fairness report too
        assert isinstance(s["fairness"]["flagged"], list)
        kept = (await svc.http.get(f"/v1/rounds/{round_id}/scenarios", headers=HR)).json()
        assert [k["scenario_id"] for k in kept] == [s["scenario_id"]]


async def test_a_scenario_with_an_unknown_weight_or_rule_is_refused_naming_the_field() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/scenarios", json={"weights": {"luck": 1.0}}, headers=HR)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "body.weights"
        r = await svc.http.post(f"/v1/rounds/{round_id}/scenarios", json={"disabled_rules": ["NOPE"]}, headers=HR)
        assert r.status_code == 422


async def test_a_what_if_with_tenure_at_six_months_lets_the_newcomer_be_considered() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/scenarios", json={"min_months_in_post": 3}, headers=HR)
        assert r.status_code == 201, r.text
        changed = {c["nip"]: c["scenario_post"] for c in r.json()["changes"]}
        assert changed.get(NEWCOMER) == "KOMINFO-SI"


async def test_an_upheld_objection_supersedes_the_decision_and_says_so_in_the_event() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/objections",
                                json={"nip": IT_GRAD, "reason": "Domisili jauh dari kantor Kominfo"},
                                headers={"X-Nip": IT_GRAD})  # fmt: skip
        assert r.status_code == 201, r.text
        oid = r.json()["objection_id"]
        assert (await svc.http.post(f"/v1/rounds/{round_id}/objections/{oid}/review", headers=ANA)).status_code == 200
        verdict = {"upheld": True, "note": "Alasan domisili dapat diterima"}
        r = await svc.http.post(f"/v1/rounds/{round_id}/objections/{oid}/resolve", json=verdict, headers=ANA)
        assert r.status_code == 200, r.text
        new = r.json()["decision"]
        assert new["supersedes"] is not None
        assert new["cancelled"] is True
        await svc.drain()
        events = [e["data"] for e in await svc.published(topics.MUTATION_DECIDED) if e["data"]["nip"] == IT_GRAD]
        assert [e["supersedes"] is not None for e in events] == [False, True]
        assert events[1]["cancelled"] is True
        decisions = (await svc.http.get(f"/v1/rounds/{round_id}/decisions", headers=HR)).json()["decisions"]
        assert len([d for d in decisions if d["nip"] == IT_GRAD]) == 2
        summary = (await svc.http.get(f"/v1/rounds/{round_id}", headers=HR)).json()
        active = [d for d in decisions if d["superseded_by"] is None and not d["cancelled"]]
        assert (summary["decisions"], summary["objections"]) == (len(active), 1)  # the counts kept on the round
        x = (await svc.http.get(f"/v1/rounds/{round_id}/explanations/{IT_GRAD}", headers=HR)).json()
        assert x["decision_id"] == new["decision_id"]  # the decision in force now: the one that cancels the move


async def test_someone_who_did_not_move_cannot_object() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        r = await svc.http.post(f"/v1/rounds/{round_id}/objections",
                                json={"nip": NEWCOMER, "reason": "Saya juga ingin pindah"}, headers=HR)  # fmt: skip
        assert r.status_code == 404


async def test_the_export_has_the_sk_draft_rows() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        r = await svc.http.get(f"/v1/rounds/{round_id}/export.xlsx", headers=HR)
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(r.content))
        rows = list(wb["keputusan"].iter_rows(values_only=True))
        assert rows[0][:3] == ("No", "NIP", "Nama")
        assert {row[1] for row in rows[1:]} == {IT_GRAD, ACCOUNTANT}
        assert "ringkasan_unit" in wb.sheetnames


async def test_rounds_are_scoped_by_agency() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        r = await svc.http.get(f"/v1/rounds/{round_id}", headers={"X-Agency-Id": "kota-solok"})
        assert r.status_code == 404


async def test_a_re_placement_follow_up_flags_the_person() -> None:
    async with running_service(app()) as svc:
        await seeded(svc)
        f = FollowUpRecommendedV1(follow_up_id="f1", evaluation_id="e1", nip=KOMINFO_HOLDER, reason="re_placement",
                                  detail="Kinerja menurun setelah mutasi")  # fmt: skip
        await publish_event(svc, topics.FOLLOW_UP_RECOMMENDED, f)
        pool = (await svc.http.get("/v1/candidates", headers=HR)).json()["candidates"]
        assert {c["nip"]: c["follow_up"] for c in pool}[KOMINFO_HOLDER] == "re_placement"


async def test_a_policy_override_switches_tenure_to_six_months_for_the_agency() -> None:
    async with running_service(app()) as svc:
        body = {"min_months_in_post": [{"since": "2025-07-01", "value": 6}]}
        r = await svc.http.put("/v1/policy", json=body, headers=HR)
        assert r.status_code == 200, r.text
        assert (await svc.http.get("/v1/policy")).json()["min_months_in_post"] == [["2025-07-01", 6.0]]
        bad = await svc.http.put("/v1/policy", json={"disabled_rules": ["NOPE"]}, headers=HR)
        assert bad.status_code == 422


@pytest.mark.parametrize("path", ["/v1/rules", "/metrics", "/health/live"])
async def test_operational_reads_answer(path: str) -> None:
    async with running_service(app()) as svc:
        assert (await svc.http.get(path)).status_code == 200


async def test_a_redelivered_or_older_assessment_changes_nothing_and_a_poison_message_is_dead_lettered() -> None:
    async with running_service(app()) as svc:
        newer = POOL[0]
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, newer, event_id="ev-1")
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, newer, event_id="ev-1")
        older = newer.model_copy(update={"assessed_on": newer.assessed_on - timedelta(days=400), "golongan": "II/a"})
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, older, event_id="ev-2")
        await publish_raw(svc, topics.ASSESSMENT_COMPLETED, b'{"not": "a cloud event"}', key=b"x")
        pool = (await svc.http.get("/v1/candidates", headers=HR)).json()
        assert pool["count"] == 1
        assert pool["candidates"][0]["golongan"] == newer.golongan
        labels = {"service": "placement", "topic": topics.ASSESSMENT_COMPLETED.name, "reason": "invalid"}
        assert svc.kit.metrics.registry.get_sample_value("mutasi_events_dead_lettered_total", labels) == 1


async def test_placement_opens_the_sealed_flags_and_dead_letters_flags_it_cannot_open_or_that_name_someone_else() -> (
    None
):
    async with running_service(app()) as svc:
        disciplined = POOL[0].model_copy(
            update={
                "sealed_flags": seal_for_placement(
                    EligibilityFlagsV1(
                        nip=POOL[0].nip,
                        assessment_id=POOL[0].assessment_id,
                        discipline_active=True,
                        audit_finding_open=True,
                    )
                )
            }
        )
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, disciplined)
        _, other_public = generate_key_pair("someone-else")
        foreign = POOL[1].model_copy(
            update={
                "sealed_flags": Sealer(other_public).seal(
                    EligibilityFlagsV1(nip=POOL[1].nip, assessment_id=POOL[1].assessment_id, discipline_active=False)
                )
            }
        )
        swapped = POOL[2].model_copy(update={"sealed_flags": POOL[1].sealed_flags})
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, foreign)
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, swapped)
        kept = await stored_pool(svc)
        assert [(c["nip"], c["discipline_active"], c["audit_finding_open"]) for c in kept] == [
            (POOL[0].nip, True, True)
        ]
        labels = {"service": "placement", "topic": topics.ASSESSMENT_COMPLETED.name, "reason": "rejected"}
        assert svc.kit.metrics.registry.get_sample_value("mutasi_events_dead_lettered_total", labels) == 2
