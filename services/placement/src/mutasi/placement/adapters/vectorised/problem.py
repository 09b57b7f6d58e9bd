"""domain.options.build_problem on the numpy path: the same options and scores for a whole round, kept as arrays.

A province round has millions of options (≈2.9 M for 111,000 people) and needs objects for only a few of them:
the chosen ones, the stays and what an explanation names. So the options stay in the builder's arrays
(`ArcOptions`, the domain's `OptionTable`): a person's options are made when read, the solver takes the arcs as
they are, and the greedy baseline runs on them (`greedy_arcs`, the same picks as `domain.planning.greedy_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from mutasi.placement.adapters.flow import FlowArcs
from mutasi.placement.adapters.vectorised.arcs import BuiltArcs, build_arcs, preference_arrays
from mutasi.placement.adapters.vectorised.arrays import F64, I64, PoolArrays, from_domain, lexsort_ints
from mutasi.placement.adapters.vectorised.greedy import greedy_arcs
from mutasi.placement.adapters.vectorised.rules import Columns, rule_masks
from mutasi.placement.adapters.vectorised.scoring import stay_parts
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import (
    RULES,
    EligibilityPolicy,
    EligibilityResult,
    Outcome,
    RuleResult,
    Scope,
    check_person,
    rule_applies,
)
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import Assignment, Option, OptionTable, Person, PlanProblem, max_leavers_by_unit
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
    asked = preference_arrays(index, preferences)
    built = build_arcs(arr, on, rules.policy, rules.weights, asked, rules.max_preferences, rules.options_per_person,
                       must_fill, None, must_stay, avoid)  # fmt: skip
    stays = stay_parts(arr, asked.lengths(arr.n_people) > 0, rules.weights)  # what fit_for_stay gives, per person
    table = ArcOptions(built, [c.nip for c in candidates], [c.post_id for c in candidates],
                       [c.unit_id for c in candidates], index.post_ids, (stays, arr.jpm_current))  # fmt: skip
    people = [Person(c.nip, c.unit_id, c.post_id) for c in candidates]
    problem = PlanProblem(
        people=people, options=table,
        capacity={p.post_id: pool.capacity(p) for p in posts},
        post_unit={p.post_id: p.unit_id for p in posts}, must_fill=rules.must_fill, must_stay=rules.must_stay,
        max_leavers=max_leavers_by_unit(people, rules.max_outflow_pct),
    )  # fmt: skip
    person_results = person_results_fast(arr, candidates, on, rules.policy)
    return BuiltProblem(problem, built.eligible_pairs, person_results)


def person_results_fast(arr: PoolArrays, candidates: Sequence[Candidate], on: date,
                        policy: EligibilityPolicy) -> dict[str, EligibilityResult]:  # fmt: skip
    """`check_person` for everyone: whoever passes every person rule's array form gets the result everyone who
    passes shares (each rule passed, or not applicable on the date under the policy); the others are checked by
    the domain, which words the reasons."""
    none = np.zeros(0, np.int64)
    masks = rule_masks(Columns(arr, on, policy, none, none, np.zeros(0, np.bool_)), Scope.PERSON)
    passing = np.ones(arr.n_people, dtype=np.bool_)
    for mask in masks.values():
        passing &= mask
    shared = tuple(
        RuleResult(r.code, Outcome.PASSED if rule_applies(r, policy, on) else Outcome.NOT_APPLICABLE)
        for r in RULES
        if r.scope is Scope.PERSON
    )
    return {c.nip: EligibilityResult(c.nip, None, shared) if ok else check_person(c, on, policy)
            for c, ok in zip(candidates, passing.tolist(), strict=True)}  # fmt: skip


class ArcOptions(OptionTable):
    """Everyone's options as the builder's arcs, ordered as the domain lists them: person by person (NIP order),
    staying first, then the moves in arc order. Implements `domain.planning.OptionTable`; `flow_arcs` and `gates`
    give the solver what `ortools_solver` would make from the option objects, without making them."""

    def __init__(self, built: BuiltArcs, nips: Sequence[str], stay_posts: Sequence[str], units: Sequence[str],
                 post_ids: Sequence[str], stays: tuple[Mapping[str, I64], F64] | None = None) -> None:  # fmt: skip
        a = built.arcs
        order = lexsort_ints((~built.is_stay, a.person))
        self._person = a.person[order]
        self._post = a.post[order]  # index into post_ids; -1 = a stay on a post outside the round
        self._score = a.score[order]
        self._stay = built.is_stay[order]
        self._starts = np.searchsorted(self._person, np.arange(len(nips) + 1)).tolist()
        self._nips = list(nips)
        self._row = {nip: i for i, nip in enumerate(self._nips)}
        self._stay_posts = list(stay_posts)
        self._units = list(units)
        self._post_ids = list(post_ids)
        self._post_row = {p: j for j, p in enumerate(self._post_ids)}
        self._made: dict[str, tuple[PlanProblem, Any]] = {}  # flow_arcs and gates of the last problem asked
        moves = np.flatnonzero(~self._stay)  # person i's moves are best[starts[i] - i : starts[i + 1] - i - 1]
        self._best = moves[lexsort_ints((moves, -self._score[moves], self._person[moves]))]  # ~2.9 M ints
        # each stay's parts in hundredths (part -> one int per person) and raw JPM, as plain lists: a plan reads them
        # for every stayer
        self._stay_parts = {k: v.tolist() for k, v in stays[0].items()} if stays is not None else None
        self._stay_jpm: list[float] = stays[1].tolist() if stays is not None else []

    # --- the mapping NIP -> options ---------------------------------------------------------------------------
    def __getitem__(self, nip: str) -> list[Option]:
        i = self._row[nip]
        return [self._option(k) for k in range(self._starts[i], self._starts[i + 1])]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nips)

    def __len__(self) -> int:
        return len(self._nips)

    def __contains__(self, nip: object) -> bool:
        return nip in self._row

    def _option(self, k: int) -> Option:
        i, j = int(self._person[k]), int(self._post[k])
        post_id = self._post_ids[j] if j >= 0 else self._stay_posts[i]
        return Option.bare(self._nips[i], post_id, int(self._score[k]) / SCALE, bool(self._stay[k]))

    def option_at(self, k: int) -> Option:
        """Option k of the flat list (person by person), the index of `flow_arcs`."""
        return self._option(k)

    def stay(self, nip: str) -> Option:
        return self._option(self._starts[self._row[nip]])

    def stay_fit(self, nip: str) -> tuple[dict[str, float], float] | None:
        """The stay's parts as `scoring.fit_for_stay` rounds them (whole hundredths, a point each) and its raw JPM,
        from the builder's arrays (the property test holds every part of both paths equal)."""
        if self._stay_parts is None:
            return None
        i = self._row[nip]
        return {k: v[i] / SCALE for k, v in self._stay_parts.items()}, self._stay_jpm[i]

    def stays_scaled(self) -> int:
        return int(self._score[self._stay].sum())

    def shortlist(self, nip: str, keep: Collection[str], count: int) -> list[Option]:
        """Staying, the moves to `keep` and the `count` best moves (ties: the earlier), in list order."""
        i = self._row[nip]
        s, e = self._starts[i], self._starts[i + 1]
        best = set(self._best[s - i : min(s - i + count, e - i - 1)].tolist())
        wanted = {self._post_row[p] for p in keep if p in self._post_row} if keep else None
        if wanted:
            best.update(k for k, j in enumerate(self._post[s + 1 : e].tolist(), s + 1) if j in wanted)
        moves = sorted(best)  # every option after the person's first is a move to a post of the round
        nip, post_ids = self._nips[i], self._post_ids
        posts, scores = self._post[moves].tolist(), self._score[moves].tolist()
        made = (Option.bare(nip, post_ids[j], score / SCALE, False) for j, score in zip(posts, scores, strict=True))
        return [self._option(s), *made]

    def shortlists(self, count: int) -> Iterator[tuple[str, list[Option]]]:
        """`shortlist(nip, (), count)` of everyone, in NIP order, read from the arrays in one pass: each person's
        stay is the first arc of their block and their moves sit after it, so one sort of the chosen arcs puts
        every person's options in list order (an explanation per person of a province pool)."""
        n = len(self._nips)
        if n == 0:
            return
        starts = np.asarray(self._starts, dtype=np.int64)
        first = starts[:-1] - np.arange(n)  # where person i's moves begin in `_best`
        take = np.minimum(count, np.diff(starts) - 1)
        within = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
        chosen = np.sort(np.concatenate([starts[:-1], self._best[np.repeat(first, take) + within]]))
        posts, scores = self._post[chosen].tolist(), self._score[chosen].tolist()
        ends = np.cumsum(take + 1).tolist()
        post_ids, nips, stay_posts, at = self._post_ids, self._nips, self._stay_posts, 0
        for i, end in enumerate(ends):
            nip, j = nips[i], posts[at]
            options = [Option.bare(nip, post_ids[j] if j >= 0 else stay_posts[i], scores[at] / SCALE, True)]
            options += [Option.bare(nip, post_ids[j], score / SCALE, False) for j, score in
                        zip(posts[at + 1 : end], scores[at + 1 : end], strict=True)]  # fmt: skip
            yield nip, options
            at = end

    # --- the arrays the solver and the baseline use ----------------------------------------------------------
    def _once(self, name: str, problem: PlanProblem, make: Callable[[PlanProblem], Any]) -> Any:
        """`make(problem)`, made once per problem: the solver and the greedy baseline both ask (nothing changes
        the arrays they are given)."""
        made = self._made.get(name)
        if made is None or made[0] is not problem:
            made = self._made[name] = (problem, make(problem))
        return made[1]

    def flow_arcs(self, problem: PlanProblem) -> FlowArcs:
        """The arcs `ortools_solver` makes from `problem.options` when it is a dict: arc k is `option_at(k)`,
        posts numbered in id order."""
        arcs: FlowArcs = self._once("flow_arcs", problem, self._flow_arcs)
        return arcs

    def _flow_arcs(self, problem: PlanProblem) -> FlowArcs:
        ids = sorted(problem.capacity)
        rank = {p: n for n, p in enumerate(ids)}
        renumber = np.array([rank.get(p, -1) for p in self._post_ids], dtype=np.int64)
        post = np.where(self._post >= 0, renumber[np.maximum(self._post, 0)], -1)
        outside = np.array([rank.get(p, -1) for p in self._stay_posts], dtype=np.int64)
        post = np.where(self._post >= 0, post, outside[self._person])  # a stay's post may be outside the round
        fill_by_post = np.array([p in problem.must_fill for p in self._post_ids] + [False], dtype=np.bool_)
        fill_outside = np.array([p in problem.must_fill for p in self._stay_posts], dtype=np.bool_)
        priority = np.where(self._post >= 0, fill_by_post[self._post], fill_outside[self._person])
        return FlowArcs(
            n_people=len(self._nips), n_posts=len(ids), person=self._person.astype(np.int64), post=post,
            score=self._score.astype(np.int64), capacity=np.array([problem.capacity[p] for p in ids], dtype=np.int64),
            priority=priority,
        )  # fmt: skip

    def gates(self, problem: PlanProblem) -> tuple[I64, I64]:
        """Per arc the capped unit it leaves (-1 if none; index into the capped units in id order), and each capped
        unit's cap — `ortools_solver`'s gates of the same options."""
        gates: tuple[I64, I64] = self._once("gates", problem, self._gates)
        return gates

    def _gates(self, problem: PlanProblem) -> tuple[I64, I64]:
        units = sorted(problem.max_leavers)
        index = {u: n for n, u in enumerate(units)}
        person_gate = np.array([index.get(u, -1) for u in self._units], dtype=np.int64)
        code: dict[str | None, int] = {}
        origin = np.array([code.setdefault(u, len(code)) for u in self._units], dtype=np.int64)
        target_of_post = np.array([code.setdefault(problem.post_unit.get(p), len(code)) for p in self._post_ids] + [-1],
                                  dtype=np.int64)  # fmt: skip
        leaves = ~self._stay & (self._post >= 0) & (target_of_post[self._post] != origin[self._person])
        gate = np.where(leaves, person_gate[self._person], -1).astype(np.int64)
        return gate, np.array([problem.max_leavers[u] for u in units], dtype=np.int64)

    def greedy(self, problem: PlanProblem) -> Assignment:
        """`domain.planning.greedy_plan` on the arcs: people in NIP order and posts in id order give the same
        picks (its unit limits through the same gates)."""
        arcs = self.flow_arcs(problem)
        gate, caps = self.gates(problem) if problem.max_leavers else (None, None)
        chosen = greedy_arcs(BuiltArcs(arcs, 0, self._stay), gate, caps)
        self._made.clear()  # the baseline comes after the solve: nothing asks for these arrays again
        return {self._nips[i]: self._option(int(k)) for i, k in enumerate(chosen.tolist())}
