"""Builders for the training component tests: settings, a catalogue workbook, and events."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.common import PostRef
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.training.settings import TrainingSettings

NIP = "199001012015031001"
MENTOR_NIP = "197501012000031002"


def settings(**changes: Any) -> TrainingSettings:
    fields: dict[str, Any] = {"mongo_uri": "memory://", "today": date(2026, 12, 1), "jp_limit_per_person": 120}
    return TrainingSettings(**(fields | changes))


OFFERINGS = [
    ("MP-01", "Lokakarya Manajemen Perubahan", "change_management", "mengelola_perubahan:1", 24, "BPSDM", 1_000_000),
    ("KOM-B", "Komunikasi Publik", "managerial", "komunikasi:1; perekat_bangsa:1", 24, "BPSDM", 2_500_000),
    ("SI-1", "Bimtek Sistem Informasi", "technical", "tek_sistem_informasi:1", 24, "Diskominfo", 3_000_000),
    ("SI-E", "E-learning Sistem Informasi", "e_learning", "tek_sistem_informasi:1", 10, "LAN", 500_000),
]
SESSIONS = [
    ("MP-01", "MP-01-a", date(2026, 3, 9), date(2026, 3, 11), 30),
    ("MP-01", "MP-01-b", date(2026, 4, 9), date(2026, 4, 11), 30),
    ("KOM-B", "KOM-B-a", date(2026, 4, 13), date(2026, 4, 15), 1),
    ("SI-1", "SI-1-a", date(2026, 5, 11), date(2026, 5, 13), 30),
]


def workbook(offerings: list[tuple[Any, ...]] = OFFERINGS, sessions: list[tuple[Any, ...]] = SESSIONS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "offerings"
    sheet.append(["offering_id", "title", "kind", "raises", "jp", "provider", "cost"])
    for row in offerings:
        sheet.append(list(row))
    runs = book.create_sheet("sessions")
    runs.append(["offering_id", "session_id", "starts_on", "ends_on", "capacity"])
    for row in sessions:
        runs.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(post_id: str, unit_id: str, post_type: str = "administrator") -> PostRef:
    return PostRef(post_id=post_id, post_name=post_id, unit_id=unit_id, unit_name=unit_id, post_type=post_type)


def decision(decision_id: str = "dec-1", nip: str = NIP, **changes: Any) -> MutationDecidedV1:
    fields: dict[str, Any] = {
        "decision_id": decision_id,
        "round_id": "rnd-1",
        "nip": nip,
        "name": "Rina Putri",
        "from_post": post("SETDA-ADM", "SETDA", "pelaksana"),
        "to_post": post("KOMINFO-KABID", "KOMINFO"),
        "kind": "promosi",
        "effective_date": date(2026, 3, 2),
        "reason_summary": "Sesuai latar belakang",
        "fit_score": 80.0,
        "competencies": {"komunikasi": 2, "mengelola_perubahan": 2, "perekat_bangsa": 2, "tek_sistem_informasi": 1},
        "target_standard": {
            "komunikasi": 3,
            "mengelola_perubahan": 3,
            "perekat_bangsa": 3,
            "tek_sistem_informasi": 3,
            "tek_arsip": 2,
        },
    }
    fields.update(changes)
    return MutationDecidedV1(**fields)


def assessment(
    nip: str = MENTOR_NIP, unit_id: str = "KOMINFO", post_type: str = "jpt_pratama"
) -> AssessmentCompletedV2:
    return AssessmentCompletedV2(
        assessment_id=f"as-{nip}",
        nip=nip,
        name="Kepala Dinas",
        employee_type="PNS",
        golongan="IV/b",
        current_post=post("KOMINFO-KADIS", unit_id, post_type),
        months_in_post=30,
        education_level="S2",
        education_field="informatika",
        sealed_flags="not-for-training",
        years_to_bup=8.0,
        predicates=[],
        performance="sesuai",
        potential="tinggi",
        competencies={"komunikasi": 4, "tek_sistem_informasi": 4, "perekat_bangsa": 4},
        jpm_current=95.0,
        jpm_category="Optimal",
        talent_box=8,
        box_recommendation="Retain",
        assessed_on=date(2026, 1, 10),
        valid_until=date(2029, 1, 10),
    )
