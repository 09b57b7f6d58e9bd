"""Suggested placement weights from recorded outcomes."""

from __future__ import annotations

import random

import pytest

from mutasi.evaluation.domain.learning import LearningPolicy, WeightSuggestion, suggest_weights

POLICY = LearningPolicy(prior_strength=0.0)


def samples(n: int, seed: int = 1) -> list[tuple[dict[str, float], float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = {"jpm": rng.uniform(50, 100), "education": rng.uniform(0, 1), "preference": rng.uniform(0, 1)}
        outcome = 0.8 * parts["jpm"] + 40 * parts["education"] + rng.gauss(0, 2)
        out.append((parts, outcome))
    return out


def test_parts_that_drive_the_outcome_get_the_weight_and_noise_gets_almost_none() -> None:
    w = suggest_weights(samples(200), {}, POLICY)
    by_part = {p.part: p for p in w.parts}
    assert w.status == "suggested"
    assert w.n == 200
    assert by_part["preference"].suggested_weight < 0.05
    assert by_part["jpm"].suggested_weight > 0.4
    assert by_part["education"].suggested_weight > 0.2
    assert by_part["jpm"].correlation is not None
    assert by_part["jpm"].correlation > 0.5
    assert w.r_squared is not None
    assert w.r_squared > 0.9
    assert sum(p.suggested_weight for p in w.parts) == pytest.approx(1.0)


def test_too_few_outcomes_keep_the_current_weights() -> None:
    w = suggest_weights(samples(5), {"jpm": 2.0, "education": 1.0, "preference": 1.0}, LearningPolicy())
    assert w.status == "insufficient_data"
    assert {p.part: p.suggested_weight for p in w.parts} == {"education": 0.25, "jpm": 0.5, "preference": 0.25}


def test_suggestions_are_shrunk_towards_the_current_weights_when_data_are_few() -> None:
    current = {"jpm": 1.0, "education": 1.0, "preference": 1.0}
    cautious = suggest_weights(samples(20), current, LearningPolicy(prior_strength=30.0))
    bold = suggest_weights(samples(20), current, POLICY)

    def weight(w: WeightSuggestion) -> float:
        return next(p.suggested_weight for p in w.parts if p.part == "preference")

    assert weight(cautious) > weight(bold)


def test_a_part_that_only_subtracts_is_shown_but_never_given_weight() -> None:
    with_cost = [({**parts, "move_cost": -abs(outcome) / 50}, outcome) for parts, outcome in samples(100)]
    w = suggest_weights(with_cost, {}, POLICY)
    cost = next(p for p in w.parts if p.part == "move_cost")
    assert cost.penalty
    assert (cost.current_weight, cost.suggested_weight, cost.coefficient) == (0.0, 0.0, None)
    assert cost.correlation is not None
    assert sum(p.suggested_weight for p in w.parts) == pytest.approx(1.0)
