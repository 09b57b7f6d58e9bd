"""The plan: the min-cost flow on a hand-checkable instance, side constraints, brute force and greedy."""

from __future__ import annotations

import itertools
import random

import pytest

from mutasi.placement.adapters.ortools_solver import OrToolsPlanSolver
from mutasi.placement.domain.planning import (
    Assignment,
    PlanProblem,
    diff_plans,
    gain_pct,
    greedy_plan,
    replan_person,
    total_fit,
    violations,
)

from .placement_factories import problem


def moves(a: Assignment) -> dict[str, str]:
    return {nip: o.post_id for nip, o in sorted(a.items()) if not o.stay}


def crafted() -> PlanProblem:
    """X is best for A and nearly as good for B; Y is good only for A. Greedy fills A with X and leaves Y."""
    return problem(
        people=[("X", "u1", "x0"), ("Y", "u1", "y0")],
        options={"X": [("x0", 50), ("A", 90), ("B", 85)], "Y": [("y0", 50), ("A", 80), ("B", 10)]},
        capacity={"A": 1, "B": 1},
        post_unit={"A": "u2", "B": "u3"},
    )


def test_hand_checked_instance_swaps_people_to_the_better_total() -> None:
    plan = OrToolsPlanSolver().solve(crafted())
    assert moves(plan) == {"X": "B", "Y": "A"}
    assert total_fit(plan) == 165


def test_optimum_beats_the_greedy_rank_per_vacancy_baseline_on_the_crafted_case() -> None:
    p = crafted()
    greedy = greedy_plan(p)
    assert moves(greedy) == {"X": "A"}
    assert total_fit(greedy) == 140
    assert gain_pct(total_fit(OrToolsPlanSolver().solve(p)), total_fit(greedy)) == pytest.approx(17.86)


def test_a_seat_freed_by_a_mover_is_filled_by_the_next_in_the_chain() -> None:
    p = problem(
        people=[("X", "u1", "P1"), ("Y", "u2", "y0")],
        options={"X": [("P1", 40), ("P2", 90)], "Y": [("y0", 30), ("P1", 80)]},
        capacity={"P1": 1, "P2": 1},
        post_unit={"P1": "u1", "P2": "u3"},
    )
    assert moves(OrToolsPlanSolver().solve(p)) == {"X": "P2", "Y": "P1"}


def test_unit_outflow_limit_keeps_the_unit_from_losing_more_than_allowed() -> None:
    p = problem(
        people=[("A", "u1", "a0"), ("B", "u1", "b0"), ("C", "u1", "c0")],
        options={n: [(f"{n.lower()}0", 10), ("T1", 90), ("T2", 80)] for n in "ABC"},
        capacity={"T1": 2, "T2": 2},
        post_unit={"T1": "u2", "T2": "u3"},
        max_leavers={"u1": 1},
    )
    solver = OrToolsPlanSolver()
    plan = solver.solve(p)
    assert len(moves(plan)) == 1
    assert violations(p, plan) == []
    assert solver.last_method in {"certified", "mip_residual"}
    assert len(moves(greedy_plan(p))) == 1


def test_pricing_the_unit_exit_gate_proves_the_capped_optimum_without_an_integer_program() -> None:
    p = problem(
        people=[("A", "u1", "a0"), ("B", "u1", "b0"), ("C", "u1", "c0")],
        options={"A": [("a0", 10), ("T1", 90)], "B": [("b0", 30), ("T1", 60)], "C": [("c0", 20), ("T2", 70)]},
        capacity={"T1": 2, "T2": 2},
        post_unit={"T1": "u2", "T2": "u3"},
        max_leavers={"u1": 2},
    )
    solver = OrToolsPlanSolver()
    plan = solver.solve(p)
    assert moves(plan) == {"A": "T1", "C": "T2"}
    assert solver.last_method == "certified"


@pytest.mark.parametrize(("rounds", "method"), [(0, "mip_residual"), (None, "certified")])
def test_when_ties_keep_pricing_from_proving_the_optimum_the_integer_program_settles_it(
    rounds: int | None, method: str
) -> None:
    """Four people tie for two leaving places: no price on the gate alone picks two of them; the integer program
    on the residual does, and the LP's vertex (integral here) already certifies it."""
    people = "ABCD"
    p = problem(
        people=[(n, "u1", f"{n.lower()}0") for n in people],
        options={n: [(f"{n.lower()}0", 10), ("T", 90)] for n in people},
        capacity={"T": 4},
        post_unit={"T": "u2"},
        max_leavers={"u1": 2},
    )
    solver = OrToolsPlanSolver() if rounds is None else OrToolsPlanSolver(price_rounds=rounds)
    plan = solver.solve(p)
    assert solver.last_method == method
    assert total_fit(plan) == 200
    assert violations(p, plan) == []


def test_must_fill_posts_are_filled_even_at_a_lower_total_fit() -> None:
    base = problem(
        people=[("X", "u1", "x0")],
        options={"X": [("x0", 50), ("A", 90), ("PRIO", 20)]},
        capacity={"A": 1, "PRIO": 1},
        post_unit={"A": "u2", "PRIO": "u3"},
    )
    assert moves(OrToolsPlanSolver().solve(base)) == {"X": "A"}
    base.must_fill = frozenset({"PRIO"})
    assert moves(OrToolsPlanSolver().solve(base)) == {"X": "PRIO"}


def test_people_who_must_stay_stay_when_their_options_are_only_the_stay() -> None:
    p = problem(
        people=[("X", "u1", "x0")],
        options={"X": [("x0", 10)]},
        capacity={"A": 1},
        post_unit={"A": "u2"},
        must_stay=frozenset({"X"}),
    )
    assert moves(OrToolsPlanSolver().solve(p)) == {}


def random_problem(rng: random.Random, n_people: int, n_posts: int, outflow: bool) -> PlanProblem:
    units = ["u1", "u2", "u3"]
    posts = [f"P{j}" for j in range(n_posts)]
    post_unit = {p: rng.choice(units) for p in posts}
    people, options = [], {}
    holders: dict[str, int] = {}
    for i in range(n_people):
        nip = f"N{i}"
        current = rng.choice([*posts, "outside"])
        holders[current] = holders.get(current, 0) + 1
        unit = post_unit.get(current, rng.choice(units))
        people.append((nip, unit, current))
        targets = rng.sample([p for p in posts if p != current], k=min(3, n_posts - 1))
        options[nip] = [(current, rng.randint(0, 100))] + [(t, rng.randint(0, 100)) for t in targets]
    capacity = {p: holders.get(p, 0) + rng.randint(0, 1) for p in posts}
    kw = {"max_leavers": {"u1": 1, "u2": 1}} if outflow else {}
    return problem(people, options, capacity, post_unit, **kw)


def brute_force(p: PlanProblem) -> float:
    best = float("-inf")
    for combo in itertools.product(*(p.options[person.nip] for person in p.people)):
        assignment = {o.nip: o for o in combo}
        if not violations(p, assignment):
            best = max(best, total_fit(assignment))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_solver_matches_brute_force_on_small_instances(seed: int) -> None:
    rng = random.Random(seed)
    p = random_problem(rng, n_people=5, n_posts=4, outflow=seed % 2 == 1)
    plan = OrToolsPlanSolver().solve(p)
    assert violations(p, plan) == []
    assert total_fit(plan) == pytest.approx(brute_force(p))
    assert total_fit(plan) >= total_fit(greedy_plan(p))


def test_greedy_plans_are_always_feasible() -> None:
    rng = random.Random(99)
    for _ in range(20):
        p = random_problem(rng, n_people=8, n_posts=5, outflow=True)
        assert violations(p, greedy_plan(p)) == []


def test_diff_reports_who_changes_totals_and_per_unit_flows() -> None:
    p = crafted()
    d = diff_plans(p, greedy_plan(p), OrToolsPlanSolver().solve(p))
    assert [(c.nip, c.base_post, c.scenario_post) for c in d.changes] == [("X", "A", "B"), ("Y", "y0", "A")]
    assert (d.total_base, d.total_scenario, d.moves_base, d.moves_scenario) == (140, 165, 1, 2)
    u1 = next(u for u in d.units if u.unit_id == "u1")
    assert (u1.out_base, u1.out_scenario) == (1, 2)


def test_replanning_an_objector_skips_the_objected_post_and_full_posts() -> None:
    p = crafted()
    plan = OrToolsPlanSolver().solve(p)
    assert replan_person(p, plan, "Y", frozenset({"A"})).stay  # B is taken by X
    assert replan_person(p, plan, "X", frozenset({"B"})).post_id == "x0"  # A is taken by Y
