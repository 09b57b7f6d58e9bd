"""Domain plans and completions turned into the public event payloads training produces."""

from __future__ import annotations

from mutasi.contracts.training import PlannedTraining, TrainingAssignedV1, TrainingCompletedV1
from mutasi.training.domain.mentor import MentorMatch, NoMentor
from mutasi.training.domain.plan import DevelopmentPlan, PlanKind, PlanStatus
from mutasi.training.domain.progress import JpEntry


def training_assigned(
    plan: DevelopmentPlan, replaces: str | None = None, withdrawn: bool = False
) -> TrainingAssignedV1:
    mentor = plan.mentor
    status = "withdrawn" if withdrawn else ("superseded" if plan.status is PlanStatus.SUPERSEDED else "active")
    return TrainingAssignedV1(
        plan_id=plan.plan_id,
        nip=plan.nip,
        decision_id=plan.source_id if plan.kind is PlanKind.MOVE else None,
        follow_up_id=plan.source_id if plan.kind is PlanKind.FOLLOW_UP else None,
        items=[
            PlannedTraining(
                offering_id=i.offering_id,
                title=i.title,
                kind=i.kind,
                jp=i.jp,
                starts_on=i.starts_on,
                competencies=list(i.competencies),
                item_id=i.item_id,
                session_id=i.session_id,
                ends_on=i.ends_on,
                due_on=i.due_on,
                purpose=i.purpose.value,
                provider=i.provider or None,
            )
            for i in ([] if withdrawn else plan.live_items)
        ],
        total_jp=0 if withdrawn else plan.jp_planned,
        mentor_nip=mentor.mentor_nip if isinstance(mentor, MentorMatch) else None,
        uncovered_gaps=[u.competency for u in plan.uncovered],
        gaps={g.competency: g.levels for g in plan.gaps},
        status=status,
        revision=plan.revision,
        replaces_plan_id=replaces,
        effective_date=plan.effective_date,
        unit_id=plan.target_unit_id,
        uncovered_reasons={u.competency: u.reason.value for u in plan.uncovered},
        gap_coverage=round(plan.gap_coverage, 4),
        mentor_reasons=list(mentor.reasons) if isinstance(mentor, MentorMatch) else [],
        no_mentor_reason=mentor.reason.value if isinstance(mentor, NoMentor) else None,
    )


def training_completed(plan: DevelopmentPlan, entry: JpEntry, year_jp: int) -> TrainingCompletedV1:
    item = plan.item(entry.item_id)
    return TrainingCompletedV1(
        plan_id=plan.plan_id,
        nip=plan.nip,
        offering_id=entry.offering_id,
        title=entry.title,
        jp=entry.jp,
        completed_on=entry.completed_on,
        competencies=list(item.competencies) if item else [],
        plan_completed=plan.status is PlanStatus.COMPLETED,
        item_id=entry.item_id,
        year_jp=year_jp,
    )
