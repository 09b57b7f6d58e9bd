"""NIP shape rules (Peraturan Kepala BKN 22/2007): length, digits, birth date, TMT month, sex digit."""

from __future__ import annotations

from datetime import date

import pytest

from mutasi.assessment.domain.nip import check_nip, parse_nip


def codes(nip: str, kind: str = "PNS") -> list[str]:
    return [r.code for r in check_nip(nip, kind)]


def test_accepts_the_bkn_example_nip() -> None:
    assert codes("196608011988031001") == []


def test_reads_birth_date_appointment_and_sex_from_nip() -> None:
    parsed = parse_nip("196608011988032001")
    assert parsed.birth_date == date(1966, 8, 1)
    assert (parsed.appointment_year, parsed.appointment_month) == (1988, 3)
    assert parsed.sex == "P"


@pytest.mark.parametrize("nip", ["19660801198803100", "1966080119880310011", ""])
def test_rejects_nip_that_is_not_18_digits_long(nip: str) -> None:
    assert codes(nip) == ["NIP_LENGTH"]


def test_rejects_nip_with_letters() -> None:
    assert codes("19660801198803100A") == ["NIP_DIGITS"]


def test_rejects_nip_with_impossible_birth_date() -> None:
    assert codes("196602301988031001") == ["NIP_BIRTH_DATE"]


def test_rejects_nip_with_month_13() -> None:
    assert codes("196608011988131001") == ["NIP_TMT_MONTH"]


def test_rejects_nip_with_month_00() -> None:
    assert codes("196608011988001001") == ["NIP_TMT_MONTH"]


def test_rejects_nip_with_sex_digit_3() -> None:
    assert codes("196608011988033001") == ["NIP_SEX_DIGIT"]


def test_rejects_nip_appointed_before_birth() -> None:
    assert codes("196608011960031001") == ["NIP_TMT_YEAR"]


def test_accepts_pppk_number_whose_digits_13_14_are_not_a_month() -> None:
    assert codes("199001012022211001", "PPPK") == []


def test_rejection_reasons_are_in_indonesian_and_english() -> None:
    (reason,) = check_nip("196608011988131001")
    assert "bulan" in reason.id
    assert "month" in reason.en
