"""A candidate of the pool: the snapshot of one ASN that placement needs (from assessment-completed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from mutasi.placement.domain.ranks import post_bup, post_level


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (negative if end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


@dataclass(frozen=True)
class Candidate:
    """One ASN in the candidate pool. Never holds NIK, birth date, family or health data (UU 27/2022)."""

    nip: str
    name: str
    agency_id: str
    employee_type: str  # PNS | CPNS | PPPK
    golongan: str
    post_id: str
    post_type: str
    unit_id: str
    months_in_post: int  # at as_of
    as_of: date  # the date months_in_post and years_to_bup were measured
    tmt_pns: date | None
    education_level: str
    education_field: str
    years_to_bup: float  # at as_of
    predicates: tuple[tuple[int, str], ...] = ()  # (year, predicate), any order
    competencies: Mapping[str, int] = field(default_factory=dict)
    talent_box: int = 5
    jpm_current: float = 0.0
    discipline_active: bool = False
    discipline_until: date | None = None
    on_study_leave: bool = False
    on_cltn: bool = False
    in_court_process: bool = False
    audit_finding_open: bool = False
    coi_unit_ids: frozenset[str] = frozenset()  # units where a relative supervises or they audited recently
    follow_up: str | None = None  # re_placement | talent_pool, set by evaluation's follow-up
    post_name: str = ""  # name of the current post (gives a JF's jenjang)
    jf_competency_test_passed: bool = False  # uji kompetensi JF passed (PermenPANRB 1/2023)
    demotion_penalty: bool = False  # a disciplinary decision lowers the person's level (PP 94/2021 Pasal 8(4))

    @classmethod
    def of_fields(cls, **fields: object) -> Candidate:
        """A candidate from every one of its fields, already of their types: the same object the constructor
        makes, without the frozen dataclass's one `object.__setattr__` per field (a province round's plan builds
        ~110,000 candidates from the pool; this takes a sixth of the time). A missing or unknown field is an
        error, as in the constructor."""
        if fields.keys() != _FIELD_NAMES:
            raise TypeError(f"Candidate fields: missing {sorted(_FIELD_NAMES - fields.keys())}, "
                            f"unknown {sorted(fields.keys() - _FIELD_NAMES)}")  # fmt: skip
        candidate = object.__new__(cls)
        candidate.__dict__.update(fields)
        return candidate

    def months_in_post_on(self, on: date) -> int:
        return self.months_in_post + months_between(self.as_of, on)

    def years_to_bup_on(self, on: date) -> float:
        return self.years_to_bup - (on - self.as_of).days / 365.25

    @property
    def level(self) -> int:
        """Rung of the current post on the jenjang ladder (domain.ranks.post_level)."""
        return post_level(self.post_type, self.post_name)

    @property
    def bup(self) -> float:
        """Retirement age of the current post (domain.ranks.post_bup)."""
        return post_bup(self.post_type, self.post_name)

    def age_on(self, on: date) -> float:
        """Age in years, read from the time left to the BUP of the current post (no birth date is kept)."""
        return self.bup - self.years_to_bup_on(on)

    def last_predicates(self, n: int) -> list[str]:
        """The n most recent annual predicates, newest first."""
        return [p for _, p in sorted(self.predicates, reverse=True)[:n]]


_FIELD_NAMES = frozenset(f.name for f in fields(Candidate))
