"""The exact plan under unit-outflow caps, one independent group at a time.

A cap limits how many people may leave a unit: a side constraint on the "leaving" arcs of the unit's people
(the unit's gate), which a min-cost flow cannot express. Per group (a set of people and posts no arc leaves,
e.g. agencies that share no asked-for post; a unit belongs to one agency, so its gate stays inside a group):

1. The plain flow; if no cap is exceeded, that is the optimum.
2. Lagrangian pricing: a price per unit is charged on its gate arcs and the flow re-solved for that group only.
   Any price vector gives an upper bound L(price) on the capped optimum; a capped-feasible flow that reaches the
   bound is optimal (certificate). Prices move by a Newton step: from the flow's node potentials each leaver's
   regret (what staying inside the unit would cost them) is known, and a unit over its cap raises its price
   past the regret of its k-th cheapest leaver (k = its excess), within a bisection bracket.
3. When no price certifies (ties or a fractional LP optimum), reduced-cost fixing settles it: with the
   potentials of the best-bound flow, every capped plan x obeys
       fit(x) ≤ L − Σ |reduced cost of arc a| · |x_a − flow_a|,
   so a plan within δ of the bound uses no arc whose reduced cost exceeds δ. An integer program (HiGHS) over the
   people with an arc of reduced cost ≤ δ, everyone else fixed to the flow, finds the best plan of that residual;
   if it reaches L − δ it is the capped optimum, otherwise δ grows (to the bound minus the best plan found) and
   the residual is solved again. Exact by construction; only a time limit can stop it short, and then the result
   says so (method "mip_time_limited").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
from ortools.math_opt.python import mathopt

from mutasi.placement.adapters.flow import FlowArcs, group_arcs, solve_flow

IntArray = npt.NDArray[np.int64]
_BIG = np.iinfo(np.int64).max // 4

# Methods from best to worst; a province reports the worst of its groups.
METHODS = ("min_cost_flow", "certified", "mip_residual", "mip_time_limited")


@dataclass(frozen=True)
class CappedSolve:
    """The chosen arc per person and how the result was proven."""

    chosen: IntArray
    method: str  # one of METHODS (the worst group's)
    proven: bool  # False only when the integer program's time limit stopped it
    binding_units: int  # units the plain flow would have taken over their cap
    price_rounds: int  # flow re-solves spent on pricing, over all groups
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


def _kth_per_unit(unit: IntArray, regret: IntArray, k: IntArray, units: int) -> IntArray:
    """Per unit, the k-th smallest regret among the given people (_BIG when fewer)."""
    out = np.full(units, _BIG, dtype=np.int64)
    if not len(unit):
        return out
    order = np.lexsort((regret, unit))
    u, r = unit[order], regret[order]
    start = np.searchsorted(u, np.arange(units))
    count = np.bincount(u, minlength=units)
    ok = (k >= 1) & (k <= count)
    out[ok] = r[start[ok] + k[ok] - 1]
    return out


@dataclass
class _Pricing:
    price: IntArray
    low: IntArray
    high: IntArray

    def step(self, arcs: FlowArcs, gate: IntArray, excess: IntArray, rc: IntArray, chosen: IntArray) -> bool:
        """Newton step on each unit's price, kept inside its bracket (else bisection); False when no price moves."""
        n, units = arcs.n_people, len(self.price)
        price = self.price
        self.low = np.where(excess > 0, np.maximum(self.low, price), self.low)
        self.high = np.where((excess < 0) | ((excess == 0) & (price == 0)), np.minimum(self.high, price), self.high)
        unit_of = np.full(n, -1, dtype=np.int64)
        unit_of[arcs.person[gate >= 0]] = gate[gate >= 0]
        leaving = gate[chosen] >= 0
        stay_regret = np.full(n, _BIG, dtype=np.int64)
        np.minimum.at(stay_regret, arcs.person[gate < 0], rc[gate < 0])
        leave_regret = np.full(n, _BIG, dtype=np.int64)
        np.minimum.at(leave_regret, arcs.person[gate >= 0], rc[gate >= 0])
        up = _kth_per_unit(unit_of[leaving], stay_regret[leaving], excess, units)
        inside = ~leaving & (unit_of >= 0)
        down = _kth_per_unit(unit_of[inside], leave_regret[inside], -excess, units)
        proposal = np.where(excess > 0, price + np.minimum(up, _BIG // 2) + 1,
                            np.where((excess < 0) & (price > 0), price - np.minimum(down, price), price))  # fmt: skip
        self.high = np.where(self.high <= self.low, _BIG, self.high)  # prices of other units moved the bracket
        inside_bracket = (proposal > self.low) & (proposal < self.high)
        middle = np.where(self.high >= _BIG, 2 * self.low + 1, (self.low + self.high) // 2)
        new = np.where(inside_bracket, proposal, np.maximum(middle, self.low + 1))
        new = np.where((excess == 0) | ((excess < 0) & (price == 0)), price, new)
        moved = bool((new != price).any())
        self.price = np.asarray(new, dtype=np.int64)
        return moved


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
    rounds: int = 1,
    deadline: float | None = None,
    first_delta: int = 64,
    dual_rounds: int = 2,
    dual_delta: int = 300,
) -> _GroupResult:
    """The capped optimum of one group (gate: the group's unit index of each arc, -1 = not leaving a capped unit;
    stay: each person's stay arc, the always-feasible fallback)."""
    units = len(caps)
    chosen = solve_flow(arcs)
    excess = leavers(gate, chosen, units) - caps
    if (excess <= 0).all():
        return _GroupResult(chosen, "min_cost_flow")
    binding = int((excess > 0).sum())
    weight = weights(arcs)
    pricing = _Pricing(np.zeros(units, np.int64), np.zeros(units, np.int64), np.full(units, _BIG, np.int64))
    best_bound, best_flow, best_value = _BIG, chosen, weight
    incumbent, incumbent_fit = np.asarray(stay, dtype=np.int64), int(weight[stay].sum())
    spent, newton_left, duals_left = 0, rounds, dual_rounds
    best_price = pricing.price
    while True:
        value = weight - np.where(gate >= 0, pricing.price[np.maximum(gate, 0)], 0)
        bound = int(value[chosen].sum() + pricing.price @ caps)
        if bound < best_bound:
            best_bound, best_flow, best_value, best_price = bound, chosen, value, pricing.price.copy()
        if (excess <= 0).all() and int(weight[chosen].sum()) > incumbent_fit:
            incumbent, incumbent_fit = chosen, int(weight[chosen].sum())
        if incumbent_fit >= best_bound:
            return _GroupResult(incumbent, "certified", binding, spent)
        if newton_left > 0 and pricing.step(arcs, gate, excess, reduced_costs(arcs, value, chosen), chosen):
            newton_left -= 1
        elif duals_left > 0:  # prices from the residual's linear relaxation around the best-bound flow
            duals_left, newton_left = duals_left - 1, 0
            rc = reduced_costs(arcs, best_value, best_flow)
            guess = _residual_prices(arcs, gate, caps, weight, best_flow, rc, dual_delta, best_price)
            if (guess == pricing.price).all():
                break
            pricing.price = guess
        else:
            break
        chosen = solve_flow(arcs, np.where(gate >= 0, pricing.price[np.maximum(gate, 0)], 0))
        spent += 1
        excess = leavers(gate, chosen, units) - caps
    rc = reduced_costs(arcs, best_value, best_flow)
    return _residual(arcs, gate, caps, weight, best_flow, rc, best_bound, incumbent, incumbent_fit, deadline,
                     binding, spent, first_delta)  # fmt: skip


def _residual(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    weight: IntArray,
    flow: IntArray,
    rc: IntArray,
    bound: int,
    incumbent: IntArray,
    incumbent_fit: int,
    deadline: float | None,
    binding: int,
    spent: int,
    first_delta: int,
) -> _GroupResult:
    """Reduced-cost fixing around the best-bound flow, growing δ until the residual program proves its plan."""
    widest = int(rc.max()) if len(rc) else 0
    delta = max(1, min(bound - incumbent_fit, first_delta))
    people_total = 0
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        chosen, status, free_people = _residual_program(arcs, gate, caps, weight, flow, rc, delta, left)
        people_total += free_people
        if chosen is not None and int(weight[chosen].sum()) > incumbent_fit:
            incumbent, incumbent_fit = chosen, int(weight[chosen].sum())
        if status == "optimal" and (incumbent_fit >= bound - delta or delta >= widest):
            return _GroupResult(incumbent, "mip_residual", binding, spent, people_total)
        if status == "time_limited":
            return _GroupResult(incumbent, "mip_time_limited", binding, spent, people_total)
        delta = max(delta + 1, min(bound - incumbent_fit, delta * 4))


@dataclass
class _Residual:
    """The round with everyone fixed to the flow except the people who have another arc of reduced cost ≤ δ."""

    var: IntArray  # arcs that are variables
    model: mathopt.Model
    x: list[mathopt.Variable]
    unit_rows: dict[int, mathopt.LinearConstraint]
    free_people: int


def _residual_model(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, flow: IntArray, rc: IntArray,
                    delta: int, integer: bool) -> _Residual | None:  # fmt: skip
    n = arcs.n_people
    open_arc = rc <= delta
    free_person = np.bincount(arcs.person[open_arc], minlength=n) > 1
    var = np.flatnonzero(open_arc & free_person[arcs.person])
    fixed = flow[~free_person]
    fixed_posts = arcs.post[fixed]
    seats = arcs.capacity - np.bincount(fixed_posts[fixed_posts >= 0], minlength=arcs.n_posts)
    room = caps - leavers(gate, fixed, len(caps))
    if (seats < 0).any() or (room < 0).any():
        return None
    model = mathopt.Model(name="residual")
    x = [model.add_variable(lb=0.0, ub=1.0, is_integer=integer) for _ in range(len(var))]
    by_person: dict[int, list[int]] = {}
    by_post: dict[int, list[int]] = {}
    by_gate: dict[int, list[int]] = {}
    for slot, k in enumerate(var.tolist()):
        by_person.setdefault(int(arcs.person[k]), []).append(slot)
        if arcs.post[k] >= 0:
            by_post.setdefault(int(arcs.post[k]), []).append(slot)
        if gate[k] >= 0:
            by_gate.setdefault(int(gate[k]), []).append(slot)
    for slots in by_person.values():
        model.add_linear_constraint(mathopt.fast_sum(x[s] for s in slots) == 1)
    for j, slots in by_post.items():
        if len(slots) > seats[j]:
            model.add_linear_constraint(mathopt.fast_sum(x[s] for s in slots) <= int(seats[j]))
    unit_rows = {}
    for u, slots in by_gate.items():
        if len(slots) > room[u]:
            unit_rows[u] = model.add_linear_constraint(mathopt.fast_sum(x[s] for s in slots) <= int(room[u]))
    # the objective relative to the flow keeps its magnitude small, so a zero gap is exact in floating point
    gain = (weight[var] - weight[flow[arcs.person[var]]]).tolist()
    model.maximize(mathopt.fast_sum(g * xs for g, xs in zip(gain, x, strict=True) if g))
    return _Residual(var, model, x, unit_rows, int(free_person.sum()))


def _residual_prices(arcs: FlowArcs, gate: IntArray, caps: IntArray, weight: IntArray, flow: IntArray,
                     rc: IntArray, delta: int, price: IntArray) -> IntArray:  # fmt: skip
    """Unit prices from the duals of the residual's linear relaxation (units without a row keep theirs): the
    residual holds nearly everything that competes for the gates, so its duals are a good guess of the exact
    ones, and any guess gives a valid bound once the flow is re-solved with it."""
    residual = _residual_model(arcs, gate, caps, weight, flow, rc, delta, integer=False)
    if residual is None or not residual.unit_rows:
        return price
    params = mathopt.SolveParameters(enable_output=False)
    result = mathopt.solve(residual.model, mathopt.SolverType.HIGHS, params=params)
    if result.termination.reason != mathopt.TerminationReason.OPTIMAL:
        return price
    out = price.copy()
    for u, row in residual.unit_rows.items():
        out[u] = round(abs(result.dual_values(row)))
    return out


def _residual_program(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    weight: IntArray,
    flow: IntArray,
    rc: IntArray,
    delta: int,
    seconds: float | None,
) -> tuple[IntArray | None, str, int]:
    """The integer program over the arcs with reduced cost ≤ δ; people with no such arc besides their flow arc
    keep it. Solved by HiGHS through MathOpt with a zero optimality gap, and "optimal" only when the dual bound
    is within less than one hundredth of a point (scores are integers). Returns the whole group's plan (None if
    none), "optimal" / "infeasible" / "time_limited" and how many people were free."""
    residual = _residual_model(arcs, gate, caps, weight, flow, rc, delta, integer=True)
    if residual is None:
        return None, "infeasible", 0
    params = mathopt.SolveParameters(enable_output=False, relative_gap_tolerance=0.0, absolute_gap_tolerance=0.5)
    if seconds is not None:
        params.time_limit = timedelta(seconds=max(seconds, 0.5))
    result = mathopt.solve(residual.model, mathopt.SolverType.HIGHS, params=params)
    reason = result.termination.reason
    if reason in (mathopt.TerminationReason.INFEASIBLE, mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
        return None, "infeasible", residual.free_people
    if not result.has_primal_feasible_solution():
        return None, "time_limited", residual.free_people
    values = result.variable_values(residual.x)
    picked = residual.var[np.array([v > 0.5 for v in values], dtype=np.bool_)]
    chosen = flow.copy()
    chosen[arcs.person[picked]] = picked
    bounds = result.termination.objective_bounds
    proven = reason == mathopt.TerminationReason.OPTIMAL and bounds.dual_bound < bounds.primal_bound + 1
    return chosen, "optimal" if proven else "time_limited", residual.free_people


def solve_capped(
    arcs: FlowArcs,
    gate: IntArray,
    caps: IntArray,
    stay: IntArray,
    person_group: IntArray | None = None,
    post_group: IntArray | None = None,
    mip_seconds: float = 120.0,
    rounds: int = 1,
    first_delta: int = 64,
    dual_rounds: int = 2,
) -> CappedSolve:
    """The capped optimum of a whole round, group by group (gate: capped unit index of each arc or -1; caps: most
    leavers per unit; stay: each person's stay arc). Without groups, the connected parts of the round are used.
    `rounds` (Newton price steps), `dual_rounds` (price guesses from the residual's linear relaxation) and
    `first_delta` (the first residual's reduced-cost width) change only the speed, never the result."""
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
    chosen = np.full(arcs.n_people, -1, dtype=np.int64)
    worst, binding, spent, residual, capped = 0, 0, 0, 0, 0
    for g, s, e in zip(groups.tolist(), starts.tolist(), ends.tolist(), strict=True):
        sel = order[s:e]
        people, sub = group_arcs(arcs, sel, person_group == g, post_group == g)
        g_gate = gate[sel]
        units = np.unique(g_gate[g_gate >= 0])
        umap = np.full(len(caps), -1, dtype=np.int64)
        umap[units] = np.arange(len(units))
        local_gate = np.where(g_gate >= 0, umap[np.maximum(g_gate, 0)], -1)
        amap = np.full(len(gate), -1, dtype=np.int64)
        amap[sel] = np.arange(len(sel))
        result = solve_group(
            sub, local_gate, caps[units], amap[stay[people]], rounds, deadline, first_delta, dual_rounds
        )
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
