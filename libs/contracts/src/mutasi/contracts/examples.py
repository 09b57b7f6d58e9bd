"""One realistic, checked-in example message per topic (validated by tests; read by subscribers' authors)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.envelope import event_model
from mutasi.contracts.evaluation import EvaluationRecordedV1, FollowUpRecommendedV1
from mutasi.contracts.placement import GroupProfile, MutationDecidedV1, RoundAnnouncedV1
from mutasi.contracts.topics import (
    ASSESSMENT_COMPLETED,
    EVALUATION_RECORDED,
    FOLLOW_UP_RECOMMENDED,
    MUTATION_DECIDED,
    ROUND_ANNOUNCED,
    TRAINING_ASSIGNED,
    TRAINING_COMPLETED,
    Topic,
)
from mutasi.contracts.training import PlannedTraining, TrainingAssignedV1, TrainingCompletedV1

EXAMPLES_DIR = Path(__file__).parent / "examples"
NIP = "199103152015031002"
ADMIN_POST = PostRef(
    post_id="SETDA-ADM-07",
    post_name="Penata Layanan Operasional",
    unit_id="SETDA",
    unit_name="Sekretariat Daerah",
    post_type="pelaksana",
)
IT_POST = PostRef(
    post_id="KOMINFO-APTIKA-02",
    post_name="Pranata Komputer Ahli Pertama",
    unit_id="KOMINFO",
    unit_name="Dinas Komunikasi dan Informatika",
    post_type="fungsional",
)
COMPETENCIES = {
    "integritas": 3,
    "kerja_sama": 3,
    "komunikasi": 2,
    "orientasi_hasil": 3,
    "pelayanan_publik": 2,
    "pengembangan_diri": 3,
    "mengelola_perubahan": 2,
    "pengambilan_keputusan": 2,
    "perekat_bangsa": 3,
    "tek_sistem_informasi": 4,
}
PREDICATES = [PredicateYear(year=2024, predicate="Baik"), PredicateYear(year=2025, predicate="Baik")]

# EligibilityFlagsV1 (all false) sealed for a throwaway example key; only that key's private half could open it.
SEALED_EXAMPLE = (
    "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSIsImtpZCI6ImV4YW1wbGUtcGxhY2VtZW50LTIwMjYiLCJlcGsiOnsiY3J2IjoiWDI1NT"
    "E5IiwieCI6IkE2VldMOEl2X1lqSHYwNUNjWFdCckJCSEhyaE0yaGtfa2hIZHVlTS1EQmciLCJrdHkiOiJPS1AifX0..WpH1ZoKgQklcveYi.T7B"
    "8M-unEi-GxIHdcru_9D5FfNOKWwxwe2CI5tbTYPnkdek9eXXFn_gYB8FrGEdZ_h4KnqmuKyQELaZLoXMbzYLKkVSA2LyppBR9q9EN5ofO3HZ9aU9"
    "_Tt-55WQZZK7VBbd9Su1m_GnkuXpqzTgoiY0Bvll6XS7M3PPULWOa1RumHQGs2dYxEx43c2QozW1_UwE5IBp61uhuut5l_isCGr-j4oJqDAp2YfK"
    "ZQDPmetQzRddY_D_3GmmGadqn2tlPMkgbsw.Tgr_zm70Wy0hZcbKfBJSsg"
)

PAYLOADS: dict[str, BaseModel] = {
    ASSESSMENT_COMPLETED.name: AssessmentCompletedV2(
        assessment_id="asm-7f3a",
        nip=NIP,
        name="Rudi Hartono",
        employee_type="PNS",
        golongan="III/a",
        current_post=ADMIN_POST,
        months_in_post=52,
        tmt_pns=date(2016, 3, 1),
        education_level="S1",
        education_field="informatika",
        sealed_flags=SEALED_EXAMPLE,
        years_to_bup=23.3,
        predicates=PREDICATES,
        performance="sesuai",
        potential="tinggi",
        competencies=COMPETENCIES,
        jpm_current=88.9,
        jpm_category="Cukup Optimal",
        talent_box=8,
        box_recommendation="Dipertahankan; rotasi/perluasan jabatan; bimbingan kinerja",
        assessed_on=date(2026, 9, 14),
        valid_until=date(2029, 9, 14),
    ),
    ROUND_ANNOUNCED.name: RoundAnnouncedV1(
        round_id="rnd-2026-2",
        name="Mutasi ASN Kota Sawahlunto 2026 tahap II",
        period="2026-II",
        preferences_open_until=date(2026, 12, 15),
    ),
    MUTATION_DECIDED.name: MutationDecidedV1(
        decision_id="dec-0192",
        round_id="rnd-2026-2",
        nip=NIP,
        name="Rudi Hartono",
        from_post=ADMIN_POST,
        to_post=IT_POST,
        kind="rotasi",
        effective_date=date(2027, 1, 2),
        reason_summary="Latar belakang S1 Informatika sesuai dengan jabatan pengelolaan sistem informasi.",
        fit_score=86.5,
        score_parts={"jpm": 40.0, "education": 25.0, "box": 10.0, "preference": 11.5},
        competencies=COMPETENCIES,
        target_standard={"komunikasi": 3, "tek_sistem_informasi": 3},
        predicates_before=PREDICATES,
        jpm_before=62.0,
        jpm_target=96.0,
        talent_box=6,
        profile=GroupProfile(golongan="III", education_level="S1", employee_type="PNS", age_band="30–39"),
    ),
    TRAINING_ASSIGNED.name: TrainingAssignedV1(
        plan_id="pln-0042",
        nip=NIP,
        decision_id="dec-0192",
        total_jp=40,
        mentor_nip="198207112006041001",
        items=[
            PlannedTraining(
                offering_id="CM-01",
                title="Lokakarya Manajemen Perubahan",
                kind="managerial",
                jp=16,
                starts_on=date(2027, 1, 11),
                competencies=["mengelola_perubahan"],
            ),
            PlannedTraining(
                offering_id="KOM-02",
                title="Komunikasi Efektif",
                kind="managerial",
                jp=24,
                starts_on=date(2027, 2, 1),
                competencies=["komunikasi"],
            ),
        ],
        gaps={"komunikasi": 1},
    ),
    TRAINING_COMPLETED.name: TrainingCompletedV1(
        plan_id="pln-0042",
        nip=NIP,
        offering_id="CM-01",
        title="Lokakarya Manajemen Perubahan",
        jp=16,
        completed_on=date(2027, 1, 13),
        competencies=["mengelola_perubahan"],
        plan_completed=False,
    ),
    EVALUATION_RECORDED.name: EvaluationRecordedV1(
        evaluation_id="evl-0311",
        decision_id="dec-0192",
        nip=NIP,
        checkpoint_month=3,
        recorded_on=date(2027, 4, 5),
        predicate="Sangat Baik",
        predicate_before="Baik",
        jpm_before=62.0,
        jpm_after=97.0,
        outcome="improved",
    ),
    FOLLOW_UP_RECOMMENDED.name: FollowUpRecommendedV1(
        follow_up_id="fu-0017",
        evaluation_id="evl-0311",
        decision_id="dec-0192",
        nip=NIP,
        reason="talent_pool",
        detail="Kinerja meningkat setelah mutasi; masukkan ke kelompok rencana suksesi.",
    ),
}


# Where the producer serves the schema in the example (its MUTASI_<SERVICE>_SCHEMA_BASE_URL).
EXAMPLE_SCHEMA_BASE = "https://mutasi.example.go.id/schemas/"
EXAMPLE_CAUSATION = "7b2e9f40-1c3d-4a5b-8e6f-9a0b1c2d3e4f"
# Topics whose events are caused by another event (the others start with a person's request).
CAUSED_BY_AN_EVENT = ("mutasi.training-assigned.v1", "mutasi.follow-up-recommended.v1")


def example_event(topic: Topic) -> dict[str, Any]:
    """The example message of `topic` as its JSON body."""
    payload = PAYLOADS[topic.name]
    event = event_model(type(payload))(
        id="0d6f2c1e-5b7a-4e0e-9a51-3c1d2e4f5a6b",
        source=f"/mutasi/{topic.producer}",
        type=topic.name,
        time=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
        subject=str(getattr(payload, topic.key)),
        dataschema=f"{EXAMPLE_SCHEMA_BASE}{topic.name}.json",
        agencyid="sawahlunto",
        programid="rnd-2026-2",
        correlationid="c6a1d7a0-5e2b-4b8f-8d7e-1f2a3b4c5d6e",
        causationid=EXAMPLE_CAUSATION if topic.name in CAUSED_BY_AN_EVENT else None,
        data=payload,
    )
    result: dict[str, Any] = json.loads(event.model_dump_json())
    return result
