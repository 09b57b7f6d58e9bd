"""Checkpoint schedules: month ends, policy, superseding decisions, the due/overdue worklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mutasi.evaluation.domain.errors import InvalidInput
from mutasi.evaluation.domain.schedule import (
    CheckpointPolicy,
    CheckpointState,
    ScheduleChange,
    add_months,
    apply_decision,
    plan_checkpoints,
    worklist,
)
from tests.unit.evaluation.evaluation_factories import POLICY, decision, schedule


def test_one_month_after_january_31_is_the_last_day_of_february() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_adding_months_crosses_the_year_end() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 10, 15), 12) == date(2027, 10, 15)


def test_default_checkpoints_fall_3_6_and_12_months_after_a_month_end_effective_date() -> None:
    due = [c.due_on for c in plan_checkpoints(date(2026, 8, 31), POLICY)]
    assert due == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 8, 31)]


def test_checkpoints_are_counted_from_the_effective_date_not_chained() -> None:
    # Chaining 3 + 3 from Nov 30 would give Feb 28 → May 28; counting from Aug 31 gives Feb 28, then Aug 31.
    due = [c.due_on for c in plan_checkpoints(date(2026, 8, 31), CheckpointPolicy(months=(3, 6, 9)))]
    assert due[2] == date(2027, 5, 31)


def test_checkpoint_months_are_configurable() -> None:
    due = [c.months for c in plan_checkpoints(date(2026, 1, 1), CheckpointPolicy(months=(4, 12)))]
    assert due == [4, 12]


def test_a_policy_with_unordered_months_is_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="months"):
        CheckpointPolicy(months=(6, 3))


def test_a_decision_opens_a_schedule_with_its_baseline() -> None:
    s, change = apply_decision(None, decision(), POLICY)
    assert change is ScheduleChange.OPENED
    assert s.baseline.latest_predicate is not None
    assert [c.months for c in s.checkpoints] == [3, 6, 12]


def test_the_same_decision_delivered_twice_changes_nothing() -> None:
    s, _ = apply_decision(None, decision(), POLICY)
    again, change = apply_decision(s, decision(), POLICY)
    assert change is ScheduleChange.UNCHANGED
    assert again == s


def test_a_superseding_decision_moves_the_checkpoints_and_target_unit() -> None:
    s = schedule()
    newer = decision(decision_id="d-2", effective=date(2026, 3, 1), unit="bkpsdm")
    updated, change = apply_decision(s, newer, POLICY)
    assert change is ScheduleChange.UPDATED
    assert updated.to_unit_id == "bkpsdm"
    assert updated.checkpoints[0].due_on == date(2026, 6, 1)
    assert updated.earlier_decisions == (s.decision_id,)


def test_a_replayed_older_decision_does_not_undo_the_superseding_one() -> None:
    s = schedule()
    updated, _ = apply_decision(s, decision(decision_id="d-2", unit="bkpsdm"), POLICY)
    replay, change = apply_decision(updated, decision(), POLICY)
    assert change is ScheduleChange.UNCHANGED
    assert replay.to_unit_id == "bkpsdm"


def test_worklist_lists_due_and_overdue_checkpoints_but_not_upcoming_or_recorded_ones() -> None:
    s = schedule(effective=date(2026, 1, 31))  # due Apr 30, Jul 31, Jan 31
    today = date(2026, 8, 5)  # 3-month checkpoint 97 days late; 6-month 5 days late (grace 30)
    items = worklist([s], today, POLICY)
    assert [(i.months, i.state) for i in items] == [(3, CheckpointState.OVERDUE), (6, CheckpointState.DUE)]
    assert items[0].days_overdue == 97
    assert worklist([s.with_recorded(3, "ev-1")], today, POLICY)[0].months == 6


def test_a_checkpoint_is_due_from_the_lead_days_before_its_date() -> None:
    s = schedule(effective=date(2026, 1, 31))
    cp = s.checkpoints[0]
    assert s.state(cp, date(2026, 4, 15), POLICY) is CheckpointState.UPCOMING
    assert s.state(cp, date(2026, 4, 16), POLICY) is CheckpointState.DUE
    assert s.state(cp, date(2026, 5, 30), POLICY) is CheckpointState.DUE
    assert s.state(cp, date(2026, 5, 31), POLICY) is CheckpointState.OVERDUE


def test_a_cancelled_decision_leaves_nothing_on_the_worklist() -> None:
    s = schedule()
    cancelled = decision(decision_id="d-2")
    updated, _ = apply_decision(s, replace(cancelled, cancelled=True), POLICY)
    assert worklist([updated], date(2027, 6, 1), POLICY) == []


def test_a_decision_named_as_superseded_is_ignored_even_if_it_was_never_seen() -> None:
    newer = replace(decision(decision_id="d-2", unit="bkpsdm"), supersedes="d-1")
    s, _ = apply_decision(None, newer, POLICY)
    late, change = apply_decision(s, decision(decision_id="d-1"), POLICY)
    assert change is ScheduleChange.UNCHANGED
    assert late.to_unit_id == "bkpsdm"
