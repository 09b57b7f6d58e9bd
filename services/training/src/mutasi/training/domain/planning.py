"""Building and re-building plans: the workshop, the covering choice, sessions and seats.

Seats are scarce and shared. When many people are planned at once they are served in the order
their decisions were taken (`decided_at`, then decision id): first decided, first seated. That
order is the one an ASN can see and check in the SK dates, it never changes after the fact, and a
person re-planned later never takes a seat away from someone already holding it. A cancelled or
superseded item gives its seat back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from mutasi.training.domain.catalogue import Catalogue, Offering, OfferingKind, Session
from mutasi.training.domain.competency import Gap, compute_gaps
from mutasi.training.domain.covering import Candidate, Coverer, CoveringProblem
from mutasi.training.domain.plan import (
    DevelopmentPlan,
    ItemPurpose,
    ItemStatus,
    Move,
    PlanItem,
    PlanKind,
    PlanStatus,
    UncoveredGap,
    UncoveredReason,
    follow_up_plan_id,
    move_plan_id,
)
from mutasi.training.domain.rules import TrainingRules

WORKSHOP_ID = "manajemen-perubahan"  # the built-in workshop used when the catalogue has none


@dataclass
class SeatBook:
    """Seats taken per session; a session's free seats are its capacity minus those taken."""

    taken: dict[str, int] = field(default_factory=dict)

    def free(self, session: Session) -> int:
        return 0 if session.cancelled else session.capacity - self.taken.get(session.session_id, 0)

    def take(self, session_id: str) -> None:
        self.taken[session_id] = self.taken.get(session_id, 0) + 1

    def release(self, session_id: str) -> None:
        self.taken[session_id] = max(0, self.taken.get(session_id, 0) - 1)


@dataclass
class Planner:
    """Builds plans against one catalogue and one seat book."""

    catalogue: Catalogue
    seats: SeatBook
    coverer: Coverer
    rules: TrainingRules

    # ---- sessions ----

    def _session(self, offering: Offering, earliest: date, busy: list[tuple[date, date]]) -> Session | None:
        """The earliest session with a free seat starting on/after `earliest`, preferring no overlap."""
        open_runs = [s for s in offering.sessions if s.starts_on >= earliest and self.seats.free(s) > 0]
        clear = [s for s in open_runs if all(s.ends_on < a or s.starts_on > b for a, b in busy)]
        runs = clear or open_runs
        return min(runs, key=lambda s: (s.starts_on, s.session_id)) if runs else None

    def _available(self, offering: Offering, earliest: date) -> bool:
        return offering.self_paced or self._session(offering, earliest, []) is not None

    def _item(
        self,
        plan: DevelopmentPlan,
        offering: Offering,
        purpose: ItemPurpose,
        earliest: date,
        busy: list[tuple[date, date]],
    ) -> PlanItem:
        session = None if offering.self_paced else self._session(offering, earliest, busy)
        starts: date | None
        ends: date | None
        if session is not None:
            self.seats.take(session.session_id)
            busy.append((session.starts_on, session.ends_on))
            starts, ends, due = session.starts_on, session.ends_on, session.ends_on
        else:
            starts, ends = (earliest, None) if offering.self_paced else (None, None)
            due = earliest + timedelta(days=self.rules.self_paced_days)
        gap_codes = {g.competency for g in plan.gaps}
        return PlanItem(
            item_id=f"{plan.plan_id}.{len(plan.items) + 1}",
            offering_id=offering.offering_id,
            title=offering.title,
            kind=offering.kind.value,
            purpose=purpose,
            competencies=tuple(sorted(c for c in offering.raises if c in gap_codes)),
            raises=dict(offering.raises),
            jp=offering.jp,
            cost=offering.cost,
            session_id=session.session_id if session else None,
            starts_on=starts,
            ends_on=ends,
            due_on=due,
            provider=offering.provider,
        )

    # ---- the workshop ----

    def _workshop(self, plan: DevelopmentPlan, earliest: date, busy: list[tuple[date, date]]) -> PlanItem:
        offerings = sorted(self.catalogue.change_management(), key=lambda o: (o.cost, o.offering_id))
        for offering in offerings:
            if self._available(offering, earliest):
                return self._item(plan, offering, ItemPurpose.CHANGE_MANAGEMENT, earliest, busy)
        rules = self.rules
        raises = dict(offerings[0].raises) if offerings else {}
        gap_codes = {g.competency for g in plan.gaps}
        return PlanItem(
            item_id=f"{plan.plan_id}.{len(plan.items) + 1}",
            offering_id=offerings[0].offering_id if offerings else WORKSHOP_ID,
            title=offerings[0].title if offerings else rules.workshop_title,
            kind=OfferingKind.CHANGE_MANAGEMENT.value,
            purpose=ItemPurpose.CHANGE_MANAGEMENT,
            competencies=tuple(sorted(c for c in raises if c in gap_codes)),
            raises=raises,
            jp=offerings[0].jp if offerings else rules.workshop_jp,
            cost=offerings[0].cost if offerings else rules.workshop_cost,
            session_id=None,
            starts_on=None,
            ends_on=None,
            due_on=earliest + timedelta(days=rules.workshop_due_days),
            note=f"to be scheduled: no session with a free seat from {earliest} ({rules.workshop_source})",
            provider=offerings[0].provider if offerings else "",
        )

    # ---- the covering ----

    def _cover(
        self,
        plan: DevelopmentPlan,
        need: Mapping[str, int],
        earliest: date,
        busy: list[tuple[date, date]],
        exclude: frozenset[str] = frozenset(),
    ) -> None:
        """Add the offerings the coverer chooses for `need`, and list every gap left open with its reason.
        Offerings in `exclude` (already completed, or planned elsewhere for this person) are not offered again."""
        in_plan = {i.offering_id for i in plan.live_items} | exclude
        relevant = [
            o
            for o in self.catalogue.raising_any(need)
            if o.kind is not OfferingKind.CHANGE_MANAGEMENT and o.offering_id not in in_plan
        ]
        available = [o for o in relevant if self._available(o, earliest)]
        problem = CoveringProblem(
            gaps=dict(need),
            candidates=tuple(Candidate(o.offering_id, o.cost, o.jp, dict(o.raises)) for o in available),
            jp_limit=max(0, self.rules.jp_limit_per_person - plan.jp_planned),
            budget=max(0, self.rules.budget_per_person - plan.cost_planned),
        )
        choice = self.coverer.choose(problem)
        plan.optimal = choice.optimal
        for offering_id in choice.chosen:
            offering = self.catalogue.offerings[offering_id]
            plan.items.append(self._item(plan, offering, ItemPurpose.GAP, earliest, busy))
        for code, levels in need.items():
            if code not in choice.closed:
                plan.uncovered.append(UncoveredGap(code, levels, _why_open(code, levels, relevant, available)))

    # ---- whole plans ----

    def plan_move(
        self, move: Move, exclude: frozenset[str] = frozenset(), workshop_done: bool = False
    ) -> DevelopmentPlan:
        """Workshop first (unless already completed under the plan this one supersedes), then the cheapest set
        of offerings closing every closable gap; offerings in `exclude` are not planned again."""
        plan = DevelopmentPlan(
            plan_id=move_plan_id(move.decision_id),
            kind=PlanKind.MOVE,
            source_id=move.decision_id,
            agency_id=move.agency_id,
            nip=move.nip,
            name=move.name,
            target_post_id=move.target_post_id,
            target_post_name=move.target_post_name,
            target_unit_id=move.target_unit_id,
            effective_date=move.effective_date,
            decided_at=move.decided_at,
            levels=dict(move.levels),
            gaps=compute_gaps(move.levels, move.standard),
        )
        busy: list[tuple[date, date]] = []
        if not workshop_done:
            plan.items.append(self._workshop(plan, move.effective_date, busy))
        self._cover(plan, _still_needed(plan), move.effective_date, busy, exclude)
        return plan

    def plan_follow_up(
        self,
        base: DevelopmentPlan,
        recommendation_id: str,
        gaps: Iterable[Gap],
        today: date,
        exclude: frozenset[str] = frozenset(),
    ) -> DevelopmentPlan:
        """An additional plan for the gaps still open after `base`; no second workshop."""
        plan = DevelopmentPlan(
            plan_id=follow_up_plan_id(recommendation_id),
            kind=PlanKind.FOLLOW_UP,
            source_id=recommendation_id,
            agency_id=base.agency_id,
            nip=base.nip,
            name=base.name,
            target_post_id=base.target_post_id,
            target_post_name=base.target_post_name,
            target_unit_id=base.target_unit_id,
            effective_date=max(today, base.effective_date),
            decided_at=base.decided_at,
            levels=base.levels,
            gaps=tuple(gaps),
        )
        self._cover(plan, {g.competency: g.levels for g in plan.gaps}, plan.effective_date, [], exclude)
        return plan

    def release(self, plan: DevelopmentPlan, note: str) -> None:
        """Cancel what has not started and give its seats back (attended and completed items stay)."""
        for item in plan.items:
            if item.status is ItemStatus.PLANNED:
                item.status = ItemStatus.CANCELLED
                item.note = note
                if item.session_id:
                    self.seats.release(item.session_id)

    def replan_cancelled_session(self, plan: DevelopmentPlan, session_id: str, today: date) -> bool:
        """Re-plan after a session is cancelled: the workshop moves to another session, and the gaps the
        cancelled items served are covered again, together with the not-yet-started items serving the
        same gaps (so the new choice is again the cheapest, not a patch on top of the old one)."""
        affected = [i for i in plan.items if i.session_id == session_id and i.status is ItemStatus.PLANNED]
        if not affected or plan.status is not PlanStatus.ACTIVE:
            return False
        touched = {code for i in affected for code in i.competencies}
        for item in affected:
            item.status, item.note = ItemStatus.CANCELLED, f"session {session_id} cancelled"
        for item in plan.items:
            if (
                item.status is ItemStatus.PLANNED
                and item.purpose is ItemPurpose.GAP
                and touched & set(item.competencies)
            ):
                item.status, item.note = ItemStatus.CANCELLED, f"re-planned after session {session_id} was cancelled"
                if item.session_id:
                    self.seats.release(item.session_id)
        earliest = max(today, plan.effective_date)
        busy = [(i.starts_on, i.ends_on) for i in plan.live_items if i.starts_on and i.ends_on]
        if any(i.purpose is ItemPurpose.CHANGE_MANAGEMENT for i in affected):
            plan.items.append(self._workshop(plan, earliest, busy))
        plan.uncovered = []
        self._cover(plan, _still_needed(plan), earliest, busy)
        plan.revision += 1
        return True

    def fill_open(self, plan: DevelopmentPlan, today: date, exclude: frozenset[str] = frozenset()) -> bool:
        """Use what the catalogue has now (new offerings, new sessions, freed seats): schedule a workshop that
        was still to be scheduled, and cover gaps left open. Returns whether the plan changed."""
        if plan.status is not PlanStatus.ACTIVE:
            return False
        earliest = max(today, plan.effective_date)
        busy = [(i.starts_on, i.ends_on) for i in plan.live_items if i.starts_on and i.ends_on]
        changed = False
        for item in list(plan.items):
            unscheduled = item.session_id is None and item.starts_on is None
            if item.purpose is ItemPurpose.CHANGE_MANAGEMENT and item.status is ItemStatus.PLANNED and unscheduled:
                workshop = self._workshop(plan, earliest, busy)
                if workshop.session_id is not None:
                    item.status, item.note = ItemStatus.CANCELLED, "scheduled in a new session"
                    plan.items.append(workshop)
                    changed = True
        if plan.uncovered:
            count = len(plan.items)
            plan.uncovered = []
            self._cover(plan, _still_needed(plan), earliest, busy, exclude)
            changed = changed or len(plan.items) != count
        if changed:
            plan.revision += 1
        return changed


def _still_needed(plan: DevelopmentPlan) -> dict[str, int]:
    """Levels still missing per gap after what the plan's live items raise (e.g. the workshop)."""
    raised: dict[str, int] = {}
    for item in plan.live_items:
        for code, levels in item.raises.items():
            raised[code] = raised.get(code, 0) + levels
    return {
        g.competency: g.levels - raised.get(g.competency, 0)
        for g in plan.gaps
        if raised.get(g.competency, 0) < g.levels
    }


def _why_open(code: str, levels: int, relevant: list[Offering], available: list[Offering]) -> UncoveredReason:
    in_catalogue = sum(o.raises.get(code, 0) for o in relevant)
    if in_catalogue == 0:
        return UncoveredReason.NOT_IN_CATALOGUE
    if in_catalogue < levels:
        return UncoveredReason.INSUFFICIENT_RAISE
    if sum(o.raises.get(code, 0) for o in available) < levels:
        return UncoveredReason.NO_SEAT
    return UncoveredReason.OVER_LIMIT
