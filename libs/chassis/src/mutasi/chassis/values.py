"""Value types for HTTP inputs that pydantic alone would accept too generously."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

EARLIEST = date(2000, 1, 1)  # no record of this programme predates this
LATEST = date(2100, 12, 31)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only a calendar date written YYYY-MM-DD (pydantic would read `0` as 1970-01-01), between 2000 and 2100."""
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and _ISO.match(value):
        parsed = date.fromisoformat(value)
    else:
        raise ValueError("tanggal harus YYYY-MM-DD / a date must be written YYYY-MM-DD")
    if not EARLIEST <= parsed <= LATEST:
        raise ValueError(f"tanggal di luar {EARLIEST}..{LATEST} / date outside {EARLIEST}..{LATEST}")
    return parsed


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
