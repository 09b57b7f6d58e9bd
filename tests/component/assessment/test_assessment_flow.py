"""Assessments over HTTP and Kafka: events, grid, distribution, worklists, own record, follow-ups, scoping."""

from __future__ import annotations

from typing import Any

from mutasi.assessment.bootstrap import refresh_gauges
from mutasi.assessment.service_layer.deps import Deps
from mutasi.contracts import topics
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from tests.support.jobs import finished
from tests.support.service import RunningService, publish_event

from .files import IT_NIP, OTHER_NIP, SKJ, assessment, employee, other_employee, xlsx


async def upload(svc: RunningService, kind: str, rows: list[dict[str, str]], **params: Any) -> Any:
    r = await finished(svc, await svc.http.post(f"/v1/imports/{kind}", content=xlsx(rows),
                                                params={"filename": f"{kind}.xlsx", **params}))  # fmt: skip
    assert r.status_code in (200, 201), r.text
    return r.json()


async def registered(svc: RunningService) -> None:
    await upload(svc, "skj", SKJ)
    await upload(svc, "employees", [employee(), other_employee()])


async def test_a_complete_assessment_emits_the_placement_snapshot_without_private_data(svc: RunningService) -> None:
    await registered(svc)
    result = await upload(svc, "assessments", [assessment(), assessment(OTHER_NIP)])
    assert result["counts"]["completed"] == 2
    await svc.drain()
    events = await svc.published(topics.ASSESSMENT_COMPLETED)
    data = next(e["data"] for e in events if e["subject"] == IT_NIP)
    assert data["current_post"]["unit_name"] == "Sekretariat Daerah"
    assert data["education_field"] == "informatika"
    assert data["jpm_category"] == "kurang_optimal"
    assert data["talent_box"] == 5
    assert data["box_recommendation"].startswith("Penempatan yang sesuai")
    assert data["months_in_post"] == 65
    assert data["years_to_bup"] == 22.6
    assert not {"birth_date", "nik", "tanggal_lahir", "assessor_body"} & set(data)


async def test_reimporting_assessments_emits_nothing_new(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    again = await upload(svc, "assessments", [assessment()])
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "completed": 0}
    assert len(await svc.published(topics.ASSESSMENT_COMPLETED)) == 1


async def test_it_graduate_matches_the_information_systems_post_better(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    here = (await svc.http.get(f"/v1/employees/{IT_NIP}/jpm", params={"post_id": "setda-adm"})).json()
    there = (await svc.http.get(f"/v1/employees/{IT_NIP}/jpm", params={"post_id": "kominfo-si"})).json()
    assert (here["category"], there["category"]) == ("kurang_optimal", "optimal")
    assert there["jpm"] > here["jpm"]


async def test_the_grid_counts_and_names_people_per_box_and_draws_a_png(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment(), assessment(OTHER_NIP, potensial="tinggi")])
    grid = (await svc.http.get("/v1/talent-grid")).json()
    boxes = {b["box"]: b for b in grid["boxes"]}
    assert boxes[5]["people"][0]["nip"] == IT_NIP
    assert boxes[9]["count"] == 1  # Sangat Baik, potential tinggi
    assert grid["assessed"] == 2
    unit = (await svc.http.get("/v1/talent-grid", params={"unit_id": "diskominfo", "names": False})).json()
    assert unit["total"] == 1
    assert "people" not in unit["boxes"][0]
    png = await svc.http.get("/v1/talent-grid.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


async def test_expired_assessments_are_flagged_not_placed_in_a_box(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment(tanggal_asesmen="2022-01-10"), assessment(OTHER_NIP)])
    assert len(await svc.published(topics.ASSESSMENT_COMPLETED)) == 1
    grid = (await svc.http.get("/v1/talent-grid")).json()
    assert (grid["expired"], grid["assessed"]) == (1, 1)
    missing = (await svc.http.get("/v1/worklist/missing")).json()["items"]
    assert [(m["nip"], m["status"]) for m in missing] == [(IT_NIP, "expired")]
    await refresh_gauges(svc.kit.deps(Deps))  # what the service's timer does every METRICS_REFRESH_S
    metrics = (await svc.http.get("/metrics")).text
    assert 'mutasi_assessments_expired{agency="sawahlunto",service="assessment"} 1.0' in metrics


async def test_jpm_distribution_uses_the_agency_family(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment(), assessment(OTHER_NIP)])
    dist = (await svc.http.get("/v1/jpm-distribution")).json()
    assert dist["with_valid_assessment"] == 2
    assert sum(b["count"] for b in dist["bins"]) == 2
    assert set(dist["categories"]) <= {"optimal", "cukup_optimal", "kurang_optimal"}


async def test_the_agency_can_switch_to_the_ms_mms_kms_family(svc: RunningService) -> None:
    r = await svc.http.put("/v1/policy", json={"jpm_family": "seleksi", "jpm_cap": "total"})
    assert r.json()["jpm_family"] == "seleksi"
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    record = (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()
    assert record["latest"]["jpm_category"] in {"ms", "mms", "kms"}
    bad = await svc.http.put("/v1/policy", json={"jpm_cap": "setengah"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "jpm_cap"


async def test_the_employee_reads_their_own_record_in_indonesian(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    me = (await svc.http.get("/v1/me", headers={"X-Nip": IT_NIP})).json()
    assert me["jabatan"] == "Penata Layanan Operasional"
    assert me["kotak_talenta"]["nomor"] == 5
    assert me["kotak_talenta"]["tindak_lanjut"].startswith("Penempatan yang sesuai")
    lines = {line["kode"]: line for line in me["kompetensi"]}
    assert lines["tek_kearsipan"]["keterangan"] == "di bawah standar (kurang 2 level)"
    assert lines["integritas"]["kompetensi"] == "Integritas"
    assert "rekomendasi" in me["catatan"]
    assert (await svc.http.get("/v1/me")).status_code == 403  # a token without a NIP has no own record


async def test_a_follow_up_marks_for_reassessment_and_the_next_assessment_links_it(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    follow_up = FollowUpRecommendedV1(
        follow_up_id="fu-1", evaluation_id="ev-1", nip=IT_NIP, reason="re_assessment", detail="JPM turun"
    )
    await publish_event(svc, topics.FOLLOW_UP_RECOMMENDED, follow_up)
    await publish_event(
        svc,
        topics.FOLLOW_UP_RECOMMENDED,
        follow_up.model_copy(update={"follow_up_id": "fu-2", "reason": "more_training"}),
    )
    work = (await svc.http.get("/v1/worklist/reassessment")).json()["items"]
    assert [w["follow_up_id"] for w in work] == ["fu-1"]
    missing = {m["nip"]: m for m in (await svc.http.get("/v1/worklist/missing")).json()["items"]}
    assert missing[IT_NIP]["reassessment_requested"] is True
    await upload(svc, "assessments", [assessment(tanggal_asesmen="2026-11-28")])
    await svc.drain()
    latest = (await svc.published(topics.ASSESSMENT_COMPLETED))[-1]["data"]
    assert latest["follow_up_id"] == "fu-1"
    answered = (await svc.http.get("/v1/worklist/reassessment", params={"status": "answered"})).json()["items"]
    assert answered[0]["assessment_id"] == latest["assessment_id"]
    still_missing = [m["nip"] for m in (await svc.http.get("/v1/worklist/missing")).json()["items"]]
    assert still_missing == [OTHER_NIP]


async def test_a_redelivered_follow_up_changes_nothing(svc: RunningService) -> None:
    await registered(svc)
    follow_up = FollowUpRecommendedV1(
        follow_up_id="fu-1", evaluation_id="e", nip=IT_NIP, reason="re_assessment", detail="x"
    )
    await publish_event(svc, topics.FOLLOW_UP_RECOMMENDED, follow_up, event_id="evt-1")
    await publish_event(svc, topics.FOLLOW_UP_RECOMMENDED, follow_up, event_id="evt-1")
    assert len((await svc.http.get("/v1/worklist/reassessment")).json()["items"]) == 1


async def test_another_agency_sees_none_of_this_agency(svc: RunningService) -> None:
    await registered(svc)
    other = {"X-Agency-Id": "kota-solok"}
    assert (await svc.http.get(f"/v1/employees/{IT_NIP}", headers=other)).status_code == 404
    assert (await svc.http.get("/v1/talent-grid", headers=other)).json()["total"] == 0


async def test_business_metrics_count_rows_and_assessments_per_agency(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment(), assessment(OTHER_NIP, integritas="9")], accept_partial=True)
    text = (await svc.http.get("/metrics")).text
    assert (
        'mutasi_import_rows_total{agency="sawahlunto",kind="assessments",outcome="rejected",service="assessment"} 1.0'
        in text
    )
    assert 'mutasi_assessments_completed_total{agency="sawahlunto",service="assessment"} 1.0' in text
    assert 'mutasi_assessments_recorded_total{agency="sawahlunto",service="assessment"} 1.0' in text


async def test_a_moved_employee_gets_the_latest_result_recomputed_for_the_new_post(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    moved = employee(unit_id="diskominfo", jabatan_id="kominfo-si", tmt_jabatan="2026-10-01")
    result = await upload(svc, "employees", [moved])
    assert result["counts"]["reannounced"] == 1
    record = (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()
    assert (record["latest"]["post_id"], record["latest"]["jpm_category"]) == ("kominfo-si", "optimal")
    await svc.drain()
    latest = (await svc.published(topics.ASSESSMENT_COMPLETED))[-1]["data"]
    assert latest["current_post"]["post_id"] == "kominfo-si"
    assert latest["months_in_post"] == 0


async def test_one_assessment_can_be_recorded_as_json_with_an_idempotency_key(svc: RunningService) -> None:
    await registered(svc)
    headers = {"Idempotency-Key": "asesmen-andi-2025"}
    first = await svc.http.post("/v1/assessments", json=assessment(), headers=headers)
    assert first.status_code == 201, first.text
    again = await svc.http.post("/v1/assessments", json=assessment(), headers=headers)
    assert again.json()["import_id"] == first.json()["import_id"]
    assert len(await svc.published(topics.ASSESSMENT_COMPLETED)) == 1
    bad = await svc.http.post("/v1/assessments", json=assessment(integritas="6"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "baris 2.integritas"


async def test_the_employee_role_reads_only_its_own_record(svc: RunningService) -> None:
    await registered(svc)
    employee_headers = {"X-Role": "employee", "X-Nip": IT_NIP}
    assert (await svc.http.get("/v1/me", headers=employee_headers)).status_code == 200
    denied = await svc.http.get(f"/v1/employees/{OTHER_NIP}", headers=employee_headers)
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["field"] == "path.nip"
    assert (await svc.http.get("/v1/talent-grid", headers=employee_headers)).status_code == 403
    assert (await svc.http.get("/v1/talent-grid", headers={"X-Role": "hr"})).status_code == 200


async def test_changing_the_policy_re_evaluates_and_re_announces_latest_results(svc: RunningService) -> None:
    await registered(svc)
    await upload(svc, "assessments", [assessment()])
    assert (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()["latest"]["jpm_category"] == "kurang_optimal"
    r = await svc.http.put("/v1/policy", json={"jpm_family": "seleksi"})
    assert r.json()["reevaluated"] == 1
    assert (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()["latest"]["jpm_category"] == "mms"
    await svc.drain()
    assert (await svc.published(topics.ASSESSMENT_COMPLETED))[-1]["data"]["jpm_category"] == "mms"
    announced = len(await svc.published(topics.ASSESSMENT_COMPLETED))
    again = await svc.http.put("/v1/policy", json={"jpm_family": "seleksi"})
    assert again.json()["reevaluated"] == 0
    assert len(await svc.published(topics.ASSESSMENT_COMPLETED)) == announced
