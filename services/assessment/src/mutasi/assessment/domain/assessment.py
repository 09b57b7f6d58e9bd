"""An assessment-centre result for one ASN, its validity, and what it means: JPM, predicate, box."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from mutasi.assessment.domain.competency import CompetencyStandard
from mutasi.assessment.domain.jpm import JpmPolicy, JpmResult, job_person_match
from mutasi.assessment.domain.performance import Predicate, Rating, kinerja_axis, predicate
from mutasi.assessment.domain.rules import TalentCutoffs
from mutasi.assessment.domain.talent import Box, Potential, potential_from_score, talent_box


@dataclass(frozen=True)
class Assessment:
    """Levels 1–5 per competency from one assessment, plus the inputs to the 9-box."""

    nip: str
    assessed_on: date
    method: str  # assessment_center | cat | uji_kompetensi
    assessor_body: str
    levels: Mapping[str, int]
    validity_years: int
    potential: Potential | None = None  # given by the assessor body, if it rated potential directly
    potential_score: float | None = None  # 0–100 potential test score, if given instead
    hasil_kerja: Rating | None = None  # SKP ratings of the latest appraisal, if given
    perilaku_kerja: Rating | None = None
    follow_up_id: str | None = None  # the follow-up recommendation this re-assessment answers

    def expires_on(self) -> date:
        """The last day the result may be used (29 Feb rolls to 28 Feb)."""
        year = self.assessed_on.year + self.validity_years
        try:
            return self.assessed_on.replace(year=year)
        except ValueError:
            return self.assessed_on.replace(year=year, day=28)

    def is_expired(self, today: date) -> bool:
        """Expired results are flagged, never used silently."""
        return today > self.expires_on()


@dataclass(frozen=True)
class Evaluation:
    """Everything derived from an assessment for the person's current post."""

    jpm: JpmResult
    predicate: Predicate | None
    kinerja: Rating | None
    potential: Potential
    box: Box | None  # None when no performance predicate is known
    expired: bool


def skp_predicate(assessment: Assessment, registry_latest: Predicate | None) -> Predicate | None:
    """The assessment's own SKP ratings win; else the registry's latest annual predicate."""
    if assessment.hasil_kerja is not None and assessment.perilaku_kerja is not None:
        return predicate(assessment.hasil_kerja, assessment.perilaku_kerja)
    return registry_latest


def potential_rating(assessment: Assessment, jpm: JpmResult, cutoffs: TalentCutoffs) -> Potential:
    """A direct rating wins, then a potential score, then the current-post JPM against the cut-offs."""
    if assessment.potential is not None:
        return assessment.potential
    score = assessment.potential_score if assessment.potential_score is not None else jpm.percent
    return potential_from_score(score, cutoffs)


def evaluate(
    assessment: Assessment,
    standard: CompetencyStandard,
    registry_latest: Predicate | None,
    policy: JpmPolicy,
    cutoffs: TalentCutoffs,
    today: date,
    level_key: str = "",
) -> Evaluation:
    """JPM against the current post, the SKP predicate, the potential rating and the 9-box cell."""
    jpm = job_person_match(assessment.levels, standard, policy, level_key)
    pred = skp_predicate(assessment, registry_latest)
    kinerja = kinerja_axis(pred, cutoffs) if pred is not None else None
    potential = potential_rating(assessment, jpm, cutoffs)
    box = talent_box(kinerja, potential) if kinerja is not None else None
    return Evaluation(jpm, pred, kinerja, potential, box, assessment.is_expired(today))
