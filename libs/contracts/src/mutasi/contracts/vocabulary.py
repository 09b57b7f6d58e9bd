"""The words every service and every subscriber shares: performance predicates, follow-up reasons, kinds of move
and of post.

Standard library only, so the plain-Python domain packages may import it too. Each word set exists once: a
`StrEnum` for code that reasons with it and a `Literal` of the same values for the event models (a string enum in
the JSON Schema); `tests/unit/test_vocabulary.py` keeps the two equal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Rating(StrEnum):
    """A rating against expectations, for hasil kerja (work results), perilaku kerja (behaviour) and the Kinerja
    axis of the talent box (PermenPANRB 6/2022)."""

    DI_ATAS = "di_atas"
    SESUAI = "sesuai"
    DI_BAWAH = "di_bawah"


class Predicate(StrEnum):
    """The five SKP predicates (predikat kinerja), best first; the value is the spelling of e-Kinerja and SIASN."""

    SANGAT_BAIK = "Sangat Baik"
    BAIK = "Baik"
    BUTUH_PERBAIKAN = "Butuh Perbaikan"
    KURANG = "Kurang/Misconduct"
    SANGAT_KURANG = "Sangat Kurang"


PredicateName = Literal["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]

# PermenPANRB 6/2022: (hasil kerja, perilaku kerja) -> predicate; several government implementations agree.
PREDICATE_MATRIX: dict[tuple[Rating, Rating], Predicate] = {
    (Rating.DI_ATAS, Rating.DI_BAWAH): Predicate.KURANG,
    (Rating.DI_ATAS, Rating.SESUAI): Predicate.BAIK,
    (Rating.DI_ATAS, Rating.DI_ATAS): Predicate.SANGAT_BAIK,
    (Rating.SESUAI, Rating.DI_BAWAH): Predicate.KURANG,
    (Rating.SESUAI, Rating.SESUAI): Predicate.BAIK,
    (Rating.SESUAI, Rating.DI_ATAS): Predicate.BAIK,
    (Rating.DI_BAWAH, Rating.DI_BAWAH): Predicate.SANGAT_KURANG,
    (Rating.DI_BAWAH, Rating.SESUAI): Predicate.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.DI_ATAS): Predicate.BUTUH_PERBAIKAN,
}

# Peraturan BKN 5/2019 (PERF_2Y_BAIK): "Baik" or better passes.
PASSING_PREDICATES: frozenset[Predicate] = frozenset({Predicate.SANGAT_BAIK, Predicate.BAIK})


class FollowUpReason(StrEnum):
    """What evaluation recommends after a checkpoint; each consumer acts on the reasons it owns."""

    RE_ASSESSMENT = "re_assessment"  # assessment: assess again
    MORE_TRAINING = "more_training"  # training: plan more development
    RE_PLACEMENT = "re_placement"  # placement: a candidate again in the next round
    TALENT_POOL = "talent_pool"  # placement: the agency's talent pool


FollowUpReasonName = Literal["re_assessment", "more_training", "re_placement", "talent_pool"]


class MoveKind(StrEnum):
    """The direction of a move as HR practice names it: the same level, up a level, or down a level."""

    ROTASI = "rotasi"
    PROMOSI = "promosi"
    DEMOSI = "demosi"


MoveKindName = Literal["rotasi", "promosi", "demosi"]


class PostType(StrEnum):
    """Kinds of post (jabatan ASN, UU 20/2023 Pasal 13–18), lowest level first; the value is the code used in
    spreadsheets and events."""

    PELAKSANA = "pelaksana"
    FUNGSIONAL = "fungsional"
    PENGAWAS = "pengawas"
    ADMINISTRATOR = "administrator"
    JPT_PRATAMA = "jpt_pratama"
    JPT_MADYA = "jpt_madya"
    JPT_UTAMA = "jpt_utama"


AgeBandName = Literal["<30", "30–39", "40–49", "50+"]
"""Age in bands as the fairness reports group people: coarse enough to reveal no birth date (UU 27/2022 Pasal 16:
data minimisation)."""

EmployeeTypeName = Literal["PNS", "CPNS", "PPPK"]
"""SIASN's jenisPegawai."""

EducationLevelName = Literal["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]

PostTypeName = Literal["pelaksana", "fungsional", "pengawas", "administrator", "jpt_pratama", "jpt_madya", "jpt_utama"]


SEX_UNKNOWN = "tidak diketahui"


def sex_of(nip: str) -> str:
    """Digit 15 of an 18-digit NIP: 1 laki-laki (`L`), 2 perempuan (`P`) (Peraturan Kepala BKN 22/2007) — the only
    way Mutasi knows a person's sex, used for the fairness breakdowns."""
    digit = nip[14:15] if len(nip) == 18 else ""
    return {"1": "L", "2": "P"}.get(digit, SEX_UNKNOWN)
