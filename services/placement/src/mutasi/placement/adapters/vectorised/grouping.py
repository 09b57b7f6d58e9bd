"""Groups of agencies that a round's arcs never cross, so each group can be solved on its own."""

from __future__ import annotations

import numpy as np

from mutasi.placement.adapters.ortools_solver import FlowArcs
from mutasi.placement.adapters.vectorised.arrays import I64, PoolArrays


def agency_groups(arr: PoolArrays, arcs: FlowArcs) -> tuple[I64, I64]:
    """Group of each person and post: agencies, merged where an (asked-for) arc crosses between them."""
    parent = list(range(int(max(arr.agency.max(initial=0), arr.p_agency.max(initial=0))) + 1))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    moves = arcs.post >= 0
    src = arr.agency[arcs.person[moves]]
    dst = arr.p_agency[arcs.post[moves]]
    for a, b in set(zip(src[src != dst].tolist(), dst[src != dst].tolist(), strict=True)):
        parent[root(a)] = root(b)
    roots = np.array([root(a) for a in range(len(parent))], dtype=np.int64)
    return roots[arr.agency], roots[arr.p_agency]
