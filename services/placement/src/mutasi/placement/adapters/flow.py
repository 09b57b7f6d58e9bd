"""The min-cost flow over seats (OR-Tools): a round as arrays of arcs, solved whole or per independent group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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

    for g, s, e in zip(groups, starts, ends, strict=True):
        sel = order[s:e]
        people, sub = group_arcs(arcs, sel, person_group == g, post_group == g)
        chosen[people] = sel[solve_flow(sub)]
    return chosen


def group_arcs(arcs: FlowArcs, sel: IntArray, in_people: BoolArray, in_posts: BoolArray) -> tuple[IntArray, FlowArcs]:
    """One group's own flow problem: the arcs `sel` (all inside the group), renumbered over the group's people and
    posts. Returns the group's people (indices in `arcs`) and the sub-problem; its arc k is `sel[k]`."""
    people = np.flatnonzero(in_people)
    posts = np.flatnonzero(in_posts)
    pmap = np.full(arcs.n_people, -1, dtype=np.int64)
    pmap[people] = np.arange(len(people))
    qmap = np.full(arcs.n_posts, -1, dtype=np.int64)
    qmap[posts] = np.arange(len(posts))
    post = arcs.post[sel]
    heads = np.where(post >= 0, qmap[np.maximum(post, 0)], -1)
    sub = FlowArcs(len(people), len(posts), pmap[arcs.person[sel]], heads, arcs.score[sel], arcs.capacity[posts],
                   arcs.priority[sel])  # fmt: skip
    return people, sub
