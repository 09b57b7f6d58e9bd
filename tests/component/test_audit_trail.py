"""The audit trail every service keeps: who read or changed whose record, queryable by auditors only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.support.service import running_service, seal_settings

SOMEONE = "199001012015031001"
STAFF = {"X-User": "rina", "X-Role": "hr"}
AUDITOR = {"X-User": "irma", "X-Role": "auditor"}
TODAY = date(2026, 12, 1)

# One read of a person's record per service: (app factory, path, headers of the reader).
READS: dict[str, tuple[Callable[[], FastAPI], str, dict[str, str]]] = {
    "assessment": (lambda: assessment_app(AssessmentSettings(mongo_uri="memory://", today=TODAY, **seal_settings())),
                   f"/v1/employees/{SOMEONE}", STAFF),
    "placement": (lambda: placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings())),
                  f"/v1/rounds/r-1/explanations/{SOMEONE}", STAFF),
    "training": (lambda: training_app(TrainingSettings(mongo_uri="memory://", today=TODAY)),
                 f"/v1/people/{SOMEONE}", STAFF),
    "evaluation": (lambda: evaluation_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0, today=TODAY)),
                   "/v1/me/evaluations", {"X-User": "budi", "X-Role": "employee", "X-Nip": SOMEONE}),
}  # fmt: skip


@pytest.mark.parametrize("service", READS)
async def test_every_service_records_who_read_whose_record_and_shows_it_only_to_auditors(service: str) -> None:
    factory, path, reader = READS[service]
    async with running_service(factory()) as svc:
        await svc.http.get(path, headers=reader)
        assert (await svc.http.get("/v1/audit/trail", headers=STAFF)).status_code == 403
        r = await svc.http.get("/v1/audit/trail", params={"nip": SOMEONE}, headers=AUDITOR)
        assert r.status_code == 200, r.text
        records: list[dict[str, Any]] = r.json()["records"]
        assert [(x["service"], x["actor"], x["role"], x["action"], x["path"], x["subject_nip"]) for x in records] == [
            (service, reader["X-User"], reader["X-Role"], "read", path, SOMEONE)
        ]
        assert records[0]["own_record"] is (reader.get("X-Nip") == SOMEONE)
        assert "{nip}" in records[0]["route"] or records[0]["route"].endswith("/me/evaluations")
        mine = (await svc.http.get("/v1/audit/trail", params={"actor": "irma"}, headers=AUDITOR)).json()["records"]
        assert {x["route"] for x in mine} == {"/v1/audit/trail"}  # auditors' own reads are on the trail too


async def test_a_change_and_a_refused_attempt_are_recorded_with_their_status() -> None:
    factory, _, _ = READS["placement"]
    async with running_service(factory()) as svc:
        body = {"name": "Putaran uji", "period": "2026-II", "preferences_open_until": "2026-12-20",
                "effective_date": "2027-01-04"}  # fmt: skip
        created = await svc.http.post("/v1/rounds", json=body, headers=STAFF)
        refused = await svc.http.post("/v1/rounds", json=body, headers={"X-User": "budi", "X-Role": "employee"})
        r = await svc.http.get("/v1/audit/trail", params={"action": "change"}, headers=AUDITOR)
        got = sorted((x["actor"], x["status"]) for x in r.json()["records"])
        assert got == sorted([("rina", created.status_code), ("budi", refused.status_code)])
        assert refused.status_code == 403
