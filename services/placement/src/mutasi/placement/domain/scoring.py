"""Fit score of a candidate for a post: JPM, education field, 9-box recommendation, preference, cost of moving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.posts import Post

# How much each 9-box recommends a move (0..100), from the follow-ups of PermenPANRB 3/2020 (docs/domain.md#talent-box):
# 2, 3, 5, 6 "penempatan yang sesuai" (re-placement to fit) is the main lever; 4 "rotasi"; 7–8 rotation or
# enrichment; 9 promote and retain; 1 is handled under discipline/performance rules, not by mutasi.
BOX_MOVE_AFFINITY: Mapping[int, float] = {1: 0, 2: 90, 3: 90, 4: 80, 5: 100, 6: 100, 7: 70, 8: 70, 9: 60}

SCALE = 100  # fit scores are integers in hundredths of a point inside the solver


@dataclass(frozen=True)
class FitWeights:
    """Weights of the fit parts (configuration; what worked in evaluation feeds the next round)."""

    jpm: float = 0.45
    education: float = 0.20
    box: float = 0.15
    preference: float = 0.20
    # Points taken off every move of a person whose JPM in the current post already reaches fits_threshold.
    move_cost: float = 10.0
    # Points taken off every move: the disruption of any transfer, so the plan does not churn for marginal gains.
    move_friction: float = 5.0
    # "Optimal" in the Pemetaan family (≥90%, docs/domain.md#competency-and-jpm); configurable per agency.
    fits_threshold: float = 90.0
    # Cap each competency at its standard so excess does not offset gaps (a practice variant, docs/domain.md).
    cap_each_competency: bool = True

    def as_dict(self) -> dict[str, float | bool]:
        return {
            "jpm": self.jpm, "education": self.education, "box": self.box, "preference": self.preference,
            "move_cost": self.move_cost, "move_friction": self.move_friction, "fits_threshold": self.fits_threshold,
            "cap_each_competency": self.cap_each_competency,
        }  # fmt: skip


def jpm(levels: Mapping[str, int], standard: Mapping[str, int], cap_each: bool = True) -> float:
    """Job-Person Match % = Σ actual / Σ standard × 100 over the standard's competencies (docs/domain.md)."""
    total = sum(standard.values())
    if total <= 0:
        return 100.0
    got = sum(
        min(levels.get(code, 0), need) if cap_each else levels.get(code, 0)
        for code, need in standard.items()
        if need > 0  # a code with no required level is not part of the standard
    )
    return min(100.0, 100.0 * got / total)


def education_match(candidate: Candidate, post: Post) -> float:
    """100 when the field of study is one the post accepts, 50 when the post names none, else 0."""
    if not post.education_fields:
        return 50.0
    return 100.0 if candidate.education_field in post.education_fields else 0.0


def preference_part(post_id: str, ranked: Sequence[str], max_preferences: int) -> float:
    """First choice 100, then evenly down to 100/N for the N-th; a post not asked for 0."""
    if post_id not in ranked:
        return 0.0
    n = max(max_preferences, len(ranked), 1)
    return 100.0 * (n - ranked.index(post_id)) / n


def in_hundredths(value: float) -> int:
    """A part of the fit in whole hundredths of a point (half to even on the double, as numpy's rint)."""
    return round(value * SCALE)


def fit_from_parts(parts: Mapping[str, float], raw_jpm: float) -> FitScore:
    """Each part rounded to hundredths, and the total their sum, so stored parts always add up to the total."""
    cents = {k: in_hundredths(v) for k, v in parts.items()}
    return FitScore(sum(cents.values()) / SCALE, {k: c / SCALE for k, c in cents.items()}, raw_jpm)


@dataclass(frozen=True)
class FitScore:
    """A fit score with its parts (each part already weighted, so they add up to the total)."""

    total: float
    parts: Mapping[str, float]
    jpm: float  # the raw JPM % against the post

    @property
    def scaled(self) -> int:
        return round(self.total * SCALE)


def already_fits(candidate: Candidate, weights: FitWeights) -> bool:
    """JPM in the current post reaches the threshold, unless evaluation asked to re-place the person."""
    return candidate.jpm_current >= weights.fits_threshold and candidate.follow_up != "re_placement"


def fit_for_move(
    candidate: Candidate, post: Post, ranked: Sequence[str], max_preferences: int, weights: FitWeights
) -> FitScore:
    """Fit of moving the candidate to the post."""
    raw_jpm = jpm(candidate.competencies, post.standard_levels(), weights.cap_each_competency)
    parts = {
        "jpm": weights.jpm * raw_jpm,
        "education": weights.education * education_match(candidate, post),
        "box": weights.box * BOX_MOVE_AFFINITY.get(candidate.talent_box, 50),
        "preference": weights.preference * preference_part(post.post_id, ranked, max_preferences),
        "move_cost": -(weights.move_friction + (weights.move_cost if already_fits(candidate, weights) else 0.0)),
    }
    return fit_from_parts(parts, raw_jpm)


def fit_for_stay(candidate: Candidate, current: Post | None, ranked: Sequence[str], weights: FitWeights) -> FitScore:
    """Fit of staying: the JPM in the current post as assessment measured it (one JPM, the "before" of every
    explanation); a neutral half for the box part (a move scores the box's affinity for moving); no preference
    bonus for someone who asked to move, a neutral half otherwise."""
    raw_jpm = candidate.jpm_current
    education = education_match(candidate, current) if current is not None else 50.0
    parts = {
        "jpm": weights.jpm * raw_jpm,
        "education": weights.education * education,
        "box": weights.box * 50.0,
        "preference": weights.preference * (0.0 if ranked else 50.0),
        "move_cost": 0.0,
    }
    return fit_from_parts(parts, raw_jpm)
