"""Cell and cross-column checks of one employee-template row (NIP, golongan, post, dates, predicates)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from mutasi.assessment.domain import golongan as gol
from mutasi.assessment.domain.cells import RowReader, choice
from mutasi.assessment.domain.competency import Post
from mutasi.assessment.domain.employee import YearPredicate
from mutasi.assessment.domain.errors import Reason
from mutasi.assessment.domain.nip import check_nip, parse_nip
from mutasi.assessment.domain.performance import parse_predicate
from mutasi.assessment.domain.rules import BUP_AGES
from mutasi.assessment.domain.template import (
    DISCIPLINE_LEVELS,
    EDUCATION_LEVELS,
    EMPLOYEE_TYPES,
    POST_TYPES,
    SEXES,
)


def _r(code: str, id_text: str, en_text: str) -> Reason:
    return Reason(code, id_text, en_text)


def _parse_golongan(text: str, column: str) -> str:
    return gol.normalize(text)


def check_nip_columns(r: RowReader, employee_type: str | None, sex: str | None, tmt_cpns: date | None) -> date | None:
    """NIP shape, then agreement with the sex and TMT CPNS columns; returns the embedded birth date."""
    nip = r.text("nip")
    if nip is None:
        return None
    kind = employee_type or "PNS"
    reasons = check_nip(nip, kind)
    for reason in reasons:
        r.fail("nip", reason)
    if reasons:
        return None
    parsed = parse_nip(nip, kind)
    if sex is not None and parsed.sex != sex:
        r.fail(
            "jenis_kelamin",
            _r(
                "NIP_SEX_MISMATCH",
                f"Jenis kelamin {sex} tidak sesuai digit ke-15 NIP ({parsed.sex})",
                f"Sex {sex} does not match NIP digit 15 ({parsed.sex})",
            ),
        )
    month = parsed.appointment_month
    if (
        tmt_cpns is not None
        and month is not None
        and (tmt_cpns.year, tmt_cpns.month) != (parsed.appointment_year, month)
    ):
        r.fail(
            "tmt_cpns",
            _r(
                "NIP_TMT_MISMATCH",
                f"TMT CPNS tidak sesuai digit 9–14 NIP ({parsed.appointment_year}-{month:02d})",
                f"TMT CPNS does not match NIP digits 9–14 ({parsed.appointment_year}-{month:02d})",
            ),
        )
    return parsed.birth_date


def check_golongan(r: RowReader, employee_type: str | None) -> str | None:
    code = r.parsed("golongan", _parse_golongan)
    if code is None or employee_type is None:
        return code
    if not gol.is_known(code, employee_type):
        allowed = "I … XVII" if employee_type == "PPPK" else "I/a … IV/e"
        r.fail(
            "golongan",
            _r(
                "GOLONGAN_UNKNOWN",
                f"Golongan {code} tidak dikenal untuk {employee_type} ({allowed})",
                f"Golongan {code} is unknown for {employee_type} ({allowed})",
            ),
        )
        return None
    return code


def check_post(
    r: RowReader, posts: Mapping[str, Post], units: Collection[str]
) -> tuple[str | None, str | None, str | None]:
    """The post and unit must be known to the agency and agree with each other."""
    post_id, unit_id = r.text("jabatan_id"), r.text("unit_id")
    post_type = r.parsed("jenis_jabatan", choice(POST_TYPES))
    unit_known = unit_id is not None and unit_id in units
    if unit_id is not None and not unit_known:
        r.fail(
            "unit_id",
            _r(
                "UNIT_UNKNOWN",
                f"Unit {unit_id} tidak dikenal di instansi ini",
                f"Unit {unit_id} is not known to this agency",
            ),
        )
    post = posts.get(post_id or "")
    if post_id is not None and post is None:
        r.fail(
            "jabatan_id",
            _r(
                "POST_UNKNOWN",
                f"Jabatan {post_id} tidak ada di SKJ instansi; impor SKJ dulu",
                f"Post {post_id} is not in the agency's SKJ; import the SKJ first",
            ),
        )
    elif post is not None and unit_known and post.unit_id != unit_id:
        r.fail(
            "unit_id",
            _r(
                "UNIT_POST_MISMATCH",
                f"Jabatan {post_id} berada di unit {post.unit_id}, bukan {unit_id}",
                f"Post {post_id} belongs to unit {post.unit_id}, not {unit_id}",
            ),
        )
    elif post is not None and post_type is not None and post.post_type.value != post_type:
        r.fail(
            "jenis_jabatan",
            _r(
                "POST_TYPE_MISMATCH",
                f"Jabatan {post_id} berjenis {post.post_type.value}",
                f"Post {post_id} is of type {post.post_type.value}",
            ),
        )
    return post_id, unit_id, post_type


def _future(r: RowReader, column: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        r.fail(column, _r("DATE_IN_FUTURE", f"Tanggal {value} di masa depan", f"Date {value} is in the future"))


def _not_before(r: RowReader, column: str, value: date | None, other: str, earlier: date | None) -> None:
    if value is not None and earlier is not None and value < earlier:
        r.fail(
            column,
            _r(
                "DATE_ORDER",
                f"{column} ({value}) tidak boleh sebelum {other} ({earlier})",
                f"{column} ({value}) must not be before {other} ({earlier})",
            ),
        )


def check_dates(r: RowReader, dates: Mapping[str, date | None], birth: date | None, today: date) -> None:
    """No date in the future; birth < TMT CPNS ≤ TMT PNS, TMT golongan and TMT jabatan."""
    for column, value in dates.items():
        _future(r, column, value, today)
    tmt_cpns = dates.get("tmt_cpns")
    if birth is not None and tmt_cpns is not None and tmt_cpns <= birth:
        r.fail(
            "tmt_cpns",
            _r(
                "DATE_ORDER",
                "TMT CPNS harus setelah tanggal lahir pada NIP",
                "TMT CPNS must be after the birth date in the NIP",
            ),
        )
    for column in ("tmt_pns", "tmt_golongan", "tmt_jabatan"):
        _not_before(r, column, dates.get(column), "tmt_cpns", tmt_cpns)


def check_tmt_pns(r: RowReader, employee_type: str | None, tmt_pns: date | None) -> None:
    """A PNS has a TMT PNS; a CPNS or PPPK does not."""
    if employee_type == "PNS" and tmt_pns is None and not r.cells.get("tmt_pns"):
        r.fail("tmt_pns", _r("REQUIRED", "TMT PNS wajib diisi untuk PNS", "TMT PNS is required for a PNS"))
    if employee_type in ("CPNS", "PPPK") and tmt_pns is not None:
        r.fail(
            "tmt_pns",
            _r(
                "NOT_APPLICABLE",
                f"{employee_type} tidak memiliki TMT PNS",
                f"A {employee_type} has no TMT PNS",
            ),
        )


def check_discipline(r: RowReader, today: date) -> tuple[str, date | None]:
    """hukdis level and end date; a penalty needs an end date."""
    level = r.parsed("hukdis", choice(DISCIPLINE_LEVELS), required=False) or "none"
    until = r.date("hukdis_sampai", required=False)
    if level != "none" and until is None and not r.cells.get("hukdis_sampai"):
        r.fail(
            "hukdis_sampai",
            _r(
                "REQUIRED",
                "hukdis_sampai wajib diisi bila ada hukuman disiplin",
                "hukdis_sampai is required when a disciplinary penalty is given",
            ),
        )
    return level, until


def _one_predicate(r: RowReader, n: int, today: date) -> YearPredicate | None:
    year = r.integer(f"predikat_tahun_{n}", required=False)
    pred = r.parsed(f"predikat_{n}", parse_predicate, required=False)
    if (year is None) != (pred is None):
        column = f"predikat_{n}" if pred is None else f"predikat_tahun_{n}"
        if not r.cells.get(column):
            r.fail(
                column,
                _r(
                    "PREDICATE_PAIR",
                    "Tahun dan predikat harus diisi bersama",
                    "Year and predicate must be given together",
                ),
            )
        return None
    if year is not None and not 2000 <= year <= today.year:
        r.fail(
            f"predikat_tahun_{n}",
            _r(
                "YEAR_RANGE",
                f"Tahun {year} di luar 2000–{today.year}",
                f"Year {year} is outside 2000–{today.year}",
            ),
        )
        return None
    return YearPredicate(year, pred) if year is not None and pred is not None else None


def check_predicates(r: RowReader, today: date) -> tuple[YearPredicate, ...]:
    """Up to two annual predicates, oldest first, in distinct increasing years."""
    first, second = _one_predicate(r, 1, today), _one_predicate(r, 2, today)
    if first is not None and second is not None and first.year >= second.year:
        r.fail(
            "predikat_tahun_2",
            _r(
                "DATE_ORDER",
                "predikat_tahun_2 harus setelah predikat_tahun_1",
                "predikat_tahun_2 must be after predikat_tahun_1",
            ),
        )
    return tuple(p for p in (first, second) if p is not None)


def check_bup(r: RowReader) -> int | None:
    """BUP must be one of the retirement ages in force."""
    bup = r.integer("bup")
    if bup is not None and bup not in BUP_AGES:
        allowed = ", ".join(str(a) for a in BUP_AGES)
        r.fail("bup", _r("BUP_UNKNOWN", f"BUP harus salah satu dari {allowed}", f"BUP must be one of {allowed}"))
        return None
    return bup


def parse_education(r: RowReader) -> str | None:
    """Education level code, upper-cased."""
    return r.parsed("tingkat_pendidikan", choice(EDUCATION_LEVELS))


def parse_identity(r: RowReader) -> tuple[str | None, str | None, str | None]:
    """Name, sex and employee type."""
    return (
        r.text("nama"),
        r.parsed("jenis_kelamin", choice(SEXES)),
        r.parsed("jenis_pegawai", choice(EMPLOYEE_TYPES)),
    )
