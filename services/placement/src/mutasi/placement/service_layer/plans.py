"""Use cases of a round's plan: compute it, what-if scenarios, an approver's override of one assignment."""

from __future__ import annotations

from typing import Any

from mutasi.chassis.collector import collector_paused
from mutasi.chassis.http import Caller
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import EligibilityPolicy, move_kind
from mutasi.placement.domain.errors import InvalidInput, InvalidState
from mutasi.placement.domain.fairness import fairness_report
from mutasi.placement.domain.options import PlanningRules, PoolView
from mutasi.placement.domain.planning import Option, diff_plans
from mutasi.placement.domain.rounds import PlanEntry, Round
from mutasi.placement.domain.scoring import FitWeights, fit_for_move, fit_for_stay
from mutasi.placement.service_layer import decision_log, views
from mutasi.placement.service_layer.access import actor
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.fairness import row_doc
from mutasi.placement.service_layer.planning import (
    Solved,
    entry_for,
    explanation_doc,
    explanations,
    post_names,
    solve_async,
    to_plan,
)
from mutasi.placement.service_layer.pool import PlanOptions, load_pool
from mutasi.placement.service_layer.shared import idempotent, policy_of, remember


async def plan(deps: Deps, caller: Caller, round_id: str, options: PlanOptions) -> dict[str, Any]:
    """Read the round and its pool, solve and explain with no transaction open (a transaction idle for 60 s is
    aborted by the database, and a province plan computes for longer), then write the plan in one transaction if
    the round is still as it was read (else 409: plan again). The cyclic collector is paused meanwhile: everything
    a plan builds lives until it ends, and walking it again and again made a province plan grow faster than its
    size."""
    with collector_paused():
        return await _plan(deps, caller, round_id, options)


async def _plan(deps: Deps, caller: Caller, round_id: str, options: PlanOptions) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round_to_plan(uow, caller.agency_id, round_id)  # a new plan replaces every entry
        policy = await policy_of(uow, deps, r.agency_id)
        pool = await load_pool(deps.store, uow, r)
    rules = options.rules(deps.defaults, policy, r)
    solved = await solve_async(pool, r.preferences, rules, r, deps.solver, deps.builder)
    rules_doc = {
        **options.as_dict(),
        "weights": rules.weights.as_dict(),
        "max_outflow_pct": rules.max_outflow_pct,
        "policy": deps.store.policy_to_doc(rules.policy),
        "method": getattr(deps.solver, "last_method", ""),
    }
    new_plan = to_plan(deps.new_id(), solved, rules_doc, pool, r, rules)
    names = post_names(pool)
    papers = (explanation_doc(r, x) for x in explanations(new_plan.entries.values(), pool, solved, r, rules.policy,
                                                          names))  # in NIP order  # fmt: skip
    packed = deps.store.pack_explanations(r.agency_id, r.round_id, papers)  # ~110,000 never held as documents
    async with deps.uow() as uow:
        now = await deps.store.get_round_to_plan(uow, caller.agency_id, round_id, people=False)
        if _changed(r, now):
            raise InvalidState("round_id", "Putaran berubah selama perencanaan; buat rencana lagi.",
                               "The round changed while it was being planned; plan it again.")  # fmt: skip
        old = now.state.value
        now.record_plan(new_plan)
        await deps.store.save_round(uow, now)
        await decision_log.record_plan(deps, uow, now, caller, new_plan)
        await deps.store.replace_explanations(uow, now.agency_id, now.round_id, packed)
        summary = views.plan_summary(now, new_plan, await deps.store.tally(uow, now))
        await uow.commit()
    deps.telemetry.round_state(now.agency_id, old, now.state.value)
    deps.telemetry.plan_solved(new_plan.solve_seconds, new_plan.eligible_pairs, len(new_plan.moves))
    return summary


def _changed(read: Round, now: Round) -> bool:
    """What a plan is made from changed since it was read: the state or the plan it replaces (preferences change
    only while the round is announced, and a round's state only moves on)."""
    plan_id = read.plan.plan_id if read.plan else None
    return (read.state, plan_id) != (now.state, now.plan.plan_id if now.plan else None)


async def scenario(deps: Deps, caller: Caller, round_id: str, options: PlanOptions, key: str | None) -> dict[str, Any]:
    """A what-if: the round re-planned with other weights or rules, as a diff against the current plan."""
    fingerprint = {"scenario": round_id, **options.as_dict()}
    async with deps.uow() as uow:
        if (stored := await idempotent(uow, caller.agency_id, key, fingerprint)) is not None:
            return stored
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        if r.plan is None:
            raise InvalidInput("round_id", "Buat rencana dulu sebelum skenario.", "Plan the round before a scenario.")
        policy = await policy_of(uow, deps, r.agency_id)
        pool = await load_pool(deps.store, uow, r)
        rules = options.rules(deps.defaults, policy, r)
        solved = await solve_async(pool, r.preferences, rules, r, deps.solver, deps.builder)
        problem = solved.built.problem
        base = {e.nip: Option(e.nip, e.to_post, e.score, not e.moved) for e in r.plan.entries.values()
                if e.nip in problem.options}  # fmt: skip
        diff = diff_plans(problem, base, {n: o for n, o in solved.optimum.items() if n in base})
        result = views.scenario(deps.new_id(), r, options, diff)
        result["fairness"] = _scenario_fairness(solved, pool, r, rules)
        await deps.store.add_scenario(uow, result)
        await remember(uow, caller.agency_id, key, fingerprint, result)
        await uow.commit()
    return result


def _scenario_fairness(solved: Solved, pool: PoolView, r: Round, rules: PlanningRules) -> dict[str, Any]:
    """The fairness report of the what-if's plan (same rows as GET /v1/rounds/{id}/fairness)."""
    entries = {n: entry_for(n, o, pool, r, rules) for n, o in solved.optimum.items()}
    excluded = {n for n, res in solved.built.person_results.items() if not res.eligible}
    rows = fairness_report(pool.candidates.values(), entries, excluded, r.effective_date)
    return {"flagged": [f"{x.dimension}={x.group}" for x in rows if x.flagged], "rows": [row_doc(x) for x in rows]}


def _move_entry(c: Candidate, pool: PoolView, r: Round, post_id: str | None, weights_doc: dict[str, Any]) -> PlanEntry:
    weights = FitWeights(**weights_doc) if weights_doc else FitWeights()
    pref = r.preferences.get(c.nip)
    ranked = pref.ranked if pref else ()
    if post_id is None or post_id == c.post_id:
        fit = fit_for_stay(c, pool.posts.get(c.post_id), ranked, weights)
        return PlanEntry(c.nip, c.post_id, c.post_id, fit.total, dict(fit.parts), fit.jpm)
    fit = fit_for_move(c, pool.posts[post_id], ranked, r.max_preferences, weights)
    kind = move_kind(c, pool.posts[post_id])
    return PlanEntry(c.nip, c.post_id, post_id, fit.total, dict(fit.parts), fit.jpm, kind=kind)


async def override(deps: Deps, caller: Caller, round_id: str, nip: str, post_id: str | None,
                   reason: str) -> dict[str, Any]:  # fmt: skip
    """An approver replaces one assignment with another eligible post that still has a seat, with a reason."""
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        current = r.entry(nip)
        pool = await load_pool(deps.store, uow, r)
        policy = await policy_of(uow, deps, r.agency_id)
        if post_id is not None and post_id != current.from_post:
            _check_override_target(r, pool, policy, nip, post_id)
        weights_doc = dict(r.plan.rules.get("weights", {})) if r.plan else {}  # type: ignore[call-overload]
        entry = r.override(_move_entry(pool.candidates[nip], pool, r, post_id, weights_doc), reason, actor(caller))
        await deps.store.save_round(uow, r)
        await decision_log.record(
            deps,
            uow,
            r,
            caller,
            "override",
            {
                "nip": nip,
                "from_post": current.to_post,
                "to_post": entry.to_post,
                "reason": entry.override_reason,
                "score": round(entry.score, 4),
            },
        )
        note = f"Penempatan ini ditetapkan oleh penyetuju dengan alasan tertulis: {entry.override_reason}"
        await deps.store.update_explanation(uow, r.agency_id, r.round_id, nip, {
            "to_post": entry.to_post, "moved": entry.moved, "score": entry.score, "parts": dict(entry.parts),
            "override_reason": entry.override_reason}, add_text=note)  # fmt: skip
        await uow.commit()
    deps.telemetry.override()
    return views.entry(entry)


def _check_override_target(r: Round, pool: PoolView, policy: EligibilityPolicy, nip: str, post_id: str) -> None:
    if post_id not in pool.posts:
        raise InvalidInput("post_id", f"Jabatan {post_id} tidak dikenal.", f"Unknown post {post_id}.")
    result = pool.eligibility(nip, post_id, r.effective_date, policy, r.preferences.get(nip))
    if not result.eligible:
        reasons_id = "; ".join(f"[{f.code}] {f.reason_id}" for f in result.failures)
        reasons_en = "; ".join(f"[{f.code}] {f.reason_en}" for f in result.failures)
        raise InvalidInput("post_id", f"Tidak memenuhi syarat: {reasons_id}", f"Not eligible: {reasons_en}")
    post = pool.posts[post_id]
    capacity = pool.capacity(post)
    assert r.plan is not None
    used = sum(1 for e in r.plan.entries.values() if e.to_post == post_id and e.nip != nip)
    if used >= capacity:
        raise InvalidInput("post_id", f"Tidak ada kursi kosong di {post.name}; ubah penempatan lain dulu.",
                           f"No free seat on {post.name}; change another assignment first.")  # fmt: skip
