"""Validate a whole employee file: each row into an Employee, duplicates caught, every error kept."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date

from mutasi.assessment.domain import employee_checks as chk
from mutasi.assessment.domain.cells import RowError, RowReader
from mutasi.assessment.domain.competency import Post
from mutasi.assessment.domain.employee import Employee
from mutasi.assessment.domain.rows import Cells, RowsOutcome, validate_rows


def employee_from_row(
    row: int,
    cells: Mapping[str, str | None],
    agency_id: str,
    posts: Mapping[str, Post],
    today: date,
    units: Collection[str] | None = None,
) -> tuple[Employee | None, list[RowError]]:
    """One row to an Employee, or None with the reasons (`units` defaults to the posts' units)."""
    r = RowReader(row, cells)
    name, sex, kind = chk.parse_identity(r)
    dates = {c: r.date(c) for c in ("tmt_cpns", "tmt_golongan", "tmt_jabatan")}
    dates["tmt_pns"] = r.date("tmt_pns", required=False)
    birth = chk.check_nip_columns(r, kind, sex, dates["tmt_cpns"])
    golongan = chk.check_golongan(r, kind)
    post_id, unit_id, post_type = chk.check_post(
        r, posts, units if units is not None else {p.unit_id for p in posts.values()}
    )
    chk.check_dates(r, dates, birth, today)
    chk.check_tmt_pns(r, kind, dates["tmt_pns"])
    discipline, until = chk.check_discipline(r, today)
    predicates = chk.check_predicates(r, today)
    bup, education, field_ = chk.check_bup(r), chk.parse_education(r), r.text("jurusan")
    flags = {c: r.flag(c) for c in ("tugas_belajar", "cltn", "proses_peradilan", "temuan_audit")}
    if r.errors:
        return None, r.errors
    assert name
    assert sex
    assert kind
    assert golongan
    assert post_id
    assert unit_id
    assert post_type
    assert bup
    assert education
    assert field_
    return Employee(
        agency_id=agency_id,
        nip=cells["nip"] or "",
        name=name,
        sex=sex,
        employee_type=kind,
        golongan=golongan,
        tmt_golongan=_d(dates["tmt_golongan"]),
        post_id=post_id,
        unit_id=unit_id,
        post_type=post_type,
        tmt_post=_d(dates["tmt_jabatan"]),
        education_level=education,
        education_field=field_.lower(),
        tmt_cpns=_d(dates["tmt_cpns"]),
        tmt_pns=dates["tmt_pns"],
        discipline=discipline,
        discipline_until=until,
        predicates=predicates,
        bup_age=bup,
        on_study_leave=flags["tugas_belajar"],
        on_cltn=flags["cltn"],
        in_court_process=flags["proses_peradilan"],
        audit_finding_open=flags["temuan_audit"],
    ), []


def _d(value: date | None) -> date:
    assert value is not None  # guaranteed by the required-cell check that ran before
    return value


def validate_employee_rows(
    rows: Iterable[Cells], agency_id: str, posts: Mapping[str, Post], today: date
) -> RowsOutcome[Employee]:
    """Every row checked; a NIP seen twice in one file rejects the later row."""
    units = {p.unit_id for p in posts.values()}
    return validate_rows(
        rows, lambda row, cells: employee_from_row(row, cells, agency_id, posts, today, units), lambda e: e.nip, "nip"
    )
