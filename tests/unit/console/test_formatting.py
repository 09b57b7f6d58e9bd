"""Indonesian dates and numbers as people in a pemda write them."""

from __future__ import annotations

from datetime import date, datetime

from mutasi.console.domain.formatting import angka, bertanda, kode, persen, tanggal, teks
from mutasi.console.domain.notices import add_months


def test_dates_are_written_day_month_name_year() -> None:
    assert tanggal(date(2027, 3, 12)) == "12 Maret 2027"
    assert tanggal("2026-08-17") == "17 Agustus 2026"
    assert tanggal(datetime(2027, 1, 1, 9, 30)) == "1 Januari 2027"
    assert tanggal(date(2027, 3, 12), with_day=True) == "Jumat, 12 Maret 2027"
    assert tanggal(None) == "-"


def test_numbers_use_a_decimal_comma_and_dot_thousands() -> None:
    assert angka(1234.5, 1) == "1.234,5"
    assert angka(2500) == "2.500"
    assert persen(12.345) == "12,3%"
    assert bertanda(3.26) == "+3,3"
    assert bertanda(-1) == "-1,0"
    assert bertanda(0) == "±0,0"


def test_check_in_dates_fall_on_the_same_day_or_the_months_last_day() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)
    assert add_months(date(2027, 3, 12), 12) == date(2028, 3, 12)


def test_service_sentences_get_written_out_dates_and_decimal_commas() -> None:
    assert teks("skor 95.0, sampai 2026-12-07.") == "skor 95,0, sampai 7 Desember 2026."
    assert teks("NIP 199001012015031001 tetap") == "NIP 199001012015031001 tetap"


def test_rule_codes_in_a_sentence_are_named_by_their_title() -> None:
    titles = {"PROMOSI_TENURE": "Masa kerja minimal untuk promosi"}
    said = "Syarat promosi: [PROMOSI_TENURE] terpenuhi; [BUP_TARGET_POST] terpenuhi."
    assert (
        kode(said, titles) == "Syarat promosi: Masa kerja minimal untuk promosi terpenuhi; BUP_TARGET_POST terpenuhi."
    )
    assert kode(None, titles) == ""
