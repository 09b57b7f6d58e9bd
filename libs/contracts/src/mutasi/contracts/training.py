"""Payloads the training service produces."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from mutasi.contracts.envelope import Payload
from mutasi.contracts.values import LevelGap, Nip, NoMentorReason, PlanStatus, RecentDate, UncoveredReason


class PlannedTraining(Payload):
    """One offering session in a development plan."""

    offering_id: str
    title: str
    kind: str = Field(description="technical | managerial | coaching | mentoring | … (Peraturan LAN 10/2018).")
    jp: int = Field(ge=0, description="Jam pelajaran (45 minutes each).")
    starts_on: date | None = None
    competencies: list[str] = Field(default_factory=list, description="Competencies it raises.")
    item_id: str | None = Field(None, description="Plan item id (for recording attendance and completion).")
    session_id: str | None = Field(None, description="Session booked; None when self-paced or still to schedule.")
    ends_on: date | None = Field(None, description="Last day of the session.")
    due_on: date | None = Field(None, description="When it should be completed.")
    purpose: str | None = Field(None, description="change_management (the workshop) | gap.")
    provider: str | None = Field(None, description="Who delivers it (BPSDM, LAN, a dinas, …).")


class TrainingAssignedV1(Payload):
    """A development plan was assigned to a person after a move or a follow-up."""

    plan_id: str
    nip: Nip
    decision_id: str | None = Field(None, description="Decision that caused the plan.")
    follow_up_id: str | None = Field(None, description="Follow-up that caused the plan.")
    items: list[PlannedTraining]
    total_jp: int = Field(ge=0)
    mentor_nip: Nip | None = None
    uncovered_gaps: list[str] = Field(default_factory=list, description="Gaps no offering covers.")
    gaps: dict[str, LevelGap] = Field(default_factory=dict, description="Competency -> levels short of standard.")
    status: PlanStatus = Field(
        "active", description="active | superseded (replaced by a newer plan) | withdrawn (move cancelled)."
    )
    revision: int = Field(1, description="Increases when the plan is re-planned (e.g. a session was cancelled).")
    replaces_plan_id: str | None = Field(None, description="Plan this one supersedes (a superseding decision).")
    effective_date: RecentDate | None = Field(None, description="TMT of the move the plan belongs to.")
    unit_id: str | None = Field(None, description="Receiving unit (OPD) id.")
    uncovered_reasons: dict[str, UncoveredReason] = Field(
        default_factory=dict,
        description="Open gap -> NOT_IN_CATALOGUE | INSUFFICIENT_RAISE | NO_SEAT | OVER_LIMIT.",
    )
    gap_coverage: float | None = Field(None, description="Share of gaps the plan closes (1.0 when none).")
    mentor_reasons: list[str] = Field(default_factory=list, description="Why this mentor.")
    no_mentor_reason: NoMentorReason | None = Field(
        None, description="NOBODY_IN_UNIT | NOBODY_STRONGER | ALL_AT_CAPACITY when no mentor was found."
    )


class TrainingCompletedV1(Payload):
    """A person completed one planned training."""

    plan_id: str
    nip: Nip
    offering_id: str
    title: str
    jp: int
    completed_on: RecentDate
    competencies: list[str] = Field(default_factory=list)
    plan_completed: bool = Field(description="True when every item of the plan is done.")
    item_id: str | None = Field(None, description="Plan item completed.")
    year_jp: int | None = Field(None, description="JP completed in the calendar year of completed_on, incl. this.")
