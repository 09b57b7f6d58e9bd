"""Builders of domain objects for the evaluation unit tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import SURVEY_ITEMS, Evaluation, RecordEvaluation, validate_evaluation
from mutasi.evaluation.domain.schedule import (
    Baseline,
    CheckpointPolicy,
    EvaluationSchedule,
    MoveDecided,
    PeriodPredicate,
    apply_decision,
)

POLICY = CheckpointPolicy()
AGENCY = "sawahlunto"


def decision(
    nip: str = "198001012005011001",
    *,
    decision_id: str | None = None,
    effective: date = date(2026, 1, 31),
    unit: str = "diskominfo",
    post_type: str = "pelaksana",
    before: Predicate | None = Predicate.BAIK,
    fit_parts: Mapping[str, float] | None = None,
    round_id: str = "2026-1",
    groups: Mapping[str, str] | None = None,
) -> MoveDecided:
    predicates = (PeriodPredicate("2025", before),) if before else ()
    return MoveDecided(
        decision_id=decision_id or f"d-{nip}",
        agency_id=AGENCY,
        round_id=round_id,
        nip=nip,
        effective_date=effective,
        from_unit_id="setda",
        to_unit_id=unit,
        to_post_id=f"{unit}-p1",
        post_type=post_type,
        baseline=Baseline(
            predicates=predicates, jpm=80.0, fit_score=0.7, fit_parts=dict(fit_parts or {}), jpm_target=88.0
        ),
        to_unit_name=unit.upper(),
        groups=dict(groups or {}),
    )


def schedule(**kwargs: Any) -> EvaluationSchedule:
    return apply_decision(None, decision(**kwargs), POLICY)[0]


def survey(value: int = 4, **overrides: int) -> dict[str, int]:
    return {item: overrides.get(item, value) for item in SURVEY_ITEMS}


def command(
    s: EvaluationSchedule,
    months: int = 3,
    *,
    predicate: str | None = None,
    hasil: str | None = "sesuai",
    perilaku: str | None = "sesuai",
    review: int = 4,
    fit_to_post: int | None = None,
    recommendation: str = "continue",
    lacking: tuple[str, ...] = (),
    jpm: float | None = None,
    answers: dict[str, int] | None = None,
    free_text: str | None = None,
) -> RecordEvaluation:
    cp = s.checkpoint(months)
    return RecordEvaluation(
        nip=s.nip,
        checkpoint_months=months,
        recorded_on=cp.due_on if cp else s.effective_date,
        period=f"m{months}",
        hasil_kerja=None if predicate else hasil,
        perilaku_kerja=None if predicate else perilaku,
        predicate=predicate,
        jpm=jpm,
        review_scores={
            "work_quality": review,
            "adaptation": review,
            "collaboration": review,
            "fit_to_post": fit_to_post if fit_to_post is not None else review,
        },
        review_recommendation=recommendation,
        competencies_lacking=lacking,
        survey_answers=answers,
        survey_free_text=free_text,
    )


def evaluate(s: EvaluationSchedule, months: int = 3, **kwargs: Any) -> Evaluation:
    return validate_evaluation(command(s, months, **kwargs), s, POLICY, AGENCY)
