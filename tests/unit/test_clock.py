"""'Today' is the date in Sawahlunto (WIB, UTC+7), not in Greenwich, and can be pinned."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime

import pytest

from mutasi.chassis.clock import Clock
from mutasi.chassis.settings import ServiceSettings


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime(2026, 11, 30, 20, 30, tzinfo=UTC).astimezone(tz)


def test_today_is_already_tomorrow_in_sawahlunto_at_20_30_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mutasi.chassis.clock.datetime", _FrozenDatetime)
    assert Clock().today() == date(2026, 12, 1)
    assert Clock(timezone="UTC").today() == date(2026, 11, 30)


def test_a_pinned_date_wins_over_the_calendar() -> None:
    assert Clock(pinned_today=date(2027, 3, 12)).today() == date(2027, 3, 12)


def test_every_service_reads_its_calendar_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTASI_TODAY", "2027-03-12")
    settings = ServiceSettings()
    assert settings.timezone == "Asia/Jakarta"
    assert settings.today == date(2027, 3, 12)


def test_the_clock_is_a_value_nobody_can_repin_after_it_is_built() -> None:
    clock = Clock(pinned_today=date(2027, 3, 12))
    with pytest.raises(FrozenInstanceError):
        clock.pinned_today = date(2030, 1, 1)  # type: ignore[misc]
    assert clock.today() == date(2027, 3, 12)
