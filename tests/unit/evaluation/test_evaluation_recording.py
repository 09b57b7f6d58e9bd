"""Recording a checkpoint: the SKP matrix, validation messages, duplicates and conflicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from mutasi.evaluation.domain.errors import AlreadyRecorded, InvalidInput
from mutasi.evaluation.domain.performance import (
    Outcome,
    Predicate,
    PredicateScale,
    Rating,
    outcome,
    parse_predicate,
    predicate_from_matrix,
)
from mutasi.evaluation.domain.recording import register, validate_evaluation
from tests.unit.evaluation.evaluation_factories import AGENCY, POLICY, command, evaluate, schedule, survey


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        (Rating.DI_ATAS, Rating.DI_ATAS, Predicate.SANGAT_BAIK),
        (Rating.DI_ATAS, Rating.SESUAI, Predicate.BAIK),
        (Rating.DI_ATAS, Rating.DI_BAWAH, Predicate.KURANG),
        (Rating.SESUAI, Rating.DI_ATAS, Predicate.BAIK),
        (Rating.SESUAI, Rating.DI_BAWAH, Predicate.KURANG),
        (Rating.DI_BAWAH, Rating.DI_ATAS, Predicate.BUTUH_PERBAIKAN),
        (Rating.DI_BAWAH, Rating.SESUAI, Predicate.BUTUH_PERBAIKAN),
        (Rating.DI_BAWAH, Rating.DI_BAWAH, Predicate.SANGAT_KURANG),
    ],
)
def test_the_skp_matrix_gives_the_predicate_of_permenpanrb_6_2022(
    hasil: Rating, perilaku: Rating, expected: Predicate
) -> None:
    assert predicate_from_matrix(hasil, perilaku) is expected


def test_predicates_are_read_however_e_kinerja_spells_them() -> None:
    assert parse_predicate("SANGAT_BAIK") is Predicate.SANGAT_BAIK
    assert parse_predicate("Misconduct") is Predicate.KURANG
    assert parse_predicate("luar biasa") is None


def test_a_checkpoint_records_the_predicate_derived_from_the_ratings() -> None:
    ev = evaluate(schedule(), hasil="di atas", perilaku="DI_ATAS", answers=survey())
    assert ev.predicate is Predicate.SANGAT_BAIK
    assert ev.survey is not None
    assert ev.survey.answers["intent_to_stay"] == 4


def test_a_predicate_that_contradicts_the_ratings_is_rejected() -> None:
    s = schedule()
    cmd = replace(command(s), predicate="Sangat Baik")
    with pytest.raises(InvalidInput, match=r"predicate: tidak sesuai matriks SKP.*expected Baik"):
        validate_evaluation(cmd, s, POLICY, AGENCY)


def test_every_wrong_field_is_named_with_a_reason_in_both_languages() -> None:
    s = schedule()
    cmd = replace(
        command(s, answers=survey(role_clarity=7)),
        checkpoint_months=4,
        jpm=250.0,
        review_recommendation="promote",
        hasil_kerja="great",
    )
    with pytest.raises(InvalidInput) as info:
        validate_evaluation(cmd, s, POLICY, AGENCY)
    fields = {e.field for e in info.value.errors}
    assert fields == {"checkpoint_months", "hasil_kerja", "jpm", "review.recommendation", "survey.role_clarity"}
    jpm = next(e for e in info.value.errors if e.field == "jpm")
    assert (jpm.reason_id, jpm.reason_en) == ("harus 0–200 (persen)", "must be 0–200 (percent)")


def test_a_survey_missing_an_item_names_the_item() -> None:
    s = schedule()
    answers = survey()
    del answers["motivation"]
    with pytest.raises(InvalidInput, match=r"survey.motivation: wajib diisi \(is required\)"):
        evaluate(s, answers=answers)


def test_an_evaluation_without_predicate_or_ratings_is_rejected() -> None:
    s = schedule()
    with pytest.raises(InvalidInput, match="predicate"):
        validate_evaluation(replace(command(s), hasil_kerja=None, perilaku_kerja=None), s, POLICY, AGENCY)


def test_an_evaluation_dated_long_before_the_checkpoint_is_rejected() -> None:
    s = schedule()
    early = s.checkpoints[0].due_on - timedelta(days=POLICY.lead_days + 1)
    with pytest.raises(InvalidInput, match="recorded_on: terlalu awal"):
        validate_evaluation(replace(command(s), recorded_on=early), s, POLICY, AGENCY)


def test_free_text_is_optional_and_kept_apart_from_the_answers() -> None:
    ev = evaluate(schedule(), answers=survey(), free_text="  Butuh laptop  ")
    assert ev.survey is not None
    assert ev.survey.free_text == "Butuh laptop"
    assert evaluate(schedule(), answers=survey()).survey is not None


def test_a_resent_identical_evaluation_is_a_duplicate_that_changes_nothing() -> None:
    s = schedule()
    ev = evaluate(s, answers=survey())
    s2, new = register(s, ev, None)
    assert new
    assert s2.recorded == {3: ev.evaluation_id}
    s3, new_again = register(s2, evaluate(s, answers=survey()), ev)
    assert not new_again
    assert s3 == s2


def test_a_different_evaluation_for_a_recorded_checkpoint_is_a_conflict() -> None:
    s = schedule()
    ev = evaluate(s)
    s2, _ = register(s, ev, None)
    with pytest.raises(AlreadyRecorded, match="checkpoint_months"):
        register(s2, evaluate(s, hasil="di_bawah"), ev)


def test_evaluation_ids_are_deterministic_per_decision_and_checkpoint() -> None:
    s = schedule()
    assert evaluate(s, 3).evaluation_id == evaluate(s, 3, review=2).evaluation_id != evaluate(s, 6).evaluation_id


def test_the_outcome_compares_the_checkpoint_predicate_with_the_baseline() -> None:
    scale = PredicateScale()
    assert outcome(Predicate.BAIK, Predicate.SANGAT_BAIK, scale) is Outcome.IMPROVED
    assert outcome(Predicate.BAIK, Predicate.BAIK, scale) is Outcome.STABLE
    assert outcome(Predicate.SANGAT_BAIK, Predicate.KURANG, scale) is Outcome.DECLINED
    assert outcome(None, Predicate.KURANG, scale) is Outcome.STABLE
