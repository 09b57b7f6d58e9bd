"""Incoming events and request bodies for the evaluation component tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.contracts.training import PlannedTraining, TrainingAssignedV1, TrainingCompletedV1

ROUND = "rnd-2026-2"
EFFECTIVE = date(2027, 1, 2)  # checkpoints: 2027-04-02, 2027-07-02, 2028-01-02

FROM = PostRef(
    post_id="SETDA-1",
    post_name="Penata Layanan Operasional",
    unit_id="SETDA",
    unit_name="Sekretariat Daerah",
    post_type="pelaksana",
)


def nip(i: int) -> str:
    return f"1991031520150310{i:02d}"


def decided(
    i: int = 1,
    *,
    decision_id: str | None = None,
    unit: str = "KOMINFO",
    post_type: str = "fungsional",
    effective: date = EFFECTIVE,
    supersedes: str | None = None,
    cancelled: bool = False,
    fit: float = 80.0,
) -> MutationDecidedV1:
    return MutationDecidedV1(
        decision_id=decision_id or f"dec-{i}",
        round_id=ROUND,
        nip=nip(i),
        name=f"Pegawai {i}",
        from_post=FROM,
        to_post=PostRef(
            post_id=f"{unit}-P",
            post_name="Pranata Komputer",
            unit_id=unit,
            unit_name=f"Dinas {unit}",
            post_type=post_type,
        ),
        kind="rotasi",
        effective_date=effective,
        reason_summary="Sesuai",
        fit_score=fit,
        score_parts={"jpm": fit * 0.5, "education": fit * 0.3, "preference": fit * 0.2},
        score_weights={"jpm": 0.45, "education": 0.35, "preference": 0.2},
        competencies={"komunikasi": 2},
        target_standard={"komunikasi": 3},
        predicates_before=[PredicateYear(year=2025, predicate="Baik")],
        jpm_before=70.0,
        supersedes=supersedes,
        cancelled=cancelled,
    )


def assigned(i: int = 1) -> TrainingAssignedV1:
    return TrainingAssignedV1(
        plan_id=f"pln-{i}",
        nip=nip(i),
        decision_id=f"dec-{i}",
        total_jp=24,
        items=[
            PlannedTraining(
                offering_id="KOM-02", title="Komunikasi Efektif", kind="managerial", jp=24, competencies=["komunikasi"]
            )
        ],
        gaps={"komunikasi": 1},
    )


def completed(i: int = 1) -> TrainingCompletedV1:
    return TrainingCompletedV1(
        plan_id=f"pln-{i}",
        nip=nip(i),
        offering_id="KOM-02",
        title="Komunikasi Efektif",
        jp=24,
        completed_on=date(2027, 2, 20),
        competencies=["komunikasi"],
        plan_completed=True,
    )


def body(
    i: int = 1,
    months: int = 3,
    *,
    hasil: str = "sesuai",
    perilaku: str = "sesuai",
    review: int = 4,
    lacking: list[str] | None = None,
    survey: int | None = 4,
    free_text: str | None = "Rahasia saya",
    **extra: Any,
) -> dict[str, Any]:
    due = {3: "2027-04-02", 6: "2027-07-02", 12: "2028-01-02"}[months]
    out: dict[str, Any] = {
        "nip": nip(i),
        "checkpoint_months": months,
        "recorded_on": due,
        "period": f"2027-m{months}",
        "hasil_kerja": hasil,
        "perilaku_kerja": perilaku,
        "review": {
            "scores": {"work_quality": review, "adaptation": review, "collaboration": review, "fit_to_post": review},
            "recommendation": "continue",
            "competencies_lacking": lacking or [],
            "note": "Catatan atasan",
        },
        "survey": None
        if survey is None
        else {
            "answers": {
                k: survey
                for k in (
                    "role_clarity",
                    "competence_fit",
                    "supervisor_support",
                    "training_usefulness",
                    "motivation",
                    "confidence",
                    "intent_to_stay",
                )
            },
            "free_text": free_text,
        },
    }
    out.update(extra)
    return out
