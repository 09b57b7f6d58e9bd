"""The calendar every service reads "today" from: Western Indonesian Time by default, pinnable for demos and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Sumatera Barat keeps Waktu Indonesia Barat (UTC+7): a decision taken at 06:00 in Sawahlunto is dated that day,
# not the previous one as a UTC calendar would have it.
DEFAULT_TIMEZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class Clock:
    """`today()` in the agency's time zone (or the pinned date); `now()` is an aware UTC instant for storage."""

    timezone: str = DEFAULT_TIMEZONE
    pinned_today: date | None = None

    def today(self) -> date:
        if self.pinned_today is not None:
            return self.pinned_today
        return datetime.now(ZoneInfo(self.timezone)).date()

    def now(self) -> datetime:
        return datetime.now(UTC)
