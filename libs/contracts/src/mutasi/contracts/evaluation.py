"""Payloads the evaluation service produces."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mutasi.contracts.envelope import Payload
from mutasi.contracts.values import LevelGap, Nip, RecentDate
from mutasi.contracts.vocabulary import FollowUpReasonName, PredicateName


class EvaluationRecordedV1(Payload):
    """A post-move checkpoint was evaluated (no free text, no survey item answers)."""

    evaluation_id: str
    decision_id: str
    nip: Nip
    checkpoint_month: int = Field(ge=1, le=120, description="Months after the effective date (3, 6, 12 by default).")
    recorded_on: RecentDate
    predicate: PredicateName = Field(description="SKP predicate for the period.")
    predicate_before: PredicateName | None = None
    jpm_before: float | None = None
    jpm_after: float | None = None
    outcome: Literal["improved", "stable", "declined"] = Field(description="Performance against before the move.")


class FollowUpRecommendedV1(Payload):
    """An evaluation outcome calls for action: re-assessment, more training, re-placement or talent pool."""

    follow_up_id: str
    evaluation_id: str
    decision_id: str | None = None
    nip: Nip
    reason: FollowUpReasonName = Field(
        description="re_assessment (assessment acts on it) | more_training (training) | re_placement | talent_pool."
    )
    detail: str = Field(description="Why, in Indonesian.")
    competencies: dict[str, LevelGap] = Field(default_factory=dict, description="Open gaps, competency -> levels.")
