"""Competency codes and the gap between a person's levels and a post's standard (PermenPANRB 38/2017)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from mutasi.training.domain.errors import InvalidInput

MANAGERIAL = (
    "integritas",
    "kerja_sama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
)
SOCIO_CULTURAL = ("perekat_bangsa",)
MIN_LEVEL = 0  # 0 = never assessed on this competency; assessed levels run 1..5
MAX_LEVEL = 5
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


class CompetencyGroup(StrEnum):
    """The three groups of the Standar Kompetensi Jabatan."""

    MANAGERIAL = "managerial"
    SOCIO_CULTURAL = "socio_cultural"
    TECHNICAL = "technical"


def group_of(code: str) -> CompetencyGroup:
    """Managerial and socio-cultural codes are fixed; any other valid code is technical."""
    if code in MANAGERIAL:
        return CompetencyGroup.MANAGERIAL
    if code in SOCIO_CULTURAL:
        return CompetencyGroup.SOCIO_CULTURAL
    return CompetencyGroup.TECHNICAL


def is_code(code: str) -> bool:
    return bool(_CODE.match(code))


def check_code(code: str, field: str) -> str:
    """A competency code is lower-case snake case (technical codes are free, e.g. `tek_sistem_informasi`)."""
    if not is_code(code):
        raise InvalidInput(field, f"'{code}' is not a competency code (lower-case letters, digits, _)")
    return code


def check_levels(levels: Mapping[str, int], field: str) -> dict[str, int]:
    """Levels are integers 0..5 keyed by valid competency codes."""
    for code, level in levels.items():
        check_code(code, f"{field}.{code}")
        if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidInput(f"{field}.{code}", f"level must be an integer {MIN_LEVEL}..{MAX_LEVEL}")
    return dict(levels)


@dataclass(frozen=True)
class Gap:
    """How far a person is below the standard of their new post on one competency."""

    competency: str
    current: int
    required: int

    @property
    def levels(self) -> int:
        return self.required - self.current

    @property
    def group(self) -> CompetencyGroup:
        return group_of(self.competency)


def compute_gaps(levels: Mapping[str, int], standard: Mapping[str, int]) -> tuple[Gap, ...]:
    """Gaps where the person is below the standard; a competency never assessed counts as level 0.

    Ordered managerial, socio-cultural, technical, then by code, so plans read the same every time.
    """
    check_levels(levels, "levels")
    check_levels(standard, "standard")
    gaps = [
        Gap(code, levels.get(code, MIN_LEVEL), required)
        for code, required in standard.items()
        if levels.get(code, MIN_LEVEL) < required
    ]
    order = list(CompetencyGroup)
    return tuple(sorted(gaps, key=lambda g: (order.index(g.group), g.competency)))
