"""Commands the service layer handles; entrypoints build them from events and HTTP requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.plan import Move


@dataclass(frozen=True)
class PlanMove:
    """Plan (or re-plan, or withdraw) training for a decided move."""

    move: Move
    cancelled: bool = False
    supersedes: str | None = None


@dataclass(frozen=True)
class PlanFollowUp:
    """An evaluation asked for more training for what is still open."""

    follow_up_id: str
    nip: str
    open_gaps: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RememberColleague:
    """Someone seen in an event, kept as a possible mentor in their unit."""

    colleague: Colleague
    as_of: datetime


@dataclass(frozen=True)
class CancelSession:
    session_id: str


@dataclass(frozen=True)
class RecordAttendance:
    plan_id: str
    item_id: str
    attended_on: date


@dataclass(frozen=True)
class RecordCompletion:
    plan_id: str
    item_id: str
    completed_on: date
    evidence_ref: str
