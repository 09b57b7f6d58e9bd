"""The fit score of `domain.scoring`, part by part, for many moves at once (integer hundredths of a point)."""

from __future__ import annotations

import numpy as np

from mutasi.placement.adapters.vectorised.arrays import F64, I32, I64, B, PoolArrays
from mutasi.placement.domain.scoring import BOX_MOVE_AFFINITY, SCALE, FitWeights

BOX = np.array([BOX_MOVE_AFFINITY.get(b, 50) for b in range(10)], dtype=np.float64)


def jpm_pairs(levels: I32, standard: I32, pi: I64, pj: I64, cap_each: bool, chunk: int = 1_000_000) -> F64:
    """JPM % for each pair, in chunks to bound memory (domain.scoring.jpm)."""
    out = np.empty(len(pi), dtype=np.float64)
    totals = standard.sum(axis=1)
    small_levels, small_standard = levels.astype(np.int8), standard.astype(np.int8)  # levels are 0..5
    for s in range(0, len(pi), chunk):
        a, b = pi[s : s + chunk], pj[s : s + chunk]
        std = small_standard[b]
        got = np.minimum(small_levels[a], std) if cap_each else small_levels[a] * (std > 0)
        tot = totals[b]
        total_got = got.sum(axis=1, dtype=np.int32)
        out[s : s + chunk] = np.where(tot > 0, np.minimum(100.0, 100.0 * total_got / np.maximum(tot, 1)), 100.0)
    return out


def hundredths(value: F64) -> I64:
    """domain.scoring.in_hundredths for arrays."""
    return np.asarray(np.rint(value * SCALE), dtype=np.int64)


def education_match(arr: PoolArrays, pi: I64, pj: I64) -> F64:
    """domain.scoring.education_match: 100 in an accepted field, 50 when the post names none, else 0."""
    in_fields = ((arr.field_mask[pj] >> arr.field[pi].astype(np.int64)) & 1) == 1
    return np.asarray(np.where(arr.field_mask[pj] == 0, 50.0, np.where(in_fields, 100.0, 0.0)), dtype=np.float64)


def already_fits(arr: PoolArrays, weights: FitWeights) -> B:
    """domain.scoring.already_fits: JPM now reaches the threshold and evaluation did not ask to re-place."""
    return np.asarray((arr.jpm_current >= weights.fits_threshold) & ~arr.re_placement, dtype=np.bool_)


def move_parts(
    arr: PoolArrays, pi: I64, pj: I64, pref_rank: I64, pref_len: I64, max_preferences: int, weights: FitWeights
) -> dict[str, I64]:
    """Each weighted part of domain.scoring.fit_for_move in hundredths; `pref_len[i]` is how many posts person
    i ranked (the preference scale stretches to a longer list, as in domain.scoring.preference_part)."""
    raw = jpm_pairs(arr.levels, arr.standard, pi, pj, weights.cap_each_competency)
    n = np.maximum(np.maximum(max_preferences, pref_len[pi]), 1)
    preference = np.where(pref_rank >= 0, 100.0 * (n - pref_rank) / n, 0.0)
    fits = already_fits(arr, weights)[pi]
    return {
        "jpm": hundredths(weights.jpm * raw),
        "education": hundredths(weights.education * education_match(arr, pi, pj)),
        "box": hundredths(weights.box * BOX[arr.box[pi]]),
        "preference": hundredths(weights.preference * preference),
        "move_cost": hundredths(-(weights.move_friction + np.where(fits, weights.move_cost, 0.0))),
    }


def move_scores(
    arr: PoolArrays, pi: I64, pj: I64, pref_rank: I64, pref_len: I64, max_preferences: int, weights: FitWeights
) -> I64:
    """Fit of each move in hundredths: the sum of its parts."""
    parts = move_parts(arr, pi, pj, pref_rank, pref_len, max_preferences, weights)
    return np.asarray(sum(parts.values()), dtype=np.int64)


def stay_parts(arr: PoolArrays, asked_any: B, weights: FitWeights) -> dict[str, I64]:
    """Each weighted part of domain.scoring.fit_for_stay in hundredths."""
    people = np.arange(arr.n_people, dtype=np.int64)
    known = arr.post >= 0
    posts = np.where(known, arr.post, 0).astype(np.int64)
    raw = arr.jpm_current  # assessment's JPM in the current post, as domain.scoring.fit_for_stay
    education = np.where(known, education_match(arr, people, posts), 50.0)
    zero = np.zeros(arr.n_people, dtype=np.int64)
    return {
        "jpm": hundredths(weights.jpm * raw),
        "education": hundredths(weights.education * education),
        "box": hundredths(np.full(arr.n_people, weights.box * 50.0)),
        "preference": hundredths(weights.preference * np.where(asked_any, 0.0, 50.0)),
        "move_cost": zero,
    }


def stay_scores(arr: PoolArrays, asked_any: B, weights: FitWeights) -> I64:
    """Fit of staying in hundredths: the sum of its parts."""
    return np.asarray(sum(stay_parts(arr, asked_any, weights).values()), dtype=np.int64)
