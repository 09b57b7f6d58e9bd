"""Job-Person Match variants (uncapped, capped, per-competency cap, weighted), both threshold families, gaps."""

from __future__ import annotations

import pytest

from mutasi.assessment.domain.competency import CompetencyStandard
from mutasi.assessment.domain.jpm import PEMETAAN, SELEKSI, CapMode, JpmPolicy, job_person_match

STANDARD = CompetencyStandard("p", {"integritas": 3, "komunikasi": 3, "tek_keuangan": 3})
STRONG = {"integritas": 5, "komunikasi": 2, "tek_keuangan": 5}  # 12 of 9 in total, one gap


def test_uncapped_jpm_may_exceed_100_percent() -> None:
    assert job_person_match(STRONG, STANDARD, JpmPolicy(cap=CapMode.UNCAPPED)).percent == pytest.approx(133.33)


def test_total_cap_stops_at_100_percent() -> None:
    assert job_person_match(STRONG, STANDARD, JpmPolicy(cap=CapMode.TOTAL)).percent == 100.0


def test_per_competency_cap_keeps_excess_from_hiding_a_gap() -> None:
    result = job_person_match(STRONG, STANDARD, JpmPolicy(cap=CapMode.PER_COMPETENCY))
    assert result.percent == pytest.approx(88.89)


def test_counts_a_required_competency_that_was_not_assessed_as_zero() -> None:
    result = job_person_match({"integritas": 3, "komunikasi": 3}, STANDARD, JpmPolicy())
    assert result.percent == pytest.approx(66.67)
    assert [g.code for g in result.below_standard] == ["tek_keuangan"]


def test_reports_the_gap_of_every_competency() -> None:
    result = job_person_match(STRONG, STANDARD, JpmPolicy(cap=CapMode.UNCAPPED))
    assert {g.code: g.gap for g in result.gaps} == {"integritas": 2, "komunikasi": -1, "tek_keuangan": 2}


def test_weights_technical_against_managerial_by_jenjang() -> None:
    policy = JpmPolicy(cap=CapMode.PER_COMPETENCY, technical_weight={"ahli_pertama": 0.6, "ahli_madya": 0.4})
    actual = {"integritas": 3, "komunikasi": 3, "tek_keuangan": 0}
    assert job_person_match(actual, STANDARD, policy, "ahli_pertama").percent == pytest.approx(40.0)
    assert job_person_match(actual, STANDARD, policy, "ahli_madya").percent == pytest.approx(60.0)
    assert job_person_match(actual, STANDARD, policy, "pelaksana").percent == pytest.approx(66.67)


@pytest.mark.parametrize(
    ("jpm", "code"),
    [
        (138.89, "optimal"),
        (90.0, "optimal"),
        (89.99, "cukup_optimal"),
        (78.0, "cukup_optimal"),
        (77.99, "kurang_optimal"),
        (0.0, "kurang_optimal"),
    ],
)
def test_pemetaan_family_has_optimal_90_and_cukup_optimal_78(jpm: float, code: str) -> None:
    assert PEMETAAN.categorize(jpm).code == code


@pytest.mark.parametrize(
    ("jpm", "code"),
    [(80.0, "ms"), (79.99, "mms"), (68.0, "mms"), (67.99, "kms")],
)
def test_seleksi_family_has_ms_80_and_mms_68(jpm: float, code: str) -> None:
    assert SELEKSI.categorize(jpm).code == code


def test_the_agency_chooses_the_family() -> None:
    actual = {"integritas": 3, "komunikasi": 2, "tek_keuangan": 2}  # 7 of 9 = 77.78 %
    assert job_person_match(actual, STANDARD, JpmPolicy(family=PEMETAAN)).category.label == "Kurang Optimal"
    assert job_person_match(actual, STANDARD, JpmPolicy(family=SELEKSI)).category.label == "Masih Memenuhi Syarat"


def test_defaults_to_the_per_competency_cap() -> None:
    assert JpmPolicy().cap is CapMode.PER_COMPETENCY
