"""A round's lifecycle: preferences window, planning, approval by two different approvers, overrides,
decisions and objections (keberatan)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from mutasi.placement.domain.errors import InvalidInput, InvalidState, NotAllowed, NotFound
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.rounds import Caller, ObjectionState, Plan, PlanEntry, Round, RoundState

from .placement_factories import TODAY

NOW = datetime(2026, 12, 1, 9, 0)
ANA = Caller("ana", "approver")
BAYU = Caller("bayu", "approver")
POSTS = frozenset({"A", "B", "C"})


def entry(nip: str, frm: str, to: str, score: float = 80.0) -> PlanEntry:
    return PlanEntry(nip, frm, to, score, {"jpm": score}, 90.0)


def planned_round() -> Round:
    r = Round.announce(
        "r1", "sawahlunto", "Mutasi 2026-II", "2026-II", TODAY, TODAY + timedelta(days=14), date(2027, 1, 2)
    )
    r.close()
    r.record_plan(Plan("p1", {"X": entry("X", "x0", "A"), "Y": entry("Y", "y0", "y0", 50)}, 130, 120, 8.33, 4, 0.1))
    return r


def decided_round() -> Round:
    r = planned_round()
    r.approve(ANA, NOW)
    r.approve(BAYU, NOW)
    r.decide(["d1"], NOW, {"X": "pindah"})
    return r


def test_preferences_are_taken_only_while_the_window_is_open() -> None:
    r = Round.announce("r1", "sawahlunto", "R", "2026-II", TODAY, TODAY + timedelta(days=7), date(2027, 1, 2))
    r.submit_preference(Preference("X", ("A", "B")), TODAY, POSTS)
    assert r.preferences["X"].ranked == ("A", "B")
    with pytest.raises(InvalidState):
        r.submit_preference(Preference("X", ("A",)), TODAY + timedelta(days=8), POSTS)
    r.close()
    with pytest.raises(InvalidState):
        r.submit_preference(Preference("X", ("A",)), TODAY, POSTS)


def test_rejects_more_preferences_than_the_round_allows_duplicates_and_unknown_posts() -> None:
    r = Round.announce("r1", "s", "R", "p", TODAY, TODAY, date(2027, 1, 2), max_preferences=2)
    with pytest.raises(InvalidInput) as too_many:
        r.submit_preference(Preference("X", ("A", "B", "C")), TODAY, POSTS)
    assert too_many.value.field == "ranked"
    with pytest.raises(InvalidInput):
        r.submit_preference(Preference("X", ("A", "A")), TODAY, POSTS)
    with pytest.raises(InvalidInput) as unknown:
        r.submit_preference(Preference("X", ("Z",)), TODAY, POSTS)
    assert "Z" in unknown.value.reason_en


def test_announcing_with_a_deadline_in_the_past_names_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        Round.announce("r1", "s", "R", "p", TODAY, TODAY - timedelta(days=1), date(2027, 1, 2))
    assert err.value.field == "preferences_open_until"


def test_planning_needs_a_closed_window() -> None:
    r = Round.announce("r1", "s", "R", "p", TODAY, TODAY, date(2027, 1, 2))
    with pytest.raises(InvalidState):
        r.record_plan(Plan("p", {}, 0, 0, 0, 0, 0))


def test_a_plan_is_approved_only_by_two_different_approvers() -> None:
    r = planned_round()
    r.approve(ANA, NOW)
    assert r.state is RoundState.PLANNED
    with pytest.raises(InvalidState) as twice:
        r.approve(ANA, NOW)
    assert twice.value.field == "token.sub"
    r.approve(BAYU, NOW)
    assert r.state is RoundState.APPROVED


def test_only_the_approver_role_may_approve() -> None:
    r = planned_round()
    with pytest.raises(NotAllowed):
        r.approve(Caller("citra", "hr"), NOW)
    with pytest.raises(NotAllowed):
        r.approve(Caller(None, "approver"), NOW)


def test_deciding_before_two_approvals_is_refused() -> None:
    r = planned_round()
    r.approve(ANA, NOW)
    with pytest.raises(InvalidState):
        r.decide(["d1"], NOW, {})


def test_decisions_are_one_per_move_with_the_effective_date() -> None:
    r = decided_round()
    [d] = r.decisions.values()
    assert (d.decision_id, d.nip, d.from_post, d.to_post, d.effective_date) == ("d1", "X", "x0", "A", r.effective_date)
    assert r.state is RoundState.DECIDED


def test_override_needs_a_written_reason_keeps_it_and_resets_approvals() -> None:
    r = planned_round()
    r.approve(ANA, NOW)
    with pytest.raises(InvalidInput) as no_reason:
        r.override(entry("Y", "y0", "B"), "  ", BAYU)
    assert no_reason.value.field == "reason"
    new = r.override(entry("Y", "y0", "B", 60), "Kebutuhan mendesak di unit B", BAYU)
    assert new.override_reason == "Kebutuhan mendesak di unit B"
    assert new.overridden_by == "bayu"
    assert r.approvals == []
    assert r.plan is not None
    assert r.plan.total_fit == 140
    assert r.plan.gain_over_greedy_pct == pytest.approx(16.67)
    r.approve(ANA, NOW)
    r.approve(BAYU, NOW)
    decisions = r.decide(["d1", "d2"], NOW, {})
    assert [d.override_reason for d in decisions] == [None, "Kebutuhan mendesak di unit B"]


def test_override_of_someone_not_in_the_plan_is_not_found() -> None:
    with pytest.raises(NotFound):
        planned_round().override(entry("Z", "z0", "A"), "Alasan yang cukup panjang", ANA)


def test_an_objection_is_accepted_within_the_configured_days_only() -> None:
    r = decided_round()
    with pytest.raises(InvalidState):
        r.file_objection("o1", "X", "Jarak terlalu jauh dari domisili", NOW.date() + timedelta(days=15))
    o = r.file_objection("o1", "X", "Jarak terlalu jauh dari domisili", NOW.date() + timedelta(days=14))
    assert o.state is ObjectionState.FILED
    assert o.decision_id == "d1"


def test_only_a_moved_person_can_object() -> None:
    with pytest.raises(NotFound):
        decided_round().file_objection("o1", "Y", "Saya keberatan dengan keputusan", NOW.date())


def test_an_upheld_objection_supersedes_the_old_decision_and_keeps_both() -> None:
    r = decided_round()
    r.file_objection("o1", "X", "Jarak terlalu jauh dari domisili", NOW.date())
    with pytest.raises(InvalidState):
        r.uphold_objection("o1", "Alasan diterima tim", ANA, entry("X", "x0", "x0"), "d2", NOW, "batal")
    r.start_review("o1", ANA)
    new = r.uphold_objection("o1", "Alasan domisili diterima tim", ANA, entry("X", "x0", "x0", 50), "d2", NOW, "batal")
    assert new.supersedes == "d1"
    assert new.cancelled
    assert r.decisions["d1"].superseded_by == "d2"
    assert r.active_decision("X") == new
    assert r.objections["o1"].state is ObjectionState.UPHELD
    assert r.objections["o1"].new_decision_id == "d2"


def test_a_rejected_objection_leaves_the_decision_in_force() -> None:
    r = decided_round()
    r.file_objection("o1", "X", "Saya tidak setuju dengan penempatan", NOW.date())
    r.start_review("o1", BAYU)
    r.reject_objection("o1", "Penempatan sesuai kebutuhan organisasi", BAYU)
    assert r.objections["o1"].state is ObjectionState.REJECTED
    active = r.active_decision("X")
    assert active is not None
    assert active.decision_id == "d1"
