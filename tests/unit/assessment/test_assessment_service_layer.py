"""Use cases over the chassis in-memory database: all-or-nothing imports, history, follow-ups, re-evaluation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pymongo.errors import OperationFailure

from mutasi.assessment.adapters import documents, repositories
from mutasi.assessment.adapters.repositories import EMPLOYEES, FOLLOW_UPS, HISTORY
from mutasi.assessment.bootstrap import default_policy
from mutasi.assessment.domain.competency import MANAGERIAL
from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.follow_ups import request_reassessment
from mutasi.assessment.service_layer.imports import ImportRequest, run_import
from mutasi.assessment.settings import AssessmentSettings
from mutasi.chassis.faults import WRITE_CONFLICT
from mutasi.chassis.store import OUTBOX
from tests.support.memory_db import MemoryDatabase
from tests.support.service import seal_for_placement
from tests.unit.assessment.assessment_factories import TODAY, assessment_row, employee_row


class CountingTelemetry:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, int, int]] = []

    def import_rows(self, agency_id: str, kind: str, accepted: int, rejected: int) -> None:
        self.rows.append((agency_id, kind, accepted, rejected))

    def assessments(self, agency_id: str, recorded: int, completed: int) -> None:
        return None

    def expired(self, agency_id: str, count: int) -> None:
        return None


@pytest.fixture
def deps() -> Deps:
    db = MemoryDatabase()
    policy = default_policy(AssessmentSettings(mongo_uri="memory://"))
    return Deps(uow=lambda: db.uow("assessment"), store=repositories, docs=documents, defaults=policy,
                today=lambda: TODAY, telemetry=CountingTelemetry(), seal=seal_for_placement,
                batch_size=2)  # fmt: skip


def request(kind: str, rows: list[dict[str, Any]], partial: bool = False, sha: str = "x") -> ImportRequest:
    return ImportRequest("sawahlunto", kind, f"{kind}.xlsx", sha, list(rows[0]), rows, partial)


SKJ = [
    {"jabatan_id": "setda-pelaksana-adm", "nama_jabatan": "Penata", "unit_id": "setda", "jenis_jabatan": "pelaksana",
     "tek_kearsipan": "3"},
    {"jabatan_id": "kominfo-pelaksana-si", "nama_jabatan": "Pengelola SI", "unit_id": "diskominfo",
     "jenis_jabatan": "pelaksana", "tek_sistem_informasi": "3"},
]  # fmt: skip


async def count(deps: Deps, collection: str) -> int:
    """Records of the agency (employees are kept a few hundred per document: their records are counted)."""
    async with deps.uow() as uow:
        if collection == EMPLOYEES:
            return len(await repositories.registered_nips(uow, "sawahlunto"))
        return await uow.collection(collection).count({"agency_id": "sawahlunto"})


async def test_a_bad_row_keeps_the_whole_file_out_unless_partial_is_asked(deps: Deps) -> None:
    await run_import(deps, request("skj", SKJ))
    rows = [employee_row(), employee_row(nip="199001012015031002", bup="99")]
    rejected = await run_import(deps, request("employees", rows))
    assert (rejected["stored"], await count(deps, EMPLOYEES)) == (False, 0)
    partial = await run_import(deps, request("employees", rows, partial=True))
    assert (partial["stored"], await count(deps, EMPLOYEES)) == (True, 1)
    assert isinstance(deps.telemetry, CountingTelemetry)
    assert deps.telemetry.rows[-1] == ("sawahlunto", "employees", 1, 1)


async def test_imports_in_several_batches_and_keeps_history_of_changes(deps: Deps) -> None:
    await run_import(deps, request("skj", SKJ))
    nips = [f"19900101201503100{i}" for i in range(1, 6)]
    await run_import(deps, request("employees", [employee_row(nip=n) for n in nips]))
    changed = await run_import(deps, request("employees", [employee_row(nip=n, nama="Baru") for n in nips]))
    assert changed["counts"]["updated"] == 5
    assert (await count(deps, EMPLOYEES), await count(deps, HISTORY)) == (5, 5)


async def test_a_new_assessment_after_a_follow_up_links_it(deps: Deps) -> None:
    await run_import(deps, request("skj", SKJ))
    await run_import(deps, request("employees", [employee_row()]))
    async with deps.uow() as uow:
        follow_up = {"follow_up_id": "fu-9", "nip": "199001012015031001", "reason": "re_assessment", "detail": "x"}
        assert await request_reassessment(repositories, uow, "sawahlunto", follow_up, TODAY)
        assert not await request_reassessment(
            repositories, uow, "sawahlunto", {**follow_up, "reason": "talent_pool"}, TODAY
        )
        await uow.commit()
    row = assessment_row(tanggal_asesmen=TODAY.isoformat(), **{c: "3" for c in MANAGERIAL})
    await run_import(deps, request("assessments", [row]))
    async with deps.uow() as uow:
        answered = await uow.collection(FOLLOW_UPS).find_one({"follow_up_id": "fu-9"})
        employee = await repositories.employee(uow, "sawahlunto", "199001012015031001")
    assert answered is not None
    assert answered["status"] == "answered"
    assert employee is not None
    assert employee["reassessment"] is None


class FailingOnSecondWrite:
    """The repositories, except that the second batch's write of assessments fails."""

    def __init__(self) -> None:
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(repositories, name)

    async def save_assessments(self, uow: Any, docs: list[dict[str, Any]], stored: Any = None) -> None:
        self.writes += 1
        if self.writes == 2:
            raise RuntimeError("disk full")
        await repositories.save_assessments(uow, docs, stored)


async def test_batches_commit_in_order_and_none_after_a_failed_one(deps: Deps) -> None:
    nips = [f"19900101201503100{i}" for i in range(1, 8)]
    await run_import(deps, request("skj", SKJ))
    await run_import(deps, request("employees", [employee_row(nip=n) for n in nips]))
    rows = [assessment_row(nip=n) for n in nips]
    failing = replace(deps, store=FailingOnSecondWrite())  # batches of 2 people: the second one fails
    with pytest.raises(RuntimeError, match="disk full"):
        await run_import(failing, request("assessments", rows))
    async with deps.uow() as uow:
        ids = [f"{n}-2025-06-10-assessment_center" for n in nips]
        stored = await repositories.assessments_by_id(uow, "sawahlunto", ids)
        assessed = [n for n in nips if (await repositories.employee(uow, "sawahlunto", n) or {}).get("latest")]
    assert sorted(stored) == ids[:2]
    assert assessed == nips[:2]  # the first batch and no more
    again = await run_import(deps, request("assessments", rows))
    assert again["counts"] == {"created": 5, "updated": 0, "unchanged": 2, "completed": 5}


class ConflictingOnce(FailingOnSecondWrite):
    """The second batch's write of assessments meets a write conflict (another agency's batch), once."""

    async def save_assessments(self, uow: Any, docs: list[dict[str, Any]], stored: Any = None) -> None:
        self.writes += 1
        if self.writes == 2:
            raise OperationFailure("WriteConflict", code=WRITE_CONFLICT)
        await repositories.save_assessments(uow, docs, stored)


async def test_a_batch_that_meets_a_write_conflict_runs_again_alone_and_announces_each_result_once(
    deps: Deps,
) -> None:
    nips = [f"19900101201503100{i}" for i in range(1, 8)]
    await run_import(deps, request("skj", SKJ))
    await run_import(deps, request("employees", [employee_row(nip=n) for n in nips]))
    conflicting = ConflictingOnce()
    result = await run_import(
        replace(deps, store=conflicting), request("assessments", [assessment_row(nip=n) for n in nips])
    )
    assert conflicting.writes == 5  # four batches of at most 2 people, the second written twice
    assert result["counts"] == {"created": 7, "updated": 0, "unchanged": 0, "completed": 7}
    async with deps.uow() as uow:
        outbox = await uow.collection(OUTBOX).find({})
    subjects = [e["key"] for doc in outbox for e in doc["events"]]
    assert sorted(subjects) == nips  # the conflicted attempt's events went with its rollback
