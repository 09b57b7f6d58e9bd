"""SKP performance predicates: the hasil kerja × perilaku kerja matrix and the Kinerja axis."""

from __future__ import annotations

from mutasi.assessment.domain.errors import InvalidInput, Reason
from mutasi.assessment.domain.rules import TalentCutoffs
from mutasi.contracts.vocabulary import PREDICATE_MATRIX as PREDICATE_MATRIX
from mutasi.contracts.vocabulary import Predicate as Predicate
from mutasi.contracts.vocabulary import Rating as Rating

_NAMES = ", ".join(p.value for p in Predicate)
_RATINGS = {r.value: r for r in Rating}  # a lookup per cell instead of walking the enum
_PREDICATE_ALIASES = {p.value.lower(): p for p in Predicate} | {
    "kurang": Predicate.KURANG,
    "misconduct": Predicate.KURANG,
    "sangat_baik": Predicate.SANGAT_BAIK,
    "butuh_perbaikan": Predicate.BUTUH_PERBAIKAN,
    "sangat_kurang": Predicate.SANGAT_KURANG,
}


def predicate(hasil_kerja: Rating, perilaku_kerja: Rating) -> Predicate:
    """The SKP predicate for one appraisal from its two ratings."""
    return PREDICATE_MATRIX[(hasil_kerja, perilaku_kerja)]


def parse_rating(text: str, field: str) -> Rating:
    """Accept 'di atas', 'Di_Atas', 'sesuai', …; anything else is an error naming the field."""
    rating = _RATINGS.get(text.strip().lower().replace(" ", "_"))
    if rating is not None:
        return rating
    raise InvalidInput(
        field,
        Reason(
            "RATING_UNKNOWN",
            f"Nilai '{text}' tidak dikenal; gunakan di_atas, sesuai atau di_bawah",
            f"Unknown value '{text}'; use di_atas, sesuai or di_bawah",
        ),
    )


def parse_predicate(text: str, field: str) -> Predicate:
    """Accept the e-Kinerja spellings (case-insensitive, 'Kurang' for Kurang/Misconduct)."""
    found = _PREDICATE_ALIASES.get(text.strip().lower())
    if found is None:
        raise InvalidInput(
            field,
            Reason(
                "PREDICATE_UNKNOWN",
                f"Predikat '{text}' tidak dikenal; gunakan {_NAMES}",
                f"Unknown predicate '{text}'; use {_NAMES}",
            ),
        )
    return found


def kinerja_axis(latest: Predicate, cutoffs: TalentCutoffs) -> Rating:
    """The 9-box Kinerja rating from the most recent predicate, through the configured mapping."""
    return Rating(cutoffs.kinerja_by_predicate[latest.value])
