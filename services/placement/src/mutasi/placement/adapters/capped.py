"""The exact plan under unit-outflow caps, one independent group at a time.

A cap limits how many people may leave a unit: a side constraint on the "leaving" arcs of the unit's people
(the unit's gate), which a min-cost flow cannot express. Per group (a set of people and posts no arc leaves,
e.g. agencies that share no asked-for post; a unit belongs to one agency, so its gate stays inside a group):

1. The plain flow; if no cap is exceeded, that is the optimum.
2. Prices: any prices v ≥ 0 on seats and λ ≥ 0 on gates bound the capped optimum from above (weak LP duality,
   kept in integers, see `_Bound`), and the best ones are the duals of the capped problem's LP relaxation. That
   LP is solved by column generation around the plain flow: HiGHS on the arcs within a small reduced cost of the
   flow (and of the flow with the gate prices it suggests), priced over every arc, the arcs the prices make
   attractive added as columns of the same model, a few rounds (barrier first, then primal simplex from the last
   basis). An integral LP plan that reaches the bound is optimal (certificate).
3. The LP is usually fractional (ties; moves inside a unit are not gated), so reduced-cost fixing settles it:
   every plan worth at least bound − δ uses only arcs whose reduced cost is within the slack of δ. An integer
   program (HiGHS, zero gap) over the people with more than one such arc, everyone else on their one open arc,
   asks whether that residual holds a plan worth at least bound − δ (HiGHS' objective bound as a cutoff, so it
   prunes everything below from the root); the best such plan is the capped optimum. If there is none, the next,
   wider δ of a short ladder (8, 16, 32, 48 hundredths, then doubling, at most the bound minus the best plan
   known, which a plan found on the way lowers) is tried. A narrow "none" is quick to prove, and the last program
   is as narrow as the ladder allows. Exact by construction; only a time limit can stop it short, and then the
   result says so (method "mip_time_limited"). Both programs go to HiGHS (highspy) as arrays; the integer
   programs without restarts (re-presolving after root fixings cost 3–9× and gained nothing here).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from mutasi.placement.adapters.flow import FlowArcs, group_arcs, solve_flow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]  # HiGHS' matrix starts and indices
_BIG = np.iinfo(np.int64).max // 4
_SCALE = 10**6  # prices in millionths of a hundredth: rounding the LP duals then moves the bound by far less than 1
_LP_WIDTH = 150  # the first LP holds the arcs within this reduced cost (hundredths) of the plain flow
# ... and those within this much of their person's best once the gates carry the prices the flow suggests
# (`_gate_prices`): the arcs the LP's own prices would bring in one round later (docs/adr/0020)
_PRICED_WIDTH = 250
# LP solves by barrier (with crossover) before the simplex takes over: with the guessed prices' columns in the
# first LP, few columns join later and the simplex goes on from the first basis (docs/adr/0020)
_BARRIER_SOLVES = 1
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


def _run_starts(values: IntArray) -> IntArray:
    """Where each run of equal values starts in a sorted array."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, values[1:] != values[:-1]])


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
    starts = _run_starts(h)
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
    status: str  # "optimal", "infeasible" or "time_limited" (a plan may still be there)
    plan: IntArray | None  # the whole group's chosen arc per person (fixed people keep theirs)
    objective: float  # weight of `plan`
    free_people: int = 0


def _columns(arcs: FlowArcs, gate: IntArray, var: IntArray, person_row: IntArray,
             people_rows: int) -> tuple[Int32Array, Int32Array]:  # fmt: skip
    """The arcs `var` as columns of a compressed-column matrix of ones (starts, row indices): each arc in its
    person's row (`person_row`), its post's seat row and its gate's unit row (after the `people_rows` people's
    rows, then the posts' rows)."""
    post, g = arcs.post[var], gate[var]
    entries = np.stack([person_row[arcs.person[var]], np.where(post >= 0, people_rows + post, -1),
                        np.where(g >= 0, people_rows + arcs.n_posts + g, -1)], axis=1)  # fmt: skip
    start = np.concatenate([[0], np.cumsum((entries >= 0).sum(axis=1))])
    return start.astype(np.int32), entries[entries >= 0].astype(np.int32)  # row by row: each column's rows in order


def _highs(seconds: float | None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    _time_limit(h, seconds)
    return h


def _time_limit(h: highspy.Highs, seconds: float | None) -> None:
    """The seconds left before the round's deadline (None: no limit), at least half a second."""
    if seconds is not None:
        h.setOptionValue("time_limit", max(seconds, 0.5))


def _model(cost: FloatArray, start: Int32Array, index: Int32Array, row_lower: FloatArray, row_upper: FloatArray,
           integer: bool) -> highspy.HighsLp:  # fmt: skip
    """A 0–1 program (or its relaxation) that minimises `cost` over a matrix of ones."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(row_lower)
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = np.zeros(len(cost)), np.ones(len(cost))
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = start, index, np.ones(len(index))
    lp.sense_ = highspy.ObjSense.kMinimize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cost)
    return lp


def _residual_program(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, var: IntArray,
                      fixed_arc: IntArray, seconds: float | None, floor: int | None = None) -> _Solved:  # fmt: skip
    """The group's integer program over the open arcs `var` (people who have one are free: exactly one of their
    `var` arcs), every other person fixed to `fixed_arc`; seats and caps as rows. Exact: zero gap, "optimal" only
    when the dual bound is within less than one hundredth. Solved by HiGHS; the objective is measured from
    `fixed_arc`, so its magnitude stays small and a zero gap is exact in floating point. `floor`: the weight of a
    plan already known; HiGHS then looks only for plans worth at least floor + 1 (its objective bound, a cutoff:
    reduced-cost fixing and pruning start from it at the root), and "optimal" with no plan, or with a plan worth
    less, means that no plan of these arcs beats the floor."""
    n, p, units = arcs.n_people, arcs.n_posts, len(caps)
    people = np.unique(arcs.person[var])
    fixed_people = np.ones(n, dtype=np.bool_)
    fixed_people[people] = False
    fixed = fixed_arc[fixed_people]
    fixed_posts = arcs.post[fixed]
    seats = arcs.capacity - np.bincount(fixed_posts[fixed_posts >= 0], minlength=p)
    room = caps - leavers(gate, fixed, units)
    if (seats < 0).any() or (room < 0).any():
        return _Solved("infeasible", None, 0.0)
    if not len(var):  # nobody free: the fixed plan is the only one (HiGHS would call the model empty, not optimal)
        return _Solved("optimal", fixed_arc.copy(), float(weight[fixed_arc].sum()))
    free = len(people)
    person_row = np.zeros(n, dtype=np.int64)
    person_row[people] = np.arange(free)
    start, index = _columns(arcs, gate, var, person_row, free)
    gain = weight[var] - weight[fixed_arc[arcs.person[var]]]
    lower = np.concatenate([np.ones(free), np.full(p + units, -np.inf)])
    upper = np.concatenate([np.ones(free), seats, room]).astype(np.float64)
    h = _highs(seconds)
    h.passModel(_model(-gain.astype(np.float64), start, index, lower, upper, integer=True))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)
    # restarts (presolving again after fixing columns at the root) cost the province bench's residuals 3–9× their
    # time, for nothing: these programs are small and their roots already tight (docs/adr/0020)
    h.setOptionValue("mip_allow_restart", False)
    base = int(weight[fixed_arc].sum())  # the objective's zero: every free person on their fixed arc
    if floor is not None:
        h.setOptionValue("objective_bound", -(float(floor - base) + 0.5))  # minimising: −(least gain worth having)
    h.run()
    status, info = h.getModelStatus(), h.getInfo()
    pruned = status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kObjectiveBound)
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:  # no plan
        if pruned or (floor is not None and status == highspy.HighsModelStatus.kOptimal):
            # with a floor: no plan of these arcs beats it (HiGHS pruned everything at or below the floor)
            return _Solved("infeasible" if floor is None else "optimal", None, 0.0, free)
        return _Solved("time_limited", None, 0.0, free)
    x = np.asarray(h.getSolution().col_value)
    plan = fixed_arc.copy()
    plan[arcs.person[var[x > 0.5]]] = var[x > 0.5]
    value = int(weight[plan].sum())
    done = status == highspy.HighsModelStatus.kOptimal or pruned
    # proven: the dual bound is within one hundredth of the plan, or (with a floor) HiGHS finished without a plan
    # beating the floor, so none exists
    tight = info.mip_dual_bound > info.objective_function_value - 1  # the objective is integral
    proven = done and (tight or (floor is not None and value <= floor))
    return _Solved("optimal" if proven else "time_limited", plan, float(value), free)


class _ColumnLp:
    """The capped problem's LP relaxation over a growing set of arcs, kept warm between solves: every person of
    the group is a row (one arc, exactly), seats and caps are rows, and arcs join as columns and never leave, so
    the last optimal basis stays feasible and HiGHS' primal simplex goes on from it. The first `_BARRIER_SOLVES`
    are barrier with crossover (quicker here than simplex from scratch, or from a basis many columns just joined);
    the objective is the gain over the plain flow."""

    def __init__(self, arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, flow: IntArray) -> None:
        self.arcs, self.gate, self.weight, self.flow = arcs, gate, weight, flow
        n, rows = arcs.n_people, arcs.n_people + arcs.n_posts + len(caps)
        self.columns = np.zeros(0, dtype=np.int64)
        self.member = np.zeros(len(arcs.person), dtype=np.bool_)
        self.h = _highs(None)
        lower = np.concatenate([np.ones(n), np.full(rows - n, -np.inf)])
        upper = np.concatenate([np.ones(n), arcs.capacity, caps]).astype(np.float64)
        empty = np.zeros(0, dtype=np.int32)
        self.h.passModel(_model(np.zeros(0), np.zeros(1, dtype=np.int32), empty, lower, upper, integer=False))
        self.h.setOptionValue("solver", "ipm")
        self.solves = 0
        self.add(flow)

    def add(self, arcs_joining: IntArray) -> None:
        new = arcs_joining[~self.member[arcs_joining]]
        new = np.unique(new)
        if not len(new):
            return
        arcs = self.arcs
        start, index = _columns(arcs, self.gate, new, np.arange(arcs.n_people), arcs.n_people)
        gain = self.weight[new] - self.weight[self.flow[arcs.person[new]]]
        self.h.addCols(len(new), -gain.astype(np.float64), np.zeros(len(new)), np.ones(len(new)), len(index),
                       start[:-1], index, np.ones(len(index)))  # fmt: skip
        self.member[new] = True
        self.columns = np.concatenate([self.columns, new])

    def solve(self, seconds: float | None) -> tuple[float, FloatArray, FloatArray, IntArray | None] | None:
        """(the LP's value, post prices, unit prices, its plan if integral), or None if HiGHS did not finish."""
        _time_limit(self.h, seconds)
        self.h.run()
        self.solves += 1
        if self.solves == _BARRIER_SOLVES:
            # from here on primal simplex from the last basis: joining columns leave it primal feasible, and
            # few join after the first rounds (dual simplex takes about twice as long here)
            self.h.setOptionValue("solver", "simplex")
            self.h.setOptionValue("simplex_strategy", 4)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = self.h.getSolution()
        x, dual = np.asarray(solution.col_value), np.asarray(solution.row_dual)
        n, p = self.arcs.n_people, self.arcs.n_posts
        plan = None
        if (np.abs(x - np.round(x)) < 1e-9).all():
            plan = np.full(n, -1, dtype=np.int64)
            plan[self.arcs.person[self.columns[x > 0.5]]] = self.columns[x > 0.5]
        objective = float(self.weight[self.flow].sum()) - float(self.h.getInfo().objective_function_value)
        return objective, -dual[n : n + p], -dual[n + p :], plan  # minimising: a binding ≤ row's dual is ≤ 0


def _gate_prices(arcs: FlowArcs, gate: IntArray, flow: IntArray, rc0: IntArray, excess: IntArray) -> IntArray:
    """A guess of each capped unit's price from the plain flow: for a unit the flow takes `excess` people over its
    cap, the cost (in reduced costs of the flow) of the excess-th cheapest way to keep one of its leavers in
    (their cheapest arc that does not leave the unit); 0 for units within their cap. Only a guess (it ignores
    that the people kept in take seats from others): it chooses the first LP's columns, not the bound."""
    price = np.zeros(len(excess), dtype=np.int64)
    left = gate[flow]  # the unit each person's flow arc leaves, or -1
    over = np.flatnonzero((left >= 0) & (excess[np.maximum(left, 0)] > 0))
    if not len(over):
        return price
    inside = gate < 0
    stay_cost = np.full(arcs.n_people, _BIG, dtype=np.int64)
    np.minimum.at(stay_cost, arcs.person[inside], rc0[inside])
    cost, unit = stay_cost[over], left[over]
    order = np.lexsort((cost, unit))
    units = np.flatnonzero(excess > 0)
    first = np.searchsorted(unit[order], units)
    price[units] = cost[order][first + excess[units] - 1]  # a unit over its cap has more leavers than its excess
    return price


def _lp_bound(arcs: FlowArcs, gate: IntArray, caps: IntArray, stay: IntArray, weight: IntArray, flow: IntArray,
              rc0: IntArray, scale: int, rounds: int,
              deadline: float | None) -> tuple[_Bound, int, IntArray | None]:  # fmt: skip
    """The capped problem's LP bound, by column generation around the plain flow: the LP over the arcs within
    _LP_WIDTH of the flow's reduced costs or within _PRICED_WIDTH of their person's best under the guessed gate
    prices (people with one such arc keep their flow arc; people the flow takes out of a capped unit are free,
    with their stay arc), priced over every arc; arcs the prices make better than what the LP gave their person
    join it, until none does or the bound meets the LP's value.
    Returns the lowest bound seen (the plain flow's own bound if no LP solved), the LP solves spent and an
    integral LP plan if one came out (a capped plan: an incumbent, often the optimum)."""
    n = arcs.n_people
    best = _Bound(scale * int(weight[flow].sum()), scale, scale * rc0)
    if rounds <= 0:
        return best, 0, None
    excess = leavers(gate, flow, len(caps)) - caps
    shifted = rc0 + np.where(gate >= 0, _gate_prices(arcs, gate, flow, rc0, excess)[np.maximum(gate, 0)], 0)
    least = np.full(n, _BIG, dtype=np.int64)
    np.minimum.at(least, arcs.person, shifted)
    open_arc = (rc0 <= _LP_WIDTH) | (shifted - least[arcs.person] <= _PRICED_WIDTH)
    free = np.bincount(arcs.person[open_arc], minlength=n) > 1
    free |= gate[flow] >= 0
    lp = _ColumnLp(arcs, gate, caps, weight, flow)
    lp.add(np.concatenate([np.flatnonzero(open_arc & free[arcs.person]), stay[free]]))
    plan, spent = None, 0
    for _ in range(rounds):
        left = None if deadline is None else deadline - time.monotonic()
        solved = lp.solve(left)
        spent += 1
        if solved is None:
            break
        objective, post_price, unit_price, integral = solved
        if integral is not None:
            plan = integral
        bound = _price_bound(arcs, gate, caps, weight, post_price, unit_price, scale)
        if bound.total < best.total:
            best = bound
        if best.bound <= int(np.floor(objective + 1e-6)):
            break  # the bound is the LP's value: no prices do better
        # the least reduced cost each person has inside the LP; arcs under it join, with their person's stay arc
        inside = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(inside, arcs.person[lp.columns], bound.rc[lp.columns])
        better = ~lp.member & (bound.rc < inside[arcs.person])
        if not better.any():
            break
        joining = np.zeros(n, dtype=np.bool_)
        joining[arcs.person[better]] = True
        lp.add(np.concatenate([np.flatnonzero(better), stay[joining]]))
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
    people_total, delta = 0, 0
    # the next width after the last, from a ladder that ends at the bound minus the best plan known (a better plan
    # found on the way brings that end closer)
    while (delta := next((w for w in _widths(rungs, bound.bound - incumbent_fit) if w > delta), 0)) > 0:
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
    moves = np.flatnonzero(arcs.post >= 0)
    if (post_group[arcs.post[moves]] != arc_group[moves]).any():
        raise ValueError("an arc joins two groups")
    gated = np.flatnonzero(gate >= 0)
    unit_group = np.full(len(caps), -1, dtype=np.int64)
    unit_group[gate[gated]] = arc_group[gated]
    if (unit_group[gate[gated]] != arc_group[gated]).any():
        raise ValueError("a capped unit spans two groups")
    # the arcs group by group (a stable sort: within a group, in their round order); the groups' bounds from where
    # the sorted labels change (np.unique would sort the 4.5 M labels of a province a second time)
    order = np.argsort(arc_group, kind="stable")
    sorted_group = arc_group[order]
    starts = _run_starts(sorted_group)
    groups = sorted_group[starts]
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
