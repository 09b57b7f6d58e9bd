"""Use cases of objections (keberatan): file, review, and reject or uphold (re-plan and supersede)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mutasi.chassis.http import Caller
from mutasi.placement.domain.planning import Option, replan_person
from mutasi.placement.domain.rounds import Round
from mutasi.placement.service_layer import decision_log, views
from mutasi.placement.service_layer.access import actor, require_self_or_staff
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.planning import entry_for, solve_async
from mutasi.placement.service_layer.pool import PlanOptions, load_pool
from mutasi.placement.service_layer.shared import emit_decisions, idempotent, policy_of, remember


async def file_objection(deps: Deps, caller: Caller, round_id: str, nip: str, reason: str,
                         key: str | None) -> dict[str, Any]:  # fmt: skip
    require_self_or_staff(caller, nip)
    fingerprint = {"objection": round_id, "nip": nip, "reason": reason}
    async with deps.uow() as uow:
        if (stored := await idempotent(uow, caller.agency_id, key, fingerprint)) is not None:
            return stored
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, nip)
        objection = r.file_objection(deps.new_id(), nip, reason, deps.clock().date())
        await deps.store.save_round(uow, r)
        result = views.objection(objection)
        await remember(uow, caller.agency_id, key, fingerprint, result)
        await uow.commit()
    deps.telemetry.objection("filed")
    return result


async def review_objection(deps: Deps, caller: Caller, round_id: str, objection_id: str) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        o = r.start_review(objection_id, actor(caller))
        await deps.store.save_round(uow, r)
        await uow.commit()
    return views.objection(o)


async def resolve_objection(deps: Deps, caller: Caller, round_id: str, objection_id: str, upheld: bool,
                            note: str) -> dict[str, Any]:  # fmt: skip
    """Rejected: the decision stands. Upheld: the person's part of the plan is re-run without the objected post
    and a new decision supersedes the old one (a `mutation-decided` with `supersedes`)."""
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        o = r.objection(objection_id)
        if not upheld:
            r.reject_objection(objection_id, note, actor(caller))
            await deps.store.save_round(uow, r)
            await decision_log.record(
                deps, uow, r, caller, "objection_outcome", decision_log.objection_content(o, "rejected", note)
            )
            await uow.commit()
            deps.telemetry.objection("rejected")
            return views.objection(o)
        old = r.decisions[o.decision_id]
        policy = await policy_of(uow, deps, r.agency_id)
        pool = await load_pool(deps.store, uow, r)
        rules = PlanOptions(weights=_plan_weights(r)).rules(deps.defaults, policy, r)
        solved = await solve_async(pool, r.preferences, rules, r, deps.solver, deps.builder)
        current = _final_assignment(r, solved.built.problem.options)
        choice = replan_person(solved.built.problem, current, o.nip, frozenset({old.to_post}))
        entry = entry_for(o.nip, choice, pool, r, rules)
        summary = views.reason_summary(entry, pool, r) if entry.moved else "Keputusan mutasi dibatalkan."
        new = r.uphold_objection(objection_id, note, actor(caller), entry, deps.new_id(), deps.clock(), summary)
        await emit_decisions(deps.store, uow, r, [new], pool)
        await deps.store.save_round(uow, r)
        await decision_log.record(
            deps,
            uow,
            r,
            caller,
            "objection_outcome",
            {**decision_log.objection_content(o, "upheld", note), **decision_log.decisions_content([new])},
        )
        await uow.commit()
    deps.telemetry.objection("upheld")
    return {**views.objection(o), "decision": views.decision(new)}


def _final_assignment(r: Round, options: Mapping[str, list[Option]]) -> dict[str, Option]:
    """Where everyone is after the round's decisions (plan entries, then active decisions on top)."""
    out: dict[str, Option] = {}
    assert r.plan is not None
    for e in r.plan.entries.values():
        out[e.nip] = Option(e.nip, e.to_post, e.score, not e.moved)
    for d in r.decisions.values():
        if d.superseded_by is None:
            out[d.nip] = Option(d.nip, d.to_post, d.score, d.cancelled)
    return {n: o for n, o in out.items() if n in options}


def _plan_weights(r: Round) -> dict[str, float] | None:
    """The weights the decided plan was computed with, so the re-run part is scored the same way."""
    used = r.plan.rules.get("weights") if r.plan is not None else None
    return {k: float(v) for k, v in used.items()} if isinstance(used, dict) else None
