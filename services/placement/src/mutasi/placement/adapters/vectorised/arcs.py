"""Eligible, scored moves of a round as flow arcs: one stay arc per person and their best moves."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from mutasi.placement.adapters.ortools_solver import FlowArcs
from mutasi.placement.adapters.vectorised.arrays import I32, I64, B, PoolArrays, PoolIndex, lexsort_ints
from mutasi.placement.adapters.vectorised.rules import lowest_ranks, openable_posts, pair_ok, person_ok
from mutasi.placement.adapters.vectorised.scoring import move_scores, stay_scores
from mutasi.placement.domain.eligibility import RULES_BY_CODE, EligibilityPolicy, rule_applies
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.scoring import FitWeights

_NONE = np.zeros(0, np.int64)
# Pair checks and scores run on this many slices of the pairs at once: every rule and every part of the score
# reads each pair on its own, and numpy releases the GIL inside its array loops (docs/adr/0020)
WORKERS = 2
_SLICE_MIN = 200_000  # fewer pairs than this per slice are not worth a thread


def _by_slices(fn: Callable[..., np.ndarray], pairs: tuple[np.ndarray, ...], workers: int) -> np.ndarray:
    """fn over contiguous slices of the pair arrays, at once, concatenated: the same as fn(*pairs) for any fn that
    reads each pair on its own."""
    n = len(pairs[0])
    k = max(1, min(workers, n // _SLICE_MIN))
    if k == 1:
        return fn(*pairs)
    bounds = np.linspace(0, n, k + 1).astype(np.int64)
    with ThreadPoolExecutor(max_workers=k) as pool:
        parts = list(pool.map(lambda s: fn(*(a[bounds[s] : bounds[s + 1]] for a in pairs)), range(k)))
    return np.concatenate(parts)


@dataclass
class Asked:
    """Everyone's preferences: (person, post, rank) of each asked-for post among the round's posts, and per
    person how many posts they ranked (some may be outside the round)."""

    person: I64 = field(default_factory=lambda: _NONE)
    post: I64 = field(default_factory=lambda: _NONE)
    rank: I64 = field(default_factory=lambda: _NONE)
    ranked_len: I64 | None = None

    def lengths(self, n_people: int) -> I64:
        return self.ranked_len if self.ranked_len is not None else np.zeros(n_people, dtype=np.int64)


def preference_arrays(index: PoolIndex, preferences: Mapping[str, Preference]) -> Asked:
    """The preferences of a round on the indices of `index`."""
    nip_index = {n: i for i, n in enumerate(index.nips)}
    post_index = {p: j for j, p in enumerate(index.post_ids)}
    lengths = np.zeros(len(index.nips), dtype=np.int64)
    rows = []
    for nip, pref in preferences.items():
        if nip not in nip_index:
            continue
        lengths[nip_index[nip]] = len(pref.ranked)
        rows += [(nip_index[nip], post_index[p], rank) for rank, p in enumerate(pref.ranked) if p in post_index]
    if not rows:
        return Asked(ranked_len=lengths)
    a = np.array(rows, dtype=np.int64)
    return Asked(a[:, 0], a[:, 1], a[:, 2], lengths)


def candidate_pairs(
    arr: PoolArrays,
    own_request: tuple[I64, I64] | None = None,
    people_mask: B | None = None,
    post_mask: B | None = None,
    rank_range: tuple[I32, I32] | None = None,
) -> tuple[I64, I64]:
    """Pairs worth checking: same agency and a golongan inside `rank_range` (each post's lowest and highest
    rank, so JOB_REQUIREMENTS is cut early; None cuts nothing), plus every asked-for post (another agency's post
    is considered only on request). The masks drop people and posts that already fail a rule."""
    pi_parts: list[I64] = []
    pj_parts: list[I64] = []
    if rank_range is None:
        rank_range = (np.zeros(arr.n_posts, np.int32), np.full(arr.n_posts, 10**6, np.int32))
    gmin, gmax = rank_range
    people_key = arr.agency.astype(np.int64) * 32 + arr.golongan
    keep_people = people_mask if people_mask is not None else np.ones(arr.n_people, dtype=np.bool_)
    keep_posts = post_mask if post_mask is not None else np.ones(arr.n_posts, dtype=np.bool_)
    order = np.flatnonzero(keep_people)
    order = order[np.argsort(people_key[order], kind="stable")]
    keys, starts = np.unique(people_key[order], return_index=True)
    ends = np.append(starts[1:], len(order))[: len(starts)]
    for key, s, e in zip(keys, starts, ends, strict=True):
        agency, gol = int(key) // 32, int(key) % 32
        posts = np.flatnonzero(keep_posts & (arr.p_agency == agency) & (gmin <= gol) & (gol <= gmax))
        if len(posts) == 0:
            continue
        people = order[s:e]
        pi_parts.append(np.repeat(people, len(posts)).astype(np.int64))
        pj_parts.append(np.tile(posts, len(people)).astype(np.int64))
    if own_request is not None and len(own_request[0]):
        ai, aj = own_request
        wanted = keep_people[ai] & keep_posts[aj]
        ai, aj = ai[wanted], aj[wanted]
        in_block = (arr.agency[ai] == arr.p_agency[aj]) & (gmin[aj] <= arr.golongan[ai])
        in_block &= arr.golongan[ai] <= gmax[aj]
        extra = np.unique(ai[~in_block] * arr.n_posts + aj[~in_block])  # the block pairs are unique already
        pi_parts.append(extra // arr.n_posts)
        pj_parts.append(extra % arr.n_posts)
    if not pi_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(pi_parts), np.concatenate(pj_parts)


@dataclass
class BuiltArcs:
    arcs: FlowArcs
    eligible_pairs: int
    is_stay: B


def rank_of_pairs(arr: PoolArrays, asked: Asked, pi: I64, pj: I64) -> I64:
    """The preference rank of each pair, -1 when the person did not ask for that post."""
    if not len(asked.person):
        return np.full(len(pi), -1, dtype=np.int64)
    ask_key = asked.person * arr.n_posts + asked.post
    order = np.argsort(ask_key)
    key = pi * arr.n_posts + pj
    pos = np.minimum(np.searchsorted(ask_key[order], key), len(ask_key) - 1)
    hit = ask_key[order][pos] == key
    return np.where(hit, asked.rank[order][pos], -1).astype(np.int64)


def build_arcs(
    arr: PoolArrays,
    on: date,
    policy: EligibilityPolicy,
    weights: FitWeights,
    asked: Asked | None = None,
    max_preferences: int = 5,
    options_per_person: int = 50,
    must_fill: B | None = None,
    timings: dict[str, float] | None = None,
    must_stay: B | None = None,
    avoid: I64 | None = None,
    workers: int = WORKERS,
) -> BuiltArcs:
    """Flow arcs of a whole round: one stay arc per person (first) and their best eligible moves.
    `timings` receives the seconds spent on eligibility and on scoring; `workers` (slices of the pairs checked
    and scored at once) changes only the speed."""
    started = time.perf_counter()
    asked = asked if asked is not None else Asked()
    people_ok = person_ok(arr, on, policy)
    if must_stay is not None:
        people_ok &= ~must_stay
    openable = openable_posts(arr) if rule_applies(RULES_BY_CODE["ANJAB_ABK_NEED"], policy, on) else None
    job = rule_applies(RULES_BY_CODE["JOB_REQUIREMENTS"], policy, on)
    ranks = (lowest_ranks(arr, policy), arr.gmax) if job else None
    pi, pj = candidate_pairs(arr, (asked.person, asked.post), people_ok, openable, ranks)
    rank = rank_of_pairs(arr, asked, pi, pj)
    ok = _by_slices(lambda i, j, r: pair_ok(arr, i, j, on, policy, r >= 0), (pi, pj, rank), workers)
    if avoid is not None and len(avoid):
        ok &= ~np.isin(pi * arr.n_units + arr.p_unit[pj], avoid)
    pi, pj, rank = pi[ok], pj[ok], rank[ok]
    eligible = len(pi)
    checked = time.perf_counter()
    lengths = asked.lengths(arr.n_people)
    score = _by_slices(lambda i, j, r: move_scores(arr, i, j, r, lengths, max_preferences, weights), (pi, pj, rank),
                       workers)  # fmt: skip
    unasked_count = np.bincount(pi[rank < 0], minlength=arr.n_people)
    if len(pi) and unasked_count.max() > options_per_person:
        pi, pj, score = _best_per_person(pi, pj, rank, score, options_per_person)
    held = arr.incumbents()
    capacity = np.maximum(arr.seats - np.maximum(arr.bezetting, held), 0).astype(np.int64) + held
    fill = must_fill if must_fill is not None else np.zeros(arr.n_posts, dtype=np.bool_)
    post = np.concatenate([arr.post.astype(np.int64), pj])
    arcs = FlowArcs(
        n_people=arr.n_people,
        n_posts=arr.n_posts,
        person=np.concatenate([np.arange(arr.n_people, dtype=np.int64), pi]),
        post=post,
        score=np.concatenate([stay_scores(arr, lengths > 0, weights), score]),
        capacity=capacity,
        priority=np.where(post >= 0, fill[np.maximum(post, 0)], False),
    )
    is_stay = np.concatenate([np.ones(arr.n_people, np.bool_), np.zeros(len(pi), np.bool_)])
    if timings is not None:
        timings["eligibility"] = checked - started
        timings["scoring"] = time.perf_counter() - checked
    return BuiltArcs(arcs, eligible, is_stay)


def _best_per_person(pi: I64, pj: I64, rank: I64, score: I64, k: int) -> tuple[I64, I64, I64]:
    """The asked-for moves and the k best others of each person."""
    order = lexsort_ints((pj, -score, pi))
    pi, pj, rank, score = pi[order], pj[order], rank[order], score[order]
    new_group = np.r_[True, pi[1:] != pi[:-1]]
    group = np.cumsum(new_group) - 1
    unasked = (rank < 0).astype(np.int64)
    seen = np.cumsum(unasked)
    nth = seen - (seen - unasked)[new_group][group]
    keep = (rank >= 0) | (nth <= k)
    return pi[keep], pj[keep], score[keep]
