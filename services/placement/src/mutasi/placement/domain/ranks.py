"""Golongan (rank) order, the eselon → golongan range table and education-level order."""

from __future__ import annotations

# PNS golongan/pangkat in ascending order (docs/domain.md#ranks-and-eselon).
GOLONGAN: tuple[str, ...] = (
    "I/a", "I/b", "I/c", "I/d",
    "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
)  # fmt: skip
_GOLONGAN_INDEX = {g: i for i, g in enumerate(GOLONGAN)}

# Eselon → (lowest, highest) golongan, PP 100/2000 jo PP 13/2002 (docs/domain.md#ranks-and-eselon).
ESELON_RANGE: dict[str, tuple[str, str]] = {
    "I.a": ("IV/d", "IV/e"),
    "I.b": ("IV/c", "IV/e"),
    "II.a": ("IV/c", "IV/d"),
    "II.b": ("IV/b", "IV/c"),
    "III.a": ("IV/a", "IV/b"),
    "III.b": ("III/d", "IV/a"),
    "IV.a": ("III/c", "III/d"),
    "IV.b": ("III/b", "III/c"),
    "V.a": ("III/a", "III/b"),
}

EDUCATION_LEVELS: tuple[str, ...] = ("SD", "SMP", "SMA", "D1", "D2", "D3", "S1", "D4", "S2", "S3")
# D4 and S1 are the same level (PP 11/2017 treats them as equivalent for requirements).
_EDUCATION_RANK = {"SD": 0, "SMP": 1, "SMA": 2, "D1": 3, "D2": 4, "D3": 5, "S1": 6, "D4": 6, "S2": 7, "S3": 8}

# Competency codes (PermenPANRB 38/2017): eight managerial, one socio-cultural.
MANAGERIAL_CODES: tuple[str, ...] = (
    "integritas", "kerja_sama", "komunikasi", "orientasi_hasil",
    "pelayanan_publik", "pengembangan_diri", "mengelola_perubahan", "pengambilan_keputusan",
)  # fmt: skip

# Standard managerial level per post type (PermenPANRB 38/2017 socialisation deck, docs/domain.md#competency-and-jpm).
STANDARD_MANAGERIAL_LEVEL: dict[str, int] = {
    "jpt_madya": 5,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 2,
    "fungsional": 2,
    "pelaksana": 1,
}

POST_TYPES: tuple[str, ...] = (
    "jpt_utama",
    "jpt_madya",
    "jpt_pratama",
    "administrator",
    "pengawas",
    "fungsional",
    "pelaksana",
)
LEADERSHIP_POST_TYPES = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"})


def is_golongan(value: str) -> bool:
    return value in _GOLONGAN_INDEX


def golongan_rank(value: str) -> int:
    """Position of a golongan in GOLONGAN; raises KeyError for an unknown one."""
    return _GOLONGAN_INDEX[value]


def is_education_level(value: str) -> bool:
    return value in _EDUCATION_RANK


def education_rank(value: str) -> int:
    return _EDUCATION_RANK[value]
