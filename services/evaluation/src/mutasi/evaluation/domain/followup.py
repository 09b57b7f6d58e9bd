"""Follow-up rules: outcomes of a checkpoint turned into recommendations, each traceable to its evaluation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mutasi.contracts.vocabulary import FollowUpReason as FollowUpReason
from mutasi.evaluation.domain.performance import Predicate, PredicateScale
from mutasi.evaluation.domain.recording import Evaluation, ReviewRecommendation
from mutasi.evaluation.domain.schedule import EvaluationSchedule
from mutasi.evaluation.domain.training import TrainingRecord

FOLLOW_UP_LABELS_ID = {
    FollowUpReason.RE_ASSESSMENT: "Asesmen ulang",
    FollowUpReason.MORE_TRAINING: "Pelatihan tambahan",
    FollowUpReason.RE_PLACEMENT: "Kandidat penempatan ulang (putaran berikut)",
    FollowUpReason.TALENT_POOL: "Kelompok talenta",
}


@dataclass(frozen=True)
class FollowUpRules:
    """Thresholds of the rule table; configuration, because agencies differ."""

    enabled: frozenset[FollowUpReason] = frozenset(FollowUpReason)
    # A drop of at least this many predicate-score points against the baseline triggers re-assessment.
    drop_min_points: float = 1.0
    # Re-assessment JPM below this after training means the gap is still open
    # ("Cukup Optimal" starts at 78%, docs/domain.md#competency-and-jpm, the mapping family [V code, U regulation]).
    gap_open_jpm_below: float = 78.0
    # A Likert answer at or below this on competence fit (employee) or fit to post (supervisor) is poor fit.
    poor_fit_max: int = 2
    poor_fit_repeats: int = 2
    talent_min_predicate: Predicate = Predicate.SANGAT_BAIK
    talent_min_review_mean: float = 4.0
    # "Optimal" ≥90% (docs/domain.md#competency-and-jpm); only checked when a re-assessment JPM was recorded.
    talent_min_jpm: float = 90.0
    # One recommendation per reason and move: a reason already recommended at an earlier checkpoint of the same
    # decision is not sent again (subscribers act once), unless repeats are switched on.
    repeat_follow_ups: bool = False


@dataclass(frozen=True)
class FollowUp:
    """A recommendation; `evaluation_id` is the evaluation that caused it."""

    follow_up_id: str
    evaluation_id: str
    decision_id: str
    agency_id: str
    round_id: str
    nip: str
    reason: FollowUpReason
    detail: str  # Indonesian, for people and for the event
    detail_en: str
    competencies: Mapping[str, int] = field(default_factory=dict)  # competency -> levels still short
    for_next_round: bool = False


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at."""

    evaluation: Evaluation
    schedule: EvaluationSchedule
    earlier: Sequence[Evaluation]  # earlier checkpoints of the same schedule
    training: TrainingRecord | None
    rules: FollowUpRules
    scale: PredicateScale = field(default_factory=PredicateScale)
    already_recommended: frozenset[FollowUpReason] = frozenset()  # earlier checkpoints of the same decision

    def gap_levels(self, competencies: Iterable[str]) -> dict[str, int]:
        """Levels short per competency: training's gap analysis first, then the decision's, else 1."""
        known = {**self.schedule.baseline.gaps, **(self.training.gaps if self.training else {})}
        return {c: max(1, known.get(c, 1)) for c in sorted(competencies)}


@dataclass(frozen=True)
class Finding:
    """What a rule found."""

    detail: str
    detail_en: str
    competencies: Mapping[str, int] = field(default_factory=dict)


def _performance_rule(ctx: RuleContext) -> Finding | None:
    ev, scale = ctx.evaluation, ctx.scale
    before = ctx.schedule.baseline.latest_predicate
    now = ev.predicate.value
    if before is not None and scale.score(before) - scale.score(ev.predicate) >= ctx.rules.drop_min_points:
        return Finding(
            f"Predikat turun dari {before.value} ke {now}.", f"Predicate dropped from {before.value} to {now}."
        )
    if not scale.meets_expectation(ev.predicate):
        earlier_below = [e for e in ctx.earlier if not scale.meets_expectation(e.predicate)]
        if earlier_below or (before is not None and not scale.meets_expectation(before)):
            return Finding(f"Predikat tetap di bawah ekspektasi ({now}).", f"Stayed below expectation ({now}).")
        return Finding(f"Predikat di bawah ekspektasi ({now}).", f"Below expectation ({now}).")
    return None


def _training_gap_rule(ctx: RuleContext) -> Finding | None:
    if ctx.training is None:
        return None
    trained = ctx.training.completed_competencies(on_or_before=ctx.evaluation.recorded_on)
    if not trained:
        return None
    still_lacking = trained & set(ctx.evaluation.review.competencies_lacking)
    if still_lacking:
        names = ", ".join(sorted(still_lacking))
        return Finding(
            f"Kesenjangan kompetensi masih terbuka setelah pelatihan: {names}.",
            f"Competency gap still open after training: {names}.",
            ctx.gap_levels(still_lacking),
        )
    jpm, floor = ctx.evaluation.jpm, ctx.rules.gap_open_jpm_below
    if jpm is not None and jpm < floor:
        return Finding(
            f"JPM asesmen ulang {jpm:.1f}% di bawah {floor:.0f}% setelah pelatihan.",
            f"Re-assessment JPM {jpm:.1f}% below {floor:.0f}% after training.",
            ctx.gap_levels(trained),
        )
    return None


def _poor_fit(ev: Evaluation, rules: FollowUpRules) -> bool:
    survey_fit = ev.survey.answers.get("competence_fit") if ev.survey else None
    return (
        ev.review.recommendation is ReviewRecommendation.RECONSIDER_PLACEMENT
        or ev.review.scores.get("fit_to_post", rules.poor_fit_max + 1) <= rules.poor_fit_max
        or (survey_fit is not None and survey_fit <= rules.poor_fit_max)
    )


def _re_placement_rule(ctx: RuleContext) -> Finding | None:
    if not _poor_fit(ctx.evaluation, ctx.rules):
        return None
    poor = sorted({e.checkpoint_months for e in (*ctx.earlier, ctx.evaluation) if _poor_fit(e, ctx.rules)})
    if len(poor) < ctx.rules.poor_fit_repeats:
        return None
    months = ", ".join(str(m) for m in poor)
    return Finding(
        f"Tidak cocok berulang pada checkpoint {months} bulan; kandidat penempatan ulang putaran berikut.",
        f"Repeated poor fit at the {months}-month checkpoints; re-placement candidate for the next round.",
    )


def _talent_rule(ctx: RuleContext) -> Finding | None:
    ev, rules, scale = ctx.evaluation, ctx.rules, ctx.scale
    if scale.score(ev.predicate) < scale.score(rules.talent_min_predicate):
        return None
    if ev.review.mean < rules.talent_min_review_mean:
        return None
    if ev.jpm is not None and ev.jpm < rules.talent_min_jpm:
        return None
    return Finding(
        f"Hasil kuat: {ev.predicate.value}, ulasan atasan {ev.review.mean:.1f}/5.",
        f"Strong outcome: {ev.predicate.value}, supervisor review {ev.review.mean:.1f}/5.",
    )


@dataclass(frozen=True)
class FollowUpRule:
    """A named rule of the table."""

    reason: FollowUpReason
    check: Callable[[RuleContext], Finding | None]


RULE_TABLE: tuple[FollowUpRule, ...] = (
    FollowUpRule(FollowUpReason.RE_ASSESSMENT, _performance_rule),
    FollowUpRule(FollowUpReason.MORE_TRAINING, _training_gap_rule),
    FollowUpRule(FollowUpReason.RE_PLACEMENT, _re_placement_rule),
    FollowUpRule(FollowUpReason.TALENT_POOL, _talent_rule),
)


def recommend_follow_ups(ctx: RuleContext) -> list[FollowUp]:
    """Runs every enabled rule; ids derive from the evaluation so a re-run yields the same follow-ups."""
    ev = ctx.evaluation
    out: list[FollowUp] = []
    for rule in RULE_TABLE:
        if rule.reason not in ctx.rules.enabled:
            continue
        if rule.reason in ctx.already_recommended and not ctx.rules.repeat_follow_ups:
            continue
        finding = rule.check(ctx)
        if finding is not None:
            out.append(
                FollowUp(
                    follow_up_id=f"{ev.evaluation_id}-{rule.reason.value}",
                    evaluation_id=ev.evaluation_id,
                    decision_id=ev.decision_id,
                    agency_id=ev.agency_id,
                    round_id=ev.round_id,
                    nip=ev.nip,
                    reason=rule.reason,
                    detail=finding.detail,
                    detail_en=finding.detail_en,
                    competencies=dict(finding.competencies),
                    for_next_round=rule.reason is FollowUpReason.RE_PLACEMENT,
                )
            )
    return out
