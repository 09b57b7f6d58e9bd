"""What the HTTP API answers on success (wire models for the OpenAPI document, checked on the way out)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from mutasi.chassis.http import Answer


class Review(Answer):
    scores: dict[str, int] = Field(description="Supervisor's score per aspect (work_quality, adaptation, ...).")
    recommendation: str
    competencies_lacking: list[str]
    note: str | None


class Survey(Answer):
    answers: dict[str, int] = Field(description="Likert answer per survey item.")
    free_text: str | None


class EvaluationAnswer(Answer):
    evaluation_id: str
    nip: str
    round_id: str
    decision_id: str
    checkpoint_months: int
    period: str
    recorded_on: date
    predicate: str = Field(description="Predikat kinerja")
    hasil_kerja: str | None
    perilaku_kerja: str | None
    jpm: float | None
    review: Review
    survey_answered: bool
    survey: Survey | None = Field(None, description="Only in the employee's own view.")


class FollowUpAnswer(Answer):
    follow_up_id: str
    evaluation_id: str
    decision_id: str
    nip: str
    round_id: str
    reason: str = Field(description="re_assessment, more_training, re_placement or talent_pool")
    detail: str
    detail_en: str
    competencies: dict[str, int] = Field(description="Competency → levels still missing.")
    for_next_round: bool


class Recorded(Answer):
    created: bool = Field(description="False when the same evaluation was already recorded.")
    evaluation: EvaluationAnswer
    follow_ups: list[FollowUpAnswer]


class PredicateOf(Answer):
    period: str
    predicate: str


class Baseline(Answer):
    predicates: list[PredicateOf]
    latest_predicate: str | None
    jpm: float | None
    fit_score: float | None
    fit_parts: dict[str, float]
    fit_weights: dict[str, float]
    gaps: dict[str, int]
    jpm_target: float | None


class CheckpointState(Answer):
    months: int
    due_on: date
    state: str = Field(description="upcoming, due, overdue or recorded")
    evaluation_id: str | None


class ScheduleAnswer(Answer):
    nip: str
    round_id: str
    decision_id: str
    effective_date: date
    to_unit_id: str
    to_unit_name: str
    to_post_id: str
    to_post_name: str
    post_type: str
    cancelled: bool
    baseline: Baseline
    checkpoints: list[CheckpointState]


class DueCheckpoint(Answer):
    nip: str
    round_id: str
    to_unit_id: str
    checkpoint_months: int
    due_on: date
    state: str = Field(description="due or overdue")
    days_overdue: int


class MySurvey(Answer):
    round_id: str
    decision_id: str
    checkpoint_months: int
    answered_on: date
    answers: dict[str, int] = Field(description="Likert answer (1–5) per survey item.")
    free_text: str | None


class SurveyItem(Answer):
    item: str
    label_id: str = Field(description="The statement as the employee reads it (Indonesian).")


class MyEvaluations(Answer):
    schedules: list[ScheduleAnswer]
    evaluations: list[EvaluationAnswer]
    surveys: list[MySurvey] = Field(
        description="My own survey answers not yet carried by an evaluation, and those carried."
    )
    survey_items: list[SurveyItem] = Field(description="The survey's items in order, for a form.")
