"""An ASN in the agency registry, as imported from the SIASN-style employee template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mutasi.assessment.domain.performance import Predicate


@dataclass(frozen=True)
class YearPredicate:
    """The annual SKP predicate of one year."""

    year: int
    predicate: Predicate


@dataclass(frozen=True)
class Employee:
    """One ASN's registry record; the birth date stays inside the NIP and is never copied out."""

    agency_id: str
    nip: str
    name: str
    sex: str  # L | P
    employee_type: str  # PNS | CPNS | PPPK (SIASN jenisPegawai)
    golongan: str
    tmt_golongan: date
    post_id: str
    unit_id: str
    post_type: str
    tmt_post: date
    education_level: str
    education_field: str
    tmt_cpns: date  # first appointment (CPNS or PPPK)
    tmt_pns: date | None
    discipline: str  # none | ringan | sedang | berat (PP 94/2021)
    discipline_until: date | None
    predicates: tuple[YearPredicate, ...]  # oldest first
    bup_age: int
    on_study_leave: bool = False
    on_cltn: bool = False
    in_court_process: bool = False
    audit_finding_open: bool = False

    @property
    def latest_predicate(self) -> Predicate | None:
        """The most recent annual predicate, if any was recorded."""
        return self.predicates[-1].predicate if self.predicates else None

    def under_discipline(self, today: date) -> bool:
        """Serving a hukdis today (an open-ended penalty counts as serving)."""
        if self.discipline == "none":
            return False
        return self.discipline_until is None or self.discipline_until >= today

    def months_in_post(self, today: date) -> int:
        """Whole months since TMT jabatan."""
        months = (today.year - self.tmt_post.year) * 12 + today.month - self.tmt_post.month
        return months - (1 if today.day < self.tmt_post.day else 0)
