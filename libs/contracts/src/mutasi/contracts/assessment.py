"""Payloads the assessment service produces."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.envelope import Payload
from mutasi.contracts.values import CompetencyLevel, Nip, nip_problem


class AssessmentCompletedV1(Payload):
    """An ASN's competency assessment is complete: the snapshot placement needs, nothing UU 27/2022 forbids."""

    assessment_id: str = Field(description="Assessment id in the assessment service.")
    nip: Nip = Field(description="NIP (18 digits), the partition key.")
    name: str = Field(description="Employee name (nama).")
    employee_type: Literal["PNS", "CPNS", "PPPK"] = Field(description="SIASN jenisPegawai.")
    golongan: str = Field(description="Rank, e.g. III/b.")
    current_post: PostRef = Field(description="Post held now.")
    months_in_post: int = Field(description="Whole months since TMT jabatan, at assessed_on.")
    tmt_pns: date | None = Field(None, description="TMT PNS (for the 10-year pledge rule).")
    education_level: Literal["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"] = Field(
        description="Highest education level (jenjang pendidikan)."
    )
    education_field: str = Field(description="Field of study (jurusan), normalised, e.g. informatika.")
    discipline_active: bool = Field(description="In process of, or serving, a disciplinary penalty (hukdis).")
    discipline_until: date | None = Field(None, description="When the current penalty ends.")
    on_study_leave: bool = Field(False, description="On tugas belajar or bound by ikatan dinas.")
    on_cltn: bool = Field(False, description="On unpaid leave (CLTN).")
    in_court_process: bool = Field(False, description="In court proceedings or temporarily dismissed.")
    audit_finding_open: bool = Field(False, description="Outstanding Inspektorat audit finding.")
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
    def _nip_fits_employee_type(self) -> AssessmentCompletedV1:
        """A PNS's NIP has the TMT CPNS month in digits 13–14; an NI PPPK has an agreement code there."""
        problem = nip_problem(self.nip, self.employee_type)
        if problem:
            raise ValueError(problem)
        return self
