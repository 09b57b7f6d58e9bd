"""Unit-outflow caps on the numpy path: which arcs leave a capped unit, and each unit's cap."""

from __future__ import annotations

import numpy as np

from mutasi.placement.adapters.flow import FlowArcs
from mutasi.placement.adapters.vectorised.arrays import I64, B, PoolArrays


def unit_gates(arr: PoolArrays, arcs: FlowArcs, is_stay: B, max_outflow_pct: float) -> tuple[I64, I64]:
    """Per arc the unit it leaves (-1 for a stay or a move inside the unit) and per unit the most pool members
    that may leave it: ⌊members × pct / 100⌋, as domain.planning.max_leavers_by_unit."""
    origin = arr.unit[arcs.person].astype(np.int64)
    target = np.where(arcs.post >= 0, arr.p_unit[np.maximum(arcs.post, 0)], -1)
    gate = np.where(~is_stay & (target != origin), origin, -1).astype(np.int64)
    members = np.bincount(arr.unit, minlength=arr.n_units)
    caps = np.floor(members * max_outflow_pct / 100.0).astype(np.int64)
    return gate, caps
