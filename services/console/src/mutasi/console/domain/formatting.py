"""Indonesian formatting of dates and numbers: `12 Maret 2027`, `1.234,5`, `12,5%`."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")  # fmt: skip
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def tanggal(value: date | datetime | str | None, with_day: bool = False) -> str:
    """`12 Maret 2027` (or `Jumat, 12 Maret 2027`); an empty value is `-`."""
    d = as_date(value)
    if d is None:
        return "-"
    text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{DAYS[d.weekday()]}, {text}" if with_day else text


def angka(value: float | int | None, digits: int = 0) -> str:
    """Decimal comma and dot thousands: 1234.5 -> `1.234,5` (digits=1)."""
    if value is None:
        return "-"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def persen(value: float | int | None, digits: int = 1) -> str:
    """`12,5%`."""
    return "-" if value is None else f"{angka(value, digits)}%"


def bertanda(value: float | int | None, digits: int = 1) -> str:
    """A signed number: `+3,2`, `-1,0`."""
    if value is None:
        return "-"
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return f"{sign}{angka(abs(value), digits)}"


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def teks(text: str | None) -> str:
    """A sentence from a service, as Indonesian readers expect it: ISO dates written out, decimal commas."""
    if not text:
        return ""
    return _DECIMAL_POINT.sub(",", _ISO_DATE.sub(lambda m: tanggal(m.group(1)), text))


_RULE_CODE = re.compile(r"\[([A-Z][A-Z0-9_]+)\]")


def kode(text: str | None, titles: dict[str, str]) -> str:
    """Rule codes a service writes as `[PROMOSI_TENURE]` named by their Indonesian title where one is known."""
    if not text:
        return ""
    return _RULE_CODE.sub(lambda m: titles.get(m.group(1), m.group(1)), text)
