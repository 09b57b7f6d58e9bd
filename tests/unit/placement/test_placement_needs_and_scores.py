"""Needs analysis (kebutuhan, bezetting, selisih) and the parts of the fit score."""

from __future__ import annotations

import pytest

from mutasi.placement.domain.options import PoolView
from mutasi.placement.domain.posts import WorkloadTask, kebutuhan_from_workload, needs_by_unit
from mutasi.placement.domain.ranks import MANAGERIAL_CODES
from mutasi.placement.domain.scoring import FitWeights, fit_for_move, fit_for_stay, jpm, preference_part

from .placement_factories import candidate, post


def test_kebutuhan_is_workload_hours_over_1250() -> None:
    tasks = [WorkloadTask(500, 2.0), WorkloadTask(100, 6.25)]
    assert kebutuhan_from_workload(tasks) == pytest.approx(1.3)


def test_selisih_is_negative_for_an_understaffed_post_and_seats_round_half_up() -> None:
    p = post(kebutuhan=2.5, bezetting=1)
    assert p.selisih == -1.5
    assert p.seats == 3
    assert p.gap == 2
    assert post(kebutuhan=1.0, bezetting=3).gap == 0


def test_needs_by_unit_sums_posts_and_counts_open_seats() -> None:
    posts = [post("A", kebutuhan=3, bezetting=1), post("B", kebutuhan=1.4, bezetting=2), post("C", unit_id="setda")]
    kominfo = next(n for n in needs_by_unit(posts) if n.unit_id == "kominfo")
    assert (kominfo.kebutuhan, kominfo.bezetting, kominfo.selisih, kominfo.open_seats) == (4.4, 3, -1.4, 2)


def test_jpm_caps_each_competency_at_the_standard_unless_told_not_to() -> None:
    levels = {"a": 5, "b": 1}
    standard = {"a": 3, "b": 3}
    assert jpm(levels, standard) == pytest.approx(100 * 4 / 6)
    assert jpm(levels, standard, cap_each=False) == 100.0


def test_post_standard_defaults_managerial_levels_by_post_type() -> None:
    levels = post(post_type="administrator", standard={"teknis_ti": 4}).standard_levels()
    assert all(levels[c] == 3 for c in MANAGERIAL_CODES)
    assert levels["teknis_ti"] == 4


def test_preference_part_runs_from_100_for_the_first_choice_down() -> None:
    ranked = ["A", "B", "C"]
    assert preference_part("A", ranked, 5) == 100
    assert preference_part("C", ranked, 5) == 60
    assert preference_part("Z", ranked, 5) == 0


def test_fit_score_parts_add_up_to_the_total_and_carry_their_weights() -> None:
    weights = FitWeights()
    fit = fit_for_move(candidate(), post(), ["KOMINFO-SI-1"], 5, weights)
    assert fit.parts["jpm"] == pytest.approx(weights.jpm * 100)
    assert fit.parts["education"] == pytest.approx(weights.education * 100)
    assert fit.parts["box"] == pytest.approx(weights.box * 100)  # box 6: penempatan yang sesuai
    assert fit.parts["preference"] == pytest.approx(weights.preference * 100)
    assert fit.parts["move_cost"] == -weights.move_friction
    assert fit.total == pytest.approx(sum(fit.parts.values()))


def test_moving_someone_who_already_fits_costs_the_configured_points() -> None:
    fits = candidate(jpm_current=95.0)
    weights = FitWeights(move_cost=12.5, move_friction=2.0)
    assert fit_for_move(fits, post(), [], 5, weights).parts["move_cost"] == -14.5
    assert fit_for_move(candidate(jpm_current=60.0), post(), [], 5, weights).parts["move_cost"] == -2.0


def test_a_re_placement_follow_up_waives_the_cost_of_moving_someone_who_fits() -> None:
    flagged = candidate(jpm_current=95.0, follow_up="re_placement")
    assert fit_for_move(flagged, post(), [], 5, FitWeights(move_friction=0)).parts["move_cost"] == 0


def test_a_mismatched_field_scores_zero_education_and_a_post_with_no_field_list_half() -> None:
    law = candidate(education_field="hukum")
    assert fit_for_move(law, post(), [], 5, FitWeights()).parts["education"] == 0
    assert fit_for_move(law, post(education_fields=()), [], 5, FitWeights()).parts["education"] == 10


def test_staying_gets_the_neutral_preference_half_only_when_the_person_asked_for_nothing() -> None:
    weights = FitWeights()
    assert fit_for_stay(candidate(), None, [], weights).parts["preference"] == weights.preference * 50
    assert fit_for_stay(candidate(), None, ["X"], weights).parts["preference"] == 0


def test_weights_are_configuration_and_change_the_total() -> None:
    heavy = FitWeights(jpm=1.0, education=0, box=0, preference=0, move_friction=0)
    fit = fit_for_move(candidate(), post(), [], 5, heavy)
    assert fit.total == pytest.approx(100.0)


def test_seats_for_the_pool_are_the_gap_plus_their_own_seats_even_with_a_stale_bezetting() -> None:
    holders = [candidate(f"N{i}", post_id="KOMINFO-SI-1") for i in range(2)]
    pool = PoolView.of(holders, [post(kebutuhan=3.0, bezetting=1)])
    assert pool.capacity(pool.posts["KOMINFO-SI-1"]) == 3
    assert PoolView.of(holders[:1], [post(kebutuhan=3.0, bezetting=1)]).capacity(post(kebutuhan=3.0, bezetting=1)) == 3
