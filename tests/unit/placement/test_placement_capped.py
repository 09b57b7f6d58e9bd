"""Unit-outflow caps kept exact: the priced flow, its certificate and the residual integer program against brute
force and a whole-problem integer program, on random and tie-heavy instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from mutasi.placement.adapters import capped
from mutasi.placement.adapters.capped import components, reduced_costs, solve_capped, weights
from mutasi.placement.adapters.flow import FlowArcs, solve_flow


def instance(
    seed: int, people: int, posts: int, units: int, levels: int, per_person: int = 3, pct: float = 30.0
) -> tuple[FlowArcs, np.ndarray, np.ndarray, np.ndarray]:
    """People in units holding posts; each has a stay arc (first) and moves to random posts. `levels` distinct
    score values: few levels = many ties."""
    rng = np.random.default_rng(seed)
    post_unit = rng.integers(0, units, posts)
    holds = rng.integers(0, posts, people)
    person_unit = post_unit[holds]
    person, post, score, gate = [], [], [], []
    for i in range(people):
        person += [i]
        post += [int(holds[i])]
        score += [int(rng.integers(0, levels)) * 10]
        gate += [-1]
        for j in rng.choice(np.setdiff1d(np.arange(posts), [holds[i]]), size=per_person, replace=False).tolist():
            person += [i]
            post += [j]
            score += [int(rng.integers(0, levels)) * 10]
            gate.append(int(person_unit[i]) if post_unit[j] != person_unit[i] else -1)
    held = np.bincount(holds, minlength=posts)
    capacity = held + rng.integers(0, 2, posts)
    arcs = FlowArcs(people, posts, np.array(person), np.array(post), np.array(score, dtype=np.int64), capacity,
                    np.zeros(len(person), dtype=np.bool_))  # fmt: skip
    caps = np.floor(np.bincount(person_unit, minlength=units) * pct / 100).astype(np.int64)
    return arcs, np.array(gate, dtype=np.int64), caps, np.searchsorted(arcs.person, np.arange(people))


def feasible(arcs: FlowArcs, gate: np.ndarray, caps: np.ndarray, chosen: np.ndarray) -> bool:
    if sorted(arcs.person[chosen].tolist()) != list(range(arcs.n_people)):
        return False
    used = np.bincount(arcs.post[chosen][arcs.post[chosen] >= 0], minlength=arcs.n_posts)
    return bool((used <= arcs.capacity).all() and (capped.leavers(gate, chosen, len(caps)) <= caps).all())


def brute_force(arcs: FlowArcs, gate: np.ndarray, caps: np.ndarray) -> int:
    by_person = [np.flatnonzero(arcs.person == i) for i in range(arcs.n_people)]
    best = -1
    for combo in itertools.product(*by_person):
        chosen = np.array(combo)
        if feasible(arcs, gate, caps, chosen):
            best = max(best, int(arcs.score[chosen].sum()))
    return best


def whole_program(arcs: FlowArcs, gate: np.ndarray, caps: np.ndarray) -> int:
    """The reference: the whole capped problem as one integer program."""
    return round(_whole(arcs, gate, caps, arcs.score, integer=True))


def whole_lp(arcs: FlowArcs, gate: np.ndarray, caps: np.ndarray, value: np.ndarray) -> float:
    """The reference LP relaxation over every arc, by GLOP (another solver than the one under test)."""
    return _whole(arcs, gate, caps, value, integer=False)


def _whole(arcs: FlowArcs, gate: np.ndarray, caps: np.ndarray, value: np.ndarray, integer: bool) -> float:
    """The whole capped problem maximising `value`, as built by OR-Tools' linear solver wrapper: HiGHS for the
    integer program, GLOP for the relaxation."""
    s = pywraplp.Solver.CreateSolver("HIGHS" if integer else "GLOP")
    s.SuppressOutput()
    if integer:
        s.SetSolverSpecificParametersAsString("output_flag=false")
    x = [s.BoolVar(f"x{k}") if integer else s.NumVar(0, 1, f"x{k}") for k in range(len(value))]
    for i in range(arcs.n_people):
        s.Add(sum(x[k] for k in np.flatnonzero(arcs.person == i)) == 1)
    for j in range(arcs.n_posts):
        s.Add(sum(x[k] for k in np.flatnonzero(arcs.post == j)) <= int(arcs.capacity[j]))
    for u in range(len(caps)):
        s.Add(sum(x[k] for k in np.flatnonzero(gate == u)) <= int(caps[u]))
    s.Maximize(sum(int(value[k]) * x[k] for k in range(len(x))))
    assert s.Solve() == pywraplp.Solver.OPTIMAL
    objective: float = s.Objective().Value()
    return objective


@pytest.mark.parametrize("seed", range(10))
def test_capped_optimum_equals_brute_force_on_tiny_tie_heavy_instances(seed: int) -> None:
    arcs, gate, caps, stay = instance(seed, people=7, posts=4, units=2, levels=3 if seed % 2 else 8, pct=35.0)
    result = solve_capped(arcs, gate, caps, stay, rounds=seed % 3, rungs=((1,), (41,), (2, 8), ())[seed % 4])
    assert result.proven
    assert feasible(arcs, gate, caps, result.chosen)
    assert int(arcs.score[result.chosen].sum()) == brute_force(arcs, gate, caps)


def test_capped_optimum_equals_the_whole_integer_program_on_random_instances() -> None:
    methods = set()
    for seed in range(15):
        arcs, gate, caps, stay = instance(100 + seed, people=80, posts=25, units=5, levels=(3, 6, 40)[seed % 3])
        result = solve_capped(
            arcs, gate, caps, stay, rounds=(0, 1, 6)[seed % 3], rungs=((1,), (200,), capped.RUNGS)[(seed // 2) % 3]
        )
        methods.add(result.method)
        assert result.proven
        assert feasible(arcs, gate, caps, result.chosen)
        assert int(arcs.score[result.chosen].sum()) == whole_program(arcs, gate, caps), seed
    assert "mip_residual" in methods  # the residual program is exercised (the certificate: test_placement_plan_solver)


def test_without_a_binding_cap_the_plain_flow_is_kept() -> None:
    arcs, gate, caps, stay = instance(7, people=40, posts=12, units=3, levels=20, pct=100.0)
    result = solve_capped(arcs, gate, caps, stay)
    assert result.method == "min_cost_flow"
    assert result.binding_units == 0
    assert int(arcs.score[result.chosen].sum()) == int(arcs.score[solve_flow(arcs)].sum())


def test_reduced_costs_bound_every_plan_by_its_distance_from_the_flow() -> None:
    """The fixing argument itself: fit(x) ≤ fit(flow) − Σ reduced cost over the arcs x takes instead."""
    arcs, _, _, _ = instance(3, people=60, posts=20, units=4, levels=5)
    value = weights(arcs)
    flow = solve_flow(arcs)
    rc = reduced_costs(arcs, value, flow)
    assert (rc >= 0).all()
    assert (rc[flow] == 0).all()
    rng = np.random.default_rng(0)
    for _ in range(200):
        plan = flow.copy()
        for i in rng.choice(arcs.n_people, size=6, replace=False).tolist():
            plan[i] = rng.choice(np.flatnonzero(arcs.person == i))
        used = np.bincount(arcs.post[plan][arcs.post[plan] >= 0], minlength=arcs.n_posts)
        if (used <= arcs.capacity).all():
            assert int(value[plan].sum()) <= int(value[flow].sum()) - int(rc[plan].sum())


def test_any_prices_bound_every_capped_plan_by_its_reduced_costs() -> None:
    """The bound the residual rests on (weak duality in integers): for any prices on seats and gates, LP duals or
    not, scale·fit(x) ≤ total − Σ reduced cost over x for every plan x that keeps seats and caps; so fit(x) ≤
    bound, and the optimum is never cut off by the residual of any δ."""
    arcs, gate, caps, stay = instance(5, people=40, posts=12, units=3, levels=4)
    value = weights(arcs)
    best = whole_program(arcs, gate, caps)
    rng = np.random.default_rng(1)
    plans = [solve_capped(arcs, gate, caps, stay).chosen]
    for _ in range(400):
        plan = stay.copy()
        for i in rng.choice(arcs.n_people, size=5, replace=False).tolist():
            plan[i] = rng.choice(np.flatnonzero(arcs.person == i))
        if feasible(arcs, gate, caps, plan):
            plans.append(plan)
    assert len(plans) > 30
    for trial in range(20):
        post_price = rng.uniform(0, 50, arcs.n_posts) * (trial % 2)
        unit_price = rng.uniform(0, 80, len(caps))
        bound = capped._price_bound(arcs, gate, caps, value, post_price, unit_price, scale=1 + 999 * (trial % 3 == 0))
        assert (bound.rc >= 0).all()
        assert bound.bound >= best
        for plan in plans:
            assert bound.scale * int(value[plan].sum()) <= bound.total - int(bound.rc[plan].sum())


def test_a_wrong_flow_is_refused_rather_than_priced() -> None:
    arcs, _, _, stay = instance(4, people=30, posts=10, units=3, levels=30)
    flow = solve_flow(arcs)
    worse = stay.copy()
    if int(arcs.score[worse].sum()) == int(arcs.score[flow].sum()):
        pytest.skip("staying is optimal on this instance")
    with pytest.raises(RuntimeError):
        reduced_costs(arcs, weights(arcs), worse)


def test_groups_solve_to_the_same_optimum_as_the_whole_round() -> None:
    parts = [instance(s, people=40, posts=12, units=3, levels=4) for s in (11, 12)]
    (a, ga, ca, sa), (b, gb, cb, sb) = parts
    arcs = FlowArcs(a.n_people + b.n_people, a.n_posts + b.n_posts, np.concatenate([a.person, b.person + a.n_people]),
                    np.concatenate([a.post, b.post + a.n_posts]), np.concatenate([a.score, b.score]),
                    np.concatenate([a.capacity, b.capacity]), np.concatenate([a.priority, b.priority]))  # fmt: skip
    gate = np.concatenate([ga, np.where(gb >= 0, gb + len(ca), -1)])
    caps = np.concatenate([ca, cb])
    stay = np.concatenate([sa, sb + len(a.score)])
    person_group, _ = components(arcs, gate)
    assert len(np.unique(person_group)) >= 2
    whole = solve_capped(arcs, gate, caps, stay)
    assert (solve_capped(arcs, gate, caps, stay, workers=1).chosen == whole.chosen).all()  # threads change nothing
    assert int(arcs.score[whole.chosen].sum()) == sum(
        int(x.score[solve_capped(x, g, c, s).chosen].sum()) for x, g, c, s in parts
    )
    assert int(arcs.score[whole.chosen].sum()) == whole_program(arcs, gate, caps)


def test_a_rung_without_a_plan_that_reaches_it_sends_the_search_one_rung_wider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On this instance the optimum is more than one hundredth under the bound: the narrowest residual holds no
    plan worth bound − 1, so its program proves that (with no plan, or only a worse one HiGHS met on the way) and
    the ladder must go on, not stop, until a residual holds the optimum."""
    arcs, gate, caps, stay = instance(202, people=60, posts=20, units=4, levels=40, per_person=3)
    programs: list[tuple[int, int | None]] = []  # (floor, weight of the plan it returned)
    program = capped._residual_program

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        solved = program(*args, **kwargs)
        weight, floor = args[3], args[7]
        programs.append((floor, None if solved.plan is None else int(weight[solved.plan].sum())))
        return solved

    monkeypatch.setattr(capped, "_residual_program", spy)
    result = solve_capped(arcs, gate, caps, stay, rounds=2, rungs=(1,))
    best = whole_program(arcs, gate, caps)
    assert len(np.unique(components(arcs, gate)[0])) == 1  # one group: the programs see the whole round
    floor, plan = programs[0]
    assert plan is None or plan <= floor  # the narrowest residual holds nothing that reaches it
    assert len(programs) > 1  # so the search went on
    assert result.method == "mip_residual"
    assert int(arcs.score[result.chosen].sum()) == best


def test_the_ladder_of_widths_ends_at_the_bound_minus_the_best_plan_known() -> None:
    assert capped._widths((8, 16, 32, 48), 5) == [5]
    assert capped._widths((8, 16, 32, 48), 40) == [8, 16, 32, 40]
    assert capped._widths((8, 16, 32, 48), 200) == [8, 16, 32, 48, 96, 192, 200]
    assert capped._widths((16, 8), 16) == [8, 16]
    assert capped._widths((), 5) == [2, 4, 5]


@pytest.mark.parametrize("seed", range(4))
def test_a_residual_program_with_a_floor_finds_only_better_plans_and_says_when_there_are_none(seed: int) -> None:
    """The floor (HiGHS' objective bound, a cutoff) prunes every plan not better than it: with the optimum's own
    weight as the floor the program finishes "optimal" without a better plan; one hundredth lower, it must
    return the optimum itself. Every arc open, nobody fixed, so the program is the whole problem."""
    arcs, gate, caps, stay = instance(300 + seed, people=60, posts=20, units=4, levels=(3, 40)[seed % 2])
    value = weights(arcs)
    best = whole_program(arcs, gate, caps)
    every = np.arange(len(arcs.score))
    at_best = capped._residual_program(arcs, gate, caps, value, every, stay, None, best)
    assert at_best.status == "optimal"
    assert at_best.plan is None or int(value[at_best.plan].sum()) <= best
    below = capped._residual_program(arcs, gate, caps, value, every, stay, None, best - 1)
    assert below.status == "optimal"
    assert below.plan is not None
    assert feasible(arcs, gate, caps, below.plan)
    assert int(value[below.plan].sum()) == best


@pytest.mark.parametrize("seed", range(6))
def test_column_generation_reaches_the_whole_lp_through_its_warm_solves(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The LP grows column by column and HiGHS goes on from its last basis (barrier first, then primal simplex):
    when no arc outside prices better, the bound is the relaxation over every arc, whatever path it took."""
    arcs, gate, caps, stay = instance(400 + seed, people=120, posts=30, units=6, levels=40, per_person=5)
    monkeypatch.setattr(capped, "_LP_WIDTH", 0)  # start from the flow's tied arcs only: many rounds
    monkeypatch.setattr(capped, "_PRICED_WIDTH", -1)  # and none of the guessed prices' columns
    value = weights(arcs)
    flow = solve_flow(arcs)
    rc0 = reduced_costs(arcs, value, flow)
    solves: list[int] = []
    solve = capped._ColumnLp.solve

    def counted(self, seconds):  # type: ignore[no-untyped-def]
        solves.append(self.solves)
        return solve(self, seconds)

    monkeypatch.setattr(capped._ColumnLp, "solve", counted)
    bound, spent, _ = capped._lp_bound(arcs, gate, caps, stay, value, flow, rc0, capped._scale(arcs, value), 50,
                                       None)  # fmt: skip
    assert spent == len(solves) > capped._BARRIER_SOLVES  # simplex solves from a basis happened
    assert bound.bound == int(np.floor(whole_lp(arcs, gate, caps, value) + 1e-6))


@pytest.mark.parametrize("seed", range(4))
def test_the_guessed_gate_prices_choose_columns_but_not_the_bound(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first LP's columns from the flow's guessed gate prices only change where the column generation starts:
    it still ends at the relaxation over every arc."""
    arcs, gate, caps, stay = instance(500 + seed, people=120, posts=30, units=6, levels=40, per_person=5)
    monkeypatch.setattr(capped, "_LP_WIDTH", 0)
    value = weights(arcs)
    flow = solve_flow(arcs)
    rc0 = reduced_costs(arcs, value, flow)
    bound, _, _ = capped._lp_bound(arcs, gate, caps, stay, value, flow, rc0, capped._scale(arcs, value), 50, None)
    assert bound.bound == int(np.floor(whole_lp(arcs, gate, caps, value) + 1e-6))


def test_a_units_guessed_price_is_the_cost_of_keeping_its_excess_in() -> None:
    """Unit 0's three leavers would stay at a cost of 5, 9 and 2 (their cheapest arc that does not leave); its cap
    of 1 is exceeded by 2, so the second-cheapest cost is its price. Unit 1 keeps its cap: price 0."""
    # person: 0 1 2 (unit 0), 3 (unit 1); arcs: each person's stay arc (rc 5, 9, 2, 0), then a move out (rc 0)
    arcs = FlowArcs(4, 2, np.array([0, 0, 1, 1, 2, 2, 3, 3]), np.array([-1, 0, -1, 0, -1, 1, -1, 1]),
                    np.zeros(8, dtype=np.int64), np.array([3, 3]), np.zeros(8, dtype=np.bool_))  # fmt: skip
    gate = np.array([-1, 0, -1, 0, -1, 0, -1, 1])
    flow = np.array([1, 3, 5, 7])
    rc0 = np.array([5, 0, 9, 0, 2, 0, 0, 0])
    excess = np.array([3, 1]) - np.array([1, 1])
    assert capped._gate_prices(arcs, gate, flow, rc0, excess).tolist() == [5, 0]


def test_a_plan_found_on_the_way_brings_the_end_of_the_ladder_closer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plan worth v lies in the residual of bound − v, so once a program returns a better plan, no width
    beyond the bound minus that plan is ever needed: the ladder is recomputed from it."""
    arcs, gate, caps, stay = instance(202, people=60, posts=20, units=4, levels=40, per_person=3)
    tops: list[int] = []
    plans: list[int] = []
    widths, program = capped._widths, capped._residual_program

    def spy_widths(rungs, top):  # type: ignore[no-untyped-def]
        tops.append(top)
        return widths(rungs, top)

    def spy_program(*args, **kwargs):  # type: ignore[no-untyped-def]
        solved = program(*args, **kwargs)
        plans.append(-(2**62) if solved.plan is None else int(args[3][solved.plan].sum()))
        return solved

    monkeypatch.setattr(capped, "_widths", spy_widths)
    monkeypatch.setattr(capped, "_residual_program", spy_program)
    result = solve_capped(arcs, gate, caps, stay, rounds=0, rungs=(1,))  # the flow's bound: a wide gap
    assert int(arcs.score[result.chosen].sum()) == whole_program(arcs, gate, caps)
    assert len(tops) == len(plans) >= 2
    best = np.maximum.accumulate([int(weights(arcs)[stay].sum()), *plans])  # rounds=0: the stay plan comes first
    assert len({top + int(b) for top, b in zip(tops, best, strict=False)}) == 1  # the bound, every time
    assert tops[-1] < tops[0]


def test_a_residual_with_nobody_free_is_the_fixed_plan_proven() -> None:
    """At a narrow width everyone may have one open arc: the program then has no columns, and its answer is the
    fixed plan itself — optimal, whether or not it beats the floor."""
    arcs, gate, caps, stay = instance(11, people=30, posts=10, units=3, levels=20)
    value = weights(arcs)
    nobody = np.zeros(0, dtype=np.int64)
    at_stay = int(value[stay].sum())
    for floor in (at_stay - 1, at_stay, None):
        solved = capped._residual_program(arcs, gate, caps, value, nobody, stay, None, floor)
        assert solved.status == "optimal"
        assert solved.plan is not None
        assert (solved.plan == stay).all()
        assert solved.objective == at_stay
