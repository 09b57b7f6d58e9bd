"""The SKP predicate matrix (PermenPANRB 6/2022) in full, its input spellings and the Kinerja axis."""

from __future__ import annotations

import pytest

from mutasi.assessment.domain.errors import InvalidInput
from mutasi.assessment.domain.performance import (
    Predicate,
    Rating,
    kinerja_axis,
    parse_predicate,
    parse_rating,
    predicate,
)
from mutasi.assessment.domain.rules import TalentCutoffs

ATAS, SESUAI, BAWAH = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH


@pytest.mark.parametrize(
    ("hasil_kerja", "perilaku_kerja", "expected"),
    [
        (ATAS, BAWAH, Predicate.KURANG),
        (ATAS, SESUAI, Predicate.BAIK),
        (ATAS, ATAS, Predicate.SANGAT_BAIK),
        (SESUAI, BAWAH, Predicate.KURANG),
        (SESUAI, SESUAI, Predicate.BAIK),
        (SESUAI, ATAS, Predicate.BAIK),
        (BAWAH, BAWAH, Predicate.SANGAT_KURANG),
        (BAWAH, SESUAI, Predicate.BUTUH_PERBAIKAN),
        (BAWAH, ATAS, Predicate.BUTUH_PERBAIKAN),
    ],
)
def test_predicate_matrix_gives_the_regulation_predicate(
    hasil_kerja: Rating, perilaku_kerja: Rating, expected: Predicate
) -> None:
    assert predicate(hasil_kerja, perilaku_kerja) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sangat baik", Predicate.SANGAT_BAIK), ("Kurang", Predicate.KURANG), ("Kurang/Misconduct", Predicate.KURANG)],
)
def test_accepts_e_kinerja_spellings_of_predicates(text: str, expected: Predicate) -> None:
    assert parse_predicate(text, "predikat_2") is expected


def test_accepts_ratings_with_spaces_and_capitals() -> None:
    assert parse_rating("Di Atas", "hasil_kerja") is Rating.DI_ATAS


def test_rejects_an_unknown_rating_naming_the_column() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rating("luar biasa", "hasil_kerja")
    assert caught.value.field == "hasil_kerja"


@pytest.mark.parametrize(
    ("latest", "axis"),
    [
        (Predicate.SANGAT_BAIK, ATAS),
        (Predicate.BAIK, SESUAI),
        (Predicate.BUTUH_PERBAIKAN, BAWAH),
        (Predicate.KURANG, BAWAH),
        (Predicate.SANGAT_KURANG, BAWAH),
    ],
)
def test_kinerja_axis_follows_the_latest_predicate(latest: Predicate, axis: Rating) -> None:
    assert kinerja_axis(latest, TalentCutoffs()) is axis


def test_kinerja_mapping_is_configurable() -> None:
    strict = TalentCutoffs(kinerja_by_predicate={**TalentCutoffs().kinerja_by_predicate, "Baik": "di_bawah"})
    assert kinerja_axis(Predicate.BAIK, strict) is BAWAH
