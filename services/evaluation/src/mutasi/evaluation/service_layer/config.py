"""The rule configuration the use cases run with (built from settings by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mutasi.evaluation.domain.fairness import FairnessSettings
from mutasi.evaluation.domain.followup import FollowUpRules
from mutasi.evaluation.domain.learning import LearningPolicy
from mutasi.evaluation.domain.performance import PredicateScale
from mutasi.evaluation.domain.schedule import CheckpointPolicy


@dataclass(frozen=True)
class EvaluationConfig:
    policy: CheckpointPolicy = field(default_factory=CheckpointPolicy)
    rules: FollowUpRules = field(default_factory=FollowUpRules)
    scale: PredicateScale = field(default_factory=PredicateScale)
    learning: LearningPolicy = field(default_factory=LearningPolicy)
    min_group_size: int = 5
    fairness_flag_ratio: float = FairnessSettings.flag_ratio
