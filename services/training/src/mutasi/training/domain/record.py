"""Everything training holds about one person, and what happens to it when a decision or follow-up arrives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from mutasi.training.domain.competency import MAX_LEVEL, Gap
from mutasi.training.domain.mentor import Colleague, Mentee, MentorMatch, match_mentor
from mutasi.training.domain.plan import (
    DevelopmentPlan,
    ItemPurpose,
    ItemStatus,
    Move,
    PlanItem,
    PlanKind,
    PlanStatus,
    follow_up_plan_id,
    move_plan_id,
)
from mutasi.training.domain.planning import Planner
from mutasi.training.domain.progress import JpEntry


class Outcome(StrEnum):
    PLANNED = "planned"  # a first plan for this person
    REPLANNED = "replanned"  # a newer decision superseded the active plan
    CANCELLED = "cancelled"  # a superseding decision cancelled the move: the plan is released
    DUPLICATE = "duplicate"  # this decision / recommendation was already planned: nothing changes
    STALE = "stale"  # an older decision arrived after a newer one: nothing changes
    NO_BASELINE = "no_baseline"  # a follow-up for someone with no move plan: nothing to plan against


@dataclass
class PersonRecord:
    """One ASN's plans (newest last) and JP ledger, in one agency."""

    agency_id: str
    nip: str
    plans: list[DevelopmentPlan] = field(default_factory=list)
    ledger: list[JpEntry] = field(default_factory=list)

    def plan(self, plan_id: str) -> DevelopmentPlan | None:
        return next((p for p in self.plans if p.plan_id == plan_id), None)

    def current_move_plan(self) -> DevelopmentPlan | None:
        moves = [p for p in self.plans if p.kind is PlanKind.MOVE and p.status is not PlanStatus.SUPERSEDED]
        return moves[-1] if moves else None

    def completed(self) -> list[PlanItem]:
        return [i for p in self.plans for i in p.items if i.status is ItemStatus.COMPLETED]

    def offerings_done_or_open(self) -> frozenset[str]:
        """Offerings this person completed, or has open in a live plan: not to be planned for them again."""
        live = [p for p in self.plans if p.status is PlanStatus.ACTIVE]
        return frozenset(i.offering_id for i in self.completed()) | frozenset(
            i.offering_id for p in live for i in p.items if i.is_open
        )

    def remaining_gaps(self, base: DevelopmentPlan, only: Iterable[str] = ()) -> tuple[Gap, ...]:
        """The base plan's gaps less what completed items (in any plan since) have raised."""
        raised: dict[str, int] = {}
        for plan in self.plans:
            for item in plan.items:
                if item.status is ItemStatus.COMPLETED and plan.decided_at >= base.decided_at:
                    for code, levels in item.raises.items():
                        raised[code] = raised.get(code, 0) + levels
        wanted = set(only)
        out = []
        for gap in base.gaps:
            now = gap.current + raised.get(gap.competency, 0)
            if now < gap.required and (not wanted or gap.competency in wanted):
                out.append(Gap(gap.competency, now, gap.required))
        return tuple(out)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    plan: DevelopmentPlan | None = None
    superseded: DevelopmentPlan | None = None


def on_mutation_decided(
    record: PersonRecord,
    move: Move,
    planner: Planner,
    colleagues: Iterable[Colleague],
    mentor_load: Mapping[str, int],
) -> Result:
    """Plan a move; a repeated decision changes nothing; a newer one supersedes and re-plans."""
    if record.plan(move_plan_id(move.decision_id)) is not None:
        return Result(Outcome.DUPLICATE)
    current = record.current_move_plan()
    if current is not None and (move.decided_at, move.decision_id) < (current.decided_at, current.source_id):
        return Result(Outcome.STALE)
    workshop_done = current is not None and any(
        i.purpose is ItemPurpose.CHANGE_MANAGEMENT and i.status is ItemStatus.COMPLETED for i in current.items
    )
    done = frozenset(i.offering_id for i in record.completed())
    plan = planner.plan_move(_credited(move, record), done, workshop_done)
    mentee = Mentee(move.nip, move.target_unit_id, move.target_post_id, move.levels, plan.gaps, move.post_rank)
    plan.mentor = match_mentor(mentee, colleagues, mentor_load, planner.rules.max_mentees_per_mentor)
    for old in record.plans:
        if old.status is PlanStatus.ACTIVE:
            planner.release(old, f"superseded by decision {move.decision_id}")
            old.status, old.superseded_by = PlanStatus.SUPERSEDED, plan.plan_id
    record.plans.append(plan)
    return Result(Outcome.REPLANNED if current else Outcome.PLANNED, plan, current)


def _credited(move: Move, record: PersonRecord) -> Move:
    """Training completed under earlier plans raises the decision's levels: the snapshot a decision carries
    predates it, and nobody should be sent to close a gap they already closed."""
    raised: dict[str, int] = {}
    for item in record.completed():
        for code, levels in item.raises.items():
            raised[code] = raised.get(code, 0) + levels
    if not raised:
        return move
    credited = {
        code: min(MAX_LEVEL, move.levels.get(code, 0) + raised.get(code, 0)) for code in {*move.levels, *raised}
    }
    return replace(move, levels=credited)


def on_move_cancelled(record: PersonRecord, decision_id: str, decided_at: datetime, planner: Planner) -> Result:
    """A superseding decision that cancels the move: release the active plan, plan nothing new."""
    if any(p.superseded_by == f"cancelled:{decision_id}" for p in record.plans):
        return Result(Outcome.DUPLICATE)
    current = record.current_move_plan()
    if current is None or current.status is not PlanStatus.ACTIVE:
        return Result(Outcome.NO_BASELINE)
    if (decided_at, decision_id) < (current.decided_at, current.source_id):
        return Result(Outcome.STALE)
    planner.release(current, f"move cancelled by decision {decision_id}")
    current.status, current.superseded_by = PlanStatus.SUPERSEDED, f"cancelled:{decision_id}"
    return Result(Outcome.CANCELLED, None, current)


def on_follow_up(
    record: PersonRecord, follow_up_id: str, open_gaps: Mapping[str, int], today: date, planner: Planner
) -> Result:
    """An additional plan for what is still open: the levels the evaluation names, or else whatever the
    current plan's gaps still lack after completed training. A repeated recommendation changes nothing."""
    if record.plan(follow_up_plan_id(follow_up_id)) is not None:
        return Result(Outcome.DUPLICATE)
    base = record.current_move_plan()
    if base is None:
        return Result(Outcome.NO_BASELINE)
    if open_gaps:
        required = {g.competency: g.required for g in base.gaps}
        gaps = tuple(
            Gap(code, max(0, required.get(code, levels) - levels), required.get(code, levels))
            for code, levels in sorted(open_gaps.items())
            if levels > 0
        )
    else:
        gaps = record.remaining_gaps(base)
    plan = planner.plan_follow_up(base, follow_up_id, gaps, today, record.offerings_done_or_open())
    if isinstance(base.mentor, MentorMatch):
        plan.mentor = base.mentor
    record.plans.append(plan)
    return Result(Outcome.PLANNED, plan)


def plan_round(
    records: dict[str, PersonRecord],
    moves: Iterable[Move],
    planner: Planner,
    colleagues_by_unit: Mapping[str, list[Colleague]],
    mentor_load: dict[str, int],
) -> list[Result]:
    """Plan many moves at once, first decided first served (see `planning`), keeping mentor loads current."""
    results = []
    for move in sorted(moves, key=lambda m: (m.decided_at, m.decision_id)):
        record = records.setdefault(move.nip, PersonRecord(move.agency_id, move.nip))
        result = on_mutation_decided(
            record, move, planner, colleagues_by_unit.get(move.target_unit_id, []), mentor_load
        )
        if result.superseded is not None and isinstance(result.superseded.mentor, MentorMatch):
            nip = result.superseded.mentor.mentor_nip
            mentor_load[nip] = max(0, mentor_load.get(nip, 0) - 1)
        if result.plan is not None and isinstance(result.plan.mentor, MentorMatch):
            nip = result.plan.mentor.mentor_nip
            mentor_load[nip] = mentor_load.get(nip, 0) + 1
        results.append(result)
    return results
