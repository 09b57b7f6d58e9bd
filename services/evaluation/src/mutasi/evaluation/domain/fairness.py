"""Fairness of outcomes after the move: at each checkpoint, the share of evaluated people of each group whose
performance is favourable, next to the best-off group's share.

The same groups as placement's fairness report of the plan (sex, age band, golongan, education level, employee
type, unit, plus the kind of move), so a round can be followed from "who was moved" to "how it went for them".
It informs the Tim Penilai Kinerja; it changes no decision and no follow-up by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mutasi.contracts.vocabulary import PASSING_PREDICATES, SEX_UNKNOWN
from mutasi.contracts.vocabulary import sex_of as sex_of
from mutasi.evaluation.domain.disclosure import disclose
from mutasi.evaluation.domain.performance import Predicate

NOTE_ID = (
    "Bagian ini hanya memberi informasi tentang sebaran hasil sesudah mutasi; tidak mengubah keputusan atau "
    "rekomendasi apa pun. Kelompok di bawah ambang ditandai untuk ditinjau (PP 11/2017 Pasal 56: tanpa membedakan "
    "jenis kelamin, suku, agama, ras, golongan)."
)

# Dimension -> label of the column, in the order the report shows them.
DIMENSIONS: dict[str, str] = {
    "jenis_kelamin": "Jenis kelamin",
    "kelompok_usia": "Kelompok usia",
    "golongan": "Golongan",
    "pendidikan": "Pendidikan",
    "jenis_pegawai": "Jenis pegawai",
    "jenis_mutasi": "Jenis mutasi",
    "unit": "Unit tujuan",
}
UNKNOWN = SEX_UNKNOWN


@dataclass(frozen=True)
class FairnessSettings:
    """Thresholds of the breakdown (configuration)."""

    # The four-fifths rule of thumb for adverse impact (US Uniform Guidelines on Employee Selection Procedures,
    # 29 CFR 1607.4(D)): a group whose favourable rate is under 80 % of the best group's is flagged.
    flag_ratio: float = 0.8
    # No row rests on fewer people than this (UU 27/2022: nobody can be singled out of a published table); the
    # same minimum as the survey's.
    min_group: int = 5
    # Predicates that count as a favourable outcome at a checkpoint: those that pass (Baik or better, Peraturan
    # BKN 5/2019), the same line the eligibility rules draw.
    favourable: frozenset[Predicate] = PASSING_PREDICATES


@dataclass(frozen=True)
class Outcome:
    """One moved person as the breakdown needs them: their groups, and the predicate per recorded checkpoint."""

    nip: str
    groups: Mapping[str, str]
    predicates: Mapping[int, Predicate]  # checkpoint months -> predicate recorded there


@dataclass(frozen=True)
class OutcomeRow:
    checkpoint_months: int
    dimension: str
    group: str  # a pooled row lists its groups joined by "+"
    pooled: bool
    evaluated: int
    favourable: int
    rate: float | None
    ratio_to_best: float | None
    flagged: bool


@dataclass(frozen=True)
class OutcomeFairness:
    checkpoints: tuple[int, ...]
    flag_ratio: float
    min_group: int
    rows: tuple[OutcomeRow, ...]
    note: str = NOTE_ID

    @property
    def flagged(self) -> tuple[OutcomeRow, ...]:
        return tuple(r for r in self.rows if r.flagged)


def _rows(
    months: int, dimension: str, members: Mapping[str, Sequence[Outcome]], s: FairnessSettings
) -> list[OutcomeRow]:
    stats: list[tuple[str, bool, int, int]] = []
    for shown in disclose(members, s.min_group):
        ok = sum(1 for o in shown.members if o.predicates[months] in s.favourable)
        stats.append(("+".join(shown.keys), shown.merged, len(shown.members), ok))
    best = max((ok / n for _, _, n, ok in stats if n), default=0.0)
    rows = []
    for group, pooled, n, ok in stats:
        rate = ok / n if n else None
        ratio = rate / best if rate is not None and best > 0 else None
        rows.append(
            OutcomeRow(months, dimension, group, pooled, n, ok, None if rate is None else round(rate, 4),
                       None if ratio is None else round(ratio, 3), ratio is not None and ratio < s.flag_ratio)
        )  # fmt: skip
    return rows


def outcome_fairness(
    people: Iterable[Outcome], checkpoints: Iterable[int], settings: FairnessSettings | None = None
) -> OutcomeFairness:
    """For each checkpoint and dimension, one row per group of people evaluated there; groups under `min_group`
    are pooled (and nothing is shown when the whole checkpoint has fewer than `min_group` people)."""
    s = settings or FairnessSettings()
    pool = list(people)
    months_list = tuple(sorted(set(checkpoints)))
    rows: list[OutcomeRow] = []
    for months in months_list:
        evaluated = [o for o in pool if months in o.predicates]
        for dimension in DIMENSIONS:
            members: dict[str, list[Outcome]] = {}
            for o in evaluated:
                members.setdefault(o.groups.get(dimension) or UNKNOWN, []).append(o)
            rows += _rows(months, dimension, dict(sorted(members.items())), s)
    return OutcomeFairness(months_list, s.flag_ratio, s.min_group, tuple(rows))
