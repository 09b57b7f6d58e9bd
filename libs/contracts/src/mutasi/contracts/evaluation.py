"""Payloads the evaluation service produces."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from mutasi.contracts.envelope import Payload


class EvaluationRecordedV1(Payload):
    """A post-move checkpoint was evaluated (no free text, no survey item answers)."""

    evaluation_id: str
    decision_id: str
    nip: str
    checkpoint_month: int = Field(description="Months after the effective date (3, 6, 12 by default).")
    recorded_on: date
    predicate: str = Field(description="SKP predicate for the period.")
    predicate_before: str | None = None
    jpm_before: float | None = None
    jpm_after: float | None = None
    outcome: str = Field(description="improved | stable | declined.")


class FollowUpRecommendedV1(Payload):
    """An evaluation outcome calls for action: re-assessment, more training, re-placement or talent pool."""

    follow_up_id: str
    evaluation_id: str
    decision_id: str | None = None
    nip: str
    reason: str = Field(description="re_assessment | more_training | re_placement | talent_pool.")
    detail: str = Field(description="Why, in Indonesian.")
    competencies: dict[str, int] = Field(default_factory=dict, description="Open gaps, competency -> levels.")
