"""Turns a round's pool, posts and preferences into a PlanProblem: eligible options with their fit scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import (
    EligibilityPolicy,
    EligibilityResult,
    MoveContext,
    check_pair,
    check_person,
)
from mutasi.placement.domain.planning import Option, Person, PlanProblem, max_leavers_by_unit
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.scoring import FitWeights, fit_for_move, fit_for_stay


@dataclass(frozen=True)
class Preference:
    """What one ASN asked for in the preferences window: ranked posts and constraints."""

    nip: str
    ranked: tuple[str, ...]
    avoid_units: frozenset[str] = frozenset()  # e.g. units too far from domicile
    note: str = ""


@dataclass(frozen=True)
class PlanningRules:
    """The knobs of one planning run (a what-if scenario changes some of them)."""

    weights: FitWeights = field(default_factory=FitWeights)
    policy: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    max_preferences: int = 5
    max_outflow_pct: float | None = None  # a unit may lose at most this % of its pool members
    options_per_person: int = 50  # best moves kept per person besides the ones they asked for
    must_fill: frozenset[str] = frozenset()
    must_stay: frozenset[str] = frozenset()


@dataclass
class PoolView:
    """Candidates and posts of a round, indexed."""

    candidates: dict[str, Candidate]
    posts: dict[str, Post]
    incumbents: dict[str, int]

    @classmethod
    def of(cls, candidates: Iterable[Candidate], posts: Iterable[Post]) -> PoolView:
        cs = {c.nip: c for c in candidates}
        ps = {p.post_id: p for p in posts}
        inc: dict[str, int] = {}
        for c in cs.values():
            inc[c.post_id] = inc.get(c.post_id, 0) + 1
        return cls(cs, ps, inc)

    def openable(self, post: Post) -> bool:
        held = self.incumbents.get(post.post_id, 0)
        return post.seats > post.bezetting or (post.seats == post.bezetting and held > 0)

    def capacity(self, post: Post) -> int:
        """Seats open to pool members: the ABK gap plus the seats they hold now (their moves free them). A stale
        bezetting below the pool's own holders is read as the holders."""
        held = self.incumbents.get(post.post_id, 0)
        return max(post.seats - max(post.bezetting, held), 0) + held

    def context(
        self, candidate: Candidate, post: Post, on: date, policy: EligibilityPolicy, preference: Preference | None
    ) -> MoveContext:
        own = preference is not None and post.post_id in preference.ranked
        return MoveContext(
            candidate, post, on, policy, own_request=own, movable_incumbents=self.incumbents.get(post.post_id, 0)
        )

    def eligibility(
        self,
        nip: str,
        post_id: str,
        on: date,
        policy: EligibilityPolicy,
        preference: Preference | None,
        person: EligibilityResult | None = None,
    ) -> EligibilityResult:
        """Every rule for the pair; `person` is the person's own rules' result on the same date and policy, if
        already known (it does not depend on the post)."""
        return check_pair(self.context(self.candidates[nip], self.posts[post_id], on, policy, preference), person)


@dataclass(frozen=True)
class BuiltProblem:
    problem: PlanProblem
    eligible_pairs: int
    person_results: Mapping[str, EligibilityResult]


def build_problem(
    pool: PoolView, preferences: Mapping[str, Preference], rules: PlanningRules, on: date
) -> BuiltProblem:
    """Options per person: staying (always) plus every eligible move, scored; keeps the asked-for moves and
    the best `options_per_person` others."""
    open_posts = [p for p in pool.posts.values() if pool.openable(p)]
    capacity = {p.post_id: pool.capacity(p) for p in pool.posts.values()}
    people, options, person_results = [], {}, {}
    eligible_pairs = 0
    for nip in sorted(pool.candidates):
        c = pool.candidates[nip]
        pref = preferences.get(nip)
        ranked = pref.ranked if pref else ()
        people.append(Person(nip, c.unit_id, c.post_id))
        stay_fit = fit_for_stay(c, pool.posts.get(c.post_id), ranked, rules.weights)
        stay = Option(nip, c.post_id, stay_fit.total, True, stay_fit.parts, stay_fit.jpm)
        person = check_person(c, on, rules.policy)
        person_results[nip] = person
        moves: list[Option] = []
        if person.eligible and nip not in rules.must_stay:
            for post in open_posts:
                if post.post_id == c.post_id or (pref and post.unit_id in pref.avoid_units):
                    continue
                if post.agency_id != c.agency_id and post.post_id not in ranked:
                    continue  # another agency's post is considered only on the person's own request
                if not check_pair(pool.context(c, post, on, rules.policy, pref), person).eligible:
                    continue
                fit = fit_for_move(c, post, ranked, rules.max_preferences, rules.weights)
                moves.append(Option(nip, post.post_id, fit.total, False, fit.parts, fit.jpm))
        eligible_pairs += len(moves)
        moves.sort(key=lambda o: (-o.scaled, o.post_id))
        kept = [o for o in moves if o.post_id in ranked]
        kept += [o for o in moves if o.post_id not in ranked][: rules.options_per_person]
        options[nip] = [stay, *kept]
    problem = PlanProblem(
        people=people, options=options, capacity=capacity,
        post_unit={p.post_id: p.unit_id for p in pool.posts.values()},
        must_fill=rules.must_fill, must_stay=rules.must_stay,
        max_leavers=max_leavers_by_unit(people, rules.max_outflow_pct),
    )  # fmt: skip
    return BuiltProblem(problem, eligible_pairs, person_results)
