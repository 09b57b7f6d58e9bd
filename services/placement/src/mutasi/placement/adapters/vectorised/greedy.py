"""The rank-per-vacancy baseline on flow arcs (domain.planning.greedy_plan on arrays)."""

from __future__ import annotations

import numpy as np

from mutasi.placement.adapters.vectorised.arcs import BuiltArcs
from mutasi.placement.adapters.vectorised.arrays import I64, lexsort_ints


def greedy_arcs(built: BuiltArcs, gate: I64 | None = None, caps: I64 | None = None) -> I64:
    """The rank-per-vacancy baseline on arcs: domain.planning.greedy_plan, the same picks when people are indexed
    in NIP order and posts in id order. With `gate` (per arc, the capped unit it leaves, -1 none; see
    caps.unit_gates) and `caps` (per unit, the most that may leave), a unit stops losing people at its cap."""
    arcs = built.arcs
    n = arcs.n_people
    stay_arc = np.flatnonzero(built.is_stay)
    stay_of = np.empty(n, dtype=np.int64)
    stay_of[arcs.person[stay_arc]] = stay_arc
    chosen = stay_of.copy()
    current_post = arcs.post[stay_of]
    moves = np.flatnonzero(~built.is_stay)
    order = moves[lexsort_ints((arcs.person[moves], -arcs.score[moves], arcs.post[moves]))]
    mpost = arcs.post[order]
    bounds = np.searchsorted(mpost, np.arange(arcs.n_posts + 1))
    holders = np.bincount(current_post[current_post >= 0], minlength=arcs.n_posts)
    free = (arcs.capacity - holders).tolist()
    pointer = bounds[:-1].tolist()
    end = bounds[1:].tolist()
    # the moves in visiting order, read through memoryviews: Python lists of every arc (~3.9 M at province size)
    # held ~36 bytes an arc each, ~400 MB for the three, at the plan's peak of memory
    person = np.ascontiguousarray(arcs.person[order], dtype=np.int64).data
    score = np.ascontiguousarray(arcs.score[order], dtype=np.int64).data
    gate_k = np.ascontiguousarray(gate[order], dtype=np.int64).data if gate is not None else None
    stay_score = arcs.score[stay_of].tolist()
    moved = [False] * n
    room = caps.tolist() if caps is not None else []
    cur = current_post.tolist()
    first = np.zeros(arcs.n_posts, dtype=np.bool_)
    first[arcs.post[arcs.priority & (arcs.post >= 0)]] = True
    queue = sorted((j for j in range(arcs.n_posts) if free[j] > 0), key=lambda j: (not first[j], j))
    head = 0
    while head < len(queue):
        j = queue[head]
        head += 1
        if free[j] <= 0:
            continue
        k = pointer[j]
        pick = -1
        while k < end[j]:
            i = person[k]
            if not moved[i] and score[k] > stay_score[i] and (gate_k is None or gate_k[k] < 0 or room[gate_k[k]] > 0):
                pick = k
                k += 1
                break
            k += 1
        pointer[j] = k
        if pick < 0:
            continue
        i = person[pick]
        moved[i] = True
        chosen[i] = order[pick]
        if gate_k is not None and gate_k[pick] >= 0:
            room[gate_k[pick]] -= 1
        free[j] -= 1
        if cur[i] >= 0:
            free[cur[i]] += 1
            queue.append(cur[i])
        if free[j] > 0:
            queue.append(j)
    return chosen
