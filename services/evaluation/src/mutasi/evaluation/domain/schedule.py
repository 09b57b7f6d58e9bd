"""Evaluation schedules: checkpoints after the effective date of a move, the baseline, and the HR worklist."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from mutasi.evaluation.domain.errors import FieldError, InvalidInput
from mutasi.evaluation.domain.performance import Predicate


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28 or 29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CheckpointPolicy:
    """When check-ins fall and when HR sees them as due or overdue."""

    # Sawahlunto re-evaluates within 3–4 months, plus annual review (docs/domain.md#evaluation-after-the-move).
    months: tuple[int, ...] = (3, 6, 12)
    lead_days: int = 14
    grace_days: int = 30

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if not self.months or any(m <= 0 for m in self.months):
            errors.append(FieldError("months", "harus bilangan bulan positif", "must be positive month counts"))
        elif list(self.months) != sorted(set(self.months)):
            errors.append(FieldError("months", "harus naik tanpa duplikat", "must be increasing without repeats"))
        if self.lead_days < 0 or self.grace_days < 0:
            errors.append(FieldError("lead_days/grace_days", "tidak boleh negatif", "must not be negative"))
        if errors:
            raise InvalidInput(errors)


@dataclass(frozen=True)
class Checkpoint:
    """One planned check-in."""

    months: int
    due_on: date


class CheckpointState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    RECORDED = "recorded"


@dataclass(frozen=True)
class PeriodPredicate:
    """A predicate for one SKP period (e.g. "2024" or "2025-S1")."""

    period: str
    predicate: Predicate


@dataclass(frozen=True)
class Baseline:
    """What was known before the move: predicates, JPM, and the fit score the decision used."""

    predicates: tuple[PeriodPredicate, ...] = ()
    jpm: float | None = None
    fit_score: float | None = None
    fit_parts: Mapping[str, float] = field(default_factory=dict)
    fit_weights: Mapping[str, float] = field(default_factory=dict)
    gaps: Mapping[str, int] = field(default_factory=dict)  # competency -> levels short of the new post
    jpm_target: float | None = None  # JPM against the new post at decision time

    @property
    def latest_predicate(self) -> Predicate | None:
        if not self.predicates:
            return None
        return max(self.predicates, key=lambda p: p.period).predicate


@dataclass(frozen=True)
class MoveDecided:
    """A placement decision as the evaluation service needs it (translated from `mutation-decided`)."""

    decision_id: str
    agency_id: str
    round_id: str
    nip: str
    effective_date: date
    from_unit_id: str
    to_unit_id: str
    to_post_id: str
    post_type: str
    baseline: Baseline
    to_unit_name: str = ""
    to_post_name: str = ""
    cancelled: bool = False
    supersedes: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)  # fairness dimension -> group (domain.fairness)


class ScheduleChange(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class EvaluationSchedule:
    """One moved person's check-ins for one round, and the evaluation recorded at each."""

    agency_id: str
    round_id: str
    nip: str
    decision_id: str
    effective_date: date
    from_unit_id: str
    to_unit_id: str
    to_post_id: str
    post_type: str
    baseline: Baseline
    checkpoints: tuple[Checkpoint, ...]
    to_unit_name: str = ""
    to_post_name: str = ""
    recorded: Mapping[int, str] = field(default_factory=dict)  # checkpoint months -> evaluation id
    earlier_decisions: tuple[str, ...] = ()
    cancelled: bool = False
    groups: Mapping[str, str] = field(default_factory=dict)  # fairness dimension -> group (domain.fairness)

    def checkpoint(self, months: int) -> Checkpoint | None:
        return next((c for c in self.checkpoints if c.months == months), None)

    def state(self, checkpoint: Checkpoint, today: date, policy: CheckpointPolicy) -> CheckpointState:
        if checkpoint.months in self.recorded:
            return CheckpointState.RECORDED
        if (today - checkpoint.due_on).days > policy.grace_days:
            return CheckpointState.OVERDUE
        if (checkpoint.due_on - today).days <= policy.lead_days:
            return CheckpointState.DUE
        return CheckpointState.UPCOMING

    def with_recorded(self, months: int, evaluation_id: str) -> EvaluationSchedule:
        return replace(self, recorded={**self.recorded, months: evaluation_id})


def plan_checkpoints(effective_date: date, policy: CheckpointPolicy) -> tuple[Checkpoint, ...]:
    """Each checkpoint counted from the effective date itself, so month-end clamping never drifts."""
    return tuple(Checkpoint(m, add_months(effective_date, m)) for m in policy.months)


def apply_decision(
    current: EvaluationSchedule | None, decision: MoveDecided, policy: CheckpointPolicy
) -> tuple[EvaluationSchedule, ScheduleChange]:
    """Opens the schedule, or updates it when a later decision supersedes the one it was built from."""
    if current is not None and (
        decision.decision_id == current.decision_id or decision.decision_id in current.earlier_decisions
    ):  # a redelivery, or a decision already replaced by a later one
        return current, ScheduleChange.UNCHANGED
    schedule = EvaluationSchedule(
        agency_id=decision.agency_id,
        round_id=decision.round_id,
        nip=decision.nip,
        decision_id=decision.decision_id,
        effective_date=decision.effective_date,
        from_unit_id=decision.from_unit_id,
        to_unit_id=decision.to_unit_id,
        to_post_id=decision.to_post_id,
        post_type=decision.post_type,
        baseline=decision.baseline,
        checkpoints=plan_checkpoints(decision.effective_date, policy),
        to_unit_name=decision.to_unit_name,
        to_post_name=decision.to_post_name,
        recorded=dict(current.recorded) if current else {},
        earlier_decisions=_earlier(current, decision),
        cancelled=decision.cancelled,
        groups=dict(decision.groups),
    )
    return schedule, ScheduleChange.OPENED if current is None else ScheduleChange.UPDATED


def _earlier(current: EvaluationSchedule | None, decision: MoveDecided) -> tuple[str, ...]:
    ids = [*current.earlier_decisions, current.decision_id] if current else []
    if decision.supersedes and decision.supersedes not in ids:
        ids.append(decision.supersedes)
    return tuple(ids)


@dataclass(frozen=True)
class WorklistItem:
    """A checkpoint HR has to act on."""

    nip: str
    round_id: str
    to_unit_id: str
    months: int
    due_on: date
    state: CheckpointState
    days_overdue: int


def worklist(schedules: Iterable[EvaluationSchedule], today: date, policy: CheckpointPolicy) -> list[WorklistItem]:
    """Due and overdue checkpoints, most overdue first."""
    items: list[WorklistItem] = []
    for s in schedules:
        if s.cancelled:
            continue
        for c in s.checkpoints:
            state = s.state(c, today, policy)
            if state in (CheckpointState.DUE, CheckpointState.OVERDUE):
                overdue = max(0, (today - c.due_on).days) if state is CheckpointState.OVERDUE else 0
                items.append(WorklistItem(s.nip, s.round_id, s.to_unit_id, c.months, c.due_on, state, overdue))
    return sorted(items, key=lambda i: (i.due_on, i.nip, i.months))
