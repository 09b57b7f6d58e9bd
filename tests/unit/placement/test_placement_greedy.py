"""The greedy baseline (the peers' rank-per-vacancy method): the linear domain version picks exactly what the
plain one-scan-per-vacancy description picks, and the array version on flow arcs agrees with it, unit limits
included."""

from __future__ import annotations

import random
from collections import deque

import numpy as np
import pytest

from mutasi.placement.adapters.ortools_solver import _gates, _to_arcs
from mutasi.placement.adapters.vectorised.arcs import BuiltArcs
from mutasi.placement.adapters.vectorised.greedy import greedy_arcs
from mutasi.placement.domain.planning import Assignment, PlanProblem, greedy_plan, violations

from .placement_factories import problem


def described(p: PlanProblem) -> Assignment:
    """The method as written down: for each vacancy, scan its ranking from the top for the first person who still
    stays, gains by moving and whose unit may still lose someone (quadratic; the reference)."""
    people = {x.nip: x for x in p.people}
    chosen = {nip: p.stay_option(nip) for nip in people}
    holders: dict[str, int] = {}
    for x in p.people:
        if x.post_id in p.capacity:
            holders[x.post_id] = holders.get(x.post_id, 0) + 1
    free = {post: cap - holders.get(post, 0) for post, cap in p.capacity.items()}
    ranked: dict[str, list] = {}
    for nip, options in p.options.items():
        if nip not in p.must_stay:
            for o in options[1:]:
                ranked.setdefault(o.post_id, []).append(o)
    for opts in ranked.values():
        opts.sort(key=lambda o: (-o.scaled, o.nip))
    leavers: dict[str, int] = {}
    queue = deque(sorted((q for q, n in free.items() if n > 0), key=lambda q: (q not in p.must_fill, q)))
    while queue:
        post = queue.popleft()
        if free[post] <= 0:
            continue
        pick = None
        for o in ranked.get(post, []):
            x = people[o.nip]
            capped = p.leaves_unit(x, o) and x.unit_id in p.max_leavers
            if (
                chosen[o.nip].stay
                and o.scaled > chosen[o.nip].scaled
                and (not capped or leavers.get(x.unit_id, 0) < p.max_leavers[x.unit_id])
            ):
                pick = o
                break
        if pick is None:
            continue
        x = people[pick.nip]
        chosen[pick.nip] = pick
        free[post] -= 1
        if p.leaves_unit(x, pick):
            leavers[x.unit_id] = leavers.get(x.unit_id, 0) + 1
        if x.post_id in free:
            free[x.post_id] += 1
            queue.append(x.post_id)
        if free[post] > 0:
            queue.append(post)
    return chosen


def random_round(rng: random.Random, n_people: int = 60, n_posts: int = 12, capped: bool = True,
                 must: bool = True) -> PlanProblem:  # fmt: skip
    """People in NIP order, scores with many ties, vacancy chains, some units capped."""
    units = ["u1", "u2", "u3", "u4"]
    posts = [f"P{j:02d}" for j in range(n_posts)]
    post_unit = {q: rng.choice(units) for q in posts}
    people, options, holders = [], {}, {}
    for i in range(n_people):
        nip = f"N{i:03d}"
        current = rng.choice([*posts, "outside"])
        holders[current] = holders.get(current, 0) + 1
        people.append((nip, post_unit.get(current, rng.choice(units)), current))
        targets = rng.sample([q for q in posts if q != current], k=rng.randint(0, 5))
        options[nip] = [(current, rng.randint(0, 20))] + [(t, rng.randint(0, 25)) for t in targets]
    capacity = {q: holders.get(q, 0) + rng.randint(0, 2) for q in posts}
    kw: dict = {}
    if capped:
        kw["max_leavers"] = {u: rng.randint(0, 4) for u in units[:3]}
    if must:
        kw["must_fill"] = frozenset(rng.sample(posts, 2))
        kw["must_stay"] = frozenset(rng.sample([n for n, _, _ in people], 5))
    return problem(people, options, capacity, post_unit, **kw)


@pytest.mark.parametrize("seed", range(25))
def test_the_linear_greedy_picks_what_the_described_method_picks(seed: int) -> None:
    p = random_round(random.Random(seed), capped=seed % 3 != 0)
    picked = greedy_plan(p)
    assert picked == described(p)
    assert violations(p, picked) == []


@pytest.mark.parametrize("seed", range(25))
def test_the_greedy_on_arcs_agrees_with_the_domain_greedy_unit_limits_included(seed: int) -> None:
    p = random_round(random.Random(100 + seed), capped=seed % 4 != 0, must=False)
    options, arcs = _to_arcs(p)
    built = BuiltArcs(arcs, len(options), np.array([o.stay for o in options], dtype=np.bool_))
    gate, caps = _gates(p, options, arcs) if p.max_leavers else (None, None)
    chosen = greedy_arcs(built, gate, caps)
    on_arcs = {p.people[i].nip: options[int(k)] for i, k in enumerate(chosen)}
    assert on_arcs == greedy_plan(p)
