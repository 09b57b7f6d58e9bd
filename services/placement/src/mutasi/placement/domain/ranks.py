"""Golongan (rank) order, the eselon → golongan range table and education-level order."""

from __future__ import annotations

from functools import lru_cache

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


# PPPK golongan I–XVII (Perpres 98/2020) read as the PNS golongan at the same position of the salary scale
# (Perpres 98/2020 Lampiran against PP 15/2019 Lampiran): IX (S1 entry) = III/a, V (SMA entry) = II/a, and so on.
# Posts state their ranges in PNS golongan, so a PPPK is compared through this table.
PPPK_GOLONGAN: tuple[str, ...] = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip
PPPK_TO_PNS: dict[str, str] = dict(zip(PPPK_GOLONGAN, GOLONGAN, strict=True))


def comparable_rank(value: str) -> int | None:
    """Position on the PNS golongan scale of a PNS golongan or a PPPK golongan; None when it is neither."""
    if value in _GOLONGAN_INDEX:
        return _GOLONGAN_INDEX[value]
    if value in PPPK_TO_PNS:
        return _GOLONGAN_INDEX[PPPK_TO_PNS[value]]
    return None


# Jenjang ladder that names a move rotasi, promosi or demosi. Structural levels follow the eselon bands; JF
# jenjang sit at the structural level they were equated with in the penyetaraan jabatan (PermenPANRB 17/2021:
# eselon III → Ahli Madya, eselon IV → Ahli Muda, eselon V → Ahli Pertama); pelaksana and the keterampilan
# jenjang below them. A JF post whose name gives no jenjang counts as Ahli Pertama.
POST_TYPE_LEVEL: dict[str, int] = {
    "pelaksana": 1, "fungsional": 2, "pengawas": 3, "administrator": 4,
    "jpt_pratama": 5, "jpt_madya": 6, "jpt_utama": 7,
}  # fmt: skip
JF_JENJANG_LEVEL: dict[str, int] = {
    "pemula": 1, "terampil": 1, "mahir": 1, "penyelia": 2,
    "ahli pertama": 2, "ahli muda": 3, "ahli madya": 4, "ahli utama": 5,
}  # fmt: skip

# Batas Usia Pensiun by post (UU 20/2023 Pasal 55; PP 11/2017 Pasal 239): JPT 60; administrator, pengawas,
# pelaksana 58; JF ahli pertama, ahli muda and keterampilan 58, ahli madya 60, ahli utama 65.
BUP_BY_POST_TYPE: dict[str, float] = {
    "pelaksana": 58, "fungsional": 58, "pengawas": 58, "administrator": 58,
    "jpt_pratama": 60, "jpt_madya": 60, "jpt_utama": 60,
}  # fmt: skip
BUP_BY_JF_JENJANG: dict[str, float] = {"ahli madya": 60, "ahli utama": 65}


def _jenjang(name: str) -> str | None:
    lowered = name.lower()
    return next((j for j in JF_JENJANG_LEVEL if j in lowered), None)


@lru_cache(maxsize=1 << 16)  # a pure function of a post's type and name, asked for each of ~110,000 people
def post_level(post_type: str, name: str) -> int:
    """The rung of a post on the jenjang ladder (POST_TYPE_LEVEL, JF by the jenjang in its name)."""
    jenjang = _jenjang(name) if post_type == "fungsional" else None
    return JF_JENJANG_LEVEL[jenjang] if jenjang else POST_TYPE_LEVEL.get(post_type, 1)


@lru_cache(maxsize=1 << 16)
def post_bup(post_type: str, name: str) -> float:
    """Retirement age of whoever holds the post."""
    jenjang = _jenjang(name) if post_type == "fungsional" else None
    return BUP_BY_JF_JENJANG.get(jenjang or "", BUP_BY_POST_TYPE.get(post_type, 58))
