"""The covering choice on a hand-checkable catalogue, with the exact (CP-SAT) and greedy coverers."""

import pytest

from mutasi.training.adapters.cpsat_coverer import CpSatCoverer
from mutasi.training.domain.covering import Candidate, CoveringProblem, GreedyCoverer
from mutasi.training.domain.plan import ItemPurpose, UncoveredGap, UncoveredReason
from mutasi.training.domain.planning import SeatBook
from tests.unit.training.training_builders import TMT, move, planner

COVERERS = [CpSatCoverer(), GreedyCoverer()]


@pytest.mark.parametrize("coverer", COVERERS, ids=["cpsat", "greedy"])
def test_plan_starts_with_the_workshop_then_takes_the_cheapest_offerings_closing_every_closable_gap(coverer):
    plan = planner(coverer).plan_move(move())

    assert plan.items[0].purpose is ItemPurpose.CHANGE_MANAGEMENT
    assert plan.items[0].offering_id == "MP-01"
    assert sorted(i.offering_id for i in plan.items[1:]) == ["KOM-B", "SI-1", "SI-E"]
    assert plan.cost_planned == 1_000_000 + 2_500_000 + 3_000_000 + 500_000
    assert plan.jp_planned == 24 + 24 + 24 + 10
    assert plan.closed == {"komunikasi", "mengelola_perubahan", "perekat_bangsa", "tek_sistem_informasi"}


@pytest.mark.parametrize("coverer", COVERERS, ids=["cpsat", "greedy"])
def test_a_gap_nothing_in_the_catalogue_raises_is_listed_as_uncovered(coverer):
    plan = planner(coverer).plan_move(move())

    assert plan.uncovered == [UncoveredGap("tek_arsip", 2, UncoveredReason.NOT_IN_CATALOGUE)]
    assert plan.gap_coverage == pytest.approx(4 / 5)


def test_sessions_start_on_or_after_the_effective_date():
    plan = planner(CpSatCoverer()).plan_move(move())

    kom_b = next(i for i in plan.items if i.offering_id == "KOM-B")
    assert kom_b.session_id == "KOM-B-a"  # KOM-B-early starts before the TMT
    assert all(i.starts_on is None or i.starts_on >= TMT for i in plan.items)


def test_a_full_session_makes_the_plan_fall_back_to_the_next_cheapest_combination():
    seats = SeatBook({"KOM-B-a": 1})  # its only seat after the TMT is taken

    plan = planner(CpSatCoverer(), seats).plan_move(move())

    assert sorted(i.offering_id for i in plan.items[1:]) == ["KOM-A", "PB-A", "SI-1", "SI-E"]
    assert seats.taken["KOM-A-a"] == 1
    assert seats.taken["KOM-B-a"] == 1


def test_a_gap_whose_only_offering_is_full_is_uncovered_for_lack_of_a_seat():
    seats = SeatBook({"SI-1-a": 30, "SI-2-a": 30})

    plan = planner(CpSatCoverer(), seats).plan_move(move(levels={"tek_sistem_informasi": 1}))

    assert UncoveredGap("tek_sistem_informasi", 2, UncoveredReason.NO_SEAT) in plan.uncovered


def test_a_budget_limit_keeps_the_plan_closing_as_many_gaps_as_it_can_and_says_the_rest_is_over_limit():
    plan = planner(CpSatCoverer(), budget_per_person=5_000_000).plan_move(move())

    assert sorted(i.offering_id for i in plan.items) == ["KOM-B", "MP-01"]
    assert UncoveredGap("tek_sistem_informasi", 2, UncoveredReason.OVER_LIMIT) in plan.uncovered


def test_a_jp_limit_is_respected():
    plan = planner(CpSatCoverer(), jp_limit_per_person=60).plan_move(move())

    assert plan.jp_planned <= 60
    assert any(u.reason is UncoveredReason.OVER_LIMIT for u in plan.uncovered)


def test_the_workshop_is_planned_even_when_the_catalogue_has_no_session_for_it():
    seats = SeatBook({"MP-01-a": 30})

    plan = planner(GreedyCoverer(), seats).plan_move(move())

    workshop = plan.items[0]
    assert workshop.purpose is ItemPurpose.CHANGE_MANAGEMENT
    assert workshop.session_id is None
    assert workshop.note is not None
    assert "to be scheduled" in workshop.note


def test_the_exact_coverer_beats_greedy_where_greedy_is_myopic():
    problem = CoveringProblem(
        gaps={"a": 1, "b": 1, "c": 1},
        candidates=(
            Candidate("X", 300, 10, {"a": 1, "b": 1, "c": 1}),
            Candidate("Y", 160, 10, {"a": 1, "b": 1}),
            Candidate("Z", 150, 10, {"c": 1}),
        ),
        jp_limit=100,
        budget=1000,
    )

    exact, greedy = CpSatCoverer().choose(problem), GreedyCoverer().choose(problem)

    assert exact.chosen == ("X",)
    assert exact.optimal
    assert greedy.chosen == ("Y", "Z")
    assert not greedy.optimal
    assert exact.closed == greedy.closed == {"a", "b", "c"}
