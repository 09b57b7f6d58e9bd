"""Job-Person Match: actual competency levels against a post's SKJ, with the variants agencies use."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from mutasi.assessment.domain.competency import CompetencyStandard, Group, group_of


class CapMode(StrEnum):
    """How excess above the standard counts."""

    UNCAPPED = "uncapped"  # a UI showing 138.89% → "Optimal" [V]
    TOTAL = "total"  # BKD Kaltim assessment app caps the total at 100% [V]
    PER_COMPETENCY = "per_competency"  # excess on one competency does not offset a gap on another [P]


@dataclass(frozen=True)
class Band:
    """One category of a threshold family: a lower bound (inclusive) and its names."""

    lower: float
    code: str
    label: str  # Indonesian


@dataclass(frozen=True)
class ThresholdFamily:
    """Categories from highest to lowest; the first band whose lower bound the JPM reaches wins."""

    name: str
    bands: tuple[Band, ...]

    def categorize(self, jpm: float) -> Band:
        """The band of a JPM percentage."""
        for band in self.bands:
            if jpm >= band.lower:
                return band
        return self.bands[-1]


# "Pemetaan" family: BKD Kaltim assessment-centre code, "tipe formula 2" [V]; regulatory origin not found [U].
PEMETAAN = ThresholdFamily(
    "pemetaan",
    (
        Band(90.0, "optimal", "Optimal"),
        Band(78.0, "cukup_optimal", "Cukup Optimal"),
        Band(0.0, "kurang_optimal", "Kurang Optimal"),
    ),
)
# Selection / competency-test family: 2020 ministerial JF inpassing rule; Kaltim "tipe formula 1" [V].
SELEKSI = ThresholdFamily(
    "seleksi",
    (
        Band(80.0, "ms", "Memenuhi Syarat"),
        Band(68.0, "mms", "Masih Memenuhi Syarat"),
        Band(0.0, "kms", "Kurang Memenuhi Syarat"),
    ),
)
THRESHOLD_FAMILIES: dict[str, ThresholdFamily] = {f.name: f for f in (PEMETAAN, SELEKSI)}


@dataclass(frozen=True)
class JpmPolicy:
    """An agency's choice of JPM variant and category family."""

    # Default per-competency: for placement, a surplus in one competency must not mask a gap in another.
    cap: CapMode = CapMode.PER_COMPETENCY
    family: ThresholdFamily = PEMETAAN
    # Technical weight by JF jenjang or post type; the rest goes to managerial + socio-cultural.
    # Example from a 2020 ministerial inpassing rule: ahli_madya 0.4, ahli_muda 0.5, ahli_pertama 0.6 [V].
    technical_weight: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Gap:
    """One competency's actual level against the standard; negative means below standard."""

    code: str
    group: Group
    standard: int
    actual: int

    @property
    def gap(self) -> int:
        """actual − standard (PP 11/2017 Pasal 206 gap analysis) [V]."""
        return self.actual - self.standard


@dataclass(frozen=True)
class JpmResult:
    """The match of one person against one post."""

    post_id: str
    percent: float
    category: Band
    gaps: tuple[Gap, ...]

    @property
    def below_standard(self) -> tuple[Gap, ...]:
        """Competencies where the person is under the post's standard (they drive the IDP)."""
        return tuple(g for g in self.gaps if g.gap < 0)


def gaps(actual: Mapping[str, int], standard: CompetencyStandard) -> tuple[Gap, ...]:
    """Per-competency gaps; a required competency that was not assessed counts as level 0."""
    return tuple(_gap(code, required, actual.get(code, 0)) for code, required in standard.levels.items())


@functools.lru_cache(maxsize=8192)  # codes × levels 0–5 × 1–5: one frozen Gap serves every person with that pair
def _gap(code: str, standard: int, actual: int) -> Gap:
    return Gap(code, group_of(code), standard, actual)


def _percent(items: tuple[Gap, ...], cap: CapMode) -> float:
    required = sum(g.standard for g in items)
    if required == 0:
        return 100.0
    achieved = sum(min(g.actual, g.standard) if cap is CapMode.PER_COMPETENCY else g.actual for g in items)
    value = achieved / required * 100
    return min(value, 100.0) if cap is CapMode.TOTAL else value


def job_person_match(
    actual: Mapping[str, int],
    standard: CompetencyStandard,
    policy: JpmPolicy,
    level_key: str = "",
) -> JpmResult:
    """JPM% = Σ actual / Σ standard × 100, optionally capped and weighted technical vs the rest by level."""
    all_gaps = gaps(actual, standard)
    weight = policy.technical_weight.get(level_key)
    technical = tuple(g for g in all_gaps if g.group is Group.TECHNICAL)
    if weight is None or not technical:
        percent = _percent(all_gaps, policy.cap)
    else:
        rest = tuple(g for g in all_gaps if g.group is not Group.TECHNICAL)
        percent = weight * _percent(technical, policy.cap) + (1 - weight) * _percent(rest, policy.cap)
    percent = round(percent, 2)
    return JpmResult(standard.post_id, percent, policy.family.categorize(percent), all_gaps)
