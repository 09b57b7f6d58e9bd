"""The array form of each rule in `domain.eligibility.RULES`, keyed by its code, and the masks built from them.

Each function here is the column-at-once reading of the domain rule of the same code: the thresholds come
from the same domain helpers, and whether a rule is checked at all (its dates, the policy's disabled rules)
is decided only by `domain.eligibility.rule_applies`. A rule without an array form, or an array form
without a rule, stops the import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from mutasi.placement.adapters.vectorised.arrays import F64, I32, I64, NO_DATE, TYPES, B, PoolArrays, months_since
from mutasi.placement.domain.eligibility import (
    RULES,
    EligibilityPolicy,
    Scope,
    required_months_in_post,
    rule_applies,
    value_on,
)
from mutasi.placement.domain.ranks import POST_TYPES


@dataclass(frozen=True)
class Columns:
    """What an array form may look at: everyone (pi, pj empty) or the pairs (pi[k], pj[k])."""

    arr: PoolArrays
    on: date
    policy: EligibilityPolicy
    pi: I64
    pj: I64
    asked: B  # pair k is one of the person's own preferences

    @cached_property
    def inter(self) -> B:
        """Pair k crosses agencies."""
        return np.asarray(self.arr.agency[self.pi] != self.arr.p_agency[self.pj], dtype=np.bool_)

    @cached_property
    def delta(self) -> I32:
        """Rungs the pair moves up the jenjang ladder (negative: down)."""
        return np.asarray(self.arr.p_level[self.pj] - self.arr.level[self.pi], dtype=np.int32)


ArrayForm = Callable[[Columns], B]


def _tenure(c: Columns) -> B:
    a = c.arr
    months = a.months_in_post + months_since(a.as_of, c.on)
    exempt = a.jpt & c.policy.jpt_tenure_exempt
    return np.asarray(exempt | (months >= required_months_in_post(c.policy, c.on)), dtype=np.bool_)


def _hukdis(c: Columns) -> B:
    until = c.arr.discipline_until
    return np.asarray((until == NO_DATE) | (until < c.on.toordinal()), dtype=np.bool_)


def _flag(attr: str) -> ArrayForm:
    def form(c: Columns) -> B:
        return np.asarray(~getattr(c.arr, attr), dtype=np.bool_)

    return form


def _performance(c: Columns) -> B:
    n = c.policy.performance_years
    recent = c.arr.perf_pass[:, : max(n, 0)]
    return np.asarray((c.arr.perf_count >= n) & recent.all(axis=1), dtype=np.bool_)


def _bup(c: Columns) -> B:
    a = c.arr
    left = a.years_to_bup - (c.on.toordinal() - a.as_of) / 365.25
    return np.asarray(left >= value_on(c.policy.min_years_to_bup, c.on), dtype=np.bool_)


def _status(c: Columns) -> B:
    kind = c.arr.kind[c.pi]
    return np.asarray((kind == TYPES["PNS"]) | ((kind == TYPES["PPPK"]) & ~c.inter), dtype=np.bool_)


def _pledge(c: Columns) -> B:
    tmt = c.arr.tmt_pns
    known = tmt != NO_DATE
    years = months_since(np.where(known, tmt, c.on.toordinal()).astype(np.int32), c.on) / 12.0
    young = known & (years < c.policy.pledge_years)
    return np.asarray(~(c.inter & c.asked & young[c.pi]), dtype=np.bool_)


def openable_posts(arr: PoolArrays) -> B:
    """Posts with a staffing gap, or full but held by a pool member whose move opens the seat."""
    return np.asarray((arr.seats > arr.bezetting) | ((arr.seats == arr.bezetting) & (arr.incumbents() > 0)))


def _anjab(c: Columns) -> B:
    return openable_posts(c.arr)[c.pj]


def lowest_ranks(arr: PoolArrays, policy: EligibilityPolicy) -> I32:
    """domain.eligibility.lowest_rank for every post."""
    lowered = np.maximum(arr.gmin - policy.eselon_rank_allowance, 0)
    return np.asarray(np.where(arr.p_eselon, lowered, arr.gmin), dtype=np.int32)


def _job(c: Columns) -> B:
    a, pi, pj = c.arr, c.pi, c.pj
    ok = a.education[pi] >= a.edu_min[pj]
    in_fields = ((a.field_mask[pj] >> a.field[pi].astype(np.int64)) & 1) == 1
    ok &= ~a.field_required[pj] | (a.field_mask[pj] == 0) | in_fields
    ok &= (lowest_ranks(a, c.policy)[pj] <= a.golongan[pi]) & (a.golongan[pi] <= a.gmax[pj])
    return np.asarray(ok, dtype=np.bool_)


def _ages(c: Columns) -> F64:
    a = c.arr
    return np.asarray(a.bup - (a.years_to_bup - (c.on.toordinal() - a.as_of) / 365.25), dtype=np.float64)


def _bup_target(c: Columns) -> B:
    # The few distinct BUPs a post can have, each checked per person with the domain's own arithmetic, then
    # looked up per pair: the same verdicts as a per-pair subtraction at a fraction of the cost.
    a, needed = c.arr, value_on(c.policy.min_years_to_bup, c.on)
    values, which = np.unique(a.p_bup, return_inverse=True)
    ages = _ages(c)
    passes = np.stack([(b >= a.bup) | (b - ages >= needed) for b in values], axis=1)
    return np.asarray(passes[c.pi, which[c.pj]], dtype=np.bool_)


def _kind_allowed(c: Columns) -> B:
    basis = (c.asked & c.policy.demosi_on_request) | (c.arr.demotion_penalty[c.pi] & c.policy.demosi_on_penalty)
    return np.asarray((c.delta >= 0) | basis, dtype=np.bool_)


def _promosi_tenure(c: Columns) -> B:
    a = c.arr
    needed = np.array([c.policy.months_in_level_for(t) for t in (*POST_TYPES, "")], dtype=np.int32)[a.p_type]
    months = a.months_in_post + months_since(a.as_of, c.on)
    return np.asarray((c.delta <= 0) | (months[c.pi] >= needed[c.pj]), dtype=np.bool_)


def _promosi_ukom(c: Columns) -> B:
    return np.asarray((c.delta <= 0) | ~c.arr.p_ukom[c.pj] | c.arr.ukom_passed[c.pi], dtype=np.bool_)


def _promosi_jpt_age(c: Columns) -> B:
    jpt = np.array([t.startswith("jpt") for t in (*POST_TYPES, "")], dtype=np.bool_)[c.arr.p_type]
    too_old = _ages(c) > c.policy.jpt_max_age
    return np.asarray((c.delta <= 0) | ~jpt[c.pj] | ~too_old[c.pi], dtype=np.bool_)


def _blackout(c: Columns) -> B:
    blocked = any(w.start <= c.on <= w.end and not w.approval_ref for w in c.policy.blackout_windows)
    return np.asarray(~(c.arr.blackout_covered[c.pj] & blocked), dtype=np.bool_)


def _coi(c: Columns) -> B:
    a = c.arr
    if not len(a.coi_keys):
        return np.ones(len(c.pi), dtype=np.bool_)
    return np.asarray(~np.isin(c.pi * a.n_units + a.p_unit[c.pj], a.coi_keys), dtype=np.bool_)


ARRAY_FORMS: Mapping[str, ArrayForm] = {
    "STATUS_PNS": _status,
    "MIN_TENURE_POST": _tenure,
    "CPNS_10Y_PLEDGE": _pledge,
    "NO_HUKDIS": _hukdis,
    "NO_CRIMINAL_PROCESS": _flag("in_court"),
    "NO_TUGAS_BELAJAR": _flag("study_leave"),
    "NO_AUDIT_FINDING": _flag("audit_open"),
    "PERF_2Y_BAIK": _performance,
    "ANJAB_ABK_NEED": _anjab,
    "BUP_HORIZON": _bup,
    "NOT_ON_CLTN": _flag("cltn"),
    "JOB_REQUIREMENTS": _job,
    "BUP_TARGET_POST": _bup_target,
    "MOVE_KIND_ALLOWED": _kind_allowed,
    "PROMOSI_TENURE": _promosi_tenure,
    "PROMOSI_JF_UKOM": _promosi_ukom,
    "PROMOSI_JPT_MAX_AGE": _promosi_jpt_age,
    "BLACKOUT_PILKADA": _blackout,
    "COI": _coi,
}
if set(ARRAY_FORMS) != {r.code for r in RULES}:
    raise ImportError(f"rule table and array forms differ: {sorted(set(ARRAY_FORMS) ^ {r.code for r in RULES})}")

_NONE = np.zeros(0, dtype=np.int64)


def rule_masks(cols: Columns, scope: Scope) -> dict[str, B]:
    """Pass mask of every rule of a scope that applies on the date under the policy (others are absent)."""
    applying = [r for r in RULES if r.scope is scope and rule_applies(r, cols.policy, cols.on)]
    return {r.code: ARRAY_FORMS[r.code](cols) for r in applying}


def person_ok(arr: PoolArrays, on: date, policy: EligibilityPolicy) -> B:
    """Everyone who passes every person-level rule that applies."""
    ok = np.ones(arr.n_people, dtype=np.bool_)
    for mask in rule_masks(Columns(arr, on, policy, _NONE, _NONE, np.zeros(0, np.bool_)), Scope.PERSON).values():
        ok &= mask
    return ok


SHRINK = 0.75  # pair_ok checks the next rules on the pairs still passing once at most this share of them is left


def pair_ok(arr: PoolArrays, pi: I64, pj: I64, on: date, policy: EligibilityPolicy, asked: B) -> B:
    """Pairs that are a move (not the current post) and pass every pair rule that applies. Every array form reads
    each pair on its own, so a pair that failed a rule need not be checked by the next ones: once a quarter of the
    pairs has failed, the rest are checked on the pairs still passing (a province round checks tens of millions
    of pairs, and the job requirements fail most of them). The verdicts are those of checking every pair."""
    ok: B = np.asarray(arr.post[pi] != pj, dtype=np.bool_)
    live = np.arange(len(pi), dtype=np.int64)  # the pairs `ok` (and `cols`) are about
    cols = Columns(arr, on, policy, pi, pj, asked)
    for rule in [r for r in RULES if r.scope is Scope.PAIR and rule_applies(r, policy, on)]:
        ok &= ARRAY_FORMS[rule.code](cols)
        if np.count_nonzero(ok) <= SHRINK * len(ok):
            live = live[ok]
            cols = Columns(arr, on, policy, pi[live], pj[live], asked[live])
            ok = np.ones(len(live), dtype=np.bool_)
    out = np.zeros(len(pi), dtype=np.bool_)
    out[live[ok]] = True
    return out
