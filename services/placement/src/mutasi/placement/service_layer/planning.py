"""Planning a round: build the problem, solve it exactly, compare with greedy, explain it to every person."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mutasi.placement.domain.eligibility import EligibilityPolicy, EligibilityResult, move_kind
from mutasi.placement.domain.explanations import Explanation, MoveFacts, explain
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import (
    Assignment,
    Option,
    OptionTable,
    PlanProblem,
    PlanSolver,
    gain_pct,
    greedy_baseline,
    total_fit,
)
from mutasi.placement.domain.rounds import Plan, PlanEntry, Round
from mutasi.placement.domain.scoring import fit_for_move, fit_for_stay
from mutasi.placement.service_layer.deps import Builder

NEXT_BEST = 3  # alternatives an explanation names


@dataclass
class Solved:
    built: BuiltProblem
    optimum: Assignment
    greedy: Assignment
    seconds: float


def solve(pool: PoolView, preferences: Mapping[str, Preference], rules: PlanningRules, r: Round,
          solver: PlanSolver, builder: Builder = build_problem) -> Solved:  # fmt: skip
    """CPU-bound: eligibility, scoring, the exact solve and the greedy baseline."""
    started = time.perf_counter()
    built = builder(pool, preferences, rules, r.effective_date)
    optimum = solver.solve(built.problem)
    seconds = time.perf_counter() - started
    return Solved(built, optimum, greedy_baseline(built.problem), seconds)


async def solve_async(pool: PoolView, preferences: Mapping[str, Preference], rules: PlanningRules, r: Round,
                      solver: PlanSolver, builder: Builder = build_problem) -> Solved:  # fmt: skip
    return await asyncio.to_thread(solve, pool, preferences, rules, r, solver, builder)


def entry_for(nip: str, o: Option, pool: PoolView, r: Round, rules: PlanningRules,
              problem: PlanProblem | None = None) -> PlanEntry:  # fmt: skip
    """A plan entry with the score broken into its parts: the option's, else the stay's as `problem`'s table kept
    them, else recomputed by the domain scorer (the builder leaves them out of its millions of moves)."""
    c = pool.candidates[nip]
    parts, jpm = o.parts, o.jpm
    if not parts:
        table = problem.options if problem is not None else None
        kept = table.stay_fit(nip) if o.stay and isinstance(table, OptionTable) else None
        if kept is not None:
            parts, jpm = kept
        else:
            ranked = r.preferences[nip].ranked if nip in r.preferences else ()
            weights = rules.weights
            fit = (fit_for_stay(c, pool.posts.get(c.post_id), ranked, weights) if o.stay
                   else fit_for_move(c, pool.posts[o.post_id], ranked, rules.max_preferences, weights))  # fmt: skip
            parts, jpm = fit.parts, fit.jpm
    kind = move_kind(c, pool.posts[o.post_id]) if not o.stay and o.post_id in pool.posts else "rotasi"
    return PlanEntry(nip, c.post_id, o.post_id, o.score, dict(parts), jpm, kind=kind)


def to_plan(plan_id: str, solved: Solved, rules_doc: Mapping[str, Any], pool: PoolView, r: Round,
            rules: PlanningRules) -> Plan:  # fmt: skip
    problem = solved.built.problem
    entries = {nip: entry_for(nip, o, pool, r, rules, problem) for nip, o in sorted(solved.optimum.items())}
    best, base = total_fit(solved.optimum), total_fit(solved.greedy)
    status_quo = problem.status_quo_fit()
    return Plan(plan_id, entries, best, base, gain_pct(best, base), solved.built.eligible_pairs,
                round(solved.seconds, 4), dict(rules_doc), status_quo)  # fmt: skip


def post_names(pool: PoolView) -> dict[str, str]:
    """Post id → "name (unit)" as the person reads it."""
    return {p.post_id: f"{p.name} ({p.unit_name})" for p in pool.posts.values()}


def explanations(entries: Iterable[PlanEntry], pool: PoolView, solved: Solved, r: Round, policy: EligibilityPolicy,
                 names: Mapping[str, str]) -> Iterator[Explanation]:  # fmt: skip
    """`explain_person` of each entry (in NIP order, as a plan keeps them), the shortlists of everyone who asked
    for nothing read from the problem in one pass."""
    problem = solved.built.problem
    lists = problem.shortlists(NEXT_BEST + 1)
    for entry in entries:
        nip, options = next(lists)
        while nip != entry.nip:  # a plan has an entry for everyone in the problem, in the same order
            nip, options = next(lists)
        pref = r.preferences.get(entry.nip)
        yield explain_person(entry, pool, solved, r, policy, names, None if pref and pref.ranked else options)


def explain_person(
    entry: PlanEntry,
    pool: PoolView,
    solved: Solved,
    r: Round,
    policy: EligibilityPolicy,
    names: Mapping[str, str],
    options: list[Option] | None = None,
) -> Explanation:
    """The person's explanation; `options`, when given, is the problem's shortlist for the person (asking for
    nothing), else it is read here."""
    pref = r.preferences.get(entry.nip)
    ranked = pref.ranked if pref else ()
    person = solved.built.person_results.get(entry.nip)  # the person's own rules, checked once by the builder
    if options is None:
        options = solved.built.problem.shortlist(entry.nip, ranked, NEXT_BEST + 1)  # what `explain` can name
    asked = asked_results(entry.nip, ranked, options, pool, r.effective_date, policy, pref, person)
    facts = move_facts(entry, pool, r, policy, pref, person)
    return explain(entry, names, options, ranked, asked, person, NEXT_BEST, facts=facts)


def asked_results(
    nip: str,
    ranked: Sequence[str],
    options: Sequence[Option],
    pool: PoolView,
    on: date,
    policy: EligibilityPolicy,
    pref: Preference | None,
    person: EligibilityResult | None,
) -> dict[str, EligibilityResult]:
    """How each asked-for post of the round fares for the person. A post among their options passed every rule
    when the builder made it one (on the same date and policy): it gets a result with no failure, which is all an
    explanation reads of it; the others are checked rule by rule for their reasons."""
    offered = {o.post_id for o in options if not o.stay}
    return {
        post_id: EligibilityResult(nip, post_id, ())
        if post_id in offered
        else pool.eligibility(nip, post_id, on, policy, pref, person)
        for post_id in ranked
        if post_id in pool.posts
    }


def move_facts(
    entry: PlanEntry,
    pool: PoolView,
    r: Round,
    policy: EligibilityPolicy,
    pref: Preference | None,
    person: EligibilityResult | None = None,
) -> MoveFacts:
    """JPM before (assessment's, in the current post), the field match and, for a promotion, every rule's result
    (an explanation shows the rules only for a promotion)."""
    c = pool.candidates[entry.nip]
    post = pool.posts.get(entry.to_post)
    matches = None if post is None or not post.education_fields else c.education_field in post.education_fields
    promoted = entry.moved and post is not None and entry.kind == "promosi"
    checks = pool.eligibility(entry.nip, entry.to_post, r.effective_date, policy, pref, person) if promoted else None
    return MoveFacts(c.jpm_current, c.education_field, matches, checks)


def explanation_doc(r: Round, x: Explanation, decision_id: str | None = None) -> dict[str, Any]:
    return {
        "agency_id": r.agency_id, "round_id": r.round_id, "nip": x.nip, "moved": x.moved, "from_post": x.from_post,
        "to_post": x.to_post, "score": x.score, "parts": dict(x.parts), "override_reason": x.override_reason,
        "asked_for": [
            {"rank": a.rank, "post_id": a.post_id, "eligible": a.eligible, "reasons_id": list(a.reasons_id),
             "reasons_en": list(a.reasons_en), "score": a.score}
            for a in x.asked_for
        ],
        "next_best": [{"post_id": p, "score": s} for p, s in x.next_best],
        "jpm_before": x.jpm_before, "jpm_after": x.jpm_after, "kind": x.kind,
        "requirement_checks": [{"code": c, "outcome": o} for c, o in x.requirement_checks],
        "text_id": list(x.text_id), "decision_id": decision_id,
    }  # fmt: skip
