"""Attendance, completion with evidence, and the 20 JP a year (PP 11/2017 Pasal 203(4))."""

from datetime import date

import pytest

from mutasi.training.domain.covering import GreedyCoverer
from mutasi.training.domain.errors import Conflict, InvalidInput
from mutasi.training.domain.plan import ItemStatus, PlanStatus
from mutasi.training.domain.progress import JpEntry, ReminderKind, jp_by_year, record_completion, reminders
from mutasi.training.domain.rules import TrainingRules
from tests.unit.training.training_builders import move, planner


def entry(jp: int, day: date) -> JpEntry:
    return JpEntry("p", f"i-{day}", "o", "t", jp, day, "SERT-1")


def test_jp_is_counted_per_calendar_year_of_completion_across_the_year_boundary():
    entries = [entry(16, date(2026, 12, 30)), entry(8, date(2027, 1, 2)), entry(4, date(2026, 12, 31))]

    assert jp_by_year(entries) == {2026: 20, 2027: 8}


def test_a_session_running_from_december_into_january_counts_in_january():
    plan = planner(GreedyCoverer()).plan_move(move())
    item = plan.items[0]
    item.starts_on, item.ends_on = date(2026, 12, 28), date(2027, 1, 3)

    jp = record_completion(plan, item, date(2027, 1, 3), "SERT-MP-9", today=date(2027, 1, 5))

    assert jp is not None
    assert jp_by_year([jp]) == {2027: 24}


def test_a_person_below_the_yearly_minimum_gets_a_reminder_naming_the_shortfall_and_its_source():
    rules = TrainingRules()
    out = reminders("N", [], [entry(16, date(2026, 12, 30)), entry(8, date(2027, 1, 2))], date(2027, 6, 1), rules)

    (short,) = out
    assert short.kind is ReminderKind.JP_BELOW_MINIMUM
    assert short.jp_short == 12
    assert "PP 11/2017 Pasal 203(4)" in short.detail


def test_the_yearly_minimum_is_configurable():
    out = reminders("N", [], [entry(16, date(2027, 1, 2))], date(2027, 6, 1), TrainingRules(jp_minimum_per_year=16))

    assert out == []


def test_an_item_not_completed_after_its_session_and_grace_period_is_overdue():
    plan = planner(GreedyCoverer()).plan_move(move())

    out = reminders(plan.nip, [plan], [], date(2026, 4, 1), TrainingRules(overdue_grace_days=14))

    overdue = [r for r in out if r.kind is ReminderKind.OVERDUE_ITEM]
    assert [r.item_id for r in overdue] == [plan.items[0].item_id]  # the workshop ended 11 March


def test_completion_needs_evidence_and_a_date_not_before_the_session_nor_in_the_future():
    plan = planner(GreedyCoverer()).plan_move(move())
    item = plan.items[0]

    with pytest.raises(InvalidInput) as no_evidence:
        record_completion(plan, item, date(2026, 3, 11), " ", today=date(2026, 4, 1))
    with pytest.raises(InvalidInput) as too_early:
        record_completion(plan, item, date(2026, 3, 1), "S", today=date(2026, 4, 1))
    with pytest.raises(InvalidInput) as future:
        record_completion(plan, item, date(2026, 5, 1), "S", today=date(2026, 4, 1))

    assert (no_evidence.value.field, too_early.value.field, future.value.field) == (
        "evidence_ref",
        "completed_on",
        "completed_on",
    )


def test_repeating_a_completion_changes_nothing_but_a_different_one_conflicts():
    plan = planner(GreedyCoverer()).plan_move(move())
    item = plan.items[0]

    first = record_completion(plan, item, date(2026, 3, 11), "SERT-1", today=date(2026, 4, 1))
    again = record_completion(plan, item, date(2026, 3, 11), "SERT-1", today=date(2026, 4, 1))

    assert first is not None
    assert first.jp == 24
    assert again is None
    assert item.status is ItemStatus.COMPLETED
    with pytest.raises(Conflict):
        record_completion(plan, item, date(2026, 3, 12), "SERT-2", today=date(2026, 4, 1))


def test_completing_every_item_completes_the_plan():
    plan = planner(GreedyCoverer()).plan_move(move())

    for item in plan.items:
        record_completion(plan, item, item.ends_on or date(2026, 9, 1), "S", today=date(2026, 12, 1))

    assert plan.status is PlanStatus.COMPLETED


def test_a_classroom_item_with_no_scheduled_session_cannot_be_completed_until_one_is_scheduled():
    plan = planner(GreedyCoverer()).plan_move(move())
    workshop = plan.items[0]  # the change-management workshop, a klasikal item
    scheduled = workshop.session_id
    workshop.session_id, workshop.starts_on = None, None

    with pytest.raises(Conflict) as unscheduled:
        record_completion(plan, workshop, date(2026, 3, 11), "SERT-1", today=date(2026, 4, 1))
    workshop.session_id = scheduled

    assert unscheduled.value.field == "session_id"
    assert "jadwalkan sesinya dulu" in str(unscheduled.value)
    assert record_completion(plan, workshop, date(2026, 3, 11), "SERT-1", today=date(2026, 4, 1)) is not None
