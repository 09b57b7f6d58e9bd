"""A province round across two agencies (PP 11/2017 inter-agency mutasi): one pool, one plan, moves between
agencies, while each agency's HR still sees only its own people, posts and rounds."""

from __future__ import annotations

from typing import Any

from mutasi.contracts import topics
from mutasi.placement.adapters.workbooks import write_posts
from mutasi.placement.domain.post_rows import COLUMNS
from tests.support.service import RunningService, publish_event, running_service

from .placement_world import ACCOUNTANT, IT_GRAD, KOMINFO_HOLDER, POOL, POSTS, announce_body, app

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SOLOK = "kota-solok"
HR_SAWAHLUNTO = {"X-Agency-Id": "sawahlunto", "X-User": "rina", "X-Role": "hr"}
HR_SOLOK = {"X-Agency-Id": SOLOK, "X-User": "sari", "X-Role": "hr"}
PROVINCE = {"X-Agency-Id": "sumbar", "X-User": "bkd", "X-Role": "province", "X-Agencies": f"sawahlunto,{SOLOK}"}
APPROVERS = [{"X-Agency-Id": "sumbar", "X-User": u, "X-Role": "approver"} for u in ("andi", "beni")]


async def two_agencies(svc: RunningService) -> None:
    """Sawahlunto has no informatics post; Kota Solok has a vacant one and its own holder of another."""
    sawahlunto = write_posts(COLUMNS, [["SETDA-ADM", *POSTS["SETDA-ADM"]], ["BKAD-KEU", *POSTS["BKAD-KEU"]]])
    solok = write_posts(COLUMNS, [["KOMINFO-SI", *POSTS["KOMINFO-SI"]]])
    for headers, book in ((HR_SAWAHLUNTO, sawahlunto), (HR_SOLOK, solok)):
        r = await svc.http.post("/v1/posts/import", content=book, headers={**XLSX, **headers})
        assert r.status_code == 201, r.text
    for event in POOL:
        if event.nip == KOMINFO_HOLDER:
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event, agency_id=SOLOK)
        elif event.nip in (IT_GRAD, ACCOUNTANT):
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event, agency_id="sawahlunto")


async def decided_province_round(svc: RunningService) -> tuple[str, dict[str, Any]]:
    await two_agencies(svc)
    r = await svc.http.post("/v1/rounds", json=announce_body(agencies=["sawahlunto", SOLOK]), headers=PROVINCE)
    assert r.status_code == 201, r.text
    round_id: str = r.json()["round_id"]
    own = {"X-Agency-Id": "sawahlunto", "X-User": "it", "X-Role": "employee", "X-Nip": IT_GRAD}
    r = await svc.http.put(f"/v1/rounds/{round_id}/preferences/{IT_GRAD}", json={"ranked": [f"{SOLOK}:KOMINFO-SI"]},
                           headers=own)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (await svc.http.post(f"/v1/rounds/{round_id}/close", headers=PROVINCE)).status_code == 200
    r = await svc.http.post(f"/v1/rounds/{round_id}/plan", headers=PROVINCE)
    assert r.status_code == 200, r.text
    for who in APPROVERS:
        assert (await svc.http.post(f"/v1/rounds/{round_id}/approvals", headers=who)).status_code == 200
    r = await svc.http.post(f"/v1/rounds/{round_id}/decide", headers=PROVINCE)
    assert r.status_code == 200, r.text
    await svc.drain()
    return round_id, r.json()


async def test_a_province_round_moves_a_sawahlunto_asn_to_a_kota_solok_post() -> None:
    async with running_service(app()) as svc:
        _, decided = await decided_province_round(svc)
        moves = {(d["nip"], d["from_post"], d["to_post"]) for d in decided["decisions"]}
        assert (IT_GRAD, "sawahlunto:SETDA-ADM", f"{SOLOK}:KOMINFO-SI") in moves
        (event,) = [e for e in await svc.published(topics.MUTATION_DECIDED) if e["data"]["nip"] == IT_GRAD]
        assert (event["agencyid"], event["data"]["from_agency_id"]) == (SOLOK, "sawahlunto")
        assert (event["data"]["from_post"]["post_id"], event["data"]["to_post"]["post_id"]) == (
            "SETDA-ADM",
            "KOMINFO-SI",
        )
        verified = (await svc.http.get("/v1/audit/verify", headers={**PROVINCE, "X-Role": "auditor"})).json()
        assert verified["ok"] is True


async def test_each_agency_hr_still_sees_only_its_own_people_posts_and_rounds() -> None:
    async with running_service(app()) as svc:
        round_id, _ = await decided_province_round(svc)
        for hr in (HR_SAWAHLUNTO, HR_SOLOK):
            assert (await svc.http.get(f"/v1/rounds/{round_id}", headers=hr)).status_code == 404
            assert (await svc.http.get(f"/v1/rounds/{round_id}/decisions", headers=hr)).status_code == 404
            assert (await svc.http.get("/v1/rounds", headers=hr)).json() == []
        posts = {s: {p["post_id"] for p in (await svc.http.get("/v1/posts", headers=h)).json()}
                 for s, h in (("sawahlunto", HR_SAWAHLUNTO), (SOLOK, HR_SOLOK))}  # fmt: skip
        assert posts == {"sawahlunto": {"SETDA-ADM", "BKAD-KEU"}, SOLOK: {"KOMINFO-SI"}}
        people = (await svc.http.get("/v1/candidates", headers=HR_SOLOK)).json()["candidates"]
        assert [c["nip"] for c in people] == [KOMINFO_HOLDER]
        assert (await svc.http.get(f"/v1/rounds/{round_id}", headers=PROVINCE)).status_code == 200


async def test_only_the_province_role_over_its_own_agencies_announces_a_round_across_agencies() -> None:
    async with running_service(app()) as svc:
        await two_agencies(svc)
        body = announce_body(agencies=["sawahlunto", SOLOK])
        assert (await svc.http.post("/v1/rounds", json=body, headers=HR_SAWAHLUNTO)).status_code == 403
        narrow = {**PROVINCE, "X-Agencies": "sawahlunto"}
        assert (await svc.http.post("/v1/rounds", json=body, headers=narrow)).status_code == 403
        one = announce_body(agencies=["sawahlunto"])
        assert (await svc.http.post("/v1/rounds", json=one, headers=PROVINCE)).status_code == 403


async def test_an_agency_hr_files_requests_in_a_province_round_for_its_own_people_only() -> None:
    async with running_service(app()) as svc:
        await two_agencies(svc)
        r = await svc.http.post("/v1/rounds", json=announce_body(agencies=["sawahlunto", SOLOK]), headers=PROVINCE)
        round_id = r.json()["round_id"]
        wanted = {"ranked": [f"{SOLOK}:KOMINFO-SI"]}
        mine = await svc.http.put(f"/v1/rounds/{round_id}/preferences/{IT_GRAD}", json=wanted, headers=HR_SAWAHLUNTO)
        assert mine.status_code == 200, mine.text
        theirs = await svc.http.put(
            f"/v1/rounds/{round_id}/preferences/{KOMINFO_HOLDER}", json=wanted, headers=HR_SAWAHLUNTO
        )
        assert theirs.status_code == 422  # a Kota Solok person is not in Sawahlunto's pool
        assert theirs.json()["errors"][0]["field"] == "nip"
