"""Every regulatory or practice number the assessment rules use, as data with its source (rule tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mutasi.assessment.domain.competency import PostType


@dataclass(frozen=True)
class StandardLevelRules:
    """Default SKJ levels by post type and JF jenjang; a post's own SKJ overrides them."""

    # Same level for all eight managerial competencies (PermenPANRB 38/2017, socialisation deck) [V].
    managerial_by_post_type: dict[PostType, int] = field(
        default_factory=lambda: {
            PostType.JPT_UTAMA: 5,  # [U] deck lists JPT Madya 5 as top; Utama assumed equal
            PostType.JPT_MADYA: 5,
            PostType.JPT_PRATAMA: 4,
            PostType.ADMINISTRATOR: 3,
            PostType.PENGAWAS: 2,
            PostType.PELAKSANA: 1,
        }
    )
    # JF jenjang levels, "commonly Ahli Utama 4 … Ahli Pertama 1" [U]: read the instansi's SKJ to verify.
    managerial_by_jenjang: dict[str, int] = field(
        default_factory=lambda: {
            "ahli_utama": 4,
            "ahli_madya": 3,
            "ahli_muda": 2,
            "ahli_pertama": 1,
            "penyelia": 2,  # [U] keterampilan track not found in a source
            "mahir": 1,
            "terampil": 1,
            "pemula": 1,
        }
    )
    # Perekat Bangsa standard per post [U] (docs/domain.md#competency-and-jpm); defaults to the managerial level.
    perekat_bangsa_override: dict[str, int] = field(default_factory=dict)
    fungsional_fallback: int = 1  # a JF post without a known jenjang [U]


@dataclass(frozen=True)
class ValidityRules:
    """How long an assessment result stays usable."""

    # One implementation defaults to 3 years, flagged as unsettled (docs/domain.md#competency-and-jpm) [P].
    validity_years: int = 3


@dataclass(frozen=True)
class TalentCutoffs:
    """Cut-offs that turn scores into 9-box axis ratings (docs/domain.md#talent-box: implementations vary) [P]."""

    # Potential from a 0–100 score (JPM or potential test): <68 rendah, 68–<80 menengah, ≥80 tinggi [P].
    potential_medium_from: float = 68.0
    potential_high_from: float = 80.0
    # Kinerja axis from the SKP predicate (PermenPANRB 6/2022 predicates; mapping is practice [P]).
    kinerja_by_predicate: dict[str, str] = field(
        default_factory=lambda: {
            "Sangat Baik": "di_atas",
            "Baik": "sesuai",
            "Butuh Perbaikan": "di_bawah",
            "Kurang/Misconduct": "di_bawah",
            "Sangat Kurang": "di_bawah",
        }
    )


# Retirement ages (BUP) an employee row may carry: UU 20/2023, PP 11/2017 Pasal 239 [V].
BUP_AGES: tuple[int, ...] = (58, 60, 65)
