"""What the HTTP API answers on success (wire models for the OpenAPI document, checked on the way out)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from mutasi.chassis.http import Answer


class RowError(Answer):
    row: int | None = None
    column: str | None = None
    code: str | None = None
    message_id: str | None = None
    message_en: str | None = None
    value: str | int | float | None = None
    field: str | None
    reason: str


class ImportAnswer(Answer):
    """An import job (`state`) and, once it ended, its result (`outcome`, counts, rejected rows)."""

    import_id: str
    job_id: str | None = None
    kind: str | None = None
    state: str | None = Field(None, description="running, succeeded or failed")
    outcome: str | None = Field(None, description="stored, partial or rejected; null while running")
    attempt: int | None = None
    interrupted: bool | None = None
    filename: str | None = None
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    stored: bool | None = None
    accept_partial: bool | None = None
    counts: dict[str, int] | None = Field(None, description="created, updated, unchanged, ...")
    message: str | None = None
    errors: list[RowError] | None = None
    errors_xlsx: str | None = Field(None, description="Path of the annotated workbook of bad rows.")
    events_emitted: int | None = None
    events_published: int | None = None
    created_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None


class RecordedAssessment(Answer):
    """The result of one posted assessment row (an import of one row)."""

    import_id: str
    stored: bool
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    counts: dict[str, int]
    message: str
    errors: list[RowError]


class Person(Answer):
    nip: str
    name: str
    unit_id: str
    post_id: str
    jpm: float | None


class Box(Answer):
    box: int = Field(description="1–9")
    label: str
    recommendation: str
    recommendation_en: str
    count: int
    people: list[Person] | None = Field(None, description="Left out with names=false.")


class TalentGrid(Answer):
    agency_id: str
    unit_id: str | None
    total: int
    assessed: int
    expired: int
    not_assessed: int
    incomplete: int
    boxes: list[Box]


class Bin(Answer):
    from_: int = Field(alias="from")
    to: int | None
    count: int


class JpmDistribution(Answer):
    agency_id: str
    unit_id: str | None
    total: int
    with_valid_assessment: int
    bins: list[Bin]
    categories: dict[str, int]
    mean: float | None


class MissingItem(Answer):
    nip: str
    name: str
    unit_id: str
    post_id: str
    status: str = Field(description="not_assessed, expired, incomplete, assessed (re-assessment requested)")
    valid_until: date | None
    reassessment_requested: bool
    follow_up_id: str | None


class Missing(Answer):
    agency_id: str
    items: list[MissingItem]


class ReassessmentItem(Answer):
    agency_id: str
    follow_up_id: str
    nip: str
    evaluation_id: str
    decision_id: str | None
    detail: str
    competencies: dict[str, int]
    received_on: date
    status: str = Field(description="open or answered")
    assessment_id: str | None = None
    answered_on: date | None = None


class Reassessments(Answer):
    agency_id: str
    items: list[ReassessmentItem]


class MyRecord(Answer):
    """The caller's own record, in Indonesian; the assessment parts only once assessed."""

    nip: str
    nama: str
    golongan: str
    jabatan: str
    unit_kerja: str
    predikat_kinerja: list[dict[str, int | str]]
    catatan: str
    asesmen: dict[str, str]
    kompetensi: list[dict[str, int | str]] | None = None
    job_person_match: dict[str, float | str | None] | None = None
    kotak_talenta: dict[str, int | str] | None = None
    asesmen_ulang: dict[str, str | None] | None = None


class Gap(Answer):
    code: str
    standard: int
    actual: int
    gap: int


class Latest(Answer):
    assessment_id: str
    assessed_on: date
    post_id: str
    jpm: float | None
    jpm_category: str | None
    jpm_category_label: str | None
    gaps: list[Gap]
    predicate: str | None
    kinerja: str | None
    potential: str | None
    box: int | None
    valid_until: date


class Predicate(Answer):
    year: int
    predicate: str


class Employee(Answer):
    """The registry record (no NIK or birth date) and the latest assessment."""

    agency_id: str
    nip: str
    name: str
    golongan: str
    post_id: str
    unit_id: str
    post_type: str
    predicates: list[Predicate]
    version: int
    latest: Latest | None = None


class EmployeeVersion(Answer):
    agency_id: str
    nip: str
    version: int
    content: dict[str, object] = Field(description="The record as it was before this version replaced it.")


class History(Answer):
    nip: str
    versions: list[EmployeeVersion]


class JpmAgainst(Answer):
    nip: str
    post_id: str
    post_name: str
    unit_id: str
    jpm: float
    category: str
    category_label: str
    family: str
    cap: str
    gaps: list[Gap]
    assessment_id: str
    expired: bool


class Post(Answer):
    agency_id: str
    post_id: str
    unit_id: str
    unit_name: str | None = None
    name: str
    post_type: str
    standard: dict[str, int] = Field(description="Competency code → required level (SKJ).")


class Band(Answer):
    from_: float = Field(alias="from")
    code: str
    label: str


class Policy(Answer):
    jpm_cap: str
    jpm_family: str
    jpm_technical_weight: dict[str, float]
    potential_medium_from: float
    potential_high_from: float
    validity_years: int
    families: dict[str, list[Band]]


class PolicyChanged(Policy):
    reevaluated: int = Field(description="Latest results re-evaluated under the new policy.")
