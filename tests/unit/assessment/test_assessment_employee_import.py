"""Employee-template rows: every import error names row, column and reason in Indonesian and English."""

from __future__ import annotations

from datetime import date

import pytest

from mutasi.assessment.domain.employee_rows import validate_employee_rows
from mutasi.assessment.domain.performance import Predicate
from mutasi.assessment.domain.rows import header_errors
from tests.unit.assessment.assessment_factories import AGENCY, POSTS, TODAY, employee_row


def errors_of(**changes: str | None) -> list[tuple[str, str]]:
    outcome = validate_employee_rows([employee_row(**changes)], AGENCY, POSTS, TODAY)
    return [(e.column, e.code) for e in outcome.errors]


def test_accepts_a_valid_row_into_an_employee() -> None:
    outcome = validate_employee_rows([employee_row()], AGENCY, POSTS, TODAY)
    assert outcome.errors == []
    (employee,) = outcome.accepted
    assert employee.nip == "199001012015031001"
    assert employee.education_field == "informatika"
    assert employee.tmt_post == date(2020, 1, 2)
    assert employee.latest_predicate is Predicate.BAIK
    assert employee.months_in_post(TODAY) == 82
    assert not employee.under_discipline(TODAY)


def test_numbers_rows_as_the_spreadsheet_shows_them() -> None:
    rows = [employee_row(), employee_row(nip="199001012015031002", nama="")]
    outcome = validate_employee_rows(rows, AGENCY, POSTS, TODAY)
    (error,) = outcome.errors
    assert (error.row, error.column, error.code) == (3, "nama", "REQUIRED")
    assert error.message_id == "Kolom nama wajib diisi"
    assert error.message_en == "Column nama is required"
    assert outcome.rejected_rows == {3}
    assert len(outcome.accepted) == 1


def test_reports_every_missing_required_column_of_the_header() -> None:
    errors = header_errors("employees", ["nip", "nama"])
    assert {e.column for e in errors} >= {"golongan", "tmt_cpns", "bup"}
    assert all(e.row == 1 and e.code == "COLUMN_MISSING" for e in errors)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nip": "19900101201503100"}, ("nip", "NIP_LENGTH")),
        ({"nip": "1990010120150310OI"}, ("nip", "NIP_DIGITS")),
        ({"nip": "199002302015031001"}, ("nip", "NIP_BIRTH_DATE")),
        ({"nip": "199001012015131001"}, ("nip", "NIP_TMT_MONTH")),
        ({"nip": "199001012015033001"}, ("nip", "NIP_SEX_DIGIT")),
        ({"jenis_kelamin": "P"}, ("jenis_kelamin", "NIP_SEX_MISMATCH")),
        ({"tmt_cpns": "2015-04-01"}, ("tmt_cpns", "NIP_TMT_MISMATCH")),
        ({"jenis_kelamin": "X"}, ("jenis_kelamin", "VALUE_UNKNOWN")),
        ({"jenis_pegawai": "Honorer"}, ("jenis_pegawai", "VALUE_UNKNOWN")),
        ({"golongan": "III/f"}, ("golongan", "GOLONGAN_UNKNOWN")),
        ({"unit_id": "dinas-antah"}, ("unit_id", "UNIT_UNKNOWN")),
        ({"jabatan_id": "jabatan-antah"}, ("jabatan_id", "POST_UNKNOWN")),
        ({"unit_id": "diskominfo"}, ("unit_id", "UNIT_POST_MISMATCH")),
        ({"jenis_jabatan": "pengawas"}, ("jenis_jabatan", "POST_TYPE_MISMATCH")),
        ({"jenis_jabatan": "eselon"}, ("jenis_jabatan", "VALUE_UNKNOWN")),
        ({"tmt_jabatan": "2020-13-01"}, ("tmt_jabatan", "DATE_FORMAT")),
        ({"tmt_jabatan": "2027-01-02"}, ("tmt_jabatan", "DATE_IN_FUTURE")),
        ({"tmt_golongan": "2014-04-01"}, ("tmt_golongan", "DATE_ORDER")),
        ({"tmt_pns": "2015-01-01"}, ("tmt_pns", "DATE_ORDER")),
        ({"tmt_pns": ""}, ("tmt_pns", "REQUIRED")),
        ({"jenis_pegawai": "CPNS"}, ("tmt_pns", "NOT_APPLICABLE")),
        ({"tingkat_pendidikan": "S4"}, ("tingkat_pendidikan", "VALUE_UNKNOWN")),
        ({"jurusan": ""}, ("jurusan", "REQUIRED")),
        ({"hukdis": "sangat berat"}, ("hukdis", "VALUE_UNKNOWN")),
        ({"hukdis": "sedang", "hukdis_sampai": ""}, ("hukdis_sampai", "REQUIRED")),
        ({"predikat_2": "Luar Biasa"}, ("predikat_2", "PREDICATE_UNKNOWN")),
        ({"predikat_2": ""}, ("predikat_2", "PREDICATE_PAIR")),
        ({"predikat_tahun_1": "2025"}, ("predikat_tahun_2", "DATE_ORDER")),
        ({"predikat_tahun_2": "2030"}, ("predikat_tahun_2", "YEAR_RANGE")),
        ({"predikat_tahun_2": "dua ribu"}, ("predikat_tahun_2", "NOT_INTEGER")),
        ({"bup": "57"}, ("bup", "BUP_UNKNOWN")),
        ({"cltn": "mungkin"}, ("cltn", "FLAG_VALUE")),
    ],
)
def test_rejects_row_with_the_named_error(changes: dict[str, str], expected: tuple[str, str]) -> None:
    assert errors_of(**changes) == [expected]


def test_rejects_tmt_cpns_before_the_birth_date_in_the_nip() -> None:
    assert ("tmt_cpns", "DATE_ORDER") in errors_of(nip="199001012015031001", tmt_cpns="1989-03-01")


def test_rejects_the_second_row_with_an_already_seen_nip() -> None:
    outcome = validate_employee_rows([employee_row(), employee_row()], AGENCY, POSTS, TODAY)
    (error,) = outcome.errors
    assert (error.row, error.column, error.code) == (3, "nip", "DUPLICATE")
    assert "baris 2" in error.message_id


def test_reports_all_errors_of_one_row_together() -> None:
    assert len(errors_of(golongan="V/a", bup="61", cltn="?")) == 3


def test_accepts_a_pppk_with_roman_golongan_and_no_tmt_pns() -> None:
    row = employee_row(
        nip="199001012022211001",
        jenis_pegawai="PPPK",
        golongan="ix",
        tmt_pns="",
        tmt_cpns="2022-03-01",
        tmt_golongan="2022-03-01",
        tmt_jabatan="2022-03-01",
    )
    outcome = validate_employee_rows([row], AGENCY, POSTS, TODAY)
    assert outcome.errors == []
    assert outcome.accepted[0].golongan == "IX"


def test_accepts_day_first_dates_and_ya_flags() -> None:
    outcome = validate_employee_rows(
        [employee_row(tmt_jabatan="02-01-2020", tugas_belajar="Ya", hukdis="ringan", hukdis_sampai="31/12/2026")],
        AGENCY,
        POSTS,
        TODAY,
    )
    (employee,) = outcome.accepted
    assert employee.tmt_post == date(2020, 1, 2)
    assert employee.on_study_leave
    assert employee.under_discipline(TODAY)
