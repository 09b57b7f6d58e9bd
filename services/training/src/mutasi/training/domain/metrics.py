"""Programme figures over many people: plans, assigned JP, completion, the 20 JP right, open gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mutasi.training.domain.mentor import MentorMatch
from mutasi.training.domain.plan import DevelopmentPlan, ItemStatus, PlanStatus
from mutasi.training.domain.progress import JpEntry, jp_by_year


@dataclass
class Summary:
    """What a BKPSDM dashboard shows for one agency (or one unit) and one calendar year."""

    year: int
    people: int = 0
    plans: int = 0
    plans_active: int = 0
    plans_completed: int = 0
    assigned_jp: int = 0
    items: int = 0
    items_completed: int = 0
    gaps: int = 0
    gaps_covered: int = 0
    uncovered_by_reason: dict[str, int] = field(default_factory=dict)
    people_without_mentor: int = 0
    people_under_minimum: int = 0
    jp_minimum: int = 20

    @property
    def completion_rate(self) -> float:
        return self.items_completed / self.items if self.items else 0.0

    @property
    def gap_coverage(self) -> float:
        return self.gaps_covered / self.gaps if self.gaps else 1.0


def summarize(
    people: Iterable[tuple[str, list[DevelopmentPlan], list[JpEntry]]], year: int, jp_minimum: int
) -> Summary:
    """Superseded plans are left out (their completed items still count in the JP ledger)."""
    summary = Summary(year=year, jp_minimum=jp_minimum)
    for _nip, plans, ledger in people:
        summary.people += 1
        if jp_by_year(ledger).get(year, 0) < jp_minimum:
            summary.people_under_minimum += 1
        live_plans = [p for p in plans if p.status is not PlanStatus.SUPERSEDED]
        if live_plans and not any(isinstance(p.mentor, MentorMatch) for p in live_plans):
            summary.people_without_mentor += 1
        for plan in live_plans:
            summary.plans += 1
            summary.plans_active += plan.status is PlanStatus.ACTIVE
            summary.plans_completed += plan.status is PlanStatus.COMPLETED
            summary.assigned_jp += plan.jp_planned
            summary.items += len(plan.live_items)
            summary.items_completed += sum(i.status is ItemStatus.COMPLETED for i in plan.live_items)
            summary.gaps += len(plan.gaps)
            summary.gaps_covered += len(plan.closed)
            for gap in plan.uncovered:
                summary.uncovered_by_reason[gap.reason.value] = summary.uncovered_by_reason.get(gap.reason.value, 0) + 1
    return summary
