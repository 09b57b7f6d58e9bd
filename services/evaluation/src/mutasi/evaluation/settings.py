"""Settings of the evaluation service (env prefix MUTASI_EVALUATION_); every number has its source."""

from __future__ import annotations

from pydantic import Field

from mutasi.chassis.settings import ServiceSettings, service_settings_config
from mutasi.evaluation.domain.followup import FollowUpReason, FollowUpRules
from mutasi.evaluation.domain.learning import LearningPolicy
from mutasi.evaluation.domain.performance import Predicate, PredicateScale
from mutasi.evaluation.domain.schedule import CheckpointPolicy
from mutasi.evaluation.service_layer.config import EvaluationConfig


class EvaluationSettings(ServiceSettings):
    """Checkpoints, follow-up thresholds, reporting and learning; read only by the composition root."""

    model_config = service_settings_config("evaluation")

    service_name: str = Field("evaluation", description="Service name.")
    http_port: int = Field(8004, description="HTTP port.")
    checkpoint_months: list[int] = Field(
        [3, 6, 12],
        description="Checkpoints in months after the effective date. Sawahlunto re-evaluates within 3–4 months "
        "plus an annual review (docs/domain.md#evaluation-after-the-move).",
    )
    checkpoint_lead_days: int = Field(
        14, description="A checkpoint is listed as due (and may be recorded) this many days before its date."
    )
    checkpoint_grace_days: int = Field(30, description="Days after its date before a checkpoint counts as overdue.")
    min_group_size: int = Field(
        5, description="Survey answers are shown only for groups of at least this many respondents (UU 27/2022)."
    )
    fairness_flag_ratio: float = Field(
        0.8,
        gt=0,
        le=1,
        description="A group whose favourable-outcome rate at a checkpoint is under this share of the best group's "
        "is flagged in the programme report (four-fifths rule, 29 CFR 1607.4(D)); informs, decides nothing.",
    )
    predicate_scores: dict[str, float] = Field(
        {"Sangat Baik": 100, "Baik": 80, "Butuh Perbaikan": 60, "Kurang/Misconduct": 40, "Sangat Kurang": 20},
        description="Score per SKP predicate for means and changes (one implementation's talent scoring, "
        "docs/domain.md#performance-predicate [P]).",
    )
    expected_predicate: str = Field(
        "Baik", description="Lowest predicate that meets expectation (PERF_2Y_BAIK, Perban 5/2019)."
    )
    follow_up_rules: list[str] = Field(
        [r.value for r in FollowUpReason],
        description="Enabled rules: re_assessment more_training re_placement talent_pool.",
    )
    drop_min_points: float = Field(
        1.0, description="Predicate-score drop against the baseline that asks for re-assessment."
    )
    gap_open_jpm_below: float = Field(
        78.0,
        description="Re-assessment JPM below this after training keeps the gap open ('Cukup Optimal' starts at 78%, "
        "docs/domain.md#competency-and-jpm [V code, U regulation]).",
    )
    poor_fit_max: int = Field(
        2, description="Likert answer at or below this on fit (employee or supervisor) is poor fit."
    )
    poor_fit_repeats: int = Field(2, description="Poor-fit checkpoints that make a re-placement candidate.")
    talent_min_predicate: str = Field("Sangat Baik", description="Lowest predicate for the talent-pool flag.")
    talent_min_review_mean: float = Field(4.0, description="Lowest supervisor review mean (1–5) for the talent pool.")
    talent_min_jpm: float = Field(
        90.0,
        description="Lowest re-assessment JPM for the talent pool when one is recorded ('Optimal').",
    )
    learning_min_samples: int = Field(10, description="Outcomes needed before weights are suggested.")
    learning_prior_strength: float = Field(
        30.0, description="Pseudo-outcomes pulling suggested weights towards the current ones."
    )
    metrics_refresh_s: float = Field(60.0, description="Seconds between refreshes of the due/overdue gauges; 0 = off.")

    def config(self) -> EvaluationConfig:
        scores = {Predicate(k): float(v) for k, v in self.predicate_scores.items()}
        return EvaluationConfig(
            policy=CheckpointPolicy(
                tuple(self.checkpoint_months), self.checkpoint_lead_days, self.checkpoint_grace_days
            ),
            rules=FollowUpRules(
                enabled=frozenset(FollowUpReason(r) for r in self.follow_up_rules),
                drop_min_points=self.drop_min_points,
                gap_open_jpm_below=self.gap_open_jpm_below,
                poor_fit_max=self.poor_fit_max,
                poor_fit_repeats=self.poor_fit_repeats,
                talent_min_predicate=Predicate(self.talent_min_predicate),
                talent_min_review_mean=self.talent_min_review_mean,
                talent_min_jpm=self.talent_min_jpm,
            ),
            scale=PredicateScale(scores, Predicate(self.expected_predicate)),
            learning=LearningPolicy(min_samples=self.learning_min_samples, prior_strength=self.learning_prior_strength),
            min_group_size=self.min_group_size,
            fairness_flag_ratio=self.fairness_flag_ratio,
        )
