"""A development plan (IDP) for one person: what they attend, when, what it closes, and what stays open."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from mutasi.training.domain.competency import Gap
from mutasi.training.domain.mentor import MentorOutcome


@dataclass(frozen=True)
class Move:
    """What training needs from a mutation decision (its own copy; it never reads placement's data)."""

    decision_id: str
    agency_id: str
    nip: str
    name: str
    target_post_id: str
    target_post_name: str
    target_unit_id: str
    effective_date: date
    decided_at: datetime
    levels: Mapping[str, int]
    standard: Mapping[str, int]
    post_rank: int | None = None  # level of the new post (see mentor.POST_RANK)
    from_agency_id: str | None = None  # the releasing agency of a move between agencies (PP 11/2017)


def move_plan_id(decision_id: str) -> str:
    """Plan ids derive from what caused them, so a repeated decision finds its plan."""
    return f"pl-{decision_id}"


def follow_up_plan_id(follow_up_id: str) -> str:
    return f"pl-fu-{follow_up_id}"


class PlanKind(StrEnum):
    MOVE = "move"
    FOLLOW_UP = "follow_up"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    COMPLETED = "completed"


class ItemPurpose(StrEnum):
    CHANGE_MANAGEMENT = "change_management"
    GAP = "gap"


class ItemStatus(StrEnum):
    PLANNED = "planned"
    ATTENDED = "attended"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN = frozenset({ItemStatus.PLANNED, ItemStatus.ATTENDED})


@dataclass
class PlanItem:
    """One offering in a plan, in one session (or self-paced / still to be scheduled), and its progress."""

    item_id: str
    offering_id: str
    title: str
    kind: str
    purpose: ItemPurpose
    competencies: tuple[str, ...]
    raises: Mapping[str, int]
    jp: int
    cost: int
    session_id: str | None
    starts_on: date | None
    ends_on: date | None
    due_on: date
    status: ItemStatus = ItemStatus.PLANNED
    attended_on: date | None = None
    completed_on: date | None = None
    evidence_ref: str | None = None
    note: str | None = None
    provider: str = ""  # who delivers it (the IDP's "owner" of the intervention)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class UncoveredReason(StrEnum):
    """Why a gap stays open; every open gap is listed with one of these, never hidden."""

    NOT_IN_CATALOGUE = "NOT_IN_CATALOGUE"  # no offering raises this competency
    INSUFFICIENT_RAISE = "INSUFFICIENT_RAISE"  # all offerings together raise it by less than the gap
    NO_SEAT = "NO_SEAT"  # offerings exist, but no session with a free seat starts on/after the effective date
    OVER_LIMIT = "OVER_LIMIT"  # closable, but not within the person's JP limit and budget


@dataclass(frozen=True)
class UncoveredGap:
    competency: str
    levels: int
    reason: UncoveredReason


@dataclass
class DevelopmentPlan:
    """The plan for one move (or one follow-up), with its mentor and its open gaps."""

    plan_id: str
    kind: PlanKind
    source_id: str  # the decision id, or the follow-up recommendation id
    agency_id: str
    nip: str
    name: str
    target_post_id: str
    target_post_name: str
    target_unit_id: str
    effective_date: date
    decided_at: datetime
    levels: Mapping[str, int]
    gaps: tuple[Gap, ...]
    items: list[PlanItem] = field(default_factory=list)
    uncovered: list[UncoveredGap] = field(default_factory=list)
    mentor: MentorOutcome | None = None
    optimal: bool = False
    status: PlanStatus = PlanStatus.ACTIVE
    revision: int = 1
    superseded_by: str | None = None

    @property
    def live_items(self) -> list[PlanItem]:
        return [i for i in self.items if i.status is not ItemStatus.CANCELLED]

    @property
    def jp_planned(self) -> int:
        return sum(i.jp for i in self.live_items)

    @property
    def cost_planned(self) -> int:
        return sum(i.cost for i in self.live_items)

    @property
    def closed(self) -> frozenset[str]:
        """Gap competencies the live items close when all are completed."""
        raised: dict[str, int] = {}
        for item in self.live_items:
            for code, levels in item.raises.items():
                raised[code] = raised.get(code, 0) + levels
        return frozenset(g.competency for g in self.gaps if raised.get(g.competency, 0) >= g.levels)

    @property
    def gap_coverage(self) -> float:
        """Share of gaps the plan closes; 1.0 when there was nothing to close."""
        return len(self.closed) / len(self.gaps) if self.gaps else 1.0

    def item(self, item_id: str) -> PlanItem | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def settle(self) -> None:
        """An active plan whose live items are all completed is completed."""
        live = self.live_items
        if self.status is PlanStatus.ACTIVE and live and all(i.status is ItemStatus.COMPLETED for i in live):
            self.status = PlanStatus.COMPLETED
