"""What a value in an event may be: NIP / NI PPPK, agency id, competency level, dates in a sane window."""

from __future__ import annotations

import functools
import time
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo

# NIP of a PNS: 18 digits, `YYYYMMDD YYYYMM S NNN` = birth date, TMT CPNS (year, month), sex, sequence
# (Peraturan Kepala BKN 22/2007 and 43/2007). The NI PPPK has the same length with the birth date first and the
# appointment year next, but digits 13–14 are a field of the employment agreement, not a month, so only the
# shape shared by both is checked here; a payload that states the employee type checks the month for a PNS.
NIP_PATTERN = r"^[0-9]{18}$"
SEX_DIGITS = ("1", "2")  # digit 15: 1 male, 2 female
EARLIEST_BIRTH_YEAR = 1900  # plausibility floor, not a regulation
# An agency id is a lowercase slug ("sawahlunto", "kota-solok"): safe in a path, a label and a log line.
AGENCY_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
# Competency levels 1–5 of the Standar Kompetensi Jabatan ASN (PermenPANRB 38/2017); a person's 0 means the
# competency is not held (e.g. a technical one from another field).
LEVEL_MIN, LEVEL_MAX = 1, 5
# Context key under which a consumer passes the window (earliest, latest) that event dates must fall in.
DATE_WINDOW = "mutasi_date_window"


_today: tuple[float, float, date] = (0.0, 0.0, date.min)  # (from, until) as time.time(), and the local date then


def _local_today() -> date:
    """`date.today()`, read again only when the local date may have changed: it costs a clock read and a time
    zone conversion, and every NIP of every event is checked against it."""
    global _today
    start, until, today = _today
    now = time.time()
    if not start <= now < until:
        today = date.today()
        midnight = datetime.combine(today + timedelta(days=1), datetime.min.time())
        _today = (now, midnight.timestamp(), today)
    return today


def nip_problem(nip: str, employee_type: str | None = None) -> str | None:
    """Why `nip` is not a well-formed NIP / NI PPPK, or None when it is."""
    return _nip_problem(nip, employee_type, _local_today().year)


@functools.lru_cache(maxsize=4096)  # one event checks its NIP several times (field, envelope, payload rules)
def _nip_problem(nip: str, employee_type: str | None, this_year: int) -> str | None:
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        return "NIP must be 18 digits"
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return "NIP digits 1-8 are not a valid birth date"
    if birth.year < EARLIEST_BIRTH_YEAR:
        return "NIP digits 1-8 are not a plausible birth date"
    year, month = int(nip[8:12]), int(nip[12:14])
    if not birth.year < year <= this_year + 1:
        return "NIP digits 9-12 (appointment year) are not after the birth year or lie in the future"
    if employee_type not in ("PPPK", None) and not 1 <= month <= 12:
        return "NIP digits 13-14 (TMT CPNS month) must be 01-12"
    if nip[14] not in SEX_DIGITS:
        return "NIP digit 15 (sex) must be 1 or 2"
    return None


def _nip(value: str) -> str:
    problem = nip_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _in_window(value: Any, info: ValidationInfo) -> Any:
    """Checks a date against the consumer's window; producers (no context) are checked by their own rules."""
    window = (info.context or {}).get(DATE_WINDOW) if isinstance(info.context, dict) else None
    if window is None or value is None:
        return value
    day = value.date() if isinstance(value, datetime) else value
    earliest, latest = window
    if not earliest <= day <= latest:
        raise ValueError(f"date {day.isoformat()} outside the accepted window {earliest} .. {latest}")
    return value


Nip = Annotated[
    str,
    Field(pattern=NIP_PATTERN, description="NIP (PNS) or NI PPPK: 18 digits, birth date and appointment first."),
    AfterValidator(_nip),
]
AgencyId = Annotated[str, Field(pattern=AGENCY_PATTERN, description="Agency (pemda) id, a lowercase slug.")]
CompetencyLevel = Annotated[int, Field(ge=0, le=LEVEL_MAX)]
StandardLevel = Annotated[int, Field(ge=LEVEL_MIN, le=LEVEL_MAX)]
LevelGap = Annotated[int, Field(ge=0, le=LEVEL_MAX)]
RecentDate = Annotated[date, AfterValidator(_in_window)]
RecentTime = Annotated[datetime, AfterValidator(_in_window)]

# Training's words (the other vocabularies live beside the payloads that use them).
PlanStatus = Literal["active", "superseded", "withdrawn"]
UncoveredReason = Literal["NOT_IN_CATALOGUE", "INSUFFICIENT_RAISE", "NO_SEAT", "OVER_LIMIT"]
NoMentorReason = Literal["NOBODY_IN_UNIT", "NOBODY_STRONGER", "ALL_AT_CAPACITY"]
