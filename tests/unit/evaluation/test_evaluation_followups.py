"""Follow-up rules: one test per rule, plus traceability and idempotence."""

from __future__ import annotations

from datetime import timedelta

from mutasi.evaluation.domain.followup import FollowUpReason, FollowUpRules, RuleContext, recommend_follow_ups
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import Evaluation
from mutasi.evaluation.domain.schedule import EvaluationSchedule
from mutasi.evaluation.domain.training import TrainingRecord
from tests.unit.evaluation.evaluation_factories import evaluate, schedule, survey

RULES = FollowUpRules()


def reasons(
    ev: Evaluation,
    s: EvaluationSchedule,
    earlier: tuple[Evaluation, ...] = (),
    training: TrainingRecord | None = None,
    rules: FollowUpRules = RULES,
) -> set[FollowUpReason]:
    return {f.reason for f in recommend_follow_ups(RuleContext(ev, s, earlier, training, rules))}


def trained(s: EvaluationSchedule, competencies: tuple[str, ...]) -> TrainingRecord:
    record = TrainingRecord("sawahlunto", s.nip).assign("t1", competencies, 20)
    return record.complete("t1", s.effective_date + timedelta(days=30))


def test_a_good_checkpoint_after_a_good_baseline_needs_no_follow_up() -> None:
    s = schedule(before=Predicate.BAIK)
    assert reasons(evaluate(s), s) == set()


def test_a_drop_from_the_baseline_predicate_recommends_re_assessment() -> None:
    s = schedule(before=Predicate.SANGAT_BAIK)
    ups = recommend_follow_ups(RuleContext(evaluate(s), s, (), None, RULES))  # Baik < Sangat Baik
    assert [u.reason for u in ups] == [FollowUpReason.RE_ASSESSMENT]
    assert "Predikat turun dari Sangat Baik ke Baik" in ups[0].detail


def test_staying_below_expectation_recommends_re_assessment() -> None:
    s = schedule(before=None)
    first = evaluate(s, 3, predicate="Butuh Perbaikan")
    second = evaluate(s, 6, predicate="Butuh Perbaikan")
    ups = recommend_follow_ups(RuleContext(second, s, (first,), None, RULES))
    assert [u.reason for u in ups] == [FollowUpReason.RE_ASSESSMENT]
    assert "tetap di bawah ekspektasi" in ups[0].detail


def test_a_gap_named_by_the_supervisor_after_training_on_it_recommends_more_training() -> None:
    s = schedule()
    ev = evaluate(s, lacking=("komunikasi", "informatika"))
    ups = recommend_follow_ups(RuleContext(ev, s, (), trained(s, ("informatika",)), RULES))
    assert [(u.reason, u.competencies) for u in ups] == [(FollowUpReason.MORE_TRAINING, {"informatika": 1})]


def test_a_gap_without_completed_training_is_not_yet_a_more_training_case() -> None:
    s = schedule()
    pending = TrainingRecord("sawahlunto", s.nip).assign("t1", ("informatika",), 20)
    assert reasons(evaluate(s, lacking=("informatika",)), s, training=pending) == set()


def test_a_low_re_assessment_jpm_after_training_recommends_more_training_on_the_trained_competencies() -> None:
    s = schedule()
    training = trained(s, ("komunikasi",)).with_gaps({"komunikasi": 2})
    ups = recommend_follow_ups(RuleContext(evaluate(s, jpm=70.0), s, (), training, RULES))
    assert [(u.reason, u.competencies) for u in ups] == [(FollowUpReason.MORE_TRAINING, {"komunikasi": 2})]


def test_poor_fit_once_is_not_enough_for_re_placement() -> None:
    s = schedule()
    assert reasons(evaluate(s, 3, answers=survey(competence_fit=1)), s) == set()


def test_repeated_poor_fit_makes_the_person_a_re_placement_candidate_for_the_next_round() -> None:
    s = schedule()
    first = evaluate(s, 3, answers=survey(competence_fit=2))
    second = evaluate(s, 6, fit_to_post=1)
    ups = recommend_follow_ups(RuleContext(second, s, (first,), None, RULES))
    assert [u.reason for u in ups] == [FollowUpReason.RE_PLACEMENT]
    assert ups[0].for_next_round
    assert "3, 6" in ups[0].detail


def test_a_strong_outcome_flags_the_talent_pool() -> None:
    s = schedule()
    assert reasons(evaluate(s, hasil="di_atas", perilaku="di_atas", review=5), s) == {FollowUpReason.TALENT_POOL}


def test_a_strong_predicate_with_a_low_re_assessment_jpm_is_not_talent_pool() -> None:
    s = schedule()
    assert reasons(evaluate(s, hasil="di_atas", perilaku="di_atas", review=5, jpm=85.0), s) == set()


def test_disabled_rules_do_not_fire() -> None:
    s = schedule(before=Predicate.SANGAT_BAIK)
    rules = FollowUpRules(enabled=frozenset({FollowUpReason.TALENT_POOL}))
    assert reasons(evaluate(s), s, rules=rules) == set()


def test_each_follow_up_is_traceable_to_its_evaluation_and_the_same_on_a_re_run() -> None:
    s = schedule(before=Predicate.SANGAT_BAIK)
    ev = evaluate(s)
    first = recommend_follow_ups(RuleContext(ev, s, (), None, RULES))
    again = recommend_follow_ups(RuleContext(ev, s, (), None, RULES))
    assert first == again
    assert first[0].evaluation_id == ev.evaluation_id
    assert first[0].follow_up_id == f"{ev.evaluation_id}-re_assessment"


def test_a_reason_already_recommended_for_the_same_move_is_not_sent_again() -> None:
    s = schedule()
    strong = evaluate(s, 6, hasil="di_atas", perilaku="di_atas", review=5)
    ctx = RuleContext(strong, s, (), None, RULES, already_recommended=frozenset({FollowUpReason.TALENT_POOL}))
    assert recommend_follow_ups(ctx) == []
    repeat = FollowUpRules(repeat_follow_ups=True)
    ctx = RuleContext(strong, s, (), None, repeat, already_recommended=frozenset({FollowUpReason.TALENT_POOL}))
    assert [f.reason for f in recommend_follow_ups(ctx)] == [FollowUpReason.TALENT_POOL]
