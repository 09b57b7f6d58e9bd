"""What the HTTP API answers on success (wire models for the OpenAPI document, checked on the way out)."""

from __future__ import annotations

from pydantic import Field

from mutasi.chassis.http import Answer


class SessionAnswer(Answer):
    session_id: str
    starts_on: str | None = Field(description="YYYY-MM-DD")
    ends_on: str | None = Field(description="YYYY-MM-DD")
    capacity: int
    cancelled: bool
    seats_taken: int


class OfferingAnswer(Answer):
    agency_id: str
    offering_id: str
    title: str
    kind: str
    delivery: str
    raises: dict[str, int] = Field(description="Competency → levels the offering raises.")
    jp: int = Field(description="Jam pelajaran credited on completion.")
    provider: str
    cost: int
    sessions: list[SessionAnswer]


class CatalogueAnswer(Answer):
    offerings: list[OfferingAnswer]


class CatalogueImported(Answer):
    imported: int
    sessions: int
    offering_ids: list[str]


class SessionCancelled(Answer):
    session_id: str
    replanned_plan_ids: list[str]


class Replanned(Answer):
    replanned_plan_ids: list[str]
    checked: int


class Gap(Answer):
    competency: str
    current: int
    required: int


class Uncovered(Answer):
    competency: str
    levels: int
    reason: str = Field(description="NOT_IN_CATALOGUE, NO_SEAT, ...")


class Mentor(Answer):
    matched: bool
    mentor_nip: str | None = None
    mentor_name: str | None = None
    competencies: list[str] | None = None
    reasons: list[str] | None = None
    reason: str | None = Field(None, description="Why nobody was matched (when `matched` is false).")
    detail: str | None = None


class PlanItem(Answer):
    item_id: str
    offering_id: str
    title: str
    kind: str
    purpose: str = Field(description="change_management or gap")
    competencies: list[str]
    raises: dict[str, int]
    jp: int
    cost: int
    session_id: str | None
    starts_on: str | None = Field(description="YYYY-MM-DD")
    ends_on: str | None
    due_on: str | None
    status: str = Field(description="planned, attended, completed, cancelled, ...")
    attended_on: str | None
    completed_on: str | None
    evidence_ref: str | None
    note: str | None
    provider: str


class Plan(Answer):
    plan_id: str
    kind: str
    source_id: str = Field(description="The decision (or follow-up) this plan answers.")
    agency_id: str
    nip: str
    name: str
    target_post_id: str
    target_post_name: str
    target_unit_id: str
    effective_date: str | None = Field(description="YYYY-MM-DD")
    decided_at: str = Field(description="ISO 8601 date-time")
    levels: dict[str, int] = Field(description="The person's competency levels when planned.")
    gaps: list[Gap]
    items: list[PlanItem]
    uncovered: list[Uncovered]
    mentor: Mentor | None
    mentor_nip: str | None
    optimal: bool
    status: str = Field(description="active, completed or superseded")
    revision: int
    superseded_by: str | None
    jp_planned: int
    cost_planned: int
    gap_coverage: float


class PlanPage(Answer):
    total: int
    plans: list[Plan]


class LedgerEntry(Answer):
    agency_id: str
    nip: str
    plan_id: str
    item_id: str
    offering_id: str
    title: str
    jp: int
    completed_on: str | None
    year: int
    evidence_ref: str | None


class Reminder(Answer):
    kind: str = Field(description="OVERDUE_ITEM or JP_BELOW_MINIMUM")
    nip: str
    detail: str
    plan_id: str | None
    item_id: str | None
    jp_short: int


class PersonAnswer(Answer):
    nip: str
    plans: list[Plan]
    jp_by_year: dict[str, int] = Field(description="Year → JP completed.")
    jp_this_year: int
    jp_minimum: int
    jp_minimum_source: str
    ledger: list[LedgerEntry]
    reminders: list[Reminder]


class Reminders(Answer):
    on: str = Field(description="The date judged by (YYYY-MM-DD).")
    reminders: list[Reminder]


class Summary(Answer):
    agency_id: str
    unit_id: str | None
    year: int
    people: int
    plans: int
    plans_active: int
    plans_completed: int
    assigned_jp: int
    items: int
    items_completed: int
    completion_rate: float
    gaps: int
    gaps_covered: int
    gap_coverage: float
    uncovered_gaps: int
    uncovered_by_reason: dict[str, int]
    people_without_mentor: int
    people_under_minimum: int
    jp_minimum: int


class Attended(Answer):
    plan_id: str
    item_id: str
    status: str


class Completed(Attended):
    jp: int
    year: int
    year_jp: int = Field(description="JP completed in that year, this item included.")
    plan_status: str
    newly_completed: bool
