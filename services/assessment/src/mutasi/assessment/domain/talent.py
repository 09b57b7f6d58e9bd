"""The talent 9-box (PermenPANRB 3/2020 as amended by 20/2025): potential rating, box number and follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mutasi.assessment.domain.errors import InvalidInput, Reason
from mutasi.assessment.domain.performance import Rating
from mutasi.assessment.domain.rules import TalentCutoffs


class Potential(StrEnum):
    """The Potensial axis (PermenPANRB 20/2025 Pasal 17) [V]."""

    TINGGI = "tinggi"
    MENENGAH = "menengah"
    RENDAH = "rendah"


_POTENTIALS = {p.value: p for p in Potential}  # a lookup per cell instead of walking the enum


@dataclass(frozen=True)
class Box:
    """One cell of the 9-box with its label and recommended follow-up (rekomendasi)."""

    number: int
    kinerja: Rating
    potential: Potential
    label: str  # Indonesian
    recommendation: str  # Indonesian, as in the regulation annex reproduced by implementations
    recommendation_en: str
    actions: tuple[str, ...]  # machine codes for other services


_KINERJA_ID = {
    Rating.DI_ATAS: "di atas ekspektasi",
    Rating.SESUAI: "sesuai ekspektasi",
    Rating.DI_BAWAH: "di bawah ekspektasi",
}


def _box(number: int, kinerja: Rating, potential: Potential, rec: str, rec_en: str, actions: str) -> Box:
    label = f"Kinerja {_KINERJA_ID[kinerja]}, potensial {potential.value}"
    return Box(number, kinerja, potential, label, rec, rec_en, tuple(actions.split()))


# docs/domain.md#talent-box: consistent across independent government implementations [V/P].
BOXES: dict[int, Box] = {
    b.number: b
    for b in (
        _box(
            9,
            Rating.DI_ATAS,
            Potential.TINGGI,
            "Dipromosikan dan dipertahankan; masuk kelompok rencana suksesi instansi/nasional; penghargaan",
            "Promote and retain; succession group (agency/national); award",
            "promosi retensi suksesi penghargaan",
        ),
        _box(
            8,
            Rating.SESUAI,
            Potential.TINGGI,
            "Dipertahankan; masuk kelompok rencana suksesi instansi; rotasi/perluasan jabatan; bimbingan kinerja",
            "Retain; agency succession group; rotation / job enlargement; performance coaching",
            "retensi suksesi rotasi bimbingan_kinerja",
        ),
        _box(
            7,
            Rating.DI_ATAS,
            Potential.MENENGAH,
            "Dipertahankan; masuk kelompok rencana suksesi instansi; rotasi/pengayaan jabatan; "
            "pengembangan kompetensi; tugas belajar",
            "Retain; agency succession group; rotation / job enrichment; competency development; study leave",
            "retensi suksesi rotasi pengembangan_kompetensi tugas_belajar",
        ),
        _box(
            6,
            Rating.DI_BAWAH,
            Potential.TINGGI,
            "Penempatan yang sesuai; bimbingan kinerja; konseling kinerja",
            "Appropriate placement; performance coaching; performance counselling",
            "penempatan_sesuai bimbingan_kinerja konseling_kinerja",
        ),
        _box(
            5,
            Rating.SESUAI,
            Potential.MENENGAH,
            "Penempatan yang sesuai; bimbingan kinerja; pengembangan kompetensi",
            "Appropriate placement; performance coaching; competency development",
            "penempatan_sesuai bimbingan_kinerja pengembangan_kompetensi",
        ),
        _box(
            4,
            Rating.DI_ATAS,
            Potential.RENDAH,
            "Rotasi; pengembangan kompetensi",
            "Rotation; competency development",
            "rotasi pengembangan_kompetensi",
        ),
        _box(
            3,
            Rating.DI_BAWAH,
            Potential.MENENGAH,
            "Bimbingan kinerja; konseling kinerja; pengembangan kompetensi; penempatan yang sesuai",
            "Performance coaching; performance counselling; competency development; appropriate placement",
            "bimbingan_kinerja konseling_kinerja pengembangan_kompetensi penempatan_sesuai",
        ),
        _box(
            2,
            Rating.SESUAI,
            Potential.RENDAH,
            "Bimbingan kinerja; pengembangan kompetensi; penempatan yang sesuai",
            "Performance coaching; competency development; appropriate placement",
            "bimbingan_kinerja pengembangan_kompetensi penempatan_sesuai",
        ),
        _box(
            1,
            Rating.DI_BAWAH,
            Potential.RENDAH,
            "Diproses sesuai ketentuan peraturan perundang-undangan (sanksi disiplin/kinerja)",
            "Handle under regulations (discipline/performance sanctions)",
            "penanganan_sesuai_peraturan",
        ),
    )
}

_BY_AXES = {(b.kinerja, b.potential): b for b in BOXES.values()}


def talent_box(kinerja: Rating, potential: Potential) -> Box:
    """The 9-box cell for a Kinerja rating and a Potensial rating."""
    return _BY_AXES[(kinerja, potential)]


def potential_from_score(score: float, cutoffs: TalentCutoffs) -> Potential:
    """Rate a 0–100 potential score (potential test or JPM) against the configured cut-offs."""
    if score >= cutoffs.potential_high_from:
        return Potential.TINGGI
    if score >= cutoffs.potential_medium_from:
        return Potential.MENENGAH
    return Potential.RENDAH


def parse_potential(text: str, field: str) -> Potential:
    """Accept tinggi / menengah / rendah in any case."""
    potential = _POTENTIALS.get(text.strip().lower())
    if potential is not None:
        return potential
    raise InvalidInput(
        field,
        Reason(
            "POTENTIAL_UNKNOWN",
            f"Potensial '{text}' tidak dikenal; gunakan tinggi, menengah atau rendah",
            f"Unknown potential '{text}'; use tinggi, menengah or rendah",
        ),
    )
