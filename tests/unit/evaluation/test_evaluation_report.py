"""Programme report arithmetic on a set small enough to check by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mutasi.evaluation.domain.followup import FollowUpRules, RuleContext, recommend_follow_ups
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import register
from mutasi.evaluation.domain.report import ProgrammeReport, build_report
from mutasi.evaluation.domain.training import TrainingRecord
from tests.unit.evaluation.evaluation_factories import AGENCY, evaluate, schedule, survey

DONE = date(2026, 3, 1)


def hand_set(min_group_size: int = 5) -> ProgrammeReport:
    """A: Baik → Sangat Baik; B: Baik → Butuh Perbaikan; C: Sangat Baik → Sangat Baik; D: Baik, not evaluated."""
    a = schedule(nip="A", unit="u1", post_type="pelaksana", before=Predicate.BAIK)
    b = schedule(nip="B", unit="u1", post_type="pelaksana", before=Predicate.BAIK)
    c = schedule(nip="C", unit="u2", post_type="pengawas", before=Predicate.SANGAT_BAIK)
    d = schedule(nip="D", unit="u2", post_type="pengawas", before=Predicate.BAIK)
    ea = evaluate(a, hasil="di_atas", perilaku="di_atas", answers=survey(5))
    eb = evaluate(b, hasil="di_bawah", perilaku="sesuai", answers=survey(2))
    ec = evaluate(c, hasil="di_atas", perilaku="di_atas", answers=survey(4), review=3)
    schedules = [register(s, e, None)[0] for s, e in ((a, ea), (b, eb), (c, ec))] + [d]
    training = {
        "A": TrainingRecord(AGENCY, "A").assign("t1", ("x",), 20).complete("t1", DONE),
        "B": TrainingRecord(AGENCY, "B").assign("t1", ("x",), 10).assign("t2", ("y",), 10).complete("t2", DONE),
    }
    follow_ups = [
        f
        for s, e in zip(schedules, (ea, eb, ec), strict=False)
        for f in recommend_follow_ups(RuleContext(e, s, (), training.get(s.nip), FollowUpRules()))
    ]
    return build_report(
        agency_id=AGENCY,
        round_id="2026-1",
        as_of=DONE + timedelta(days=200),
        schedules=schedules,
        evaluations=[ea, eb, ec],
        training=training,
        follow_ups=follow_ups,
        min_group_size=min_group_size,
    )


def test_moved_and_evaluated_count_people() -> None:
    r = hand_set()
    assert (r.moved, r.evaluated, r.evaluations, r.by_checkpoint) == (4, 3, 3, {3: 3})


def test_performance_before_and_after_carry_their_counts() -> None:
    p = hand_set().performance
    assert p.before == {"Sangat Baik": 1, "Baik": 3, "Butuh Perbaikan": 0, "Kurang/Misconduct": 0, "Sangat Kurang": 0}
    assert p.after == {"Sangat Baik": 2, "Baik": 0, "Butuh Perbaikan": 1, "Kurang/Misconduct": 0, "Sangat Kurang": 0}
    assert (p.mean_before.value, p.mean_before.n) == (85.0, 4)
    assert p.mean_after.value == pytest.approx(260 / 3)
    assert p.mean_after.n == 3
    assert (p.mean_change.value, p.mean_change.n) == (0.0, 3)
    assert (p.improved, p.unchanged, p.declined) == (1, 1, 1)


def test_training_completion_counts_people_who_finished_everything() -> None:
    t = hand_set().training
    assert (t.people_with_training, t.people_completed, t.completion_rate.value) == (2, 1, 0.5)
    assert (t.items_assigned, t.items_completed, t.jp_assigned, t.jp_completed) == (3, 2, 40, 30)


def test_follow_ups_are_counted_by_reason() -> None:
    r = hand_set()
    assert r.follow_ups == {"re_assessment": 1, "more_training": 0, "re_placement": 0, "talent_pool": 1}


def test_survey_answers_of_three_people_are_suppressed_under_a_minimum_of_five() -> None:
    r = hand_set()
    assert r.feedback is None
    assert r.feedback_by_unit == []
    assert r.feedback_by_post_type == []
    assert r.survey_response_rate.value == 1.0
    assert r.survey_response_rate.n == 3
    assert "3 responden < 5" in r.notes[0]


def test_survey_means_and_favourable_shares_when_the_group_is_large_enough() -> None:
    r = hand_set(min_group_size=3)
    assert r.feedback is not None
    assert r.feedback.respondents == 3
    item = r.feedback.items["role_clarity"]
    assert item.mean == pytest.approx(11 / 3)
    assert item.favourable_share == pytest.approx(2 / 3)
    assert item.n == 3
    # u1 has 2 respondents and u2 has 1: alone each is under 3, so they are shown pooled.
    assert [(f.group_keys, f.respondents) for f in r.feedback_by_unit] == [(("u1", "u2"), 3)]


def test_per_unit_and_per_post_type_tables_pool_groups_under_the_minimum_as_the_survey_does() -> None:
    assert hand_set().by_unit == []  # four people in all, under 5: no per-unit row at all
    (pooled,) = hand_set(min_group_size=3).by_unit  # u1 and u2 have 2 each
    assert (pooled.key, pooled.label, pooled.moved, pooled.evaluated) == ("u1+u2", "Gabungan 2 kelompok kecil", 4, 3)
    assert [g.key for g in hand_set(min_group_size=3).by_post_type] == ["pelaksana+pengawas"]


def test_the_same_numbers_are_broken_down_by_unit_and_post_type() -> None:
    r = hand_set(min_group_size=2)
    u1, u2 = r.by_unit
    assert (u1.key, u1.label, u1.moved, u1.evaluated, u1.performance.mean_change.value) == ("u1", "U1", 2, 2, 0.0)
    assert (u2.moved, u2.evaluated, u2.performance.mean_change.n) == (2, 1, 1)
    assert [(g.key, g.follow_ups["re_assessment"]) for g in r.by_post_type] == [("pelaksana", 1), ("pengawas", 0)]


def test_cancelled_schedules_and_other_rounds_are_left_out() -> None:
    other = schedule(nip="E", round_id="2025-2")
    r = build_report(
        agency_id=AGENCY, round_id="2026-1", as_of=DONE, schedules=[other], evaluations=[], training={}, follow_ups=[]
    )
    assert r.moved == 0
    assert r.performance.mean_change.value is None


def test_the_survey_response_rate_counts_evaluations_that_came_with_a_survey() -> None:
    s = schedule(nip="A")
    first, second = evaluate(s, 3, answers=survey()), evaluate(s, 6)
    s = register(register(s, first, None)[0], second, None)[0]
    r = build_report(
        agency_id=AGENCY,
        round_id="2026-1",
        as_of=DONE,
        schedules=[s],
        evaluations=[first, second],
        training={},
        follow_ups=[],
    )
    assert (r.survey_response_rate.value, r.survey_response_rate.n) == (0.5, 2)
