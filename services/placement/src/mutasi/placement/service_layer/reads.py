"""Reads for HR and for the person: rounds, plans, decisions, unit effects, explanations, the pool, the rules."""

from __future__ import annotations

from typing import Any

from mutasi.chassis.http import Caller
from mutasi.placement.domain.eligibility import RULES, EligibilityPolicy, check_person
from mutasi.placement.domain.errors import NotFound
from mutasi.placement.domain.rounds import Round
from mutasi.placement.service_layer import fairness, views
from mutasi.placement.service_layer.access import require_self_or_staff
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.events import kind_of, post_ref
from mutasi.placement.service_layer.pool import load_pool
from mutasi.placement.service_layer.ports import Store
from mutasi.placement.service_layer.shared import policy_of


async def list_rounds(deps: Deps, caller: Caller) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        found = await deps.store.rounds_of(uow, caller.agency_id)
        return [views.round_summary(r, await deps.store.tally(uow, r)) for r in found]


async def round_summary(deps: Deps, caller: Caller, round_id: str) -> dict[str, Any]:
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        return views.round_summary(r, await deps.store.tally(uow, r))


async def plan_entries(deps: Deps, caller: Caller, round_id: str, moves_only: bool, limit: int,
                       after: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The plan's totals and one page of its entries in NIP order (`next`: the cursor of the following page)."""
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        if r.plan is None:
            raise NotFound("plan", "Putaran ini belum punya rencana.", "This round has no plan yet.")
        page = await deps.store.plan_entries_page(uow, r, moves_only, limit, after)
        t = await deps.store.tally(uow, r)
    return {**views.plan_summary(r, r.plan, t), "entries": [views.entry(e) for e in page.items], "next": page.next}


async def decisions(deps: Deps, caller: Caller, round_id: str, limit: int, after: str | None = None) -> dict[str, Any]:
    """One page of the round's decisions (superseded ones included) in NIP order."""
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        page = await deps.store.decisions_page(uow, r, limit, after)
    return {"round_id": r.round_id, "decisions": [views.decision(d) for d in page.items], "next": page.next}


async def objections(deps: Deps, caller: Caller, round_id: str, limit: int, after: str | None = None) -> dict[str, Any]:
    """One page of the round's objections in NIP order."""
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, None)
        page = await deps.store.objections_page(uow, r, limit, after)
    return {"round_id": r.round_id, "objections": [views.objection(o) for o in page.items], "next": page.next}


async def scenarios(deps: Deps, caller: Caller, round_id: str) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        return await deps.store.scenarios(uow, caller.agency_id, round_id)


async def units(deps: Deps, caller: Caller, round_id: str) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        pool = await load_pool(deps.store, uow, r)
    return views.unit_summary(r, pool)


async def explanation(deps: Deps, caller: Caller, round_id: str, nip: str) -> dict[str, Any]:
    require_self_or_staff(caller, nip)
    async with deps.uow() as uow:
        doc = await deps.store.explanation(uow, caller.agency_id, round_id, nip)
        if doc is None:
            raise NotFound("nip", f"Belum ada penjelasan untuk NIP {nip}.", f"No explanation for NIP {nip} yet.")
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, nip)
    return _naming_decision(doc, r, nip)


def _naming_decision(explanation: dict[str, Any], r: Round, nip: str) -> dict[str, Any]:
    """The explanation with the person's decision in force (the latest one for them), named when it is read."""
    decision = r.active_decision(nip)
    return {**explanation, "decision_id": decision.decision_id if decision else None}


async def my_status(deps: Deps, caller: Caller, round_id: str, nip: str) -> dict[str, Any]:
    """What the person sees during the round: notice, their preferences, the rules they meet today, and the
    explanation and decision once there are any."""
    require_self_or_staff(caller, nip)
    async with deps.uow() as uow:
        r = await deps.store.get_round_part(uow, caller.agency_id, round_id, nip)
        t = await deps.store.tally(uow, r)
        cdoc = await deps.store.candidate_doc(uow, caller.agency_id, nip)
        notice = await deps.store.notice(uow, caller.agency_id, round_id, nip)
        expl = await deps.store.explanation(uow, caller.agency_id, round_id, nip)
        policy = await deps.store.load_policy(uow, caller.agency_id, deps.defaults.policy)
    if cdoc is None:
        raise NotFound("nip", f"NIP {nip} tidak ada di kumpulan kandidat.", f"NIP {nip} is not in the candidate pool.")
    person = check_person(deps.store.candidate_from_doc(cdoc), r.effective_date, policy)
    pref = r.preferences.get(nip)
    decision = r.active_decision(nip)
    return {
        "round": views.round_summary(r, t), "nip": nip, "name": cdoc["name"], "notice": (notice or {}).get("text_id"),
        "follow_up": cdoc.get("follow_up"),
        "preference": {"ranked": list(pref.ranked), "avoid_units": sorted(pref.avoid_units)} if pref else None,
        "eligibility": [{"code": x.code, "outcome": x.outcome.value, "reason_id": x.reason_id,
                         "reason_en": x.reason_en} for x in person.results],
        "explanation": _naming_decision(expl, r, nip) if expl else None,
        "decision": views.decision(decision) if decision else None,
    }  # fmt: skip


async def candidates(deps: Deps, caller: Caller, listed: bool = True) -> dict[str, Any]:
    async with deps.uow() as uow:
        if not listed:
            return {"count": await deps.store.count_candidates(uow, caller.agency_id), "candidates": []}
        docs = await deps.store.candidate_docs(uow, caller.agency_id)
    keep = ("nip", "name", "unit_id", "post_id", "golongan", "talent_box", "jpm_current", "follow_up", "as_of")
    return {"count": len(docs), "candidates": [{k: d.get(k) for k in keep} for d in docs]}


def rules_table() -> list[dict[str, Any]]:
    return [
        {"code": r.code, "title_id": r.title_id, "title_en": r.title_en, "source": r.source, "scope": r.scope.value,
         "effective_from": r.effective_from.isoformat() if r.effective_from else None,
         "effective_to": r.effective_to.isoformat() if r.effective_to else None}
        for r in RULES
    ]  # fmt: skip


async def get_policy(deps: Deps, caller: Caller) -> dict[str, Any]:
    async with deps.uow() as uow:
        return deps.store.policy_to_doc(await deps.store.load_policy(uow, caller.agency_id, deps.defaults.policy))


async def put_policy(deps: Deps, caller: Caller, doc: dict[str, Any]) -> dict[str, Any]:
    policy = policy_from_request(deps.store, doc, deps.defaults.policy)
    async with deps.uow() as uow:
        await deps.store.save_policy(uow, caller.agency_id, policy, caller.user)
        await uow.commit()
    return deps.store.policy_to_doc(policy)


def policy_from_request(store: Store, doc: dict[str, Any], base: EligibilityPolicy) -> EligibilityPolicy:
    """A partial policy document over the defaults (already validated by the route's model)."""
    merged = {**store.policy_to_doc(base), **{k: v for k, v in doc.items() if v is not None}}
    return store.policy_from_doc(merged)


# --- exports -------------------------------------------------------------------------------------
SK_HEADER = ["No", "NIP", "Nama", "Golongan", "Jabatan Lama", "Unit Kerja Lama", "Jabatan Baru", "Unit Kerja Baru",
             "Jenis Mutasi", "TMT", "Nomor Keputusan", "Menggantikan Keputusan", "Alasan", "Skor Kecocokan",
             "Alasan Penyetuju"]  # fmt: skip


async def export_xlsx(deps: Deps, caller: Caller, round_id: str) -> bytes:
    """The plan, the decisions (the rows an SK draft is typed from) and the per-unit summary."""
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        pool = await load_pool(deps.store, uow, r)
        cdocs = {d["nip"]: d for d in await deps.store.candidate_docs(uow, caller.agency_id)}
        policy = await policy_of(uow, deps, r.agency_id)
    rows = _sk_rows(r, pool.posts, cdocs)
    fair = fairness.rows_for(r, pool, policy) if r.plan is not None else []
    plan_rows = [[e.nip, cdocs.get(e.nip, {}).get("name", ""), e.from_post, e.to_post, "pindah" if e.moved else "tetap",
                  e.score, e.jpm_target, e.override_reason or ""]
                 for e in (r.plan.entries.values() if r.plan else [])]  # fmt: skip
    unit_rows = [[u["unit_id"], u["unit_name"], u["kebutuhan"], u["bezetting"], u["incoming"], u["outgoing"],
                  u["bezetting_after"], u["selisih_after"]] for u in views.unit_summary(r, pool)]  # fmt: skip
    return deps.write_sheets([
        ("keputusan", SK_HEADER, rows),
        ("rencana", ["NIP", "Nama", "Jabatan Lama", "Jabatan Rencana", "Status", "Skor", "JPM %", "Alasan Penyetuju"],
         plan_rows),
        ("ringkasan_unit", ["Unit", "Nama Unit", "Kebutuhan", "Bezetting", "Masuk", "Keluar", "Bezetting Sesudah",
                            "Selisih Sesudah"], unit_rows),
        ("keadilan", fairness.SHEET_HEADER, fairness.sheet_rows(fair)),
    ])  # fmt: skip


def _sk_rows(r: Round, posts: dict[str, Any], cdocs: dict[str, dict[str, Any]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for n, d in enumerate(sorted(r.decisions.values(), key=lambda x: (x.nip, x.decided_at)), start=1):
        c = cdocs.get(d.nip, {})
        old = post_ref(posts.get(d.from_post), c.get("current_post"), d.from_post)
        new = post_ref(posts.get(d.to_post), c.get("current_post"), d.to_post)
        kind = "pembatalan" if d.cancelled else kind_of(old, new)
        out.append([n, d.nip, c.get("name", ""), c.get("golongan", ""), old.post_name, old.unit_name, new.post_name,
                    new.unit_name, kind, d.effective_date.isoformat(), d.decision_id, d.supersedes or "",
                    d.reason_summary, d.score, d.override_reason or ""])  # fmt: skip
    return out
