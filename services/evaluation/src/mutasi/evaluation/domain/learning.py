"""Learning for the next round: which fit-score parts went with good outcomes, and suggested weights.

A suggestion for people to accept in placement's configuration; nothing here changes any weight.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mutasi.evaluation.domain.performance import PredicateScale
from mutasi.evaluation.domain.recording import Evaluation


@dataclass(frozen=True)
class LearningPolicy:
    """How the outcome is scored and how cautiously weights move."""

    predicate_weight: float = 0.7  # outcome = 0.7 × predicate score + 0.3 × supervisor review (both 0–100)
    review_weight: float = 0.3
    min_samples: int = 10  # below this, no suggestion: the current weights stand
    ridge: float = 0.1  # keeps the least-squares stable when parts move together
    prior_strength: float = 30.0  # suggested = n/(n+30) × learned + 30/(n+30) × current


def outcome_score(evaluation: Evaluation, scale: PredicateScale, policy: LearningPolicy) -> float:
    """A 0–100 score of how the move went at the latest checkpoint."""
    review = (evaluation.review.mean - 1.0) / 4.0 * 100.0
    total = policy.predicate_weight + policy.review_weight
    return (policy.predicate_weight * scale.score(evaluation.predicate) + policy.review_weight * review) / total


@dataclass(frozen=True)
class PartEffect:
    part: str
    n: int
    correlation: float | None  # Pearson r of the part with the outcome
    coefficient: float | None  # standardised least-squares coefficient, all parts together
    current_weight: float
    suggested_weight: float
    penalty: bool = False  # a part that only subtracts (e.g. moving cost): correlation shown, never weighted


@dataclass(frozen=True)
class WeightSuggestion:
    status: str  # "suggested" | "insufficient_data"
    n: int
    min_samples: int
    r_squared: float | None
    parts: tuple[PartEffect, ...]
    outcome: str = "0.7 × skor predikat + 0.3 × ulasan atasan (0–100) pada checkpoint terakhir"


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def _zscores(values: Sequence[float]) -> list[float] | None:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    return None if sd <= 1e-12 else [(v - mean) / sd for v in values]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting; `a` is positive definite here thanks to the ridge."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _normalised(weights: Mapping[str, float], parts: Sequence[str]) -> dict[str, float]:
    raw = {p: max(0.0, weights.get(p, 0.0)) for p in parts}
    total = sum(raw.values())
    return {p: (raw[p] / total if total > 0 else 1.0 / len(parts)) for p in parts}


def suggest_weights(
    samples: Sequence[tuple[Mapping[str, float], float]], current: Mapping[str, float], policy: LearningPolicy
) -> WeightSuggestion:
    """Ridge least squares of the outcome on standardised parts; weights from the positive coefficients,
    shrunk towards the current weights by sample size."""
    every = sorted(set.intersection(*(set(s[0]) for s in samples))) if samples else sorted(current)
    penalties = [p for p in every if samples and sum(s[0][p] for s in samples) <= 0]
    parts = [p for p in every if p not in penalties]
    if not current and samples:
        # Parts given as points of the fit score: each part's average share stands for its current weight.
        current = {p: sum(s[0][p] for s in samples) / len(samples) for p in parts}
    base = _normalised(current, parts) if parts else {}
    n = len(samples)
    if n < policy.min_samples or not parts:
        effects = tuple(PartEffect(p, n, None, None, base[p], base[p]) for p in parts)
        return WeightSuggestion("insufficient_data", n, policy.min_samples, None, effects)
    ys = [s[1] for s in samples]
    side = tuple(PartEffect(p, n, _pearson([s[0][p] for s in samples], ys), None, 0.0, 0.0, True) for p in penalties)
    columns = {p: [float(s[0][p]) for s in samples] for p in parts}
    correlations = {p: _pearson(columns[p], ys) for p in parts}
    zy = _zscores(ys)
    zx = {p: z for p in parts if (z := _zscores(columns[p])) is not None}
    used = sorted(zx)
    coef: dict[str, float] = {}
    r2: float | None = None
    if zy is not None and used:
        xtx = [
            [sum(zx[a][i] * zx[b][i] for i in range(n)) / n + (policy.ridge if a == b else 0.0) for b in used]
            for a in used
        ]
        xty = [sum(zx[a][i] * zy[i] for i in range(n)) / n for a in used]
        beta = _solve(xtx, xty)
        coef = dict(zip(used, beta, strict=True))
        fitted = [sum(coef[p] * zx[p][i] for p in used) for i in range(n)]
        r2 = 1.0 - sum((zy[i] - fitted[i]) ** 2 for i in range(n)) / n
    learned = _normalised(coef, parts) if any(v > 0 for v in coef.values()) else base
    alpha = n / (n + policy.prior_strength)
    suggested = {p: alpha * learned[p] + (1 - alpha) * base[p] for p in parts}
    effects = tuple(PartEffect(p, n, correlations[p], coef.get(p), base[p], suggested[p]) for p in parts)
    return WeightSuggestion("suggested", n, policy.min_samples, r2, effects + side)
