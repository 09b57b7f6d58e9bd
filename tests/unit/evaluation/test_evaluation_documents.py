"""Domain objects survive the trip to a MongoDB document and back."""

from __future__ import annotations

from datetime import date

from mutasi.evaluation.adapters import documents as docs
from mutasi.evaluation.domain.followup import FollowUpReason, FollowUpRules, RuleContext, recommend_follow_ups
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import register
from mutasi.evaluation.domain.training import TrainingRecord
from tests.unit.evaluation.evaluation_factories import evaluate, schedule, survey


def test_a_schedule_with_a_recorded_checkpoint_round_trips() -> None:
    s = schedule(fit_parts={"jpm": 40.0})
    s, _ = register(s, evaluate(s), None)
    assert docs.schedule_from_doc(docs.schedule_to_doc(s)) == s


def test_an_evaluation_with_survey_and_notes_round_trips() -> None:
    ev = evaluate(schedule(), jpm=81.5, lacking=("komunikasi",), answers=survey(3), free_text="teks")
    assert docs.evaluation_from_doc(docs.evaluation_to_doc(ev)) == ev


def test_a_follow_up_round_trips() -> None:
    s = schedule(before=Predicate.SANGAT_BAIK)
    [f] = recommend_follow_ups(RuleContext(evaluate(s), s, (), None, FollowUpRules()))
    assert f.reason is FollowUpReason.RE_ASSESSMENT
    assert docs.follow_up_from_doc(docs.follow_up_to_doc(f)) == f


def test_a_training_record_round_trips() -> None:
    t = TrainingRecord("sawahlunto", "1").assign("p:a", ("komunikasi",), 24).complete("p:a", date(2027, 2, 1))
    t = t.with_gaps({"komunikasi": 1})
    assert docs.training_from_doc(docs.training_to_doc(t)) == t
