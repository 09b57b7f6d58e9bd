"""What a value in an event may be: NIP / NI PPPK shape, agency slug, levels, dates in the consumer's window."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from mutasi.contracts import values
from mutasi.contracts.envelope import event_model
from mutasi.contracts.examples import example_event
from mutasi.contracts.topics import ASSESSMENT_COMPLETED, MUTATION_DECIDED
from mutasi.contracts.values import DATE_WINDOW, nip_problem


@pytest.mark.parametrize(
    ("nip", "problem"),
    [
        ("196608011988031001", None),  # born 1 Aug 1966, CPNS March 1988, male (Perka BKN 22/2007)
        ("199001012022211001", None),  # an NI PPPK: digits 13-14 are not a month
        ("NOT-A-NIP", "18 digits"),
        ("１９６６０８０１１９８８０３１００１", "18 digits"),  # full-width digits are not digits here
        ("196613011988031001", "birth date"),
        ("196608011960031001", "appointment year"),
        ("196608011988033001", "digit 15"),
    ],
)
def test_a_nip_is_checked_for_its_birth_date_appointment_year_and_sex_digit(nip: str, problem: str | None) -> None:
    found = nip_problem(nip)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_pns_nip_needs_a_month_in_digits_13_and_14_but_an_ni_pppk_does_not() -> None:
    assert nip_problem("199001012022211001", "PNS") is not None
    assert nip_problem("199001012022211001", "PPPK") is None


def test_the_appointment_year_bound_follows_the_local_date_it_is_checked_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The date is read once per local day (cached until midnight), and a NIP's answer per year."""
    appointed_next_year = f"19900101{date.today().year + 2}031001"
    assert nip_problem(appointed_next_year) is not None
    now = time.time()
    monkeypatch.setattr(values, "_today", (now - 1, now + 60, date(date.today().year + 1, 1, 1)))
    assert nip_problem(appointed_next_year) is None  # on New Year's day the next year's appointments are plausible
    monkeypatch.setattr(values, "_today", (now - 120, now - 60, date(2000, 1, 1)))  # past its midnight: read again
    assert nip_problem(appointed_next_year) is not None
    assert values._today[2] == date.today()


def _validate(topic: Any, change: dict[str, Any], window: tuple[date, date] | None = None) -> None:
    body = example_event(topic)
    body["data"].update(change)
    context = {DATE_WINDOW: window} if window else None
    event_model(topic.payload).model_validate(body, context=context)


def test_an_assessment_of_a_pns_with_a_pppk_style_nip_is_refused() -> None:
    with pytest.raises(ValidationError, match="TMT CPNS month"):
        _validate(ASSESSMENT_COMPLETED, {"nip": "199001012022211001", "employee_type": "PNS"})
    _validate(ASSESSMENT_COMPLETED, {"nip": "199001012022211001", "employee_type": "PPPK"})


def test_an_effective_date_outside_the_consumers_window_is_refused_but_producers_are_not_windowed() -> None:
    window = (date(2025, 1, 1), date(2028, 12, 31))
    with pytest.raises(ValidationError, match="outside the accepted window"):
        _validate(MUTATION_DECIDED, {"effective_date": "2099-01-01"}, window)
    _validate(MUTATION_DECIDED, {"effective_date": "2027-01-01"}, window)
    _validate(MUTATION_DECIDED, {"effective_date": "2099-01-01"})


@pytest.mark.parametrize("agency", ["", "../../Other Agency", "Sawahlunto", "a" * 65, "-x"])
def test_an_agency_id_is_a_lowercase_slug(agency: str) -> None:
    body = example_event(MUTATION_DECIDED)
    body["agencyid"] = agency
    with pytest.raises(ValidationError):
        event_model(MUTATION_DECIDED.payload).model_validate(body)


@pytest.mark.parametrize("levels", [{"komunikasi": -5}, {"komunikasi": 6}])
def test_competency_levels_stay_on_the_scale(levels: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        _validate(MUTATION_DECIDED, {"competencies": levels})
