"""The eligibility rules and fit score of the domain, vectorised with numpy for province-scale rounds.

Same rules and weights as `domain.eligibility` and `domain.scoring` (a unit test checks they agree pair by
pair); reason texts for a pair still come from the domain rule table when a person asks why.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from mutasi.placement.adapters.ortools_solver import FlowArcs
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import PASSING_PREDICATES, EligibilityPolicy, check_person, value_on
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import Option, Person, PlanProblem, max_leavers_by_unit
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import education_rank, golongan_rank, is_education_level, is_golongan
from mutasi.placement.domain.scoring import BOX_MOVE_AFFINITY, SCALE, FitWeights

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
TYPES = {"PNS": 0, "CPNS": 1, "PPPK": 2}
NO_DATE = -1
FOREVER = 10**7
UNKNOWN_GOLONGAN = 31  # above every post's range, so no pair is formed (JOB_REQUIREMENTS fails in the domain)
BOX = np.array([BOX_MOVE_AFFINITY.get(b, 50) for b in range(10)], dtype=np.float64)


@dataclass
class PoolArrays:
    """People (index i) and posts (index j) of a round as column arrays. Dates are proleptic ordinals."""

    # people
    agency: I32
    unit: I32
    post: I32  # index of the current post, -1 when it is not among the posts
    kind: I32  # TYPES
    golongan: I32
    education: I32
    field: I32  # index into the field vocabulary (< 63)
    months_in_post: I32
    as_of: I32
    years_to_bup: F64
    tmt_pns: I32  # NO_DATE when unknown
    jpt: B  # holds a JPT post now (tenure exemption)
    discipline_until: I32  # NO_DATE none, FOREVER open-ended
    blocked_flags: B  # court process, study leave, audit finding or CLTN
    perf_ok: B
    box: I32
    jpm_current: F64
    levels: I32  # (N, C)
    # posts
    p_agency: I32
    p_unit: I32
    gmin: I32
    gmax: I32
    edu_min: I32  # -1 = any
    field_mask: I64  # bit per accepted field; 0 = any
    field_required: B
    seats: I32
    bezetting: I32
    blackout_covered: B
    standard: I32  # (P, C)
    coi_keys: I64  # person * n_units + unit of every conflict of interest
    n_units: int

    @property
    def n_people(self) -> int:
        return len(self.agency)

    @property
    def n_posts(self) -> int:
        return len(self.p_agency)

    def incumbents(self) -> I64:
        held = self.post[self.post >= 0]
        return np.bincount(held, minlength=self.n_posts).astype(np.int64)


@dataclass
class PoolIndex:
    """The names behind the indices of a PoolArrays built from domain objects."""

    nips: list[str]
    post_ids: list[str]
    codes: list[str]


def _ordinal(d: date | None, missing: int = NO_DATE) -> int:
    return d.toordinal() if d is not None else missing


def from_domain(candidates: Sequence[Candidate], posts: Sequence[Post]) -> tuple[PoolArrays, PoolIndex]:
    """Column arrays of domain candidates and posts."""
    post_ids = [p.post_id for p in posts]
    post_index = {pid: j for j, pid in enumerate(post_ids)}
    agencies = {a: k for k, a in enumerate(sorted({c.agency_id for c in candidates} | {p.agency_id for p in posts}))}
    units = {u: k for k, u in enumerate(sorted({c.unit_id for c in candidates} | {p.unit_id for p in posts}))}
    fields = sorted({c.education_field for c in candidates} | {f for p in posts for f in p.education_fields})
    field_index = {f: k for k, f in enumerate(fields)}
    if len(fields) > 62:
        raise ValueError("more than 62 fields of study; widen the field mask")
    codes = sorted({k for c in candidates for k in c.competencies} | {k for p in posts for k in p.standard_levels()})
    code_index = {k: n for n, k in enumerate(codes)}
    levels = np.zeros((len(candidates), len(codes)), dtype=np.int32)
    for i, c in enumerate(candidates):
        for k, v in c.competencies.items():
            levels[i, code_index[k]] = v
    standard = np.zeros((len(posts), len(codes)), dtype=np.int32)
    for j, p in enumerate(posts):
        for k, v in p.standard_levels().items():
            standard[j, code_index[k]] = v

    def until(c: Candidate) -> int:
        if not c.discipline_active:
            return NO_DATE
        return _ordinal(c.discipline_until, FOREVER)

    def perf(c: Candidate) -> bool:
        last = c.last_predicates(2)
        return len(last) == 2 and all(p in PASSING_PREDICATES for p in last)

    def mask(p: Post) -> int:
        return sum(1 << field_index[f] for f in set(p.education_fields))

    arr = PoolArrays(
        agency=np.array([agencies[c.agency_id] for c in candidates], dtype=np.int32),
        unit=np.array([units[c.unit_id] for c in candidates], dtype=np.int32),
        post=np.array([post_index.get(c.post_id, -1) for c in candidates], dtype=np.int32),
        kind=np.array([TYPES.get(c.employee_type, 1) for c in candidates], dtype=np.int32),
        golongan=np.array(
            [golongan_rank(c.golongan) if is_golongan(c.golongan) else UNKNOWN_GOLONGAN for c in candidates],
            dtype=np.int32,
        ),
        education=np.array(
            [education_rank(c.education_level) if is_education_level(c.education_level) else -1 for c in candidates],
            dtype=np.int32,
        ),
        field=np.array([field_index[c.education_field] for c in candidates], dtype=np.int32),
        months_in_post=np.array([c.months_in_post for c in candidates], dtype=np.int32),
        as_of=np.array([c.as_of.toordinal() for c in candidates], dtype=np.int32),
        years_to_bup=np.array([c.years_to_bup for c in candidates], dtype=np.float64),
        tmt_pns=np.array([_ordinal(c.tmt_pns) for c in candidates], dtype=np.int32),
        jpt=np.array([c.post_type.startswith("jpt") for c in candidates], dtype=np.bool_),
        discipline_until=np.array([until(c) for c in candidates], dtype=np.int32),
        blocked_flags=np.array(
            [c.in_court_process or c.on_study_leave or c.audit_finding_open or c.on_cltn for c in candidates],
            dtype=np.bool_,
        ),
        perf_ok=np.array([perf(c) for c in candidates], dtype=np.bool_),
        box=np.array([c.talent_box for c in candidates], dtype=np.int32),
        jpm_current=np.array([c.jpm_current for c in candidates], dtype=np.float64),
        levels=levels,
        p_agency=np.array([agencies[p.agency_id] for p in posts], dtype=np.int32),
        p_unit=np.array([units[p.unit_id] for p in posts], dtype=np.int32),
        gmin=np.array([golongan_rank(p.golongan_min) for p in posts], dtype=np.int32),
        gmax=np.array([golongan_rank(p.golongan_max) for p in posts], dtype=np.int32),
        edu_min=np.array(
            [min((education_rank(e) for e in p.education_levels), default=-1) for p in posts], dtype=np.int32
        ),
        field_mask=np.array([mask(p) for p in posts], dtype=np.int64),
        field_required=np.array([p.field_required for p in posts], dtype=np.bool_),
        seats=np.array([p.seats for p in posts], dtype=np.int32),
        bezetting=np.array([p.bezetting for p in posts], dtype=np.int32),
        blackout_covered=np.array([p.covered_by_blackout for p in posts], dtype=np.bool_),
        standard=standard,
        coi_keys=np.array(
            sorted(i * len(units) + units[u] for i, c in enumerate(candidates) for u in c.coi_unit_ids if u in units),
            dtype=np.int64,
        ),
        n_units=len(units),
    )
    return arr, PoolIndex([c.nip for c in candidates], post_ids, codes)


def person_ok(arr: PoolArrays, on: date, policy: EligibilityPolicy) -> B:
    """The person-level rules (MIN_TENURE_POST, NO_HUKDIS, flags, PERF_2Y_BAIK, BUP_HORIZON) at once."""
    today = on.toordinal()
    off = policy.disabled_rules
    ok = np.ones(arr.n_people, dtype=np.bool_)
    if "MIN_TENURE_POST" not in off:
        months = arr.months_in_post + _months_since(arr.as_of, on)
        exempt = arr.jpt if policy.jpt_tenure_exempt else np.zeros_like(arr.jpt)
        ok &= exempt | (months >= int(value_on(policy.min_months_in_post, on)))
    if "NO_HUKDIS" not in off:
        ok &= (arr.discipline_until == NO_DATE) | (arr.discipline_until < today)
    if not {"NO_CRIMINAL_PROCESS", "NO_TUGAS_BELAJAR", "NO_AUDIT_FINDING", "NOT_ON_CLTN"} & off:
        ok &= ~arr.blocked_flags
    if "PERF_2Y_BAIK" not in off:
        ok &= arr.perf_ok
    if "BUP_HORIZON" not in off:
        left = arr.years_to_bup - (today - arr.as_of) / 365.25
        ok &= left >= value_on(policy.min_years_to_bup, on)
    return ok


def _months_since(as_of: I32, on: date) -> I32:
    """Whole months from each as_of to `on` (same rule as domain.candidates.months_between)."""
    dates = [date.fromordinal(int(o)) for o in np.unique(as_of)]
    table = {d.toordinal(): (on.year - d.year) * 12 + on.month - d.month - (on.day < d.day) for d in dates}
    keys = np.array(list(table), dtype=np.int32)
    vals = np.array(list(table.values()), dtype=np.int32)
    return np.asarray(vals[np.searchsorted(keys, as_of)], dtype=np.int32)


def candidate_pairs(
    arr: PoolArrays,
    own_request: tuple[I64, I64] | None = None,
    people_mask: B | None = None,
    post_mask: B | None = None,
) -> tuple[I64, I64]:
    """Pairs worth checking: same agency and a golongan inside the post's range (JOB_REQUIREMENTS cut early),
    plus every asked-for post (another agency's post is considered only on request). The masks drop people
    and posts that already fail a rule."""
    pi_parts: list[I64] = []
    pj_parts: list[I64] = []
    people_key = arr.agency.astype(np.int64) * 32 + arr.golongan
    keep_people = people_mask if people_mask is not None else np.ones(arr.n_people, dtype=np.bool_)
    keep_posts = post_mask if post_mask is not None else np.ones(arr.n_posts, dtype=np.bool_)
    order = np.flatnonzero(keep_people)
    order = order[np.argsort(people_key[order], kind="stable")]
    keys, starts = np.unique(people_key[order], return_index=True)
    ends = np.append(starts[1:], len(order))[: len(starts)]
    for key, s, e in zip(keys, starts, ends, strict=True):
        agency, gol = int(key) // 32, int(key) % 32
        posts = np.flatnonzero(keep_posts & (arr.p_agency == agency) & (arr.gmin <= gol) & (gol <= arr.gmax))
        if len(posts) == 0:
            continue
        people = order[s:e]
        pi_parts.append(np.repeat(people, len(posts)).astype(np.int64))
        pj_parts.append(np.tile(posts, len(people)).astype(np.int64))
    if own_request is not None and len(own_request[0]):
        ai, aj = own_request
        wanted = keep_people[ai] & keep_posts[aj]
        ai, aj = ai[wanted], aj[wanted]
        in_block = (arr.agency[ai] == arr.p_agency[aj]) & (arr.gmin[aj] <= arr.golongan[ai])
        in_block &= arr.golongan[ai] <= arr.gmax[aj]
        extra = np.unique(ai[~in_block] * arr.n_posts + aj[~in_block])  # the block pairs are unique already
        pi_parts.append(extra // arr.n_posts)
        pj_parts.append(extra % arr.n_posts)
    if not pi_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(pi_parts), np.concatenate(pj_parts)


def pair_ok(arr: PoolArrays, pi: I64, pj: I64, on: date, policy: EligibilityPolicy, asked: B) -> B:
    """The pair rules (STATUS_PNS, CPNS_10Y_PLEDGE, ANJAB_ABK_NEED, JOB_REQUIREMENTS, BLACKOUT_PILKADA, COI)."""
    off = policy.disabled_rules
    ok: B = np.asarray(arr.post[pi] != pj, dtype=np.bool_)
    inter = arr.agency[pi] != arr.p_agency[pj]
    kind = arr.kind[pi]
    if "STATUS_PNS" not in off:
        ok &= (kind == 0) | ((kind == 2) & ~inter)
    if "CPNS_10Y_PLEDGE" not in off and on >= date(2024, 1, 1):
        tmt = arr.tmt_pns[pi]
        young = (tmt != NO_DATE) & (_years_since(tmt, on) < policy.pledge_years)
        ok &= ~(inter & asked & young)
    if "ANJAB_ABK_NEED" not in off:
        inc = arr.incumbents()
        openable = (arr.seats > arr.bezetting) | ((arr.seats == arr.bezetting) & (inc > 0))
        ok &= openable[pj]
    if "JOB_REQUIREMENTS" not in off:
        ok &= arr.education[pi] >= arr.edu_min[pj]
        in_fields = ((arr.field_mask[pj] >> arr.field[pi].astype(np.int64)) & 1) == 1
        ok &= ~arr.field_required[pj] | (arr.field_mask[pj] == 0) | in_fields
        ok &= (arr.gmin[pj] <= arr.golongan[pi]) & (arr.golongan[pi] <= arr.gmax[pj])
    if "BLACKOUT_PILKADA" not in off:
        blocked = any(w.start <= on <= w.end and not w.approval_ref for w in policy.blackout_windows)
        if blocked:
            ok &= ~arr.blackout_covered[pj]
    if "COI" not in off and len(arr.coi_keys):
        ok &= ~np.isin(pi * arr.n_units + arr.p_unit[pj], arr.coi_keys)
    return ok


def _years_since(ordinals: I32, on: date) -> F64:
    """Whole months / 12 since each date, as domain.candidates.months_between counts them."""
    known = np.where(ordinals == NO_DATE, on.toordinal(), ordinals).astype(np.int32)
    return np.asarray(_months_since(known, on) / 12.0, dtype=np.float64)


def jpm_pairs(levels: I32, standard: I32, pi: I64, pj: I64, cap_each: bool, chunk: int = 1_000_000) -> F64:
    """JPM % for each pair, in chunks to bound memory."""
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


def move_scores(arr: PoolArrays, pi: I64, pj: I64, pref_rank: I64, max_preferences: int, weights: FitWeights) -> I64:
    """Integer-scaled fit of each move (same parts as domain.scoring.fit_for_move)."""
    raw = jpm_pairs(arr.levels, arr.standard, pi, pj, weights.cap_each_competency)
    in_fields = ((arr.field_mask[pj] >> arr.field[pi].astype(np.int64)) & 1) == 1
    education = np.where(arr.field_mask[pj] == 0, 50.0, np.where(in_fields, 100.0, 0.0))
    n = max(max_preferences, 1)
    preference = np.where(pref_rank >= 0, 100.0 * (n - pref_rank) / n, 0.0)
    fits = arr.jpm_current[pi] >= weights.fits_threshold
    total = (
        np.round(weights.jpm * raw, 2)
        + np.round(weights.education * education, 2)
        + np.round(weights.box * BOX[arr.box[pi]], 2)
        + np.round(weights.preference * preference, 2)
        + np.round(-(weights.move_friction + np.where(fits, weights.move_cost, 0.0)), 2)
    )
    return np.asarray(np.round(np.round(total, 2) * SCALE), dtype=np.int64)


def stay_scores(arr: PoolArrays, asked_any: B, weights: FitWeights) -> I64:
    """Integer-scaled fit of staying (domain.scoring.fit_for_stay)."""
    people = np.arange(arr.n_people, dtype=np.int64)
    known = arr.post >= 0
    posts = np.where(known, arr.post, 0).astype(np.int64)
    raw = np.where(
        known, jpm_pairs(arr.levels, arr.standard, people, posts, weights.cap_each_competency), arr.jpm_current
    )
    in_fields = ((arr.field_mask[posts] >> arr.field.astype(np.int64)) & 1) == 1
    education = np.where(known & (arr.field_mask[posts] != 0), np.where(in_fields, 100.0, 0.0), 50.0)
    total = (
        np.round(weights.jpm * raw, 2)
        + np.round(weights.education * education, 2)
        + np.round(weights.box * 50.0, 2)
        + np.round(weights.preference * np.where(asked_any, 0.0, 50.0), 2)
    )
    return np.asarray(np.round(np.round(total, 2) * SCALE), dtype=np.int64)


@dataclass
class BuiltArcs:
    arcs: FlowArcs
    eligible_pairs: int
    is_stay: B


def preference_arrays(index: PoolIndex, preferences: Mapping[str, Preference]) -> tuple[I64, I64, I64]:
    """(person, post, rank) of every asked-for post that is among the posts."""
    nip_index = {n: i for i, n in enumerate(index.nips)}
    post_index = {p: j for j, p in enumerate(index.post_ids)}
    rows = [
        (nip_index[nip], post_index[post], rank)
        for nip, pref in preferences.items() if nip in nip_index
        for rank, post in enumerate(pref.ranked) if post in post_index
    ]  # fmt: skip
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = np.array(rows, dtype=np.int64)
    return a[:, 0], a[:, 1], a[:, 2]


def build_arcs(
    arr: PoolArrays,
    on: date,
    policy: EligibilityPolicy,
    weights: FitWeights,
    asked: tuple[I64, I64, I64] | None = None,
    max_preferences: int = 5,
    options_per_person: int = 50,
    must_fill: B | None = None,
    timings: dict[str, float] | None = None,
    must_stay: B | None = None,
    avoid: I64 | None = None,
) -> BuiltArcs:
    """Flow arcs of a whole round: one stay arc per person (first) and their best eligible moves.
    `timings` receives the seconds spent on eligibility and on scoring."""
    started = time.perf_counter()
    ask_i, ask_j, ask_r = asked if asked is not None else (np.zeros(0, np.int64),) * 3
    people_ok = person_ok(arr, on, policy)
    if must_stay is not None:
        people_ok &= ~must_stay
    openable = None
    if "ANJAB_ABK_NEED" not in policy.disabled_rules:
        openable = (arr.seats > arr.bezetting) | ((arr.seats == arr.bezetting) & (arr.incumbents() > 0))
    pi, pj = candidate_pairs(arr, (ask_i, ask_j), people_ok, openable)
    rank = np.full(len(pi), -1, dtype=np.int64)
    if len(ask_i):
        ask_key = ask_i * arr.n_posts + ask_j
        order = np.argsort(ask_key)
        pos = np.minimum(np.searchsorted(ask_key[order], pi * arr.n_posts + pj), len(ask_key) - 1)
        hit = ask_key[order][pos] == pi * arr.n_posts + pj
        rank = np.where(hit, ask_r[order][pos], -1).astype(np.int64)
    ok = pair_ok(arr, pi, pj, on, policy, rank >= 0)
    if avoid is not None and len(avoid):
        ok &= ~np.isin(pi * arr.n_units + arr.p_unit[pj], avoid)
    pi, pj, rank = pi[ok], pj[ok], rank[ok]
    eligible = len(pi)
    checked = time.perf_counter()
    score = move_scores(arr, pi, pj, rank, max_preferences, weights)
    unasked_count = np.bincount(pi[rank < 0], minlength=arr.n_people)
    if len(pi) and unasked_count.max() > options_per_person:
        pi, pj, score = _best_per_person(pi, pj, rank, score, options_per_person)
    asked_any = np.zeros(arr.n_people, dtype=np.bool_)
    asked_any[ask_i] = True
    held = arr.incumbents()
    capacity = np.maximum(arr.seats - np.maximum(arr.bezetting, held), 0).astype(np.int64) + held
    fill = must_fill if must_fill is not None else np.zeros(arr.n_posts, dtype=np.bool_)
    post = np.concatenate([arr.post.astype(np.int64), pj])
    arcs = FlowArcs(
        n_people=arr.n_people,
        n_posts=arr.n_posts,
        person=np.concatenate([np.arange(arr.n_people, dtype=np.int64), pi]),
        post=post,
        score=np.concatenate([stay_scores(arr, asked_any, weights), score]),
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
    order = np.lexsort((pj, -score, pi))
    pi, pj, rank, score = pi[order], pj[order], rank[order], score[order]
    new_group = np.r_[True, pi[1:] != pi[:-1]]
    group = np.cumsum(new_group) - 1
    unasked = (rank < 0).astype(np.int64)
    seen = np.cumsum(unasked)
    nth = seen - (seen - unasked)[new_group][group]
    keep = (rank >= 0) | (nth <= k)
    return pi[keep], pj[keep], score[keep]


def agency_groups(arr: PoolArrays, arcs: FlowArcs) -> tuple[I64, I64]:
    """Group of each person and post: agencies, merged where an (asked-for) arc crosses between them."""
    parent = list(range(int(max(arr.agency.max(initial=0), arr.p_agency.max(initial=0))) + 1))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    moves = arcs.post >= 0
    src = arr.agency[arcs.person[moves]]
    dst = arr.p_agency[arcs.post[moves]]
    for a, b in set(zip(src[src != dst].tolist(), dst[src != dst].tolist(), strict=True)):
        parent[root(a)] = root(b)
    roots = np.array([root(a) for a in range(len(parent))], dtype=np.int64)
    return roots[arr.agency], roots[arr.p_agency]


def greedy_arcs(built: BuiltArcs) -> I64:
    """The rank-per-vacancy baseline on arcs (domain.planning.greedy_plan without unit limits)."""
    arcs = built.arcs
    n = arcs.n_people
    stay_arc = np.flatnonzero(built.is_stay)
    stay_of = np.empty(n, dtype=np.int64)
    stay_of[arcs.person[stay_arc]] = stay_arc
    chosen = stay_of.copy()
    current_post = arcs.post[stay_of]
    moves = np.flatnonzero(~built.is_stay)
    order = moves[np.lexsort((arcs.person[moves], -arcs.score[moves], arcs.post[moves]))]
    mpost = arcs.post[order]
    bounds = np.searchsorted(mpost, np.arange(arcs.n_posts + 1))
    holders = np.bincount(current_post[current_post >= 0], minlength=arcs.n_posts)
    free = (arcs.capacity - holders).tolist()
    pointer = bounds[:-1].tolist()
    end = bounds[1:].tolist()
    score = arcs.score.tolist()
    person = arcs.person.tolist()
    order_l = order.tolist()
    stay_score = arcs.score[stay_of].tolist()
    moved = [False] * n
    cur = current_post.tolist()
    first = np.zeros(arcs.n_posts, dtype=np.bool_)
    first[arcs.post[arcs.priority & (arcs.post >= 0)]] = True
    queue = sorted((j for j in range(arcs.n_posts) if free[j] > 0), key=lambda j: (not first[j], j))
    head = 0
    while head < len(queue):
        j = queue[head]
        head += 1
        if free[j] <= 0:
            continue
        k = pointer[j]
        pick = -1
        while k < end[j]:
            a = order_l[k]
            i = person[a]
            k += 1
            if not moved[i] and score[a] > stay_score[i]:
                pick = a
                break
        pointer[j] = k
        if pick < 0:
            continue
        i = person[pick]
        moved[i] = True
        chosen[i] = pick
        free[j] -= 1
        if cur[i] >= 0:
            free[cur[i]] += 1
            queue.append(cur[i])
        if free[j] > 0:
            queue.append(j)
    return chosen


def build_problem_fast(
    pool: PoolView, preferences: Mapping[str, Preference], rules: PlanningRules, on: date
) -> BuiltProblem:
    """domain.options.build_problem on the numpy path: same options and scores; parts are left for the chosen
    options (the service fills them with the domain scorer)."""
    candidates = [pool.candidates[n] for n in sorted(pool.candidates)]
    posts = list(pool.posts.values())
    if not candidates or not posts:
        return build_problem(pool, preferences, rules, on)
    try:
        arr, index = from_domain(candidates, posts)
    except ValueError:
        return build_problem(pool, preferences, rules, on)
    unit_names = sorted({c.unit_id for c in candidates} | {p.unit_id for p in posts})
    unit_index = {u: k for k, u in enumerate(unit_names)}
    avoid = np.array(sorted(i * arr.n_units + unit_index[u] for i, c in enumerate(candidates)
                            for u in (preferences[c.nip].avoid_units if c.nip in preferences else ())
                            if u in unit_index), dtype=np.int64)  # fmt: skip
    must_fill = np.array([p in rules.must_fill for p in index.post_ids], dtype=np.bool_)
    must_stay = np.array([c.nip in rules.must_stay for c in candidates], dtype=np.bool_)
    built = build_arcs(arr, on, rules.policy, rules.weights, preference_arrays(index, preferences),
                       rules.max_preferences, rules.options_per_person, must_fill, None, must_stay, avoid)  # fmt: skip
    a = built.arcs
    order = np.lexsort((~built.is_stay, a.person))
    options: dict[str, list[Option]] = {c.nip: [] for c in candidates}
    for k in order.tolist():
        c = candidates[int(a.person[k])]
        j = int(a.post[k])
        post_id = index.post_ids[j] if j >= 0 else c.post_id
        options[c.nip].append(Option(c.nip, post_id, int(a.score[k]) / SCALE, bool(built.is_stay[k])))
    people = [Person(c.nip, c.unit_id, c.post_id) for c in candidates]
    problem = PlanProblem(
        people=people, options=options,
        capacity={p.post_id: pool.capacity(p) for p in posts},
        post_unit={p.post_id: p.unit_id for p in posts}, must_fill=rules.must_fill, must_stay=rules.must_stay,
        max_leavers=max_leavers_by_unit(people, rules.max_outflow_pct),
    )  # fmt: skip
    person_results = {c.nip: check_person(c, on, rules.policy) for c in candidates}
    return BuiltProblem(problem, built.eligible_pairs, person_results)
