"""Posts of the peta jabatan with their ANJAB/ABK numbers (kebutuhan, bezetting, selisih) and requirements."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mutasi.placement.domain.ranks import (
    LEADERSHIP_POST_TYPES,
    MANAGERIAL_CODES,
    STANDARD_MANAGERIAL_LEVEL,
    post_bup,
    post_level,
)

# Effective working time per year (waktu kerja efektif), PermenPANRB 1/2020 (docs/domain.md#needs-analysis-anjababk).
WKE_HOURS_PER_YEAR = 1250.0


@dataclass(frozen=True)
class WorkloadTask:
    """One task of a post's ABK: yearly volume and the standard time (norma waktu) per unit, in hours."""

    volume_per_year: float
    norm_hours: float

    @property
    def hours(self) -> float:
        return self.volume_per_year * self.norm_hours


def kebutuhan_from_workload(tasks: Iterable[WorkloadTask], wke: float = WKE_HOURS_PER_YEAR) -> float:
    """Needed headcount (kebutuhan pegawai) = Σ workload hours / effective working time (PermenPANRB 1/2020)."""
    return sum(t.hours for t in tasks) / wke


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class Post:
    """A post (jabatan) in one unit with its seats from ANJAB/ABK and its requirements."""

    post_id: str
    agency_id: str
    unit_id: str
    unit_name: str
    name: str
    post_type: str  # jpt_pratama | administrator | pengawas | fungsional | pelaksana
    eselon: str | None
    field: str  # work field, e.g. informatika
    golongan_min: str
    golongan_max: str
    education_levels: tuple[str, ...]  # accepted levels; empty = any
    education_fields: tuple[str, ...]  # accepted fields of study; empty = any
    kebutuhan: float  # needed headcount from ABK (decimal kept)
    bezetting: int  # staff holding the post now
    standard: Mapping[str, int] = dataclasses.field(default_factory=dict)  # competency code -> required level
    fields_mandatory: bool = False  # the field list is a hard requirement (always for fungsional)
    leadership_task: bool = False  # JF with an extra leadership task (Kepala Puskesmas/Sekolah)
    reports_to: str | None = None  # post id of the direct superior (atasan langsung) in the peta jabatan
    competency_test_required: bool = False  # entry into this JF needs a passed uji kompetensi

    @property
    def level(self) -> int:
        """Rung on the jenjang ladder (domain.ranks.post_level)."""
        return post_level(self.post_type, self.name)

    @property
    def bup(self) -> float:
        """Retirement age of whoever holds this post (domain.ranks.post_bup)."""
        return post_bup(self.post_type, self.name)

    @property
    def seats(self) -> int:
        """Kebutuhan rounded half up: the instansi policy for whole seats (the decimal is kept)."""
        return round_half_up(self.kebutuhan)

    @property
    def selisih(self) -> float:
        """bezetting − kebutuhan: negative = kekurangan (understaffed), positive = kelebihan (PermenPANRB 1/2020)."""
        return self.bezetting - self.kebutuhan

    @property
    def gap(self) -> int:
        """Open seats at the start of the round (never negative)."""
        return max(0, self.seats - self.bezetting)

    @property
    def field_required(self) -> bool:
        return self.fields_mandatory or self.post_type == "fungsional"

    @property
    def covered_by_blackout(self) -> bool:
        """Posts a regional head may not refill in a Pilkada window (UU 10/2016 Pasal 71)."""
        return self.post_type in LEADERSHIP_POST_TYPES or self.leadership_task

    def standard_levels(self) -> dict[str, int]:
        """The competency standard; the managerial default by post type fills codes the SKJ left out."""
        levels = {code: STANDARD_MANAGERIAL_LEVEL.get(self.post_type, 1) for code in MANAGERIAL_CODES}
        levels["perekat_bangsa"] = levels["integritas"]
        levels.update(self.standard)
        return levels


@dataclass(frozen=True)
class UnitNeeds:
    """Needs analysis of one unit: sums of its posts."""

    unit_id: str
    unit_name: str
    kebutuhan: float
    bezetting: int
    selisih: float
    open_seats: int


def needs_by_unit(posts: Iterable[Post]) -> list[UnitNeeds]:
    """Per-unit kebutuhan, bezetting, selisih and open seats, ordered by unit id."""
    acc: dict[str, list[Post]] = {}
    for post in posts:
        acc.setdefault(post.unit_id, []).append(post)
    out = []
    for unit_id in sorted(acc):
        ps = acc[unit_id]
        keb = sum(p.kebutuhan for p in ps)
        bez = sum(p.bezetting for p in ps)
        out.append(UnitNeeds(unit_id, ps[0].unit_name, round(keb, 2), bez, round(bez - keb, 2), sum(p.gap for p in ps)))
    return out
