"""Exact plan solver on OR-Tools: a min-cost flow over seats; under unit-outflow caps, adapters.capped (LP-dual
prices, then an integer program on HiGHS only for the residual reduced costs leave open)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from mutasi.placement.adapters.capped import PRICE_ROUNDS, CappedSolve, solve_capped
from mutasi.placement.adapters.flow import FlowArcs, solve_flow, solve_flow_by_group
from mutasi.placement.domain.planning import Assignment, Option, PlanProblem

__all__ = ["FlowArcs", "OrToolsPlanSolver", "solve_flow", "solve_flow_by_group"]

IntArray = npt.NDArray[np.int64]


@runtime_checkable
class ArcSource(Protocol):
    """Options a builder kept as arcs (adapters.vectorised.problem.ArcOptions): the arcs and gates `_to_arcs`
    and `_gates` would make from the option objects, and option k of them."""

    def flow_arcs(self, problem: PlanProblem) -> FlowArcs: ...
    def gates(self, problem: PlanProblem) -> tuple[IntArray, IntArray]: ...
    def option_at(self, k: int) -> Option: ...


class OrToolsPlanSolver:
    """Implements the PlanSolver port.

    The flow model is exact for seats, stays, must-fill and must-stay. A unit-outflow cap is a gate on the arcs
    that leave the unit; adapters.capped keeps it exact group by group (LP-dual prices with a certificate,
    else an integer program on the residual that reduced costs leave open). `last_method` says how the last
    plan was proven; `last_capped` carries the details when a cap was set.
    """

    def __init__(self, mip_seconds: float = 120.0, price_rounds: int = PRICE_ROUNDS) -> None:
        self.mip_seconds = mip_seconds
        self.price_rounds = price_rounds
        self.last_method = ""
        self.last_capped: CappedSolve | None = None

    def solve(self, problem: PlanProblem) -> Assignment:
        source = problem.options
        option: Callable[[int], Option]
        if isinstance(source, ArcSource):  # no option objects but the chosen ones
            arcs, option = source.flow_arcs(problem), source.option_at
        else:
            options, arcs = _to_arcs(problem)
            option = options.__getitem__
        self.last_capped = None
        if not problem.max_leavers:
            chosen = solve_flow(arcs)
            self.last_method = "min_cost_flow"
            return {problem.people[i].nip: option(int(k)) for i, k in enumerate(chosen)}
        gate, caps = source.gates(problem) if isinstance(source, ArcSource) else _gates(problem, options, arcs)
        stay = np.searchsorted(arcs.person, np.arange(arcs.n_people))  # options are listed stay first
        result = solve_capped(arcs, gate, caps, stay, mip_seconds=self.mip_seconds, rounds=self.price_rounds)
        self.last_method, self.last_capped = result.method, result
        return {problem.people[int(arcs.person[k])].nip: option(int(k)) for k in result.chosen}


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
