"""NIP (PNS) and NI PPPK shape checks: 18 digits with an embedded birth date, appointment date, sex digit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mutasi.assessment.domain.errors import Reason

NIP_LENGTH = 18  # Peraturan Kepala BKN 22/2007 and 43/2007 (docs/domain.md#nip) [V]
SEX_DIGITS = {"1": "L", "2": "P"}  # digit 15: 1 male (laki-laki), 2 female (perempuan) [V]
EARLIEST_YEAR = 1900  # plausibility floor for embedded years; not a regulation


@dataclass(frozen=True)
class ParsedNip:
    """What an 18-digit NIP says about its holder (never a substitute for the SIASN TMT)."""

    nip: str
    birth_date: date
    appointment_year: int
    appointment_month: int | None  # None for NI PPPK: digits 13–14 are not a month there
    sex: str  # "L" | "P"


def _reason(code: str, id_text: str, en_text: str) -> Reason:
    return Reason(code, id_text, en_text)


def check_nip(nip: str, employee_type: str = "PNS") -> list[Reason]:
    """Every reason the NIP is malformed; empty when it is well formed for the given employee type."""
    if len(nip) != NIP_LENGTH:
        return [
            _reason(
                "NIP_LENGTH",
                f"NIP harus 18 digit, bukan {len(nip)}",
                f"NIP must have 18 digits, not {len(nip)}",
            )
        ]
    if not nip.isdigit():
        return [_reason("NIP_DIGITS", "NIP hanya boleh berisi angka", "NIP must contain digits only")]
    reasons: list[Reason] = []
    birth = _date_or_none(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if birth is None:
        reasons.append(
            _reason(
                "NIP_BIRTH_DATE",
                "Digit 1–8 NIP bukan tanggal lahir yang sah",
                "NIP digits 1–8 are not a valid birth date",
            )
        )
    reasons.extend(_appointment_reasons(nip, employee_type, birth))
    if nip[14] not in SEX_DIGITS:
        reasons.append(
            _reason(
                "NIP_SEX_DIGIT",
                "Digit ke-15 NIP (jenis kelamin) harus 1 atau 2",
                "NIP digit 15 (sex) must be 1 or 2",
            )
        )
    return reasons


def _appointment_reasons(nip: str, employee_type: str, birth: date | None) -> list[Reason]:
    year, month = int(nip[8:12]), int(nip[12:14])
    reasons: list[Reason] = []
    # NI PPPK puts an agreement code, not a month, in digits 13–14 (docs/domain.md#nip): only PNS get this check.
    if employee_type != "PPPK" and not 1 <= month <= 12:
        reasons.append(
            _reason(
                "NIP_TMT_MONTH",
                f"Digit 13–14 NIP (bulan TMT CPNS) harus 01–12, bukan {month:02d}",
                f"NIP digits 13–14 (TMT CPNS month) must be 01–12, not {month:02d}",
            )
        )
    if year < EARLIEST_YEAR or (birth is not None and year <= birth.year):
        reasons.append(
            _reason(
                "NIP_TMT_YEAR",
                "Digit 9–12 NIP (tahun pengangkatan) tidak masuk akal",
                "NIP digits 9–12 (appointment year) are implausible",
            )
        )
    return reasons


def _date_or_none(year: int, month: int, day: int) -> date | None:
    if year < EARLIEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_nip(nip: str, employee_type: str = "PNS") -> ParsedNip:
    """Parse a NIP already accepted by `check_nip`."""
    month = int(nip[12:14]) if employee_type != "PPPK" else None
    return ParsedNip(
        nip=nip,
        birth_date=date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])),
        appointment_year=int(nip[8:12]),
        appointment_month=month,
        sex=SEX_DIGITS[nip[14]],
    )
