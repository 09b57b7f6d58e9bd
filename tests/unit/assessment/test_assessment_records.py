"""Assessment validity and expiry, and assessment-template rows with their errors."""

from __future__ import annotations

from datetime import date

import pytest

from mutasi.assessment.domain.assessment import Assessment
from mutasi.assessment.domain.assessment_rows import validate_assessment_rows
from mutasi.assessment.domain.performance import Rating
from mutasi.assessment.domain.rules import ValidityRules
from mutasi.assessment.domain.talent import Potential
from tests.unit.assessment.assessment_factories import TODAY, assessment_row

KNOWN = {"199001012015031001"}


def assessment(on: date, years: int = 3) -> Assessment:
    return Assessment("199001012015031001", on, "assessment_center", "UPT", {}, years)


def test_an_assessment_stays_valid_for_three_years_by_default() -> None:
    result = assessment(date(2023, 11, 28))
    assert result.expires_on() == date(2026, 11, 28)
    assert not result.is_expired(TODAY)


def test_an_assessment_older_than_its_validity_is_flagged_expired() -> None:
    assert assessment(date(2023, 11, 27)).is_expired(TODAY)


def test_validity_is_configurable_per_assessment() -> None:
    assert not assessment(date(2022, 1, 1), years=5).is_expired(TODAY)


def test_a_leap_day_assessment_expires_on_28_february() -> None:
    assert assessment(date(2024, 2, 29), years=1).expires_on() == date(2025, 2, 28)


def test_reads_an_assessment_row_with_levels_ratings_and_default_validity() -> None:
    outcome = validate_assessment_rows([assessment_row()], KNOWN, ValidityRules(), TODAY)
    (item,) = outcome.accepted
    assert item.levels["integritas"] == 2
    assert item.levels["tek_sistem_informasi"] == 4
    assert item.validity_years == 3
    assert item.potential is Potential.MENENGAH
    assert (item.hasil_kerja, item.perilaku_kerja) == (Rating.SESUAI, Rating.SESUAI)


def test_uses_the_agency_validity_when_the_row_has_none() -> None:
    outcome = validate_assessment_rows([assessment_row()], KNOWN, ValidityRules(validity_years=2), TODAY)
    assert outcome.accepted[0].validity_years == 2


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nip": "199001012015031009"}, ("nip", "EMPLOYEE_UNKNOWN")),
        ({"tanggal_asesmen": "2027-01-01"}, ("tanggal_asesmen", "DATE_IN_FUTURE")),
        ({"tanggal_asesmen": "kemarin"}, ("tanggal_asesmen", "DATE_FORMAT")),
        ({"metode": "wawancara"}, ("metode", "VALUE_UNKNOWN")),
        ({"lembaga_asesor": ""}, ("lembaga_asesor", "REQUIRED")),
        ({"masa_berlaku_tahun": "11"}, ("masa_berlaku_tahun", "VALIDITY_RANGE")),
        ({"potensial": "sedang"}, ("potensial", "POTENTIAL_UNKNOWN")),
        ({"skor_potensi": "120"}, ("skor_potensi", "SCORE_RANGE")),
        ({"hasil_kerja": "bagus"}, ("hasil_kerja", "RATING_UNKNOWN")),
        ({"perilaku_kerja": ""}, ("perilaku_kerja", "SKP_PAIR")),
        ({"integritas": ""}, ("integritas", "REQUIRED")),
        ({"perekat_bangsa": "7"}, ("perekat_bangsa", "LEVEL_RANGE")),
        ({"tek_sistem_informasi": "4,5"}, ("tek_sistem_informasi", "NOT_INTEGER")),
    ],
)
def test_rejects_assessment_row_with_the_named_error(changes: dict[str, str], expected: tuple[str, str]) -> None:
    outcome = validate_assessment_rows([assessment_row(**changes)], KNOWN, ValidityRules(), TODAY)
    assert [(e.column, e.code) for e in outcome.errors] == [expected]


def test_rejects_a_second_assessment_of_the_same_nip_in_one_file() -> None:
    outcome = validate_assessment_rows([assessment_row(), assessment_row()], KNOWN, ValidityRules(), TODAY)
    assert [(e.row, e.code) for e in outcome.errors] == [(3, "DUPLICATE")]
