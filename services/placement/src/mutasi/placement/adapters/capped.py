"""The exact plan under unit-outflow caps, one independent group at a time.

A cap limits how many people may leave a unit: a side constraint on the "leaving" arcs of the unit's people
(the unit's gate), which a min-cost flow cannot express. Per group (a set of people and posts no arc leaves,
e.g. agencies that share no asked-for post; a unit belongs to one agency, so its gate stays inside a group):

1. The plain flow; if no cap is exceeded, that is the optimum.
2. Prices: any prices v ≥ 0 on seats and λ ≥ 0 on gates bound the capped optimum from above (weak LP duality,
   kept in integers, see `_Bound`), and the best ones are the duals of the capped problem's LP relaxation. That
   LP is solved by column generation around the plain flow: HiGHS (barrier) on the arcs within a small reduced
   cost of the flow, priced over every arc, the arcs the prices make attractive added, a few rounds. An
   integral LP plan that reaches the bound is optimal (certificate).
3. The LP is usually fractional (ties; moves inside a unit are not gated), so reduced-cost fixing settles it:
   every plan worth at least bound − δ uses only arcs whose reduced cost is within the slack of δ. An integer
   program (HiGHS, zero gap) over the people with more than one such arc, everyone else on their one open arc,
   asks whether that residual holds a plan worth at least bound − δ (HiGHS' objective bound as a cutoff, so it
   prunes everything below from the root); the best such plan is the capped optimum. If there is none, the next,
   wider δ of a short ladder (8, 16, 32, 48 hundredths, then doubling, at most the bound minus the best plan
   known) is tried. A narrow "none" is quick to prove, and the last program is as narrow as the ladder allows.
   Exact by construction; only a time limit can stop it short, and then the result says so (method
   "mip_time_limited"). Both programs are built as MathOpt model protos straight from the arrays.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
from ortools.math_opt import model_parameters_pb2, model_pb2, result_pb2, solution_pb2, sparse_containers_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import callback, init_arguments, mathopt

from mutasi.placement.adapters.flow import FlowArcs, group_arcs, solve_flow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_BIG = np.iinfo(np.int64).max // 4
_SCALE = 10**6  # prices in millionths of a hundredth: rounding the LP duals then moves the bound by far less than 1
_LP_WIDTH = 150  # the first LP holds the arcs within this reduced cost (hundredths) of the plain flow
PRICE_ROUNDS = 6  # LP solves of the column generation, at most
WORKERS = 2  # groups solved at once (this deployment's two cores)
# The residuals' widths (hundredths under the bound), tried narrowest first until one holds a plan that reaches
# bound − δ; past the last, the width doubles. The province bench's groups have integrality gaps of 6–36: a width
# well under a group's gap is refuted in 0.02–0.3 s, one just under it or the one that holds the optimum costs
# 1–3 s, so a few coarse rungs beat both one wide residual (48) and rungs every 4 hundredths (docs/adr/0020).
RUNGS = (8, 16, 32, 48)

# Methods from best to worst; a province reports the worst of its groups.
METHODS = ("min_cost_flow", "certified", "mip_residual", "mip_time_limited")


@dataclass(frozen=True)
class CappedSolve:
    """The chosen arc per person and how the result was proven."""

    chosen: IntArray
    method: str  # one of METHODS (the worst group's)
    proven: bool  # False only when the integer program's time limit stopped it
    binding_units: int  # units the plain flow would have taken over their cap
    price_rounds: int  # LP solves spent on pricing, over all groups
    residual_people: int  # people left free in the integer programs, over all groups
    groups_capped: int  # groups where a cap bound


def weights(arcs: FlowArcs) -> IntArray:
    """The objective solve_flow maximises: the fit plus, on arcs into must-fill posts, a bonus larger than any
    change of total fit."""
    spread = int(arcs.score.max() - arcs.score.min()) + 1 if len(arcs.score) else 1
    bonus = spread * (arcs.n_people + 1) if arcs.priority.any() else 0
    return np.asarray(arcs.score + np.where(arcs.priority, bonus, 0), dtype=np.int64)


def reduced_costs(arcs: FlowArcs, value: IntArray, chosen: IntArray) -> IntArray:
    """Reduced cost of every arc for an optimal flow `chosen` of the arc values `value` (maximised): 0 on the
    chosen arcs, ≥ 0 elsewhere; how much worse any plan gets per unit of flow it moves onto the arc.

    Node potentials by a longest-path fixpoint on the residual graph (a post's potential D, the sink's 0; a
    person's potential is fixed by their chosen arc): D[head(a)] ≥ D[head(chosen of a's person)] + value[a] −
    value[chosen], D ≥ 0 on posts that receive someone, D ≤ 0 on posts with a free seat."""
    p = arcs.n_posts
    head = np.where(arcs.post >= 0, arcs.post, p)
    used = chosen[arcs.person]
    hu = head[used]
    gain = value - value[used]
    inflow = np.bincount(head[chosen], minlength=p + 1)
    pot = np.append(np.where(inflow[:p] > 0, 0, -_BIG), 0).astype(np.int64)
    free = np.ones(len(head), dtype=np.bool_)
    free[chosen] = False
    idx = np.flatnonzero(free & (head < p))
    order = idx[np.argsort(head[idx], kind="stable")]
    h = head[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]]) if len(h) else np.zeros(0, np.int64)
    targets = h[starts]
    tails, gains = hu[order], gain[order]
    for _ in range(p + 2):
        if not len(order):
            break
        best = np.maximum.reduceat(pot[tails] + gains, starts)
        new = np.maximum(pot[targets], best)
        if (new == pot[targets]).all():
            break
        pot[targets] = new
    else:
        raise RuntimeError("the flow is not optimal: its potentials do not settle")
    rc = pot[head] - pot[hu] - gain
    full = inflow[:p] >= arcs.capacity
    if (rc < 0).any() or (pot[:p][~full] > 0).any():
        raise RuntimeError("the flow is not optimal: a negative reduced cost remains")
    return np.asarray(rc, dtype=np.int64)


def leavers(gate: IntArray, chosen: IntArray, units: int) -> IntArray:
    g = gate[chosen]
    return np.bincount(g[g >= 0], minlength=units).astype(np.int64)


@dataclass(frozen=True)
class _Bound:
    """An upper bound on a group's weight from prices on seats and gates, with every arc's reduced cost.

    Weak LP duality, in integers: for post prices v ≥ 0 and unit prices λ ≥ 0 (both scaled by `scale`), let
    value(a) = scale·w(a) − v(post of a) − λ(gate of a), best(i) person i's highest value, rc(a) = best(i) − value(a)
    ≥ 0 and total = Σ best + Σ seats·v + Σ caps·λ. Any plan x that keeps seats and caps has
        scale·w(x) = Σ_a value(a)·x(a) + Σ_j v(j)·load(j) + Σ_u λ(u)·leavers(u) ≤ total − Σ_a rc(a)·x(a)
    (load ≤ seats, leavers ≤ caps, prices ≥ 0). So w(x) ≤ ⌊total / scale⌋ (`bound`; weights are integers), and a
    plan worth at least t uses only arcs with rc ≤ total − scale·t (`slack(t)`). Any prices give a valid bound;
    good ones (the LP's duals) give a small slack."""

    total: int
    scale: int
    rc: IntArray

    @property
    def bound(self) -> int:
        return self.total // self.scale

    def slack(self, target: int) -> int:
        return self.total - self.scale * target


def _scale(arcs: FlowArcs, weight: IntArray) -> int:
    """Prices in 1/_SCALE of a hundredth, or coarser where the int64 sums of `_Bound` could overflow (prices are
    clipped to 2·top, so |total| ≤ scale·top·(3·people + 2·seats + 1))."""
    top = int(np.abs(weight).max(initial=0)) + 1
    terms = 3 * arcs.n_people + 2 * int(arcs.capacity.sum()) + 1
    return int(max(1, min(_SCALE, (2**62) // (top * terms))))


def _price_bound(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, post_price: FloatArray,
                 unit_price: FloatArray, scale: int) -> _Bound:  # fmt: skip
    """The bound of post and unit prices (in hundredths; rounded to 1/scale and clipped to [0, 2·top])."""
    top = 2 * (int(np.abs(weight).max(initial=0)) + 1) * scale
    v = np.clip(np.round(np.nan_to_num(post_price) * scale), 0, top).astype(np.int64)
    lam = np.clip(np.round(np.nan_to_num(unit_price) * scale), 0, top).astype(np.int64)
    value = (weight * scale - np.where(arcs.post >= 0, v[np.maximum(arcs.post, 0)], 0)
             - np.where(gate >= 0, lam[np.maximum(gate, 0)], 0))  # fmt: skip
    best = np.full(arcs.n_people, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(best, arcs.person, value)
    total = int(best.sum()) + int(arcs.capacity.astype(np.int64) @ v) + int(caps.astype(np.int64) @ lam)
    return _Bound(total, scale, np.asarray(best[arcs.person] - value, dtype=np.int64))


@dataclass
class _Solved:
    status: str  # "optimal", "infeasible", "time_limited" (a plan may still be there) or "failed"
    plan: IntArray | None  # the whole group's chosen arc per person (fixed people keep theirs)
    objective: float  # weight of `plan` (for an LP: its fractional value)
    post_dual: FloatArray | None = None
    unit_dual: FloatArray | None = None
    integral: bool = False
    free_people: int = 0


def _program(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, var: IntArray, fixed_arc: IntArray,
             integer: bool, seconds: float | None, floor: int | None = None) -> _Solved:  # fmt: skip
    """The group's plan over the arcs `var` (people who have one are free: exactly one of their `var` arcs), every
    other person fixed to `fixed_arc`; seats and caps as rows. An integer program (exact: zero gap, "optimal" only
    when the dual bound is within less than one hundredth) or its linear relaxation (for the duals). Built as a
    MathOpt model proto from arrays and solved by HiGHS; the objective is measured from `fixed_arc`, so its
    magnitude stays small and a zero gap is exact in floating point. `floor`: the weight of a plan already known
    (integer program only); HiGHS then looks only for plans worth at least floor + 1 (its objective bound, a
    cutoff: reduced-cost fixing and pruning start from it at the root), and "optimal" with no plan, or with a plan
    worth less, means that no plan of these arcs beats the floor."""
    n, p, units = arcs.n_people, arcs.n_posts, len(caps)
    people, row = np.unique(arcs.person[var], return_inverse=True)
    fixed_people = np.ones(n, dtype=np.bool_)
    fixed_people[people] = False
    fixed = fixed_arc[fixed_people]
    fixed_posts = arcs.post[fixed]
    seats = arcs.capacity - np.bincount(fixed_posts[fixed_posts >= 0], minlength=p)
    room = caps - leavers(gate, fixed, units)
    if (seats < 0).any() or (room < 0).any():
        return _Solved("infeasible", None, 0.0)
    free = len(people)
    moves = arcs.post[var] >= 0
    gated = gate[var] >= 0
    rows = np.concatenate([row, free + arcs.post[var][moves], free + p + gate[var][gated]])
    cols = np.concatenate([np.arange(len(var)), np.flatnonzero(moves), np.flatnonzero(gated)])
    order = np.lexsort((cols, rows))
    gain = weight[var] - weight[fixed_arc[arcs.person[var]]]
    proto = model_pb2.ModelProto()
    proto.variables.ids.extend(range(len(var)))
    proto.variables.lower_bounds.extend(np.zeros(len(var)).tolist())
    proto.variables.upper_bounds.extend(np.ones(len(var)).tolist())
    proto.variables.integers.extend([integer] * len(var))
    proto.linear_constraints.ids.extend(range(free + p + units))
    proto.linear_constraints.lower_bounds.extend([1.0] * free + [-np.inf] * (p + units))
    proto.linear_constraints.upper_bounds.extend([1.0] * free + seats.astype(float).tolist())
    proto.linear_constraints.upper_bounds.extend(room.astype(float).tolist())
    proto.linear_constraint_matrix.row_ids.extend(rows[order].tolist())
    proto.linear_constraint_matrix.column_ids.extend(cols[order].tolist())
    proto.linear_constraint_matrix.coefficients.extend(np.ones(len(order)).tolist())
    proto.objective.maximize = True
    nonzero = np.flatnonzero(gain)
    proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
    proto.objective.linear_coefficients.values.extend(gain[nonzero].astype(float).tolist())
    params = mathopt.SolveParameters(enable_output=False)
    if integer:
        params.relative_gap_tolerance, params.absolute_gap_tolerance = 0.0, 0.5
    else:
        params.lp_algorithm = mathopt.LPAlgorithm.BARRIER  # with crossover: a vertex, and far quicker here
    if seconds is not None:
        params.time_limit = timedelta(seconds=max(seconds, 0.5))
    base = int(weight[fixed_arc].sum())  # the objective's zero: every free person on their fixed arc
    if integer and floor is not None:
        # HiGHS minimises internally and reads its objective bound in that sense: −(the least gain worth having)
        params.highs.double_options["objective_bound"] = -(float(floor - base) + 0.5)
    result = _solve_proto(proto, params, model_parameters_pb2.ModelSolveParametersProto())
    reason = result.termination.reason
    if reason in (result_pb2.TERMINATION_REASON_INFEASIBLE, result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED):
        # with a floor: no plan of these arcs beats it (HiGHS pruned everything at or below the floor)
        return _Solved("infeasible" if floor is None else "optimal", None, 0.0, free_people=free)
    feasible = solution_pb2.SOLUTION_STATUS_FEASIBLE
    primal = next((s.primal_solution for s in result.solutions if s.HasField("primal_solution")
                   and s.primal_solution.feasibility_status == feasible), None)  # fmt: skip
    done = reason == result_pb2.TERMINATION_REASON_OPTIMAL
    if primal is None:
        if integer and done and floor is not None:
            return _Solved("optimal", None, 0.0, free_people=free)
        return _Solved("time_limited" if integer else "failed", None, 0.0, free_people=free)
    x = _dense(primal.variable_values, len(var))
    integral = bool((np.abs(x - np.round(x)) < 1e-9).all())
    plan = fixed_arc.copy()
    plan[arcs.person[var[x > 0.5]]] = var[x > 0.5]
    if integer:
        bounds = result.termination.objective_bounds
        value = int(weight[plan].sum())
        # proven: the dual bound is within one hundredth of the plan, or (with a floor) HiGHS finished without a
        # plan beating the floor, so none exists
        proven = done and (bounds.dual_bound < bounds.primal_bound + 1 or (floor is not None and value <= floor))
        return _Solved("optimal" if proven else "time_limited", plan, float(value), free_people=free)
    dual = next((s.dual_solution for s in result.solutions if s.HasField("dual_solution")), None)
    if reason != result_pb2.TERMINATION_REASON_OPTIMAL or dual is None:
        return _Solved("failed", None, 0.0, free_people=free)
    duals = _dense(dual.dual_values, free + p + units)
    objective = float(base) + float(gain @ x)
    return _Solved("optimal", plan if integral else None, objective, duals[free : free + p], duals[free + p :],
                   integral, free)  # fmt: skip


def _dense(values: sparse_containers_pb2.SparseDoubleVectorProto, size: int) -> FloatArray:
    out = np.zeros(size, dtype=np.float64)
    out[np.asarray(values.ids, dtype=np.int64)] = np.asarray(values.values, dtype=np.float64)
    return out


def _solve_proto(
    proto: model_pb2.ModelProto, params: mathopt.SolveParameters, hints: model_parameters_pb2.ModelSolveParametersProto
) -> result_pb2.SolveResultProto:
    """HiGHS on a model proto built from arrays: the call `mathopt.solve` makes once it has exported its model,
    without the per-variable Python objects on either side (they cost more than HiGHS here)."""
    result = core_solver.solve(
        proto,
        mathopt.SolverType.HIGHS.value,
        init_arguments.StreamableSolverInitArguments().to_proto(),
        params.to_proto(),
        hints,
        None,
        callback.CallbackRegistration().to_proto(),
        None,
        None,
    )
    if not isinstance(result, result_pb2.SolveResultProto):  # a proto of the C++ side's own pool
        result = result_pb2.SolveResultProto.FromString(result.SerializeToString())
    return result


def _lp_bound(arcs: FlowArcs, gate: IntArray, caps: IntArray, stay: IntArray, weight: IntArray, flow: IntArray,
              rc0: IntArray, scale: int, rounds: int,
              deadline: float | None) -> tuple[_Bound, int, IntArray | None]:  # fmt: skip
    """The capped problem's LP bound, by column generation around the plain flow: the LP over the arcs within
    _LP_WIDTH of the flow's reduced costs (people with one such arc keep their flow arc; people the flow takes
    out of a capped unit are free, with their stay arc), priced over every arc; arcs the prices make better
    than what the LP gave their person join it, until none does or the bound meets the LP's value.
    Returns the lowest bound seen (the plain flow's own bound if no LP solved), the LP solves spent and an
    integral LP plan if one came out (a capped plan: an incumbent, often the optimum)."""
    n = arcs.n_people
    best = _Bound(scale * int(weight[flow].sum()), scale, scale * rc0)
    open_arc = rc0 <= _LP_WIDTH
    free = np.bincount(arcs.person[open_arc], minlength=n) > 1
    free |= gate[flow] >= 0
    open_arc[flow] = True
    open_arc[stay[free]] = True
    plan, spent = None, 0
    for _ in range(rounds):
        var = np.flatnonzero(open_arc & free[arcs.person])
        left = None if deadline is None else deadline - time.monotonic()
        solved = _program(arcs, gate, caps, weight, var, flow, False, left)
        spent += 1
        if solved.status != "optimal" or solved.post_dual is None or solved.unit_dual is None:
            break
        if solved.plan is not None:
            plan = solved.plan
        bound = _price_bound(arcs, gate, caps, weight, solved.post_dual, solved.unit_dual, scale)
        if bound.total < best.total:
            best = bound
        if best.bound <= int(np.floor(solved.objective + 1e-6)):
            break  # the bound is the LP's value: no prices do better
        # the least reduced cost each person has inside the LP (their flow arc if they are not free)
        inside = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(inside, arcs.person[var], bound.rc[var])
        inside[~free] = bound.rc[flow[~free]]
        better = ~(open_arc & free[arcs.person]) & (bound.rc < inside[arcs.person])
        if not better.any():
            break
        joining = np.zeros(n, dtype=np.bool_)
        joining[arcs.person[better]] = True
        open_arc |= better
        open_arc[flow[joining]] = True
        open_arc[stay[joining]] = True
        free |= joining
    return best, spent, plan


@dataclass
class _GroupResult:
    chosen: IntArray
    method: str
    binding: int = 0
    rounds: int = 0
    residual: int = 0


def solve_group(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    stay: IntArray,
    rounds: int = PRICE_ROUNDS,
    deadline: float | None = None,
    rungs: tuple[int, ...] = RUNGS,
) -> _GroupResult:
    """The capped optimum of one group (gate: the group's unit index of each arc, -1 = not leaving a capped unit;
    stay: each person's stay arc, the always-feasible fallback)."""
    units = len(caps)
    flow = solve_flow(arcs)
    excess = leavers(gate, flow, units) - caps
    if (excess <= 0).all():
        return _GroupResult(flow, "min_cost_flow")
    binding = int((excess > 0).sum())
    weight = weights(arcs)
    rc0 = reduced_costs(arcs, weight, flow)
    bound, spent, lp_plan = _lp_bound(arcs, gate, caps, stay, weight, flow, rc0, _scale(arcs, weight), rounds,
                                      deadline)  # fmt: skip
    incumbent, incumbent_fit = np.asarray(stay, dtype=np.int64), int(weight[stay].sum())
    if lp_plan is not None and int(weight[lp_plan].sum()) > incumbent_fit:
        incumbent, incumbent_fit = lp_plan, int(weight[lp_plan].sum())
    if incumbent_fit >= bound.bound:
        return _GroupResult(incumbent, "certified", binding, spent)
    return _residual(arcs, gate, caps, weight, bound, incumbent, incumbent_fit, deadline, binding, spent,
                     rungs)  # fmt: skip


def _widths(rungs: tuple[int, ...], top: int) -> list[int]:
    """The residual widths to try, narrowest first: the rungs under `top`, then doubling, then `top` itself (the
    bound minus the best plan known, whose residual holds that plan)."""
    widths = sorted({r for r in rungs if 0 < r < top})
    last = max(rungs, default=1)
    while (last := 2 * last) < top:
        widths.append(last)
    return [*widths, top]


def _residual(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    weight: IntArray,
    bound: _Bound,
    incumbent: IntArray,
    incumbent_fit: int,
    deadline: float | None,
    binding: int,
    spent: int,
    rungs: tuple[int, ...],
) -> _GroupResult:
    """Reduced-cost fixing under the bound, δ by δ: every plan worth at least bound − δ lies in the residual of δ,
    so a residual program that seeks only such plans (its floor bound − δ − 1, or the best plan known if that is
    higher) and proves its best is the capped optimum; one that proves there is none sends the search one rung
    wider. The last width is the bound minus the best plan known, which then holds that plan, so the ladder ends
    there at the latest."""
    # each person's best arc under the prices (reduced cost 0): the arc they keep when it is their only open one
    order = np.lexsort((bound.rc, arcs.person))
    keep = order[np.searchsorted(arcs.person[order], np.arange(arcs.n_people))]
    people_total = 0
    for delta in _widths(rungs, bound.bound - incumbent_fit):
        open_arc = bound.rc <= bound.slack(bound.bound - delta)
        free_person = np.bincount(arcs.person[open_arc], minlength=arcs.n_people) > 1
        var = np.flatnonzero(open_arc & free_person[arcs.person])
        left = None if deadline is None else deadline - time.monotonic()
        floor = max(incumbent_fit, bound.bound - delta - 1)
        solved = _residual_program(arcs, gate, caps, weight, var, keep, left, floor)
        people_total += solved.free_people
        if solved.plan is not None and int(weight[solved.plan].sum()) > incumbent_fit:
            incumbent, incumbent_fit = solved.plan, int(weight[solved.plan].sum())
        if solved.status == "optimal" and incumbent_fit >= bound.bound - delta:
            return _GroupResult(incumbent, "mip_residual", binding, spent, people_total)
        if solved.status == "time_limited":
            return _GroupResult(incumbent, "mip_time_limited", binding, spent, people_total)
    raise RuntimeError("the residual of the bound minus the best plan did not settle: the bound is not valid")


def _residual_program(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, var: IntArray,
                      keep: IntArray, seconds: float | None, floor: int | None = None) -> _Solved:  # fmt: skip
    """The integer program over the open arcs `var`; everyone else keeps their one open arc (`keep`); only plans
    worth more than `floor` are sought."""
    return _program(arcs, gate, caps, weight, var, keep, True, seconds, floor)


def solve_capped(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    stay: IntArray,
    person_group: IntArray | None = None,
    post_group: IntArray | None = None,
    mip_seconds: float = 120.0,
    rounds: int = PRICE_ROUNDS,
    workers: int = WORKERS,
    rungs: tuple[int, ...] = RUNGS,
) -> CappedSolve:
    """The capped optimum of a whole round, group by group (gate: capped unit index of each arc or -1; caps: most
    leavers per unit; stay: each person's stay arc). Without groups, the connected parts of the round are used.
    `rounds` (LP solves for the prices; 0 = the plain flow's bound only), `rungs` (the residuals' reduced-cost
    widths, narrowest first) and `workers` (groups solved at once: HiGHS releases the GIL, so two groups' programs run
    on two cores; the flows still take turns) change only the speed, never the result."""
    if person_group is None or post_group is None:
        person_group, post_group = components(arcs, gate)
    deadline = time.monotonic() + mip_seconds
    arc_group = person_group[arcs.person]
    if ((arcs.post >= 0) & (post_group[np.maximum(arcs.post, 0)] != arc_group)).any():
        raise ValueError("an arc joins two groups")
    unit_group = np.full(len(caps), -1, dtype=np.int64)
    unit_group[gate[gate >= 0]] = arc_group[gate >= 0]
    if (unit_group[gate[gate >= 0]] != arc_group[gate >= 0]).any():
        raise ValueError("a capped unit spans two groups")
    order = np.argsort(arc_group, kind="stable")
    groups, starts = np.unique(arc_group[order], return_index=True)
    ends = np.append(starts[1:], len(order))

    def solve_one(g: int, s: int, e: int) -> tuple[IntArray, IntArray, _GroupResult]:
        sel = order[s:e]
        people, sub = group_arcs(arcs, sel, person_group == g, post_group == g)
        g_gate = gate[sel]
        units = np.unique(g_gate[g_gate >= 0])
        umap = np.full(len(caps), -1, dtype=np.int64)
        umap[units] = np.arange(len(units))
        local_gate = np.where(g_gate >= 0, umap[np.maximum(g_gate, 0)], -1)
        local_stay = np.searchsorted(sel, stay[people])  # sel is sorted: a group's arcs in their round order
        return people, sel, solve_group(sub, local_gate, caps[units], local_stay, rounds, deadline, rungs)

    chosen = np.full(arcs.n_people, -1, dtype=np.int64)
    worst, binding, spent, residual, capped = 0, 0, 0, 0, 0
    jobs = list(zip(groups.tolist(), starts.tolist(), ends.tolist(), strict=True))
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        for people, sel, result in pool.map(lambda job: solve_one(*job), jobs):
            chosen[people] = sel[result.chosen]
            worst = max(worst, METHODS.index(result.method))
            binding += result.binding
            spent += result.rounds
            residual += result.residual
            capped += result.method != "min_cost_flow"
    method = METHODS[worst]
    return CappedSolve(chosen, method, method != "mip_time_limited", binding, spent, residual, capped)


def components(arcs: FlowArcs, gate: IntArray) -> tuple[IntArray, IntArray]:
    """Group of each person and post: people joined by a post they may take or a capped unit they share."""
    n, p = arcs.n_people, arcs.n_posts
    person_unit = np.full(n, -1, dtype=np.int64)
    person_unit[arcs.person[gate >= 0]] = gate[gate >= 0]
    label = np.arange(n + p, dtype=np.int64)
    moves = arcs.post >= 0
    a, b = arcs.person[moves], arcs.post[moves] + n
    has_unit = person_unit >= 0
    ua = np.flatnonzero(has_unit)
    first_of_unit = np.full(int(person_unit.max(initial=-1)) + 1, -1, dtype=np.int64)
    if len(ua):
        first_of_unit[person_unit[ua[::-1]]] = ua[::-1]
        a = np.concatenate([a, ua])
        b = np.concatenate([b, first_of_unit[person_unit[ua]]])
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if (new == label).all():
            break
        label = new
    return label[:n], label[n:]
