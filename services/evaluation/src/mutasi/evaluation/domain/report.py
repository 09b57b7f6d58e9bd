"""The programme report of one round and agency: every number with the count of people behind it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from mutasi.evaluation.domain.disclosure import disclose
from mutasi.evaluation.domain.fairness import FairnessSettings, Outcome, OutcomeFairness, outcome_fairness
from mutasi.evaluation.domain.followup import FollowUp, FollowUpReason
from mutasi.evaluation.domain.learning import LearningPolicy, WeightSuggestion, outcome_score, suggest_weights
from mutasi.evaluation.domain.performance import PREDICATE_ORDER, PredicateScale
from mutasi.evaluation.domain.recording import SURVEY_ITEMS, Evaluation
from mutasi.evaluation.domain.schedule import EvaluationSchedule
from mutasi.evaluation.domain.training import TrainingRecord

FAVOURABLE_MIN = 4  # Likert 4 (setuju) and 5 (sangat setuju)


@dataclass(frozen=True)
class Stat:
    """A number and how many people it rests on; value is None when n is 0 or the group is suppressed."""

    value: float | None
    n: int


def _mean(values: Sequence[float]) -> Stat:
    return Stat(sum(values) / len(values) if values else None, len(values))


@dataclass(frozen=True)
class PerformanceSummary:
    before: dict[str, int]
    after: dict[str, int]
    mean_before: Stat
    mean_after: Stat
    mean_change: Stat  # over people with both a baseline and an evaluation
    improved: int
    unchanged: int
    declined: int


@dataclass(frozen=True)
class TrainingSummary:
    people_with_training: int
    people_completed: int
    completion_rate: Stat  # people who completed all items / people with training
    items_assigned: int
    items_completed: int
    jp_assigned: int
    jp_completed: int


@dataclass(frozen=True)
class SurveyItemStat:
    mean: float | None
    favourable_share: float | None  # share answering 4 or 5
    n: int


@dataclass(frozen=True)
class FeedbackSummary:
    label: str
    group_keys: tuple[str, ...]
    respondents: int
    items: dict[str, SurveyItemStat]


@dataclass(frozen=True)
class GroupReport:
    key: str
    label: str
    moved: int
    evaluated: int
    performance: PerformanceSummary
    training: TrainingSummary
    follow_ups: dict[str, int]


@dataclass(frozen=True)
class ProgrammeReport:
    agency_id: str
    round_id: str
    as_of: date
    min_group_size: int
    moved: int
    evaluated: int
    evaluations: int
    by_checkpoint: dict[int, int]
    survey_response_rate: Stat  # evaluations that came with the employee's survey; n = evaluations
    performance: PerformanceSummary
    feedback: FeedbackSummary | None  # None: fewer respondents than min_group_size
    training: TrainingSummary
    follow_ups: dict[str, int]
    by_unit: list[GroupReport]
    by_post_type: list[GroupReport]
    feedback_by_unit: list[FeedbackSummary]
    feedback_by_post_type: list[FeedbackSummary]
    learning: WeightSuggestion
    fairness: OutcomeFairness
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Person:
    schedule: EvaluationSchedule
    evaluations: tuple[Evaluation, ...]  # by checkpoint
    training: TrainingRecord | None
    follow_ups: tuple[FollowUp, ...]

    @property
    def latest(self) -> Evaluation | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def latest_survey(self) -> Evaluation | None:
        return next((e for e in reversed(self.evaluations) if e.survey is not None), None)


def _outcome(p: _Person) -> Outcome:
    groups = {"unit": p.schedule.to_unit_name or p.schedule.to_unit_id, **p.schedule.groups}
    return Outcome(p.schedule.nip, groups, {e.checkpoint_months: e.predicate for e in p.evaluations})


def _performance(people: Sequence[_Person], scale: PredicateScale) -> PerformanceSummary:
    before = [p.schedule.baseline.latest_predicate for p in people]
    after = [p.latest.predicate if p.latest else None for p in people]
    changes = [scale.score(a) - scale.score(b) for b, a in zip(before, after, strict=True) if a and b]
    return PerformanceSummary(
        before={pr.value: sum(1 for b in before if b is pr) for pr in PREDICATE_ORDER},
        after={pr.value: sum(1 for a in after if a is pr) for pr in PREDICATE_ORDER},
        mean_before=_mean([scale.score(b) for b in before if b]),
        mean_after=_mean([scale.score(a) for a in after if a]),
        mean_change=_mean(changes),
        improved=sum(1 for c in changes if c > 0),
        unchanged=sum(1 for c in changes if c == 0),
        declined=sum(1 for c in changes if c < 0),
    )


def _training(people: Sequence[_Person]) -> TrainingSummary:
    records = [p.training for p in people if p.training is not None and p.training.items]
    done = sum(1 for r in records if r.fully_completed)
    return TrainingSummary(
        people_with_training=len(records),
        people_completed=done,
        completion_rate=Stat(done / len(records) if records else None, len(records)),
        items_assigned=sum(r.assigned_count for r in records),
        items_completed=sum(r.completed_count for r in records),
        jp_assigned=sum(r.jp_assigned for r in records),
        jp_completed=sum(r.jp_completed for r in records),
    )


def _follow_ups(people: Sequence[_Person]) -> dict[str, int]:
    counts = Counter(f.reason.value for p in people for f in p.follow_ups)
    return {r.value: counts.get(r.value, 0) for r in FollowUpReason}


def _feedback(label: str, keys: tuple[str, ...], respondents: Sequence[Evaluation]) -> FeedbackSummary:
    items: dict[str, SurveyItemStat] = {}
    for item in SURVEY_ITEMS:
        answers = [e.survey.answers[item] for e in respondents if e.survey and item in e.survey.answers]
        n = len(answers)
        items[item] = SurveyItemStat(
            sum(answers) / n if n else None,
            sum(1 for a in answers if a >= FAVOURABLE_MIN) / n if n else None,
            n,
        )
    return FeedbackSummary(label, keys, len(respondents), items)


def _response_rate(people: Sequence[_Person]) -> Stat:
    evaluations = [e for p in people for e in p.evaluations]
    answered = sum(1 for e in evaluations if e.survey is not None)
    return Stat(answered / len(evaluations) if evaluations else None, len(evaluations))


def _groups(people: Sequence[_Person], key: Callable[[_Person], str]) -> dict[str, list[_Person]]:
    groups: dict[str, list[_Person]] = {}
    for p in people:
        groups.setdefault(key(p), []).append(p)
    return dict(sorted(groups.items()))


def _group_reports(
    groups: Mapping[str, Sequence[_Person]], labels: Mapping[str, str], scale: PredicateScale, min_size: int
) -> list[GroupReport]:
    """One row per group of at least `min_size` people; smaller groups pooled as the survey pools them (UU
    27/2022: no row may describe fewer than `min_size` people), none at all when everyone together is fewer."""
    out = []
    for shown in disclose(groups, min_size):
        key = shown.keys[0] if not shown.merged else "+".join(shown.keys)
        label = labels.get(key) or key if not shown.merged else f"Gabungan {len(shown.keys)} kelompok kecil"
        g = shown.members
        out.append(
            GroupReport(key, label, len(g), sum(1 for p in g if p.evaluations), _performance(g, scale),
                        _training(g), _follow_ups(g))
        )  # fmt: skip
    return out


def _group_feedback(
    groups: Mapping[str, Sequence[_Person]], labels: Mapping[str, str], min_size: int
) -> list[FeedbackSummary]:
    respondents = {k: [e for p in g if (e := p.latest_survey) is not None] for k, g in groups.items()}
    out = []
    for shown in disclose(respondents, min_size):
        label = labels.get(shown.keys[0]) or shown.keys[0]
        if shown.merged:
            label = f"Gabungan {len(shown.keys)} kelompok kecil"
        out.append(_feedback(label, shown.keys, shown.members))
    return out


def build_report(
    *,
    agency_id: str,
    round_id: str,
    as_of: date,
    schedules: Iterable[EvaluationSchedule],
    evaluations: Iterable[Evaluation],
    training: Mapping[str, TrainingRecord],
    follow_ups: Iterable[FollowUp],
    min_group_size: int = 5,
    scale: PredicateScale | None = None,
    learning_policy: LearningPolicy | None = None,
    fairness: FairnessSettings | None = None,
    checkpoint_months: Sequence[int] = (3, 6, 12),
) -> ProgrammeReport:
    """Builds the report from stored facts; survey numbers only for groups of at least `min_group_size`."""
    scale = scale or PredicateScale()
    learning_policy = learning_policy or LearningPolicy()
    by_id = {e.evaluation_id: e for e in evaluations}
    ups: dict[str, list[FollowUp]] = {}
    for f in follow_ups:
        ups.setdefault(f.nip, []).append(f)
    people: list[_Person] = []
    for s in sorted(schedules, key=lambda s: s.nip):
        if s.cancelled or s.round_id != round_id or s.agency_id != agency_id:
            continue
        evs = tuple(by_id[i] for _, i in sorted(s.recorded.items()) if i in by_id)
        people.append(_Person(s, evs, training.get(s.nip), tuple(ups.get(s.nip, ()))))
    evaluated = [p for p in people if p.evaluations]
    surveyed = [e for p in people if (e := p.latest_survey) is not None]
    notes: list[str] = []
    overall: FeedbackSummary | None = None
    if len(surveyed) >= min_group_size:
        overall = _feedback("Semua responden", ("*",), surveyed)
    elif surveyed:
        notes.append(f"Jawaban survei disembunyikan: {len(surveyed)} responden < {min_group_size}.")
    by_unit = _groups(people, lambda p: p.schedule.to_unit_id)
    unit_labels = {p.schedule.to_unit_id: p.schedule.to_unit_name for p in people}
    by_type = _groups(people, lambda p: p.schedule.post_type)
    samples = [
        (p.schedule.baseline.fit_parts, outcome_score(p.latest, scale, learning_policy))
        for p in evaluated
        if p.latest is not None and p.schedule.baseline.fit_parts
    ]
    weights = next((p.schedule.baseline.fit_weights for p in people if p.schedule.baseline.fit_weights), {})
    return ProgrammeReport(
        agency_id=agency_id,
        round_id=round_id,
        as_of=as_of,
        min_group_size=min_group_size,
        moved=len(people),
        evaluated=len(evaluated),
        evaluations=sum(len(p.evaluations) for p in people),
        by_checkpoint=dict(sorted(Counter(e.checkpoint_months for p in people for e in p.evaluations).items())),
        survey_response_rate=_response_rate(people),
        performance=_performance(people, scale),
        feedback=overall,
        training=_training(people),
        follow_ups=_follow_ups(people),
        by_unit=_group_reports(by_unit, unit_labels, scale, min_group_size),
        by_post_type=_group_reports(by_type, {}, scale, min_group_size),
        feedback_by_unit=_group_feedback(by_unit, unit_labels, min_group_size) if overall else [],
        feedback_by_post_type=_group_feedback(by_type, {}, min_group_size) if overall else [],
        learning=suggest_weights(samples, weights, learning_policy),
        fairness=outcome_fairness(
            (_outcome(p) for p in people), checkpoint_months, fairness or FairnessSettings(min_group=min_group_size)
        ),
        notes=notes,
    )
