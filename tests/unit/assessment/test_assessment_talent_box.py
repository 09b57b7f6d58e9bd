"""The 9-box: every cell's number, label and recommended follow-up, and configurable potential cut-offs."""

from __future__ import annotations

import pytest

from mutasi.assessment.domain.performance import Rating
from mutasi.assessment.domain.rules import TalentCutoffs
from mutasi.assessment.domain.talent import BOXES, Potential, potential_from_score, talent_box

ATAS, SESUAI, BAWAH = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
TINGGI, MENENGAH, RENDAH = Potential.TINGGI, Potential.MENENGAH, Potential.RENDAH


@pytest.mark.parametrize(
    ("kinerja", "potential", "number", "recommendation_starts"),
    [
        (ATAS, TINGGI, 9, "Dipromosikan dan dipertahankan"),
        (SESUAI, TINGGI, 8, "Dipertahankan"),
        (ATAS, MENENGAH, 7, "Dipertahankan"),
        (BAWAH, TINGGI, 6, "Penempatan yang sesuai"),
        (SESUAI, MENENGAH, 5, "Penempatan yang sesuai"),
        (ATAS, RENDAH, 4, "Rotasi"),
        (BAWAH, MENENGAH, 3, "Bimbingan kinerja; konseling kinerja"),
        (SESUAI, RENDAH, 2, "Bimbingan kinerja; pengembangan kompetensi"),
        (BAWAH, RENDAH, 1, "Diproses sesuai ketentuan"),
    ],
)
def test_each_cell_of_the_nine_box_has_its_number_and_follow_up(
    kinerja: Rating, potential: Potential, number: int, recommendation_starts: str
) -> None:
    box = talent_box(kinerja, potential)
    assert box.number == number
    assert box.recommendation.startswith(recommendation_starts)
    assert box.recommendation_en


def test_box_7_recommends_study_leave_and_job_enrichment() -> None:
    assert "tugas belajar" in BOXES[7].recommendation
    assert "pengayaan jabatan" in BOXES[7].recommendation


def test_appropriate_placement_is_the_lever_of_boxes_2_3_5_and_6() -> None:
    assert {n for n, b in BOXES.items() if "penempatan_sesuai" in b.actions} == {2, 3, 5, 6}


def test_labels_a_box_in_indonesian() -> None:
    assert BOXES[6].label == "Kinerja di bawah ekspektasi, potensial tinggi"


@pytest.mark.parametrize(("score", "expected"), [(67.99, RENDAH), (68, MENENGAH), (79.9, MENENGAH), (80, TINGGI)])
def test_rates_potential_with_the_default_68_80_cut_offs(score: float, expected: Potential) -> None:
    assert potential_from_score(score, TalentCutoffs()) is expected


def test_rates_potential_with_configured_60_80_cut_offs() -> None:
    cutoffs = TalentCutoffs(potential_medium_from=60, potential_high_from=80)
    assert potential_from_score(65, cutoffs) is MENENGAH
    assert potential_from_score(59, cutoffs) is RENDAH
