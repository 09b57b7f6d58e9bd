"""Competency codes, post types and the competency standard of a post (SKJ, PermenPANRB 38/2017)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from mutasi.contracts.vocabulary import PostType as PostType

# The eight managerial competencies and the one socio-cultural competency (PermenPANRB 38/2017) [V].
# These codes are shared by every Mutasi service; do not rename.
MANAGERIAL: tuple[str, ...] = (
    "integritas",
    "kerja_sama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
)
SOCIO_CULTURAL: tuple[str, ...] = ("perekat_bangsa",)
TECHNICAL_PREFIX = "tek_"  # technical competencies are free codes such as tek_sistem_informasi
MIN_LEVEL, MAX_LEVEL = 1, 5  # levels 1 Paham … 5 Ahli (PermenPANRB 38/2017) [V]

NAMES_ID: dict[str, str] = {
    "integritas": "Integritas",
    "kerja_sama": "Kerja Sama",
    "komunikasi": "Komunikasi",
    "orientasi_hasil": "Orientasi pada Hasil",
    "pelayanan_publik": "Pelayanan Publik",
    "pengembangan_diri": "Pengembangan Diri dan Orang Lain",
    "mengelola_perubahan": "Mengelola Perubahan",
    "pengambilan_keputusan": "Pengambilan Keputusan",
    "perekat_bangsa": "Perekat Bangsa",
}


def display_name(code: str) -> str:
    """Indonesian name of a competency; technical codes read as 'Teknis: sistem informasi'."""
    if code in NAMES_ID:
        return NAMES_ID[code]
    return "Teknis: " + code.removeprefix(TECHNICAL_PREFIX).replace("_", " ")


LEVEL_NAMES: dict[int, str] = {
    1: "Paham",
    2: "Dasar",
    3: "Menengah",
    4: "Mumpuni",
    5: "Ahli",
}  # socialisation deck [V]


class Group(StrEnum):
    """The three competency groups of an SKJ."""

    MANAGERIAL = "manajerial"
    SOCIO_CULTURAL = "sosial_kultural"
    TECHNICAL = "teknis"


@functools.cache  # a handful of codes, asked for every competency of every person assessed
def group_of(code: str) -> Group:
    """Which SKJ group a competency code belongs to."""
    if code in MANAGERIAL:
        return Group.MANAGERIAL
    if code in SOCIO_CULTURAL:
        return Group.SOCIO_CULTURAL
    return Group.TECHNICAL


def is_competency_code(code: str) -> bool:
    """Managerial and socio-cultural codes are fixed; technical ones must start with `tek_`."""
    return code in MANAGERIAL or code in SOCIO_CULTURAL or (code.startswith(TECHNICAL_PREFIX) and len(code) > 4)


@dataclass(frozen=True)
class Post:
    """A post in the agency's peta jabatan, as far as assessment needs it."""

    post_id: str
    unit_id: str
    name: str
    post_type: PostType
    jenjang: str | None = None  # JF level, e.g. ahli_pertama; None for structural and pelaksana posts
    unit_name: str = ""
    field: str = ""  # work field, e.g. informatika, administrasi
    eselon: str | None = None  # e.g. III.b for structural posts


@dataclass(frozen=True)
class CompetencyStandard:
    """The required level per competency for one post (its SKJ)."""

    post_id: str
    levels: Mapping[str, int] = field(default_factory=dict)

    def in_group(self, group: Group) -> dict[str, int]:
        """The required levels of one group."""
        return {c: lv for c, lv in self.levels.items() if group_of(c) is group}

    @property
    def technical(self) -> dict[str, int]:
        """Technical competencies required by the post."""
        return self.in_group(Group.TECHNICAL)
