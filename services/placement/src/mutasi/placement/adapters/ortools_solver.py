"""Exact plan solver on OR-Tools: a min-cost flow over seats; a priced flow or an integer program (HiGHS) when a
unit-outflow cap binds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp

from mutasi.placement.domain.planning import Assignment, Option, PlanProblem, violations

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FlowArcs:
    """A plan problem as arrays: one arc per option (person → post, or → nowhere for an unlimited stay)."""

    n_people: int
    n_posts: int
    person: IntArray  # person index of each arc
    post: IntArray  # post index of each arc, -1 = unlimited stay
    score: IntArray  # integer-scaled fit (hundredths of a point)
    capacity: IntArray  # seats per post index
    priority: npt.NDArray[np.bool_]  # the arc fills a post that must be filled first


def solve_flow(arcs: FlowArcs, penalty: IntArray | None = None) -> IntArray:
    """Min-cost flow: every person sends one unit through exactly one of their arcs; a post passes at most its
    seats to the sink. Cost = best score − score (non-negative); arcs into must-fill posts get a bonus larger
    than any total fit change, so those seats are filled first. `penalty` (per arc) is subtracted from the score
    (the Lagrangian price of a unit-outflow gate). Returns the chosen arc index per person."""
    n, p = arcs.n_people, arcs.n_posts
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    sink = n + p
    spread = int(arcs.score.max() - arcs.score.min()) + 1 if len(arcs.score) else 1
    bonus = spread * (n + 1) if arcs.priority.any() else 0
    score = arcs.score - penalty if penalty is not None else arcs.score
    cost = (score.max() - score) + bonus - np.where(arcs.priority, bonus, 0)
    heads = np.where(arcs.post >= 0, arcs.post + n, sink)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        arcs.person.astype(np.int32), heads.astype(np.int32), np.ones(len(heads), dtype=np.int64), cost
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + p, dtype=np.int32),
        np.full(p, sink, dtype=np.int32),
        arcs.capacity.astype(np.int64),
        np.zeros(p, dtype=np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    flows = smcf.flows(np.arange(len(heads), dtype=np.int32))
    used = np.flatnonzero(flows > 0)
    chosen = np.full(n, -1, dtype=np.int64)
    chosen[arcs.person[used]] = used
    return chosen


def solve_flow_by_group(arcs: FlowArcs, person_group: IntArray, post_group: IntArray) -> IntArray:
    """The same optimum as solve_flow when no arc joins two groups (e.g. agencies that share no asked-for post):
    each group is an independent, smaller flow (cost scaling grows faster than linearly, so this is quicker;
    threads do not help, the solve holds the GIL)."""
    arc_group = person_group[arcs.person]
    if ((arcs.post >= 0) & (post_group[np.maximum(arcs.post, 0)] != arc_group)).any():
        raise ValueError("an arc joins two groups")
    order = np.argsort(arc_group, kind="stable")
    groups, starts = np.unique(arc_group[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    chosen = np.full(arcs.n_people, -1, dtype=np.int64)

    def one(g: int, sel: IntArray) -> tuple[IntArray, IntArray]:
        people = np.flatnonzero(person_group == g)
        posts = np.flatnonzero(post_group == g)
        pmap = np.full(arcs.n_people, -1, dtype=np.int64)
        pmap[people] = np.arange(len(people))
        qmap = np.full(arcs.n_posts, -1, dtype=np.int64)
        qmap[posts] = np.arange(len(posts))
        post = arcs.post[sel]
        heads = np.where(post >= 0, qmap[np.maximum(post, 0)], -1)
        sub = FlowArcs(len(people), len(posts), pmap[arcs.person[sel]], heads, arcs.score[sel], arcs.capacity[posts],
                       arcs.priority[sel])  # fmt: skip
        return people, sel[solve_flow(sub)]

    for g, s, e in zip(groups, starts, ends, strict=True):
        people, picked = one(int(g), order[s:e])
        chosen[people] = picked
    return chosen


class OrToolsPlanSolver:
    """Implements the PlanSolver port.

    The flow model is exact for seats, stays, must-fill and must-stay. A unit-outflow cap is a gate on the arcs
    that leave the unit: it is priced into the flow (Lagrangian relaxation, bisection on one price per unit).
    A flow that keeps every cap and fills every priced gate exactly is optimal (complementary slackness); if
    ties prevent that certificate, the same model is solved as an integer program (HiGHS), started from the best
    feasible flow.
    """

    def __init__(self, mip_seconds: float = 120.0, price_rounds: int = 40) -> None:
        self.mip_seconds = mip_seconds
        self.price_rounds = price_rounds
        self.last_method = ""

    def solve(self, problem: PlanProblem) -> Assignment:
        options, arcs = _to_arcs(problem)
        chosen = solve_flow(arcs)
        self.last_method = "min_cost_flow"
        assignment = {problem.people[i].nip: options[int(k)] for i, k in enumerate(chosen)}
        if problem.max_leavers and violations(problem, assignment):
            gate, caps = _gates(problem, options, arcs)
            chosen, proven = self._priced(arcs, gate, caps)
            self.last_method = "min_cost_flow_priced"
            if not proven:
                chosen = self._solve_mip(problem, options, arcs, gate, caps, chosen)
            assignment = {problem.people[int(arcs.person[k])].nip: options[int(k)] for k in chosen}
        return assignment

    def _priced(self, arcs: FlowArcs, gate: IntArray, caps: IntArray) -> tuple[IntArray, bool]:
        """Bisection on each unit's price until every cap holds; returns the best feasible flow and whether it
        carries the optimality certificate."""
        units = len(caps)
        low = np.zeros(units, dtype=np.int64)
        spread = int(arcs.score.max() - arcs.score.min()) + 1
        bonus = spread * (arcs.n_people + 1) if arcs.priority.any() else 0
        high = np.full(units, spread + bonus + 1, dtype=np.int64)  # a price no leaving arc can beat
        price = np.zeros(units, dtype=np.int64)
        weight = arcs.score + np.where(arcs.priority, bonus, 0)
        best: IntArray | None = None
        best_score, bound = -1, None
        for _ in range(self.price_rounds):
            penalty = np.where(gate >= 0, price[np.maximum(gate, 0)], 0)
            chosen = solve_flow(arcs, penalty)
            # Lagrangian dual: an upper bound on the capped optimum for any price ≥ 0
            dual = int((weight[chosen] - penalty[chosen]).sum() + (price * caps).sum())
            bound = dual if bound is None else min(bound, dual)
            used = gate[chosen]
            excess = np.bincount(used[used >= 0], minlength=units) - caps
            if (excess <= 0).all() and int(weight[chosen].sum()) > best_score:
                best, best_score = chosen, int(weight[chosen].sum())
            if best is not None and best_score >= bound:
                return best, True
            low = np.where(excess > 0, price, low)
            high = np.where((excess <= 0) & (price > 0), price, high)
            if ((high - low) <= 1).all():
                break
            middle = (low + high) // 2
            price = np.where(excess > 0, np.maximum(middle, low + 1), np.where(excess < 0, middle, price))
        if best is None:
            best = solve_flow(arcs, np.where(gate >= 0, high[np.maximum(gate, 0)], 0))
        return best, False

    def _solve_mip(
        self,
        problem: PlanProblem,
        options: list[Option],
        arcs: FlowArcs,
        gate: IntArray,
        caps: IntArray,
        start: IntArray,
    ) -> IntArray:
        """The same model as an integer program on HiGHS (its LP relaxation is usually integral already); if the
        time limit stops it, the better of its incumbent and the best priced flow is kept. (A start hint is not
        given: SetHint crashes the HiGHS backend of OR-Tools 9.15.)"""
        solver = pywraplp.Solver.CreateSolver("HIGHS")
        if solver is None:
            self.last_method = "min_cost_flow_priced_unproven"
            return start
        x = [solver.BoolVar(f"x{k}") for k in range(len(options))]
        by_person: list[list[int]] = [[] for _ in range(arcs.n_people)]
        by_post: list[list[int]] = [[] for _ in range(arcs.n_posts)]
        by_gate: list[list[int]] = [[] for _ in range(len(caps))]
        for k in range(len(options)):
            by_person[int(arcs.person[k])].append(k)
            if arcs.post[k] >= 0:
                by_post[int(arcs.post[k])].append(k)
            if gate[k] >= 0:
                by_gate[int(gate[k])].append(k)
        for ks in by_person:
            solver.Add(solver.Sum([x[k] for k in ks]) == 1)
        for j, ks in enumerate(by_post):
            if ks:
                solver.Add(solver.Sum([x[k] for k in ks]) <= int(arcs.capacity[j]))
        for u, ks in enumerate(by_gate):
            if ks:
                solver.Add(solver.Sum([x[k] for k in ks]) <= int(caps[u]))
        spread = int(arcs.score.max() - arcs.score.min()) + 1
        bonus = spread * (arcs.n_people + 1) if arcs.priority.any() else 0
        weight = arcs.score + np.where(arcs.priority, bonus, 0)
        objective = solver.Objective()
        for k, var in enumerate(x):
            objective.SetCoefficient(var, float(weight[k]))
        objective.SetMaximization()
        solver.SuppressOutput()
        solver.SetSolverSpecificParametersAsString("output_flag=false")  # no HiGHS banner in the JSON logs
        solver.SetTimeLimit(int(self.mip_seconds * 1000))
        status = solver.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            self.last_method = "min_cost_flow_priced_unproven"
            return start
        chosen = np.array([k for k, var in enumerate(x) if var.solution_value() > 0.5], dtype=np.int64)
        if status == pywraplp.Solver.OPTIMAL:
            self.last_method = "mip_highs"
            return chosen
        self.last_method = "mip_highs_time_limited"
        return chosen if weight[chosen].sum() >= weight[start].sum() else start


def _gates(problem: PlanProblem, options: list[Option], arcs: FlowArcs) -> tuple[IntArray, IntArray]:
    """Per arc, the capped unit it leaves (-1 if none), and each capped unit's cap."""
    units = sorted(problem.max_leavers)
    index = {u: n for n, u in enumerate(units)}
    gate = np.full(len(options), -1, dtype=np.int64)
    for k, option in enumerate(options):
        person = problem.people[int(arcs.person[k])]
        if person.unit_id in index and problem.leaves_unit(person, option):
            gate[k] = index[person.unit_id]
    return gate, np.array([problem.max_leavers[u] for u in units], dtype=np.int64)


def _to_arcs(problem: PlanProblem) -> tuple[list[Option], FlowArcs]:
    post_index = {post: j for j, post in enumerate(sorted(problem.capacity))}
    options: list[Option] = []
    person: list[int] = []
    for i, p in enumerate(problem.people):
        for o in problem.options[p.nip]:
            options.append(o)
            person.append(i)
    arcs = FlowArcs(
        n_people=len(problem.people),
        n_posts=len(post_index),
        person=np.array(person, dtype=np.int64),
        post=np.array([post_index.get(o.post_id, -1) for o in options], dtype=np.int64),
        score=np.array([o.scaled for o in options], dtype=np.int64),
        capacity=np.array([problem.capacity[post] for post in sorted(problem.capacity)], dtype=np.int64),
        priority=np.array([o.post_id in problem.must_fill for o in options], dtype=np.bool_),
    )
    return options, arcs
