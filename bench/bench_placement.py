"""Benchmark: a synthetic Sumatera Barat province round (117,000 ASN, 15,000 posts, ~50 eligible posts each),
planned without a unit-outflow cap and with the service's default cap (30% of a unit's pool members), side by side.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from datetime import date
from typing import Any

import numpy as np

from mutasi.placement.adapters.capped import solve_capped
from mutasi.placement.adapters.ortools_solver import solve_flow_by_group
from mutasi.placement.adapters.vectorised.arcs import build_arcs
from mutasi.placement.adapters.vectorised.arrays import NO_DATE, PoolArrays
from mutasi.placement.adapters.vectorised.caps import unit_gates
from mutasi.placement.adapters.vectorised.greedy import greedy_arcs
from mutasi.placement.adapters.vectorised.grouping import agency_groups
from mutasi.placement.domain.eligibility import EligibilityPolicy
from mutasi.placement.domain.planning import gain_pct
from mutasi.placement.domain.ranks import POST_TYPE_LEVEL, POST_TYPES
from mutasi.placement.domain.scoring import FitWeights

PEOPLE = 117_000
POSTS = 15_000
AGENCIES = 20  # 1 province + 12 kabupaten + 7 kota (docs/domain.md#scale)
UNITS_PER_AGENCY = 30
FIELDS = 30
CODES = 10  # 8 managerial + perekat bangsa + one technical
ON = date(2026, 11, 1)


def synthetic_province(seed: int = 2026, people: int = PEOPLE, posts: int = POSTS) -> PoolArrays:
    """A reproducible province: posts spread over agencies and units, everyone holding one post."""
    rng = np.random.default_rng(seed)
    p_agency = rng.integers(0, AGENCIES, posts).astype(np.int32)
    p_unit = (p_agency * UNITS_PER_AGENCY + rng.integers(0, UNITS_PER_AGENCY, posts)).astype(np.int32)
    gmin = rng.integers(4, 14, posts).astype(np.int32)
    gmax = np.minimum(gmin + rng.integers(1, 4, posts), 16).astype(np.int32)
    field_required = rng.random(posts) < 0.45
    field_mask = np.where(
        rng.random(posts) < 0.6,
        (np.int64(1) << rng.integers(0, FIELDS, posts)) | (np.int64(1) << rng.integers(0, FIELDS, posts)),
        0,
    ).astype(np.int64)
    standard = rng.integers(1, 4, (posts, CODES)).astype(np.int32)
    # post types as in a kota: mostly pelaksana and JF, some pengawas and administrator (domain.ranks.POST_TYPES)
    p_type = rng.choice(np.array([6, 5, 4, 3], dtype=np.int32), posts, p=[0.55, 0.3, 0.1, 0.05])
    p_level = np.array([POST_TYPE_LEVEL[t] for t in POST_TYPES], dtype=np.int32)[p_type]
    # everyone holds a post of their agency whose range covers their golongan
    holder_post = rng.integers(0, posts, people).astype(np.int32)
    golongan = rng.integers(gmin[holder_post], gmax[holder_post] + 1).astype(np.int32)
    bezetting = np.bincount(holder_post, minlength=posts).astype(np.int32)
    shape = rng.random(posts)
    seats = np.where(
        shape < 0.45,
        bezetting + rng.integers(1, 3, posts),
        np.where(shape < 0.65, bezetting, np.maximum(bezetting - 1, 0)),
    )
    as_of = np.full(people, ON.toordinal(), dtype=np.int32)
    appointed = ON.toordinal() - rng.integers(365, 12000, people)
    tmt_pns = np.where(rng.random(people) < 0.95, appointed, NO_DATE).astype(np.int32)
    return PoolArrays(
        agency=p_agency[holder_post],
        unit=p_unit[holder_post],
        post=holder_post,
        kind=np.where(rng.random(people) < 0.9, 0, 2).astype(np.int32),
        golongan=golongan,
        education=rng.integers(5, 8, people).astype(np.int32),
        field=rng.integers(0, FIELDS, people).astype(np.int32),
        months_in_post=rng.integers(0, 120, people).astype(np.int32),
        as_of=as_of,
        years_to_bup=rng.uniform(0, 35, people),
        tmt_pns=tmt_pns,
        jpt=rng.random(people) < 0.01,
        discipline_until=np.where(rng.random(people) < 0.02, ON.toordinal() + 100, NO_DATE).astype(np.int32),
        in_court=rng.random(people) < 0.01,
        study_leave=rng.random(people) < 0.01,
        audit_open=rng.random(people) < 0.005,
        cltn=rng.random(people) < 0.005,
        perf_pass=rng.random((people, 2)) < 0.95,
        perf_count=np.full(people, 2, dtype=np.int32),
        box=rng.integers(1, 10, people).astype(np.int32),
        jpm_current=rng.uniform(50, 100, people),
        re_placement=rng.random(people) < 0.02,
        level=p_level[holder_post],
        bup=np.full(people, 58.0),
        ukom_passed=rng.random(people) < 0.3,
        demotion_penalty=np.zeros(people, dtype=np.bool_),
        levels=rng.integers(1, 5, (people, CODES)).astype(np.int32),
        p_agency=p_agency,
        p_unit=p_unit,
        gmin=gmin,
        gmax=gmax,
        edu_min=rng.choice(np.array([-1, 5, 6], dtype=np.int32), posts),
        field_mask=field_mask,
        field_required=field_required,
        seats=seats.astype(np.int32),
        bezetting=bezetting,
        blackout_covered=rng.random(posts) < 0.1,
        standard=standard,
        p_type=p_type,
        p_level=p_level,
        p_bup=np.full(posts, 58.0),
        p_eselon=np.isin(p_type, [3, 4]),
        p_ukom=(p_type == 5) & (rng.random(posts) < 0.5),
        coi_keys=np.zeros(0, dtype=np.int64),
        n_units=AGENCIES * UNITS_PER_AGENCY,
    )


REPEATS = int(os.environ.get("BENCH_PLACEMENT_REPEATS", "3"))
# The capped plan takes 13–15 s on a quiet 2-core machine (minutes at loads of 5–7, docs/adr/0020): one sample
# unless asked for more.
CAPPED_REPEATS = int(os.environ.get("BENCH_PLACEMENT_CAPPED_REPEATS", "1"))
MAX_OUTFLOW_PCT = 30.0  # the service default (settings.max_outflow_pct)
MIP_SECONDS = float(os.environ.get("BENCH_PLACEMENT_MIP_SECONDS", "1800"))


def _once(arr: PoolArrays, cap_pct: float | None = None) -> dict[str, Any]:
    timings: dict[str, float] = {}
    built = build_arcs(arr, ON, EligibilityPolicy(), FitWeights(), options_per_person=1000, timings=timings)
    solve_start = time.perf_counter()
    groups = agency_groups(arr, built.arcs)
    extra: dict[str, Any] = {}
    if cap_pct is None:
        chosen = solve_flow_by_group(built.arcs, *groups)
    else:
        gate, caps = unit_gates(arr, built.arcs, built.is_stay, cap_pct)
        stay = np.flatnonzero(built.is_stay)  # one stay arc per person, in person order
        result = solve_capped(built.arcs, gate, caps, stay, *groups, mip_seconds=MIP_SECONDS)
        chosen = result.chosen
        leavers = np.bincount(gate[chosen][gate[chosen] >= 0], minlength=len(caps))
        extra = {"method": result.method, "proven": result.proven, "binding_units": result.binding_units,
                 "tight_units": int(((leavers == caps) & (caps > 0)).sum()), "price_rounds": result.price_rounds,
                 "residual_people": result.residual_people, "groups_capped": result.groups_capped,
                 "over_cap_units": int((leavers > caps).sum())}  # fmt: skip
    solved = time.perf_counter()
    greedy = greedy_arcs(built)
    greedy_done = time.perf_counter()
    return {"built": built, "chosen": chosen, "greedy": greedy, "eligibility": timings["eligibility"],
            "scoring": timings["scoring"], "solve": solved - solve_start, "greedy_seconds": greedy_done - solved,
            "plan": timings["eligibility"] + timings["scoring"] + (solved - solve_start), **extra}  # fmt: skip


def _median(samples: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(s[key] for s in samples))


def run() -> list[dict[str, Any]]:
    """Time eligibility, scoring, the exact solve and the greedy baseline (medians of `REPEATS` runs on the same
    province, each sample reported too); report fit, gain and memory. Then the same round under the default
    unit-outflow cap (`CAPPED_REPEATS` runs): plan time, how the optimum was proven, binding units, fit."""
    started = time.perf_counter()
    arr = synthetic_province()
    generated = time.perf_counter()
    samples = [_once(arr) for _ in range(max(1, REPEATS))]
    last = samples[-1]
    built, chosen, greedy = last["built"], last["chosen"], last["greedy"]
    scores = built.arcs.score
    optimum_fit = float(scores[chosen].sum()) / 100
    greedy_fit = float(scores[greedy].sum()) / 100
    moved = int((~built.is_stay[chosen]).sum())
    status_quo = float(scores[built.is_stay].sum()) / 100
    improvement_gain = 100 * (optimum_fit - greedy_fit) / (greedy_fit - status_quo) if greedy_fit > status_quo else 0.0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    meta = {
        "people": arr.n_people,
        "posts": arr.n_posts,
        "eligible_pairs": built.eligible_pairs,
        "eligible_per_person": round(built.eligible_pairs / arr.n_people, 1),
        "arcs": len(scores),
        "cores": os.cpu_count(),
        "repeats": len(samples),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    base = {"bench": "placement.province_round", **meta, "max_outflow_pct": None}

    rows = [
        ("generate_seconds", generated - started, "s"),
        ("eligibility_seconds", _median(samples, "eligibility"), "s"),
        ("scoring_seconds", _median(samples, "scoring"), "s"),
        ("solve_seconds", _median(samples, "solve"), "s"),
        ("plan_seconds", _median(samples, "plan"), "s"),
        ("greedy_seconds", _median(samples, "greedy_seconds"), "s"),
        ("peak_rss_mb", peak_mb, "MB"),
        ("total_fit", optimum_fit, "points"),
        ("greedy_total_fit", greedy_fit, "points"),
        ("gain_over_greedy_pct", gain_pct(optimum_fit, greedy_fit), "%"),
        ("status_quo_total_fit", status_quo, "points"),
        ("gain_over_greedy_of_improvement_pct", improvement_gain, "%"),
        ("moves", moved, "people"),
    ]
    records = [{**base, "metric": m, "value": round(float(v), 3), "unit": u} for m, v, u in rows]
    records.append({**base, "metric": "plan_seconds_samples", "value": [round(s["plan"], 3) for s in samples],
                    "unit": "s"})  # fmt: skip
    from bench.placement_consume import run_handler  # the pool consumer on a real database
    from bench.placement_service import run_service  # a province round's use cases on a real database

    return records + _capped_records(arr, meta, optimum_fit) + run_handler() + run_service()


def _capped_records(arr: PoolArrays, meta: dict[str, Any], uncapped_fit: float) -> list[dict[str, Any]]:
    """The same province under the default cap, in records marked by `max_outflow_pct`."""
    samples = [_once(arr, MAX_OUTFLOW_PCT) for _ in range(max(1, CAPPED_REPEATS))]
    last = samples[-1]
    built, chosen = last["built"], last["chosen"]
    fit = float(built.arcs.score[chosen].sum()) / 100
    base = {"bench": "placement.province_round", **meta, "repeats": len(samples), "max_outflow_pct": MAX_OUTFLOW_PCT,
            "load_average_1m": round(os.getloadavg()[0], 2)}  # fmt: skip
    rows = [
        ("solve_seconds", _median(samples, "solve"), "s"),
        ("plan_seconds", _median(samples, "plan"), "s"),
        ("total_fit", fit, "points"),
        ("uncapped_total_fit", uncapped_fit, "points"),
        ("cap_cost_pct", 100 * (uncapped_fit - fit) / uncapped_fit if uncapped_fit else 0.0, "%"),
        ("moves", int((~built.is_stay[chosen]).sum()), "people"),
        ("binding_units", last["binding_units"], "units"),
        ("tight_units", last["tight_units"], "units"),
        ("over_cap_units", last["over_cap_units"], "units"),
        ("price_rounds", last["price_rounds"], "LP solves"),
        ("residual_people", last["residual_people"], "people"),
        ("groups_capped", last["groups_capped"], "groups"),
    ]
    records = [{**base, "metric": m, "value": round(float(v), 3), "unit": u} for m, v, u in rows]
    records.append({**base, "metric": "method", "value": last["method"], "proven": last["proven"], "unit": ""})
    records.append({**base, "metric": "plan_seconds_samples", "value": [round(s["plan"], 3) for s in samples],
                    "methods": [s["method"] for s in samples], "unit": "s"})  # fmt: skip
    return records


if __name__ == "__main__":
    for record in run():
        sys.stdout.write(json.dumps(record) + "\n")
