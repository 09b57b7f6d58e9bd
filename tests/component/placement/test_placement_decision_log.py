"""The decision log: every plan, override, approval, decision and objection outcome is chained; a direct database
edit or deletion is named by `GET /v1/audit/verify`."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from mutasi.placement.domain.decision_log import entry_hash
from tests.support.service import RunningService, running_service

from .placement_world import ACCOUNTANT, ANA, BAYU, HR, IT_GRAD, app
from .test_placement_routes import decided_round, planned_round

AUDITOR = {"X-User": "irma", "X-Role": "auditor"}


async def verdict(svc: RunningService) -> dict[str, Any]:
    r = await svc.http.get("/v1/audit/verify", headers=AUDITOR)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def logged(svc: RunningService) -> list[dict[str, Any]]:
    r = await svc.http.get("/v1/audit/decision-log", headers=AUDITOR)
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries


async def test_a_decided_round_leaves_a_chain_that_verifies() -> None:
    async with running_service(app()) as svc:
        await decided_round(svc)
        entries = await logged(svc)
        assert [e["kind"] for e in entries] == ["plan", "approval", "approval", "decision"]
        assert [e["actor"] for e in entries] == ["rina:hr", "ana:approver", "bayu:approver", "ana:approver"]
        assert all(e["prev_hash"] == p["hash"] for p, e in pairwise(entries))
        assert await verdict(svc) == {"agency_id": "sawahlunto", "ok": True, "checked": 4, "head_seq": 4,
                                      "problem": None, "seq": None, "detail": "2 decisions match the log"}  # fmt: skip


async def test_an_objection_outcome_is_logged_with_the_reviewers_note() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        body = {"nip": IT_GRAD, "reason": "Domisili jauh dari kantor Kominfo"}
        r = await svc.http.post(f"/v1/rounds/{round_id}/objections", json=body, headers={"X-Nip": IT_GRAD})
        oid = r.json()["objection_id"]
        await svc.http.post(f"/v1/rounds/{round_id}/objections/{oid}/review", headers=ANA)
        r = await svc.http.post(f"/v1/rounds/{round_id}/objections/{oid}/resolve",
                                json={"upheld": False, "note": "Tidak beralasan"}, headers=ANA)  # fmt: skip
        assert r.status_code == 200, r.text
        last = (await logged(svc))[-1]
        assert (last["kind"], last["content"]["outcome"], last["content"]["note"]) == (
            "objection_outcome",
            "rejected",
            "Tidak beralasan",
        )
        assert (await verdict(svc))["ok"] is True


async def test_editing_a_stored_decision_in_the_database_is_named_by_verify() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        decisions = svc.kit.database().raw("round_decisions")
        doc = await decisions.find_one({"round_id": round_id}, sort=[("nip", 1)])
        assert doc is not None
        await decisions.update_one({"decision_id": doc["decision_id"]}, {"$set": {"to_post": "BKAD-KEU"}})
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "altered", 4)
        assert "to_post" in v["detail"]


async def test_deleting_a_stored_decision_in_the_database_is_named_by_verify() -> None:
    async with running_service(app()) as svc:
        round_id = await decided_round(svc)
        decisions = svc.kit.database().raw("round_decisions")
        doc = await decisions.find_one({"round_id": round_id}, sort=[("nip", 1)])
        assert doc is not None
        gone = doc["decision_id"]
        assert await decisions.delete_many({"decision_id": gone}) == 1
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "deleted", 4)
        assert gone in v["detail"]


async def test_editing_a_log_entry_even_with_a_recomputed_hash_is_named_by_verify() -> None:
    async with running_service(app()) as svc:
        await decided_round(svc)
        log = svc.kit.database().raw("decision_log")
        await log.update_one({"seq": 2}, {"$set": {"actor": "mallory:approver"}})
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "altered", 2)
        entry = await log.find_one({"seq": 2})
        assert entry is not None
        rehashed = entry_hash(2, entry["prev_hash"], entry["kind"], entry["at"], entry["actor"], entry["round_id"],
                              entry["content"])  # fmt: skip
        await log.update_one({"seq": 2}, {"$set": {"hash": rehashed}})
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "altered", 2)
        assert "entry 3 was chained to another version of entry 2" in v["detail"]


async def test_deleting_a_log_entry_or_cutting_the_tail_is_named_by_verify() -> None:
    async with running_service(app()) as svc:
        await decided_round(svc)
        log = svc.kit.database().raw("decision_log")
        await log.delete_many({"seq": 2})
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "deleted", 2)
    async with running_service(app()) as svc:
        await decided_round(svc)
        await svc.kit.database().raw("decision_log").delete_many({"seq": 4})
        v = await verdict(svc)
        assert (v["ok"], v["problem"], v["seq"]) == (False, "deleted", 4)


async def test_auditors_hr_and_approvers_may_verify_or_read_the_log_an_employee_may_not() -> None:
    """Approvers see the log and its verification beside the plan they approve (the console's approver page)."""
    async with running_service(app()) as svc:
        employee = {"X-User": "x", "X-Role": "employee", "X-Nip": IT_GRAD}
        assert (await svc.http.get("/v1/audit/verify", headers=employee)).status_code == 403
        assert (await svc.http.get("/v1/audit/decision-log", headers=employee)).status_code == 403
        for headers in (HR, {"X-User": "a", "X-Role": "approver"}, {"X-User": "u", "X-Role": "auditor"}):
            assert (await svc.http.get("/v1/audit/verify", headers=headers)).status_code == 200
            assert (await svc.http.get("/v1/audit/decision-log", headers=headers)).status_code == 200


async def test_an_override_is_logged_with_its_reason_and_who_made_it() -> None:
    async with running_service(app()) as svc:
        round_id = await planned_round(svc)
        body = {"nip": ACCOUNTANT, "post_id": None, "reason": "Setda masih membutuhkan pengelola arsip keuangan"}
        r = await svc.http.post(f"/v1/rounds/{round_id}/overrides", json=body, headers=BAYU)
        assert r.status_code == 200, r.text
        last = (await logged(svc))[-1]
        assert (last["kind"], last["actor"], last["content"]["reason"]) == ("override", "bayu:approver", body["reason"])
        assert (await verdict(svc))["ok"] is True
