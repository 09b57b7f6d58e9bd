"""Fairness report of a plan: exclusions, moves by kind and JPM gained, broken down by group, with the
selection-rate ratio of each group to the best-off one. It informs people; it changes no decision by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from mutasi.contracts.vocabulary import sex_of
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.rounds import PlanEntry

NOTE_ID = (
    "Laporan ini hanya memberi informasi tentang sebaran hasil rencana; laporan ini tidak mengubah keputusan apa "
    "pun. Kelompok di bawah ambang ditandai untuk ditinjau Tim Penilai Kinerja (PP 11/2017 Pasal 56: tanpa "
    "membedakan jenis kelamin, suku, agama, ras, golongan)."
)
POOLED = "lainnya (<{n})"


@dataclass(frozen=True)
class FairnessSettings:
    """Thresholds of the report (configuration)."""

    # The four-fifths rule of thumb for adverse impact (US Uniform Guidelines on Employee Selection
    # Procedures, 29 CFR 1607.4(D)): a group selected at under 80 % of the best group's rate is flagged.
    flag_ratio: float = 0.8
    # Groups smaller than this are pooled, as the evaluation survey pools them (UU 27/2022: no person can be
    # singled out of a published breakdown).
    min_group: int = 5


def age_band(age: float) -> str:
    if age < 30:
        return "<30"
    if age < 40:
        return "30–39"
    if age < 50:
        return "40–49"
    return "50+"


def golongan_of(golongan: str) -> str:
    """`III/b` → `III`; a PPPK golongan (`IX`) stays as it is."""
    return golongan.split("/")[0].strip().upper()


def profile_of(c: Candidate, on: date) -> dict[str, str]:
    """The groups evaluation needs to break outcomes down the same way (sex it reads from the NIP itself)."""
    return {
        "golongan": golongan_of(c.golongan),
        "education_level": c.education_level,
        "employee_type": c.employee_type,
        "age_band": age_band(c.age_on(on)),
    }


def dimensions(on: date) -> dict[str, Callable[[Candidate], str]]:
    """The groupings of the report, each a function of the pool snapshot (no birth date: age from BUP)."""
    return {
        "jenis_kelamin": lambda c: sex_of(c.nip),
        "kelompok_usia": lambda c: age_band(c.age_on(on)),
        "golongan": lambda c: golongan_of(c.golongan),
        "pendidikan": lambda c: c.education_level,
        "jenis_pegawai": lambda c: c.employee_type,
        "unit": lambda c: c.unit_id,
    }


@dataclass(frozen=True)
class GroupRow:
    dimension: str
    group: str
    people: int
    excluded: int  # failed a person-level eligibility rule
    moved: int
    by_kind: Mapping[str, int]
    jpm_gain: float | None  # mean JPM points gained per person of the group (0 for those who stay)
    selection_rate: float | None  # moved / people
    ratio_to_best: float | None
    flagged: bool


def _rows(
    dimension: str,
    members: Mapping[str, list[str]],
    entries: Mapping[str, PlanEntry],
    jpm_before: Mapping[str, float],
    excluded: set[str],
    settings: FairnessSettings,
) -> list[GroupRow]:
    pooled: dict[str, list[str]] = {}
    for group, nips in sorted(members.items()):
        key = group if len(nips) >= settings.min_group else POOLED.format(n=settings.min_group)
        pooled.setdefault(key, []).extend(nips)
    stats = []
    for group, nips in pooled.items():
        moves = [entries[n] for n in nips if n in entries and entries[n].moved]
        kinds = {k: sum(1 for e in moves if e.kind == k) for k in ("rotasi", "promosi", "demosi")}
        gains = [entries[n].jpm_target - jpm_before[n] for n in nips if n in entries and entries[n].moved]
        shown = len(nips) >= settings.min_group
        rate = len(moves) / len(nips) if shown and nips else None
        stats.append((group, nips, moves, kinds, sum(gains) / len(nips) if shown and nips else None, rate))
    best = max((s[5] for s in stats if s[5] is not None), default=0.0)
    out = []
    for group, nips, moves, kinds, gain, rate in stats:
        ratio = rate / best if rate is not None and best > 0 else None
        out.append(
            GroupRow(dimension, group, len(nips), sum(1 for n in nips if n in excluded), len(moves), kinds,
                     None if gain is None else round(gain, 2), None if rate is None else round(rate, 4),
                     None if ratio is None else round(ratio, 3), ratio is not None and ratio < settings.flag_ratio)
        )  # fmt: skip
    return out


def fairness_report(
    candidates: Iterable[Candidate],
    entries: Mapping[str, PlanEntry],
    excluded: set[str],
    on: date,
    settings: FairnessSettings | None = None,
) -> list[GroupRow]:
    """One row per group of every dimension; groups under `min_group` people are pooled and their rates withheld
    if the pool is still small."""
    settings = settings or FairnessSettings()
    pool = list(candidates)
    before = {c.nip: c.jpm_current for c in pool}
    rows: list[GroupRow] = []
    for name, key in dimensions(on).items():
        members: dict[str, list[str]] = {}
        for c in pool:
            members.setdefault(key(c), []).append(c.nip)
        rows += _rows(name, members, entries, before, excluded, settings)
    return rows
