"""Validate assessment-template rows into Assessment records for employees already in the registry."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date

from mutasi.assessment.domain.assessment import Assessment
from mutasi.assessment.domain.cells import RowError, RowReader, choice
from mutasi.assessment.domain.competency import MANAGERIAL, SOCIO_CULTURAL
from mutasi.assessment.domain.errors import Reason
from mutasi.assessment.domain.performance import Rating, parse_rating
from mutasi.assessment.domain.rows import RowsOutcome, validate_rows
from mutasi.assessment.domain.rules import ValidityRules
from mutasi.assessment.domain.skj_rows import read_levels, technical_columns
from mutasi.assessment.domain.talent import parse_potential
from mutasi.assessment.domain.template import ASSESSMENT_METHODS

MAX_VALIDITY_YEARS = 10  # sanity bound on a per-row override, not a regulation


def _validity(r: RowReader, rules: ValidityRules) -> int:
    years = r.integer("masa_berlaku_tahun", required=False)
    if years is not None and not 1 <= years <= MAX_VALIDITY_YEARS:
        r.fail(
            "masa_berlaku_tahun",
            Reason("VALIDITY_RANGE", "Masa berlaku harus 1–10 tahun", "Validity must be 1–10 years"),
        )
    return years or rules.validity_years


def _potential_score(r: RowReader) -> float | None:
    score = r.integer("skor_potensi", required=False)
    if score is not None and not 0 <= score <= 100:
        r.fail("skor_potensi", Reason("SCORE_RANGE", "Skor potensi harus 0–100", "Potential score must be 0–100"))
    return float(score) if score is not None else None


def _skp_pair(r: RowReader) -> tuple[Rating | None, Rating | None]:
    hasil, perilaku = r.parsed("hasil_kerja", parse_rating, False), r.parsed("perilaku_kerja", parse_rating, False)
    missing = "perilaku_kerja" if perilaku is None else "hasil_kerja"
    if (hasil is None) != (perilaku is None) and not r.cells.get(missing):
        r.fail(
            missing,
            Reason(
                "SKP_PAIR",
                "hasil_kerja dan perilaku_kerja harus diisi bersama",
                "hasil_kerja and perilaku_kerja must be given together",
            ),
        )
    return hasil, perilaku


def assessment_from_row(
    row: int, cells: Mapping[str, str | None], known_nips: Collection[str], rules: ValidityRules, today: date
) -> tuple[Assessment | None, list[RowError]]:
    """One row to an Assessment of a registered employee."""
    r = RowReader(row, cells)
    nip = r.text("nip")
    if nip is not None and nip not in known_nips:
        r.fail(
            "nip",
            Reason(
                "EMPLOYEE_UNKNOWN",
                f"NIP {nip} belum terdaftar; impor data pegawai dulu",
                f"NIP {nip} is not registered; import the employees first",
            ),
        )
    assessed_on = r.date("tanggal_asesmen")
    if assessed_on is not None and assessed_on > today:
        r.fail(
            "tanggal_asesmen",
            Reason("DATE_IN_FUTURE", "Tanggal asesmen di masa depan", "Assessment date is in the future"),
        )
    method, body = r.parsed("metode", choice(ASSESSMENT_METHODS)), r.text("lembaga_asesor")
    validity, score = _validity(r, rules), _potential_score(r)
    potential = r.parsed("potensial", parse_potential, required=False)
    hasil, perilaku = _skp_pair(r)
    levels = read_levels(r, (*MANAGERIAL, *SOCIO_CULTURAL), required=True)
    levels |= read_levels(r, technical_columns(cells), required=False)
    if r.errors:
        return None, r.errors
    assert nip
    assert assessed_on
    assert method
    assert body
    return Assessment(nip, assessed_on, method, body, levels, validity, potential, score, hasil, perilaku), []


def validate_assessment_rows(
    rows: Iterable[Mapping[str, str | None]], known_nips: Collection[str], rules: ValidityRules, today: date
) -> RowsOutcome[Assessment]:
    """Every row checked; the same NIP twice in one file rejects the later row."""
    return validate_rows(
        rows, lambda row, cells: assessment_from_row(row, cells, known_nips, rules, today), lambda a: a.nip, "nip"
    )
