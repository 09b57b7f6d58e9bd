"""Property test: the numpy path gives every pair the domain's verdict, reason codes and score parts.

Hypothesis draws whole rounds (candidates, posts, preferences, weights), a policy that may change every
setting (each rule disabled alone, `performance_years` 1–5, tenure and BUP schedules, blackout windows) and a
date near a rule's start date or a schedule change; candidates sit on the tenure, BUP, pledge and discipline
boundaries of that date. Over all examples at least 100,000 pairs are compared, and none may differ.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutasi.placement.adapters.vectorised.arcs import preference_arrays, rank_of_pairs
from mutasi.placement.adapters.vectorised.arrays import from_domain
from mutasi.placement.adapters.vectorised.rules import Columns, rule_masks
from mutasi.placement.adapters.vectorised.scoring import move_parts, stay_parts
from mutasi.placement.domain.candidates import Candidate, months_between
from mutasi.placement.domain.eligibility import (
    RULES,
    BlackoutWindow,
    Dated,
    EligibilityPolicy,
    MoveContext,
    Outcome,
    Scope,
    check_pair,
    required_months_in_post,
    value_on,
)
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import EDUCATION_LEVELS, GOLONGAN, PPPK_GOLONGAN
from mutasi.placement.domain.scoring import SCALE, FitWeights, fit_for_move, fit_for_stay

MIN_PAIRS = 100_000
EXAMPLES = 90
AGENCIES = ("sawahlunto", "solok")
UNITS = ("setda", "kominfo", "bkad")
FIELDS = ("informatika", "sistem_informasi", "akuntansi", "hukum")
CODES = ("integritas", "teknis_ti", "teknis_keu")
JENJANG = ("", "Ahli Pertama", "Ahli Muda", "Ahli Madya", "Ahli Utama", "Terampil", "Penyelia")
PREDICATES = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
RULE_DATES = (*(r.effective_from for r in RULES if r.effective_from), date(2025, 7, 1))


@st.composite
def policies(draw: st.DrawFn) -> tuple[EligibilityPolicy, date]:
    """A policy changing any setting, and a date within days of a rule's start or a schedule change."""
    tenure = [Dated(date(2017, 3, 30), draw(st.sampled_from([24, 12])))]
    if draw(st.booleans()):
        tenure.append(Dated(date(2025, 7, 1), draw(st.sampled_from([6, 0, 18]))))
    bup = [Dated(date(2017, 3, 30), draw(st.sampled_from([1.0, 0.5, 2.0])))]
    if draw(st.booleans()):
        bup.append(Dated(date(2025, 7, 1), draw(st.sampled_from([0.0, 1.5]))))
    anchor = draw(st.sampled_from(RULE_DATES))
    on = anchor + timedelta(days=draw(st.sampled_from([-400, -1, 0, 1, 30, 500])))
    windows = ()
    if draw(st.booleans()):
        start = on + timedelta(days=draw(st.integers(-2, 2)))
        end = start + timedelta(days=draw(st.integers(0, 3)))
        windows = (BlackoutWindow(start, end, draw(st.sampled_from([None, "B-1/2026"]))),)
    disabled = draw(st.sampled_from([frozenset(), *(frozenset({r.code}) for r in RULES)]))
    policy = EligibilityPolicy(
        min_months_in_post=tuple(tenure),
        jpt_tenure_exempt=draw(st.booleans()),
        min_years_to_bup=tuple(bup),
        pledge_years=draw(st.sampled_from([5, 10])),
        performance_years=draw(st.integers(1, 5)),
        blackout_windows=windows,
        disabled_rules=disabled,
        demosi_on_penalty=draw(st.booleans()),
        demosi_on_request=draw(st.booleans()),
        promosi_months_in_level=(
            ("pengawas", draw(st.sampled_from([48, 24]))),
            ("fungsional", 24),
            ("jpt_pratama", 24),
        ),
        jpt_max_age=draw(st.sampled_from([56.0, 58.0])),
        eselon_rank_allowance=draw(st.integers(0, 2)),
    )
    return policy, on


def posts(rng: random.Random, n: int) -> list[Post]:
    out = []
    for j in range(n):
        g = rng.randint(0, 16)
        out.append(
            Post(
                post_id=f"P{j:02d}",
                agency_id=rng.choice(AGENCIES),
                unit_id=rng.choice(UNITS),
                unit_name="Unit",
                name=f"Jabatan {j} {rng.choice(JENJANG)}",
                competency_test_required=rng.random() < 0.3,
                post_type=(kind := rng.choice(["pelaksana", "fungsional", "pengawas", "administrator", "jpt_pratama"])),
                eselon=rng.choice([None, "IV.a", "III.b"]) if kind in {"pengawas", "administrator"} else None,
                field="umum",
                golongan_min=GOLONGAN[g],
                golongan_max=GOLONGAN[min(16, g + rng.randint(0, 4))],
                education_levels=tuple(rng.sample(EDUCATION_LEVELS, rng.randint(0, 2))),
                education_fields=tuple(rng.sample(FIELDS, rng.randint(0, 2))),
                kebutuhan=rng.choice([0.0, 1.0, 1.5, 2.0, 2.4, 3.0]),
                bezetting=rng.randint(0, 3),
                standard={k: rng.randint(0, 5) for k in rng.sample(CODES, rng.randint(0, 3))},
                fields_mandatory=rng.random() < 0.5,
                leadership_task=rng.random() < 0.5,
            )
        )
    return out


def candidates(
    rng: random.Random, n: int, the_posts: list[Post], policy: EligibilityPolicy, on: date
) -> list[Candidate]:
    """Candidates, most of them on the tenure, BUP, pledge or discipline boundary of `on`."""
    out = []
    for i in range(n):
        current = rng.choice([*the_posts, None])
        as_of = on - timedelta(days=rng.choice([0, 1, 29, 31, 200, -3]))
        edge = required_months_in_post(policy, on) - months_between(as_of, on)
        years_left = value_on(policy.min_years_to_bup, on) + (on - as_of).days / 365.25
        tmt_edge = date(on.year - policy.pledge_years, on.month, min(on.day, 28))
        out.append(
            Candidate(
                nip=f"N{i:03d}",
                name="X",
                agency_id=current.agency_id if current else rng.choice(AGENCIES),
                employee_type=rng.choice(["PNS", "PNS", "PNS", "PPPK", "CPNS", "Honorer"]),
                golongan=rng.choice([*GOLONGAN, *PPPK_GOLONGAN, "Z/z"]),
                post_id=current.post_id if current else "ELSEWHERE",
                post_type=rng.choice(["pelaksana", "fungsional", "jpt_pratama", "pengawas", "administrator"]),
                post_name=f"Jabatan {rng.choice(JENJANG)}",
                jf_competency_test_passed=rng.random() < 0.5,
                demotion_penalty=rng.random() < 0.2,
                unit_id=current.unit_id if current else rng.choice(UNITS),
                months_in_post=max(0, edge + rng.randint(-1, 1)),
                as_of=as_of,
                tmt_pns=rng.choice([None, tmt_edge, tmt_edge + timedelta(days=1), tmt_edge - timedelta(days=31)]),
                education_level=rng.choice([*EDUCATION_LEVELS, "Lainnya"]),
                education_field=rng.choice(FIELDS),
                years_to_bup=years_left + rng.choice([0.0, -0.01, 0.01, 3.0]),
                predicates=tuple((rng.randint(2019, 2026), rng.choice(PREDICATES)) for _ in range(rng.randint(0, 6))),
                competencies={k: rng.randint(0, 5) for k in rng.sample(CODES, rng.randint(0, 3))},
                talent_box=rng.randint(1, 9),
                jpm_current=rng.choice([0.0, 89.99, 90.0, 95.5, 100.0]),
                discipline_active=rng.random() < 0.3,
                discipline_until=rng.choice([None, on, on - timedelta(days=1), on + timedelta(days=1)]),
                on_study_leave=rng.random() < 0.1,
                on_cltn=rng.random() < 0.1,
                in_court_process=rng.random() < 0.1,
                audit_finding_open=rng.random() < 0.1,
                coi_unit_ids=frozenset(rng.sample(UNITS, rng.randint(0, 1))),
                follow_up=rng.choice([None, "re_placement", "talent_pool"]),
            )
        )
    return out


@st.composite
def rounds(draw: st.DrawFn) -> dict[str, Any]:
    policy, on = draw(policies())
    rng = random.Random(draw(st.integers(0, 2**32)))
    the_posts = posts(rng, rng.randint(30, 36))
    people = candidates(rng, rng.randint(34, 40), the_posts, policy, on)
    ids = [p.post_id for p in the_posts] + ["OUTSIDE"]
    prefs = {c.nip: Preference(c.nip, tuple(rng.sample(ids, rng.randint(0, 7)))) for c in people if rng.random() < 0.5}
    weights = FitWeights(
        jpm=draw(st.sampled_from([0.45, 0.3])),
        education=draw(st.sampled_from([0.2, 0.35])),
        box=draw(st.sampled_from([0.15, 0.1])),
        preference=draw(st.sampled_from([0.2, 0.25])),
        move_cost=draw(st.sampled_from([10.0, 7.5])),
        move_friction=draw(st.sampled_from([5.0, 0.0, 2.5])),
        fits_threshold=draw(st.sampled_from([90.0, 95.5])),
        cap_each_competency=draw(st.booleans()),
    )
    return {"policy": policy, "on": on, "posts": the_posts, "people": people, "prefs": prefs, "weights": weights,
            "max_preferences": draw(st.integers(1, 6))}  # fmt: skip


def disagreements(world: dict[str, Any], seen: Counter[str]) -> list[str]:
    """Every pair where the two paths differ (verdict, failed codes, applied codes, score parts)."""
    policy, on, the_posts, people = world["policy"], world["on"], world["posts"], world["people"]
    prefs, weights, max_pref = world["prefs"], world["weights"], world["max_preferences"]
    arr, index = from_domain(people, the_posts)
    asked = preference_arrays(index, prefs)
    pi, pj = np.divmod(np.arange(arr.n_people * arr.n_posts, dtype=np.int64), arr.n_posts)
    moves = arr.post[pi] != pj
    pi, pj = pi[moves], pj[moves]
    rank = rank_of_pairs(arr, asked, pi, pj)
    person = rule_masks(Columns(arr, on, policy, pi[:0], pj[:0], rank[:0] >= 0), Scope.PERSON)
    pair = rule_masks(Columns(arr, on, policy, pi, pj, rank >= 0), Scope.PAIR)
    masks = {**{c: m[pi] for c, m in person.items()}, **pair}
    parts = move_parts(arr, pi, pj, rank, asked.lengths(arr.n_people), max_pref, weights)
    held = Counter(c.post_id for c in people)
    bad = []
    for k, (i, j) in enumerate(zip(pi.tolist(), pj.tolist(), strict=True)):
        c, p = people[i], the_posts[j]
        ranked = prefs[c.nip].ranked if c.nip in prefs else ()
        ctx = MoveContext(c, p, on, policy, p.post_id in ranked, held[p.post_id])
        result = check_pair(ctx)
        applied = {r.code for r in result.results if r.outcome is not Outcome.NOT_APPLICABLE}
        failed = {r.code for r in result.failures}
        vec_failed = {code for code, m in masks.items() if not m[k]}
        if applied != set(masks) or failed != vec_failed:
            bad.append(f"{c.nip}->{p.post_id} on {on}: domain {sorted(failed)}, numpy {sorted(vec_failed)}")
        fit = fit_for_move(c, p, ranked, max_pref, weights)
        vec = {name: int(v[k]) for name, v in parts.items()}
        if {n: round(v * SCALE) for n, v in fit.parts.items()} != vec or fit.scaled != sum(vec.values()):
            bad.append(f"{c.nip}->{p.post_id}: score parts {dict(fit.parts)} vs {vec}")
    stays = stay_parts(arr, asked.lengths(arr.n_people) > 0, weights)
    by_id = {p.post_id: p for p in the_posts}
    for i, c in enumerate(people):
        fit = fit_for_stay(c, by_id.get(c.post_id), prefs[c.nip].ranked if c.nip in prefs else (), weights)
        if {n: round(v * SCALE) for n, v in fit.parts.items()} != {n: int(v[i]) for n, v in stays.items()}:
            bad.append(f"{c.nip} stays: score parts differ")
    seen["pairs"] += len(pi)
    seen["failing_pairs"] += sum(1 for k in range(len(pi)) if not all(m[k] for m in masks.values()))
    for code, m in masks.items():
        seen[f"fails:{code}"] += int((~m).sum())
    return bad


def test_numpy_path_agrees_with_the_rule_table_and_scorer_on_100k_generated_pairs() -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(rounds())
    def agree(world: dict[str, Any]) -> None:
        assert disagreements(world, seen) == []

    agree()
    assert seen["pairs"] >= MIN_PAIRS
    # every rule failed somewhere, so a wrong array form of any of them would have been seen
    assert all(seen[f"fails:{r.code}"] > 0 for r in RULES), seen
