"""Payloads the assessment service produces."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.envelope import Payload
from mutasi.contracts.values import CompetencyLevel, Nip, nip_problem


class EligibilityFlagsV1(Payload):
    """The eligibility flags only placement may read; they travel sealed inside `assessment-completed.v2`.

    Criminal proceedings, discipline and audit findings are sensitive personal data (UU 27/2022): they are never
    readable by the other subscribers of a topic, so the producer encrypts this object for placement's key."""

    nip: str = Field(description="NIP the flags belong to; must equal the carrying event's NIP.")
    assessment_id: str = Field(description="Assessment id; must equal the carrying event's assessment id.")
    discipline_active: bool = Field(description="In process of, or serving, a disciplinary penalty (hukdis).")
    discipline_until: date | None = Field(None, description="When the current penalty ends.")
    on_study_leave: bool = Field(False, description="On tugas belajar or bound by ikatan dinas.")
    on_cltn: bool = Field(False, description="On unpaid leave (CLTN).")
    in_court_process: bool = Field(False, description="In court proceedings or temporarily dismissed.")
    audit_finding_open: bool = Field(False, description="Outstanding Inspektorat audit finding.")


class AssessmentCompletedV2(Payload):
    """An ASN's competency assessment is complete: what placement and training need, the sensitive flags sealed.

    v2 of the topic: the eligibility flags of v1 (discipline, court process, audit finding, study leave, CLTN) no
    longer travel in clear text; `sealed_flags` carries them encrypted for placement only."""

    assessment_id: str = Field(description="Assessment id in the assessment service.")
    nip: Nip = Field(description="NIP (18 digits), the partition key; its digits encode birth date, TMT CPNS and sex.")
    name: str = Field(description="Employee name (nama): placement lists it in plans, training names mentors.")
    employee_type: Literal["PNS", "CPNS", "PPPK"] = Field(description="SIASN jenisPegawai.")
    golongan: str = Field(description="Rank, e.g. III/b.")
    current_post: PostRef = Field(description="Post held now.")
    months_in_post: int = Field(description="Whole months since TMT jabatan, at assessed_on.")
    tmt_pns: date | None = Field(None, description="TMT PNS (for the 10-year pledge rule).")
    education_level: Literal["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"] = Field(
        description="Highest education level (jenjang pendidikan)."
    )
    education_field: str = Field(description="Field of study (jurusan), normalised, e.g. informatika.")
    sealed_flags: str = Field(
        description="EligibilityFlagsV1 as JSON, encrypted for placement only: a JWE in compact serialization "
        "(alg dir, enc A256GCM) under a session key that travels in its protected header `wrapped_key`, itself a "
        "JWE (alg ECDH-ES, enc A256GCM) for placement's X25519 key named by its `kid`. Other subscribers cannot "
        "open either."
    )
    years_to_bup: float = Field(description="Years until retirement age (BUP), one decimal, at assessed_on.")
    predicates: list[PredicateYear] = Field(description="Last annual SKP predicates, newest last.")
    performance: Literal["di_atas", "sesuai", "di_bawah"] = Field(description="Kinerja axis (against expectation).")
    potential: Literal["tinggi", "menengah", "rendah"] = Field(description="Potensial axis.")
    competencies: dict[str, CompetencyLevel] = Field(
        description="Competency code -> level 1..5 (managerial, socio, technical)."
    )
    jpm_current: float = Field(description="Job-Person Match % against the current post.")
    jpm_category: str = Field(description="Category of jpm_current in the agency's threshold family.")
    talent_box: int = Field(ge=1, le=9, description="9-box talent box (PermenPANRB 3/2020).")
    box_recommendation: str = Field(description="The box's recommended follow-up (Indonesian).")
    assessed_on: date = Field(description="Assessment date.")
    valid_until: date = Field(description="End of the assessment's validity.")
    follow_up_id: str | None = Field(None, description="Follow-up recommendation this re-assessment answers.")

    @model_validator(mode="after")
    def _nip_fits_employee_type(self) -> AssessmentCompletedV2:
        """A PNS's NIP has the TMT CPNS month in digits 13–14; an NI PPPK has an agreement code there."""
        problem = nip_problem(self.nip, self.employee_type)
        if problem:
            raise ValueError(problem)
        return self
