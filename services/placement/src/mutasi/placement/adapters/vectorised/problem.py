"""domain.options.build_problem on the numpy path: the same options and scores for a whole round."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np

from mutasi.placement.adapters.vectorised.arcs import build_arcs, preference_arrays
from mutasi.placement.adapters.vectorised.arrays import from_domain
from mutasi.placement.domain.eligibility import check_person
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import Option, Person, PlanProblem, max_leavers_by_unit
from mutasi.placement.domain.scoring import SCALE


def build_problem_fast(
    pool: PoolView, preferences: Mapping[str, Preference], rules: PlanningRules, on: date
) -> BuiltProblem:
    """domain.options.build_problem on the numpy path: same options and scores; parts are left for the chosen
    options (the service fills them with the domain scorer)."""
    candidates = [pool.candidates[n] for n in sorted(pool.candidates)]
    posts = list(pool.posts.values())
    if not candidates or not posts:
        return build_problem(pool, preferences, rules, on)
    try:
        arr, index = from_domain(candidates, posts)
    except ValueError:
        return build_problem(pool, preferences, rules, on)
    unit_names = sorted({c.unit_id for c in candidates} | {p.unit_id for p in posts})
    unit_index = {u: k for k, u in enumerate(unit_names)}
    avoid = np.array(sorted(i * arr.n_units + unit_index[u] for i, c in enumerate(candidates)
                            for u in (preferences[c.nip].avoid_units if c.nip in preferences else ())
                            if u in unit_index), dtype=np.int64)  # fmt: skip
    must_fill = np.array([p in rules.must_fill for p in index.post_ids], dtype=np.bool_)
    must_stay = np.array([c.nip in rules.must_stay for c in candidates], dtype=np.bool_)
    built = build_arcs(arr, on, rules.policy, rules.weights, preference_arrays(index, preferences),
                       rules.max_preferences, rules.options_per_person, must_fill, None, must_stay, avoid)  # fmt: skip
    a = built.arcs
    order = np.lexsort((~built.is_stay, a.person))
    options: dict[str, list[Option]] = {c.nip: [] for c in candidates}
    for k in order.tolist():
        c = candidates[int(a.person[k])]
        j = int(a.post[k])
        post_id = index.post_ids[j] if j >= 0 else c.post_id
        options[c.nip].append(Option(c.nip, post_id, int(a.score[k]) / SCALE, bool(built.is_stay[k])))
    people = [Person(c.nip, c.unit_id, c.post_id) for c in candidates]
    problem = PlanProblem(
        people=people, options=options,
        capacity={p.post_id: pool.capacity(p) for p in posts},
        post_unit={p.post_id: p.unit_id for p in posts}, must_fill=rules.must_fill, must_stay=rules.must_stay,
        max_leavers=max_leavers_by_unit(people, rules.max_outflow_pct),
    )  # fmt: skip
    person_results = {c.nip: check_person(c, on, rules.policy) for c in candidates}
    return BuiltProblem(problem, built.eligible_pairs, person_results)
