"""HTTP request bodies; values are kept loose so the domain can say which field is wrong and why."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from mutasi.contracts.values import Nip
from mutasi.evaluation.domain.recording import RecordEvaluation


class ReviewIn(BaseModel):
    """The new supervisor's short structured review."""

    scores: dict[str, Any] = Field(
        description="1–5 each: work_quality, adaptation, collaboration, fit_to_post.",
        examples=[{"work_quality": 4, "adaptation": 4, "collaboration": 5, "fit_to_post": 4}],
    )
    recommendation: str | None = Field(None, description="continue | coaching | reconsider_placement.")
    competencies_lacking: list[str] = Field(default_factory=list, description="Competency codes still lacking.")
    note: str | None = Field(None, description="Free text; stored, never published.")


class SurveyIn(BaseModel):
    """The employee's pulse survey (Likert 1–5)."""

    answers: dict[str, Any] = Field(
        description="role_clarity, competence_fit, supervisor_support, training_usefulness, motivation, "
        "confidence, intent_to_stay."
    )
    free_text: str | None = Field(None, description="Optional; visible only to the employee, never published.")


class EvaluationIn(BaseModel):
    """One checkpoint's evaluation."""

    nip: Nip = Field(description="NIP of the moved employee.")
    round_id: str | None = Field(None, description="Round; needed only when the person moved in several rounds.")
    checkpoint_months: int = Field(description="Which checkpoint: 3, 6 or 12 by default.")
    recorded_on: date = Field(description="Date of the evaluation.")
    period: str = Field(description="SKP period the predicate covers, e.g. 2026-Q3 or 2026.")
    hasil_kerja: str | None = Field(None, description="di_atas | sesuai | di_bawah (SKP matrix input).")
    perilaku_kerja: str | None = Field(None, description="di_atas | sesuai | di_bawah (SKP matrix input).")
    predicate: str | None = Field(None, description="SKP predicate, if given instead of (or with) the ratings.")
    jpm: float | None = Field(None, description="Re-assessment Job-Person Match %, optional.")
    review: ReviewIn
    survey: SurveyIn | None = Field(None, description="Absent when the employee did not answer.")

    def command(self, recorded_by: str) -> RecordEvaluation:
        return RecordEvaluation(
            nip=self.nip,
            checkpoint_months=self.checkpoint_months,
            recorded_on=self.recorded_on,
            period=self.period,
            hasil_kerja=self.hasil_kerja,
            perilaku_kerja=self.perilaku_kerja,
            predicate=self.predicate,
            jpm=self.jpm,
            review_scores=self.review.scores,
            review_recommendation=self.review.recommendation,
            competencies_lacking=tuple(self.review.competencies_lacking),
            review_note=self.review.note,
            survey_answers=self.survey.answers if self.survey else None,
            survey_free_text=self.survey.free_text if self.survey else None,
            recorded_by=recorded_by,
        )
