"""The numpy path used at province scale agrees with the domain rule table and scores, pair by pair."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from mutasi.placement.adapters.capped import solve_capped
from mutasi.placement.adapters.ortools_solver import (
    OrToolsPlanSolver,
    _gates,
    _to_arcs,
    solve_flow,
    solve_flow_by_group,
)
from mutasi.placement.adapters.vectorised import arcs as arcs_module
from mutasi.placement.adapters.vectorised.arcs import build_arcs, preference_arrays
from mutasi.placement.adapters.vectorised.arrays import from_domain, lexsort_ints
from mutasi.placement.adapters.vectorised.caps import unit_gates
from mutasi.placement.adapters.vectorised.greedy import greedy_arcs
from mutasi.placement.adapters.vectorised.grouping import agency_groups
from mutasi.placement.adapters.vectorised.problem import ArcOptions, build_problem_fast, person_results_fast
from mutasi.placement.adapters.vectorised.rules import pair_ok
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import BlackoutWindow, Dated, EligibilityPolicy, check_person
from mutasi.placement.domain.explanations import explain
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import greedy_baseline, greedy_plan, total_fit
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import GOLONGAN, MANAGERIAL_CODES
from mutasi.placement.domain.rounds import PlanEntry
from mutasi.placement.domain.scoring import FitWeights, fit_for_stay
from mutasi.placement.service_layer.planning import asked_results

from .placement_factories import TODAY, candidate, post

FIELDS = ["informatika", "sistem_informasi", "akuntansi", "hukum", "administrasi"]


def random_pool(seed: int) -> tuple[list[Candidate], list[Post], dict[str, Preference]]:
    rng = random.Random(seed)
    posts = []
    for j in range(25):
        g = rng.randint(4, 13)
        posts.append(
            post(
                f"P{j:02d}",
                agency_id=rng.choice(["sawahlunto", "sawahlunto", "solok"]),
                unit_id=rng.choice(["setda", "kominfo", "bkad", "dinkes"]),
                post_type=rng.choice(["pelaksana", "fungsional", "pengawas"]),
                golongan_min=GOLONGAN[g],
                golongan_max=GOLONGAN[min(g + rng.randint(0, 3), 16)],
                education_levels=rng.choice([(), ("D3",), ("S1",), ("S2",)]),
                education_fields=tuple(rng.sample(FIELDS, rng.randint(0, 2))),
                kebutuhan=rng.choice([1.0, 2.0, 2.6, 3.0]),
                bezetting=rng.randint(0, 3),
                standard={"teknis_ti": rng.randint(1, 4)},
            )
        )
    people = []
    for i in range(40):
        current = rng.choice([*posts, None])
        people.append(
            candidate(
                f"N{i:03d}",
                agency_id=current.agency_id if current else "sawahlunto",
                employee_type=rng.choice(["PNS"] * 6 + ["CPNS", "PPPK"]),
                golongan=GOLONGAN[rng.randint(4, 14)],
                post_id=current.post_id if current else "ELSEWHERE",
                post_type=rng.choice(["pelaksana", "jpt_pratama"]),
                unit_id=current.unit_id if current else "setda",
                months_in_post=rng.randint(0, 60),
                as_of=date(2026, rng.randint(1, 10), rng.randint(1, 28)),
                tmt_pns=rng.choice([None, date(2019, 3, 1), date(2010, 3, 1)]),
                education_level=rng.choice(["D3", "S1", "S2"]),
                education_field=rng.choice(FIELDS),
                years_to_bup=rng.uniform(0, 10),
                predicates=((2024, rng.choice(["Baik", "Butuh Perbaikan"])), (2025, "Baik")),
                competencies={c: rng.randint(1, 5) for c in (*MANAGERIAL_CODES, "perekat_bangsa", "teknis_ti")},
                talent_box=rng.randint(1, 9),
                jpm_current=rng.uniform(50, 100),
                discipline_active=rng.random() < 0.1,
                discipline_until=rng.choice([None, date(2026, 5, 1), date(2027, 5, 1)]),
                on_cltn=rng.random() < 0.05,
                coi_unit_ids=frozenset(rng.sample(["kominfo", "bkad"], rng.randint(0, 1))),
            )
        )
    prefs = {
        c.nip: Preference(c.nip, tuple(p.post_id for p in rng.sample(posts, 3))) for c in people if rng.random() < 0.4
    }
    return people, posts, prefs


POLICIES = [
    EligibilityPolicy(),
    EligibilityPolicy(
        min_months_in_post=(Dated(date(2017, 1, 1), 6),),
        blackout_windows=(BlackoutWindow(date(2026, 10, 1), date(2027, 1, 1)),),
        disabled_rules=frozenset({"PERF_2Y_BAIK"}),
    ),
]


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_options_equal_the_domain_options(seed: int) -> None:
    people, posts, prefs = random_pool(seed)
    policy = POLICIES[seed % 2]
    rules = PlanningRules(policy=policy, options_per_person=1000)
    built = build_problem(PoolView.of(people, posts), prefs, rules, TODAY)
    domain = {(o.nip, o.post_id, o.stay, o.scaled) for opts in built.problem.options.values() for o in opts}
    arr, index = from_domain(people, posts)
    fast = build_arcs(arr, TODAY, policy, rules.weights, preference_arrays(index, prefs), options_per_person=1000)
    a = fast.arcs
    post_id = {j: p for j, p in enumerate(index.post_ids)}
    vec = {
        (index.nips[int(i)], post_id.get(int(j), people[int(i)].post_id), bool(s), int(sc))
        for i, j, s, sc in zip(a.person, a.post, fast.is_stay, a.score, strict=True)
    }
    assert vec == domain
    assert fast.eligible_pairs == built.eligible_pairs


@pytest.mark.parametrize("seed", range(3))
def test_checking_and_scoring_pairs_in_slices_at_once_builds_the_same_arcs(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs checked and scored in slices on threads give the arcs of one pass, in the same order."""
    people, posts, prefs = random_pool(seed)
    policy = POLICIES[seed % 2]
    arr, index = from_domain(people, posts)
    asked = preference_arrays(index, prefs)
    one = build_arcs(arr, TODAY, policy, FitWeights(), asked, options_per_person=1000, workers=1)
    monkeypatch.setattr(arcs_module, "_SLICE_MIN", 2)  # a small pool still splits into slices
    checked: list[int] = []

    def counted(arr_, pi, *args):  # type: ignore[no-untyped-def]
        checked.append(len(pi))
        return pair_ok(arr_, pi, *args)

    monkeypatch.setattr(arcs_module, "pair_ok", counted)
    sliced = build_arcs(arr, TODAY, policy, FitWeights(), asked, options_per_person=1000, workers=3)
    assert len(checked) == 3  # three slices, each checked on its own
    assert min(checked) > 0
    for name in ("person", "post", "score", "priority"):
        assert np.array_equal(getattr(one.arcs, name), getattr(sliced.arcs, name)), name
    assert one.eligible_pairs == sliced.eligible_pairs
    assert np.array_equal(one.is_stay, sliced.is_stay)


def test_vectorised_greedy_and_flow_match_the_domain_totals() -> None:
    people, posts, prefs = random_pool(3)
    rules = PlanningRules(options_per_person=1000)
    built = build_problem(PoolView.of(people, posts), prefs, rules, TODAY)
    arr, index = from_domain(people, posts)
    fast = build_arcs(arr, TODAY, rules.policy, rules.weights, preference_arrays(index, prefs), options_per_person=1000)
    greedy = greedy_arcs(fast)
    optimum = solve_flow(fast.arcs)
    assert int(fast.arcs.score[greedy].sum()) / 100 == pytest.approx(total_fit(greedy_plan(built.problem)))
    assert int(fast.arcs.score[optimum].sum()) / 100 == pytest.approx(
        total_fit(OrToolsPlanSolver().solve(built.problem))
    )
    assert np.all(fast.arcs.person[optimum] == np.arange(len(people)))


def as_set(b: BuiltProblem) -> set[tuple[str, str, bool, int]]:
    return {(o.nip, o.post_id, o.stay, o.scaled) for opts in b.problem.options.values() for o in opts}


@pytest.mark.parametrize("seed", range(4))
def test_the_service_builder_on_the_numpy_path_builds_the_domain_problem(seed: int) -> None:
    people, posts, prefs = random_pool(seed)
    prefs = {n: Preference(n, p.ranked, frozenset({"bkad"}) if i % 2 else frozenset()) for i, (n, p) in
             enumerate(prefs.items())}  # fmt: skip
    rules = PlanningRules(must_stay=frozenset({people[0].nip, people[1].nip}), must_fill=frozenset({"P01"}),
                          max_outflow_pct=50, options_per_person=3)  # fmt: skip
    pool = PoolView.of(people, posts)
    slow, fast = build_problem(pool, prefs, rules, TODAY), build_problem_fast(pool, prefs, rules, TODAY)
    assert as_set(fast) == as_set(slow)
    assert all(opts[0].stay for opts in fast.problem.options.values())
    assert (fast.eligible_pairs, fast.problem.capacity, fast.problem.max_leavers) == (
        slow.eligible_pairs, slow.problem.capacity, slow.problem.max_leavers)  # fmt: skip
    assert {n: r.eligible for n, r in fast.person_results.items()} == {
        n: r.eligible for n, r in slow.person_results.items()}  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_solving_agency_groups_apart_gives_the_same_optimum(seed: int) -> None:
    people, posts, prefs = random_pool(seed)
    arr, index = from_domain(people, posts)
    fast = build_arcs(
        arr, TODAY, EligibilityPolicy(), FitWeights(), preference_arrays(index, prefs), options_per_person=99
    )
    person_group, post_group = agency_groups(arr, fast.arcs)
    apart = solve_flow_by_group(fast.arcs, person_group, post_group)
    assert int(fast.arcs.score[apart].sum()) == int(fast.arcs.score[solve_flow(fast.arcs)].sum())
    with pytest.raises(ValueError, match="joins two groups"):
        solve_flow_by_group(fast.arcs, np.zeros(arr.n_people, np.int64), np.arange(arr.n_posts, dtype=np.int64))


def test_the_numpy_path_keeps_unit_outflow_caps_with_the_domain_optimum() -> None:
    """The province path (arrays, agency groups, unit_gates) reaches the same capped optimum as the service's
    solver on the domain problem; on some of these pools the cap binds."""
    binding = 0
    for seed, pct in itertools.product(range(4), (0.0, 10.0, 30.0)):
        people, posts, prefs = random_pool(seed)
        rules = PlanningRules(options_per_person=1000, max_outflow_pct=pct)
        built = build_problem(PoolView.of(people, posts), prefs, rules, TODAY)
        arr, index = from_domain(people, posts)
        fast = build_arcs(arr, TODAY, rules.policy, rules.weights, preference_arrays(index, prefs),
                          options_per_person=1000)  # fmt: skip
        gate, caps = unit_gates(arr, fast.arcs, fast.is_stay, pct)
        assert {int(c) for c in caps if c} <= set(built.problem.max_leavers.values())
        capped = solve_capped(fast.arcs, gate, caps, np.flatnonzero(fast.is_stay), *agency_groups(arr, fast.arcs))
        assert capped.proven
        binding += capped.binding_units
        leavers = np.bincount(gate[capped.chosen][gate[capped.chosen] >= 0], minlength=len(caps))
        assert (leavers <= caps).all()
        domain = OrToolsPlanSolver().solve(built.problem)
        assert int(fast.arcs.score[capped.chosen].sum()) / 100 == pytest.approx(total_fit(domain)), (seed, pct)
    assert binding > 0


@pytest.mark.parametrize(("seed", "kept", "pct"), [(0, 3, None), (1, 1000, None), (2, 3, 30.0), (3, 1000, 10.0)])
def test_options_kept_as_arrays_give_the_plan_baseline_and_explanations_of_option_objects(
    seed: int, kept: int, pct: float | None
) -> None:
    """The service's builder keeps options as arrays (ArcOptions); the same problem with every option made an
    object gives the same arcs, gates, plan, greedy baseline, stays and explanations (with `kept` = 1000 a person's
    moves are not sorted by score, so the shortlist has to find the best itself)."""
    people, posts, prefs = random_pool(seed)
    rules = PlanningRules(options_per_person=kept, max_outflow_pct=pct, must_fill=frozenset({"P02"}))
    fast = build_problem_fast(PoolView.of(people, posts), prefs, rules, TODAY).problem
    table = fast.options
    assert isinstance(table, ArcOptions)
    objects = replace(fast, options={nip: table[nip] for nip in table})
    options, arcs = _to_arcs(objects)
    mine = table.flow_arcs(fast)
    for name in ("n_people", "n_posts", "person", "post", "score", "capacity", "priority"):
        assert np.array_equal(getattr(mine, name), getattr(arcs, name)), name
    assert [table.option_at(k) for k in range(len(options))] == options
    if pct is not None:
        assert all(np.array_equal(x, y) for x, y in zip(table.gates(fast), _gates(objects, options, arcs), strict=True))
    planned = OrToolsPlanSolver().solve(fast)
    assert planned == OrToolsPlanSolver().solve(objects)
    assert greedy_baseline(fast) == greedy_plan(objects)
    assert [fast.stay_option(c.nip) for c in people] == [objects.stay_option(c.nip) for c in people]
    names = {p.post_id: p.name for p in posts}
    for c in people:
        ranked = prefs[c.nip].ranked if c.nip in prefs else ()
        for o in objects.options[c.nip]:
            entry = PlanEntry(c.nip, c.post_id, o.post_id, o.score, {}, 0.0)
            assert explain(entry, names, fast.shortlist(c.nip, ranked, 4), ranked, {}, next_best_count=3) == explain(
                entry, names, objects.options[c.nip], ranked, {}, next_best_count=3
            )


@pytest.mark.parametrize("seed", range(6))
def test_person_results_from_the_arrays_are_the_domain_results(seed: int) -> None:
    people, posts, _ = random_pool(seed)
    policy = POLICIES[seed % 2]
    arr, _ = from_domain(people, posts)
    fast = person_results_fast(arr, people, TODAY, policy)
    assert fast == {c.nip: check_person(c, TODAY, policy) for c in people}
    assert any(r.eligible for r in fast.values())
    assert not all(r.eligible for r in fast.values())


def test_asked_for_posts_among_the_options_are_eligible_as_the_rules_say() -> None:
    """An explanation takes a post among the person's options as passed without checking it again: the rules agree
    (and every other asked-for post is checked for its reasons)."""
    offered = 0
    for seed in range(4):
        people, posts, prefs = random_pool(seed)
        prefs |= {c.nip: Preference(c.nip, tuple(p.post_id for p in posts)) for c in people}  # every post asked
        rules = PlanningRules(policy=POLICIES[seed % 2], options_per_person=3)
        pool = PoolView.of(people, posts)
        built = build_problem_fast(pool, prefs, rules, TODAY)
        for nip, pref in prefs.items():
            person = built.person_results[nip]
            options = built.problem.shortlist(nip, pref.ranked, 4)
            fast = asked_results(nip, pref.ranked, options, pool, TODAY, rules.policy, pref, person)
            full = {p: pool.eligibility(nip, p, TODAY, rules.policy, pref) for p in pref.ranked}
            assert {p: (x.eligible, x.failures) for p, x in fast.items()} == {
                p: (x.eligible, x.failures) for p, x in full.items()
            }
            offered += sum(o.post_id in pref.ranked for o in options if not o.stay)
    assert offered > 50


@pytest.mark.parametrize("seed", range(4))
def test_the_stays_parts_kept_as_arrays_are_the_domain_scorers(seed: int) -> None:
    """A plan takes a stayer's score parts and raw JPM from the builder's arrays instead of scoring the stay again:
    they are `fit_for_stay`'s, and everyone staying totals what the stay options total."""
    people, posts, prefs = random_pool(seed)
    pool = PoolView.of(people, posts)
    problem = build_problem_fast(pool, prefs, PlanningRules(), TODAY).problem
    table = problem.options
    assert isinstance(table, ArcOptions)
    for c in people:
        fit = fit_for_stay(c, pool.posts.get(c.post_id), prefs[c.nip].ranked if c.nip in prefs else (), FitWeights())
        assert table.stay_fit(c.nip) == (dict(fit.parts), fit.jpm)
        assert list(table.stay_fit(c.nip)[0]) == list(fit.parts)  # the same parts in the same order
    assert problem.status_quo_fit() == total_fit({c.nip: problem.stay_option(c.nip) for c in people})
    objects = replace(problem, options={nip: table[nip] for nip in table})
    assert objects.status_quo_fit() == problem.status_quo_fit()


def test_lexsort_ints_orders_as_lexsort() -> None:
    rng = np.random.default_rng(7)
    for n in (0, 1, 50, 5000):
        person = np.sort(rng.integers(0, 300, n))
        score = rng.integers(-1500, 9000, n)
        post = rng.integers(-1, 40, n)
        stay = rng.random(n) < 0.2
        for keys in ((post, -score, person), (~stay, person), (np.arange(n), -score, person), (person, score)):
            assert np.array_equal(lexsort_ints(keys), np.lexsort(keys))
        wide = (rng.integers(0, 2**40, n), rng.integers(0, 2**40, n))  # no room to pack: lexsort itself
        assert np.array_equal(lexsort_ints(wide), np.lexsort(wide))
