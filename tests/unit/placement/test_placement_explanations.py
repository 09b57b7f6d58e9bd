"""Per-person explanations in Indonesian."""

from __future__ import annotations

from mutasi.placement.domain.eligibility import EligibilityPolicy, MoveContext, check_pair
from mutasi.placement.domain.explanations import explain
from mutasi.placement.domain.planning import Option
from mutasi.placement.domain.rounds import PlanEntry

from .placement_factories import TODAY, candidate, post

NAMES = {"SETDA-ADM-1": "Pengadministrasi Umum", "KOMINFO-SI-1": "Pranata Sistem Informasi", "FULL": "Analis"}


def test_explains_the_move_the_parts_the_excluded_wish_and_the_next_best() -> None:
    e = PlanEntry("N1", "SETDA-ADM-1", "KOMINFO-SI-1", 82.5, {"jpm": 45.0, "education": 20.0, "move_cost": 0.0}, 100)
    full = check_pair(MoveContext(candidate("N1"), post("FULL", kebutuhan=1, bezetting=1), TODAY, EligibilityPolicy()))
    options = [Option("N1", "SETDA-ADM-1", 55.0, True), Option("N1", "KOMINFO-SI-1", 82.5, False)]
    x = explain(e, NAMES, options, ["FULL", "KOMINFO-SI-1"], {"FULL": full})
    assert x.moved
    text = "\n".join(x.text_id)
    assert "dari Pengadministrasi Umum ke Pranata Sistem Informasi" in text
    assert "kesesuaian kompetensi (JPM) +45.0" in text
    assert "Pilihan ke-1 (Analis) tidak memenuhi syarat: [ANJAB_ABK_NEED]" in text
    assert "Pilihan ke-2 (Pranata Sistem Informasi) terpenuhi." in text
    assert "tetap di Pengadministrasi Umum (55.0)" in text
    assert x.asked_for[0].reasons_en
    assert not x.asked_for[0].eligible


def test_a_wish_that_fits_less_than_the_placement_is_explained_by_the_scores_not_by_a_rival() -> None:
    e = PlanEntry("N1", "A", "B", 80.0, {}, 90)
    options = [Option("N1", "A", 50.0, True), Option("N1", "B", 80.0, False), Option("N1", "C", 70.0, False)]
    x = explain(e, {"C": "Analis"}, options, ["C", "B"], {})
    assert (
        "Pilihan ke-1 (Analis) memenuhi syarat, tetapi kecocokan Anda di sana (70.0) tidak lebih tinggi" in x.text_id[2]
    )


def test_a_wish_given_to_someone_else_is_explained_by_the_total() -> None:
    e = PlanEntry("N1", "A", "A", 50.0, {}, 90)
    options = [Option("N1", "A", 50.0, True), Option("N1", "C", 70.0, False)]
    x = explain(e, {"C": "Analis"}, options, ["C"], {})
    assert "kursinya memberi kecocokan total lebih tinggi bila diisi pegawai lain" in x.text_id[2]


def test_explains_an_override_with_the_approvers_reason() -> None:
    e = PlanEntry("N1", "A", "B", 60, {}, 80, override_reason="Penguatan unit pelayanan", overridden_by="ana")
    x = explain(e, {}, [], [], {})
    assert any("Penguatan unit pelayanan" in line for line in x.text_id)


def test_explains_staying_to_someone_who_is_not_yet_eligible() -> None:
    person = check_pair(MoveContext(candidate("N1", months_in_post=3), post(), TODAY, EligibilityPolicy()))
    e = PlanEntry("N1", "A", "A", 50, {}, 80)
    x = explain(e, {"A": "Analis"}, [], [], {}, ineligible_person=person)
    assert x.text_id[0] == "Anda tetap pada jabatan Analis."
    assert any("belum memenuhi syarat" in line and "3 bulan" in line for line in x.text_id)
