"""Decisions arriving: first plans, duplicates, superseding and stale decisions, cancelled sessions, follow-ups."""

from datetime import date, datetime

from mutasi.training.adapters.cpsat_coverer import CpSatCoverer
from mutasi.training.domain.catalogue import Catalogue
from mutasi.training.domain.mentor import Colleague, MentorMatch
from mutasi.training.domain.plan import ItemStatus, PlanKind, PlanStatus, UncoveredReason
from mutasi.training.domain.planning import SeatBook
from mutasi.training.domain.progress import record_completion
from mutasi.training.domain.record import (
    Outcome,
    PersonRecord,
    on_follow_up,
    on_move_cancelled,
    on_mutation_decided,
    plan_round,
)
from tests.unit.training.training_builders import move, planner

COLLEAGUES = [Colleague("K", "Kabid", "diskominfo", "kadis", {"komunikasi": 4, "tek_sistem_informasi": 4})]


def test_a_duplicate_decision_changes_nothing():
    seats = SeatBook()
    p = planner(CpSatCoverer(), seats)
    record = PersonRecord("sawahlunto", move().nip)
    first = on_mutation_decided(record, move(), p, COLLEAGUES, {})
    taken = dict(seats.taken)

    again = on_mutation_decided(record, move(), p, COLLEAGUES, {})

    assert first.outcome is Outcome.PLANNED
    assert again.outcome is Outcome.DUPLICATE
    assert len(record.plans) == 1
    assert seats.taken == taken


def test_the_plan_gets_a_mentor_from_the_receiving_unit():
    record = PersonRecord("sawahlunto", move().nip)

    result = on_mutation_decided(record, move(), planner(CpSatCoverer()), COLLEAGUES, {})

    assert result.plan is not None
    assert isinstance(result.plan.mentor, MentorMatch)
    assert result.plan.mentor.mentor_nip == "K"


def test_a_superseding_decision_cancels_what_has_not_started_frees_its_seats_and_replans_for_the_new_post():
    seats = SeatBook()
    p = planner(CpSatCoverer(), seats)
    record = PersonRecord("sawahlunto", move().nip)
    old = on_mutation_decided(record, move(), p, COLLEAGUES, {}).plan
    assert old is not None
    record_completion(old, old.items[0], date(2026, 3, 11), "SERT-MP", today=date(2026, 3, 20))

    newer = move(
        "DEC-2",
        decided_at=datetime(2026, 3, 20, 10, 0),
        effective_date=date(2026, 4, 1),
        target_unit_id="bkpsdm",
        standard={"komunikasi": 3},
    )
    result = on_mutation_decided(record, newer, p, COLLEAGUES, {})

    assert result.outcome is Outcome.REPLANNED
    assert result.superseded is old
    assert old.status is PlanStatus.SUPERSEDED
    assert old.superseded_by == "pl-DEC-2"
    assert old.items[0].status is ItemStatus.COMPLETED
    assert all(i.status is ItemStatus.CANCELLED for i in old.items[1:])
    assert seats.taken.get("SI-1-a") == 0
    assert result.plan is not None
    assert result.plan.status is PlanStatus.ACTIVE
    assert [g.competency for g in result.plan.gaps] == ["komunikasi"]
    assert record.current_move_plan() is result.plan


def test_an_older_decision_arriving_after_a_newer_one_is_stale():
    p = planner(CpSatCoverer())
    record = PersonRecord("sawahlunto", move().nip)
    on_mutation_decided(record, move("DEC-2", decided_at=datetime(2026, 3, 1)), p, COLLEAGUES, {})

    result = on_mutation_decided(record, move("DEC-1", decided_at=datetime(2026, 2, 1)), p, COLLEAGUES, {})

    assert result.outcome is Outcome.STALE
    assert len(record.plans) == 1


def test_a_cancelled_session_moves_the_item_to_the_next_session_of_the_same_offering_if_there_is_one():
    p = planner(CpSatCoverer())
    plan = p.plan_move(move())
    p.catalogue = p.catalogue.with_session_cancelled("SI-1-a")

    changed = p.replan_cancelled_session(plan, "SI-1-a", today=date(2026, 3, 5))

    assert changed
    assert plan.revision == 2
    assert next(i for i in plan.items if i.session_id == "SI-1-a").status is ItemStatus.CANCELLED
    live = sorted(i.offering_id for i in plan.live_items)
    assert live == ["KOM-B", "MP-01", "SI-2"]  # SI-1 has no other session: SI-2 now closes the gap
    assert plan.closed >= {"tek_sistem_informasi"}


def test_a_follow_up_plans_only_what_is_still_open_and_a_repeat_changes_nothing():
    p = planner(CpSatCoverer())
    record = PersonRecord("sawahlunto", move().nip)
    plan = on_mutation_decided(record, move(), p, COLLEAGUES, {}).plan
    assert plan is not None
    for item in plan.items:
        if item.offering_id != "SI-1":
            record_completion(plan, item, item.ends_on or date(2026, 6, 1), "S", today=date(2026, 9, 1))
    next(i for i in plan.items if i.offering_id == "SI-1").status = ItemStatus.CANCELLED  # it fell through

    result = on_follow_up(record, "FU-1", {}, date(2026, 9, 1), p)
    again = on_follow_up(record, "FU-1", {}, date(2026, 9, 1), p)

    assert result.outcome is Outcome.PLANNED
    assert result.plan is not None
    assert result.plan.kind is PlanKind.FOLLOW_UP
    assert {g.competency: g.levels for g in result.plan.gaps} == {"tek_sistem_informasi": 1, "tek_arsip": 2}
    assert again.outcome is Outcome.DUPLICATE


def test_a_follow_up_for_someone_never_planned_has_no_baseline():
    record = PersonRecord("sawahlunto", "X")

    assert on_follow_up(record, "FU-1", {}, date(2026, 9, 1), planner(CpSatCoverer())).outcome is Outcome.NO_BASELINE


def test_a_decision_cancelling_the_move_releases_the_plan_and_plans_nothing_new():
    seats = SeatBook()
    p = planner(CpSatCoverer(), seats)
    record = PersonRecord("sawahlunto", move().nip)
    plan = on_mutation_decided(record, move(), p, COLLEAGUES, {}).plan
    assert plan is not None

    result = on_move_cancelled(record, "DEC-9", datetime(2026, 2, 20), p)
    again = on_move_cancelled(record, "DEC-9", datetime(2026, 2, 20), p)

    assert result.outcome is Outcome.CANCELLED
    assert again.outcome is Outcome.DUPLICATE
    assert plan.status is PlanStatus.SUPERSEDED
    assert all(i.status is ItemStatus.CANCELLED for i in plan.items)
    assert not any(seats.taken.values())


def test_a_follow_up_naming_open_levels_plans_exactly_those():
    p = planner(CpSatCoverer())
    record = PersonRecord("sawahlunto", move().nip)
    on_mutation_decided(record, move(), p, COLLEAGUES, {})

    result = on_follow_up(record, "FU-2", {"komunikasi": 1}, date(2026, 3, 20), p)

    assert result.plan is not None
    assert [(g.competency, g.current, g.required) for g in result.plan.gaps] == [("komunikasi", 2, 3)]
    assert [i.offering_id for i in result.plan.items] == ["KOM-A"]  # KOM-B-a's one seat is taken


def test_planning_a_round_serves_scarce_seats_in_decision_order_whatever_the_input_order():
    seats = SeatBook()
    p = planner(CpSatCoverer(), seats)
    later = move("DEC-LATE", nip="2", decided_at=datetime(2026, 2, 3))
    earlier = move("DEC-EARLY", nip="1", decided_at=datetime(2026, 2, 1))
    records: dict[str, PersonRecord] = {}

    plan_round(records, [later, earlier], p, {"diskominfo": COLLEAGUES}, load := {})

    first, second = records["1"].plans[0], records["2"].plans[0]
    assert "KOM-B" in {i.offering_id for i in first.items}  # the one seat in KOM-B-a
    assert {"KOM-A", "PB-A"} <= {i.offering_id for i in second.items}
    assert load == {"K": 2}


def test_a_superseding_decision_credits_completed_training_and_never_repeats_it():
    p = planner(CpSatCoverer())
    record = PersonRecord("sawahlunto", move().nip)
    old = on_mutation_decided(record, move(), p, COLLEAGUES, {}).plan
    assert old is not None
    for item in old.items:
        if item.offering_id in ("MP-01", "KOM-B"):
            record_completion(old, item, item.ends_on or date(2026, 5, 1), "S", today=date(2026, 5, 1))

    newer = move("DEC-2", decided_at=datetime(2026, 5, 2), effective_date=date(2026, 5, 4))
    plan = on_mutation_decided(record, newer, p, COLLEAGUES, {}).plan

    assert plan is not None
    gaps = {g.competency for g in plan.gaps}
    assert not gaps & {"komunikasi", "perekat_bangsa", "mengelola_perubahan"}  # closed by what was completed
    offered = {i.offering_id for i in plan.items}
    assert not offered & {"MP-01", "KOM-B"}  # workshop done for this move; no course twice
    assert "SI-1" in offered


def test_a_plan_made_before_the_catalogue_had_anything_is_filled_once_it_has():
    empty = planner(CpSatCoverer())
    full_catalogue = empty.catalogue
    empty.catalogue = Catalogue()
    plan = empty.plan_move(move())
    assert plan.items[0].session_id is None
    assert {u.reason for u in plan.uncovered} == {UncoveredReason.NOT_IN_CATALOGUE}

    empty.catalogue = full_catalogue
    changed = empty.fill_open(plan, today=date(2026, 3, 1))

    assert changed
    assert plan.revision == 2
    assert sorted(i.offering_id for i in plan.live_items) == ["KOM-B", "MP-01", "SI-1", "SI-E"]
    assert plan.live_items[0].session_id == "MP-01-a"
    assert [u.competency for u in plan.uncovered] == ["tek_arsip"]
    assert not empty.fill_open(plan, today=date(2026, 3, 1))  # nothing more to do
