"""Use cases of a round's lifecycle: announce, preferences, close, approve, decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mutasi.chassis.collector import collector_paused
from mutasi.chassis.http import Caller
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts import topics
from mutasi.contracts.placement import RoundAnnouncedV1
from mutasi.placement.domain.errors import InvalidInput, NotFound
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.rounds import Round
from mutasi.placement.service_layer import decision_log, views
from mutasi.placement.service_layer.access import actor, require_province_over, require_self_or_staff
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.pool import load_people, local_id, pool_members, qualified
from mutasi.placement.service_layer.ports import Store
from mutasi.placement.service_layer.shared import emit_decisions, idempotent, remember


@dataclass(frozen=True)
class AnnounceRound:
    name: str
    period: str
    preferences_open_until: date
    effective_date: date
    max_preferences: int | None = None
    objection_days: int | None = None
    scope_units: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()  # a province round across these agencies


async def announce(deps: Deps, caller: Caller, cmd: AnnounceRound, key: str | None) -> dict[str, Any]:
    if cmd.agencies:
        require_province_over(caller, cmd.agencies)
    fingerprint = {"announce": cmd.__dict__}
    async with deps.uow() as uow:
        if (stored := await idempotent(uow, caller.agency_id, key, fingerprint)) is not None:
            return stored
        r = Round.announce(
            deps.new_id(), caller.agency_id, cmd.name, cmd.period, deps.clock().date(), cmd.preferences_open_until,
            cmd.effective_date, cmd.max_preferences or deps.defaults.max_preferences,
            cmd.objection_days if cmd.objection_days is not None else deps.defaults.objection_days, cmd.scope_units,
            cmd.agencies,
        )  # fmt: skip
        await deps.store.save_round(uow, r)
        notices = [views.notice(r, nip, flag) for nip, flag in await pool_members(deps.store, uow, r)]
        if notices:
            await deps.store.add_notices(uow, notices)
        payload = RoundAnnouncedV1(
            round_id=r.round_id,
            name=r.name,
            period=r.period,
            preferences_open_until=r.preferences_open_until,
            scope_units=list(r.scope_units),
            agencies=list(r.agencies),
        )
        uow.emit(topics.ROUND_ANNOUNCED, payload, agency_id=r.agency_id, subject=r.round_id, program_id=r.round_id)
        result = {**views.round_summary(r, await deps.store.tally(uow, r)), "notices": len(notices)}
        await remember(uow, caller.agency_id, key, fingerprint, result)
        await uow.commit()
    deps.telemetry.round_state(r.agency_id, None, r.state.value)
    return result


async def submit_preference(deps: Deps, caller: Caller, round_id: str, pref: Preference) -> dict[str, Any]:
    require_self_or_staff(caller, pref.nip)
    async with deps.uow() as uow:
        r = await round_for_preference(deps.store, uow, caller, round_id, pref.nip)
        homes = r.agencies if r.cross_agency else (r.agency_id,)
        if r.agency_id != caller.agency_id:  # a province round: a person, or their HR, for their own agency only
            homes = (caller.agency_id,)
        if not [a for a in homes if await deps.store.candidate_doc(uow, a, pref.nip) is not None]:
            raise InvalidInput("nip", f"NIP {pref.nip} belum ada di kumpulan kandidat (belum diasesmen).",
                               f"NIP {pref.nip} is not in the candidate pool (not assessed yet).")  # fmt: skip
        known = await known_posts(deps.store, uow, r, pref.ranked)
        r.submit_preference(pref, deps.clock().date(), known)
        await deps.store.save_round(uow, r)
        await uow.commit()
    return {"round_id": round_id, "nip": pref.nip, "ranked": list(pref.ranked), "avoid_units": sorted(pref.avoid_units)}


async def round_for_preference(store: Store, uow: UnitOfWork, caller: Caller, round_id: str, nip: str) -> Round:
    """The caller's agency's round, or a province round that spans the caller's agency (an ASN asking for a post
    in another agency, or their HR filing the request for them), with only the person's parts loaded."""
    try:
        return await store.get_round_part(uow, caller.agency_id, round_id, nip)
    except NotFound:
        spanning = await store.round_spanning(uow, round_id, caller.agency_id, nip)
        if spanning is None:
            raise
        return spanning


async def known_posts(store: Store, uow: UnitOfWork, r: Round, ranked: tuple[str, ...]) -> frozenset[str]:
    """Which of the ranked post ids exist; in a province round they are `<agency>:<post id>`."""
    if not r.cross_agency:
        return frozenset(await store.existing_post_ids(uow, r.agency_id, ranked))
    found = set()
    for agency_id in r.agencies:
        mine = [local_id(p) for p in ranked if p.startswith(qualified(agency_id, ""))]
        found |= {qualified(agency_id, p) for p in await store.existing_post_ids(uow, agency_id, mine)}
    return frozenset(found)


async def close(deps: Deps, caller: Caller, round_id: str) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        old = r.state.value
        r.close()
        await deps.store.save_round(uow, r)
        summary = views.round_summary(r, await deps.store.tally(uow, r))
        await uow.commit()
    deps.telemetry.round_state(r.agency_id, old, r.state.value)
    return summary


async def approve(deps: Deps, caller: Caller, round_id: str) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        old = r.state.value
        r.approve(actor(caller), deps.clock())
        await deps.store.save_round(uow, r)
        await decision_log.record(
            deps, uow, r, caller, "approval", {"plan_id": r.plan.plan_id if r.plan else None, "state": r.state.value}
        )
        summary = views.round_summary(r, await deps.store.tally(uow, r))
        await uow.commit()
    deps.telemetry.round_state(r.agency_id, old, r.state.value)
    return summary


async def decide(deps: Deps, caller: Caller, round_id: str) -> dict[str, Any]:
    """One decision and one `mutation-decided` per move of the approved plan (the cyclic collector paused, as for
    a plan: a province round decides ~4,000 people at once)."""
    with collector_paused():
        return await _decide(deps, caller, round_id)


async def _decide(deps: Deps, caller: Caller, round_id: str) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round_moves(uow, caller.agency_id, round_id)
        old = r.state.value
        moves = r.plan.moves if r.plan is not None else []
        pool, kept = await load_people(deps.store, uow, r, [(e.nip, e.from_post, e.to_post) for e in moves])
        reasons = {e.nip: views.reason_summary(e, pool, r) for e in moves}
        decisions = r.decide([deps.new_id() for _ in moves], deps.clock(), reasons)
        await emit_decisions(deps.store, uow, r, decisions, pool, kept)
        await deps.store.save_round(uow, r)
        await decision_log.record_decisions(deps, uow, r, caller, "decision", decisions)
        summary = views.round_summary(r, await deps.store.tally(uow, r))
        await uow.commit()
    deps.telemetry.round_state(r.agency_id, old, r.state.value)
    deps.telemetry.decided(len(decisions))
    return {**summary, "decisions": [views.decision(d) for d in decisions]}
