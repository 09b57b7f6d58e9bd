"""SKP performance predicates (PermenPANRB 6/2022): the hasil × perilaku matrix and predicate scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from mutasi.contracts.vocabulary import PREDICATE_MATRIX as PREDICATE_MATRIX
from mutasi.contracts.vocabulary import Predicate as Predicate
from mutasi.contracts.vocabulary import Rating as Rating

PREDICATE_ORDER: tuple[Predicate, ...] = tuple(Predicate)

_ALIASES: Mapping[str, Predicate] = {
    "sangat baik": Predicate.SANGAT_BAIK,
    "baik": Predicate.BAIK,
    "butuh perbaikan": Predicate.BUTUH_PERBAIKAN,
    "kurang/misconduct": Predicate.KURANG,
    "kurang": Predicate.KURANG,
    "misconduct": Predicate.KURANG,
    "sangat kurang": Predicate.SANGAT_KURANG,
}


def predicate_from_matrix(hasil_kerja: Rating, perilaku_kerja: Rating) -> Predicate:
    """The predicate the SKP matrix gives for a pair of ratings."""
    return PREDICATE_MATRIX[(hasil_kerja, perilaku_kerja)]


def parse_predicate(text: str) -> Predicate | None:
    """Reads a predicate however e-Kinerja exports spell it ("Sangat_Baik", "KURANG", …); None if unknown."""
    return _ALIASES.get(text.strip().replace("_", " ").replace("-", " ").lower())


def parse_rating(text: str) -> Rating | None:
    """Reads a rating ("di atas", "DI_ATAS", …); None if unknown."""
    key = text.strip().replace(" ", "_").replace("-", "_").lower()
    return next((r for r in Rating if r.value == key), None)


def _default_scores() -> dict[Predicate, float]:
    # One implementation scores predicates this way for talent calculations (docs/domain.md#performance-predicate [P]).
    return {
        Predicate.SANGAT_BAIK: 100.0,
        Predicate.BAIK: 80.0,
        Predicate.BUTUH_PERBAIKAN: 60.0,
        Predicate.KURANG: 40.0,
        Predicate.SANGAT_KURANG: 20.0,
    }


@dataclass(frozen=True)
class PredicateScale:
    """Numbers behind predicates, and the predicate that counts as meeting expectation."""

    scores: Mapping[Predicate, float] = field(default_factory=_default_scores)
    # PERF_2Y_BAIK (Perban 5/2019): "Baik" or better passes.
    expected: Predicate = Predicate.BAIK

    def score(self, predicate: Predicate) -> float:
        return self.scores[predicate]

    def meets_expectation(self, predicate: Predicate) -> bool:
        return self.score(predicate) >= self.score(self.expected)


class Outcome(StrEnum):
    """Direction of performance against the baseline (the `outcome` of `evaluation-recorded`)."""

    IMPROVED = "improved"
    STABLE = "stable"
    DECLINED = "declined"


def outcome(before: Predicate | None, after: Predicate, scale: PredicateScale) -> Outcome:
    """Improved, stable or declined; with no baseline to compare, the move counts as stable."""
    if before is None or scale.score(after) == scale.score(before):
        return Outcome.STABLE
    return Outcome.IMPROVED if scale.score(after) > scale.score(before) else Outcome.DECLINED
